// The ImageDecoder's core parsing: header probes, the blocking byte store,
// and the animated WebP reader and compositor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <thread>
#include <vector>

#include "core/image_probe.h"
#include "core/image_source.h"
#include "core/webp_anim.h"

namespace wcn {
namespace {

using Bytes = std::vector<uint8_t>;

void Put(Bytes* b, const char* s) { b->insert(b->end(), s, s + std::strlen(s)); }
void Le(Bytes* b, uint32_t v, int n) {
  for (int i = 0; i < n; i++) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Be32(Bytes* b, uint32_t v) {
  for (int i = 3; i >= 0; i--) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Bytes GifHeader(bool loop_ext, uint16_t loops) {
  Bytes b;
  Put(&b, "GIF89a");
  Le(&b, 8, 2);
  Le(&b, 8, 2);
  b.insert(b.end(), {0x80, 0, 0});  // global table of 2 colours
  b.insert(b.end(), 6, 0);
  if (loop_ext) {
    b.insert(b.end(), {0x21, 0xff, 11});
    Put(&b, "NETSCAPE2.0");
    b.insert(b.end(), {3, 1});
    Le(&b, loops, 2);
    b.push_back(0);
  }
  b.insert(b.end(), {0x21, 0xfe, 2, 'h', 'i', 0});  // a comment
  b.push_back(0x2c);
  return b;
}

TEST(ImageProbe, GifLoopExtension) {
  ImageHeader h;
  Bytes forever = GifHeader(true, 0);
  ASSERT_EQ(ProbeImageHeader(ImageType::kGif, forever.data(), forever.size(), &h), ProbeResult::kDone);
  EXPECT_TRUE(h.animated);
  EXPECT_TRUE(std::isinf(*h.repetition_count));
  Bytes twice = GifHeader(true, 2);
  ASSERT_EQ(ProbeImageHeader(ImageType::kGif, twice.data(), twice.size(), &h), ProbeResult::kDone);
  EXPECT_EQ(*h.repetition_count, 2);
  Bytes none = GifHeader(false, 0);
  ASSERT_EQ(ProbeImageHeader(ImageType::kGif, none.data(), none.size(), &h), ProbeResult::kDone);
  EXPECT_FALSE(h.animated);
  EXPECT_FALSE(h.repetition_count.has_value());
  // Every prefix short of the first image asks for more; none is invalid.
  for (size_t n = 0; n < twice.size(); n++) {
    EXPECT_EQ(ProbeImageHeader(ImageType::kGif, twice.data(), n, &h), ProbeResult::kNeedMore) << n;
  }
  Bytes bad = twice;
  bad[0] = 'X';
  EXPECT_EQ(ProbeImageHeader(ImageType::kGif, bad.data(), bad.size(), &h), ProbeResult::kInvalid);
}

Bytes PngWith(const char* chunk, uint32_t plays) {
  Bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Be32(&b, 13);
  Put(&b, "IHDR");
  b.insert(b.end(), 13 + 4, 0);
  if (std::strcmp(chunk, "acTL") == 0) {
    Be32(&b, 8);
    Put(&b, "acTL");
    Be32(&b, 3);
    Be32(&b, plays);
    Be32(&b, 0);
  }
  Be32(&b, 0);
  Put(&b, "IDAT");
  return b;
}

TEST(ImageProbe, PngAnimationControl) {
  ImageHeader h;
  Bytes apng = PngWith("acTL", 3);
  ASSERT_EQ(ProbeImageHeader(ImageType::kPng, apng.data(), apng.size(), &h), ProbeResult::kDone);
  EXPECT_TRUE(h.animated);
  EXPECT_EQ(*h.repetition_count, 2);  // three plays
  Bytes forever = PngWith("acTL", 0);
  ASSERT_EQ(ProbeImageHeader(ImageType::kPng, forever.data(), forever.size(), &h), ProbeResult::kDone);
  EXPECT_TRUE(std::isinf(*h.repetition_count));
  Bytes still = PngWith("none", 0);
  ASSERT_EQ(ProbeImageHeader(ImageType::kPng, still.data(), still.size(), &h), ProbeResult::kDone);
  EXPECT_FALSE(h.animated);
  EXPECT_EQ(ProbeImageHeader(ImageType::kPng, apng.data(), 40, &h), ProbeResult::kNeedMore);
}

// An animated WebP of `frames` lossless frames, as RIFF bytes.
Bytes WebpAnimation(const std::vector<Bytes>& frames, uint16_t loops) {
  Bytes body;
  Put(&body, "WEBP");
  Put(&body, "VP8X");
  Le(&body, 10, 4);
  body.insert(body.end(), {0x12, 0, 0, 0});  // animation + alpha
  Le(&body, 15, 3);
  Le(&body, 7, 3);  // 16x8 canvas
  Put(&body, "ANIM");
  Le(&body, 6, 4);
  Le(&body, 0, 4);
  Le(&body, loops, 2);
  for (const Bytes& f : frames) body.insert(body.end(), f.begin(), f.end());
  Bytes riff;
  Put(&riff, "RIFF");
  Le(&riff, static_cast<uint32_t>(body.size()), 4);
  riff.insert(riff.end(), body.begin(), body.end());
  return riff;
}

Bytes Anmf(uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t ms, uint8_t flags, uint32_t payload) {
  Bytes b;
  Put(&b, "ANMF");
  Le(&b, 16 + 8 + payload + (payload & 1), 4);
  Le(&b, x / 2, 3);
  Le(&b, y / 2, 3);
  Le(&b, w - 1, 3);
  Le(&b, h - 1, 3);
  Le(&b, ms, 3);
  b.push_back(flags);
  Put(&b, "VP8L");
  Le(&b, payload, 4);
  b.insert(b.end(), payload + (payload & 1), 0x2f);
  return b;
}

TEST(ImageProbe, WebpAnimationHeader) {
  ImageHeader h;
  Bytes anim = WebpAnimation({}, 4);
  ASSERT_EQ(ProbeImageHeader(ImageType::kWebp, anim.data(), anim.size(), &h), ProbeResult::kDone);
  EXPECT_TRUE(h.animated);
  EXPECT_EQ(h.canvas_width, 16u);
  EXPECT_EQ(h.canvas_height, 8u);
  EXPECT_EQ(*h.repetition_count, 3);
  for (size_t n = 0; n + 1 < anim.size(); n++) {
    EXPECT_EQ(ProbeImageHeader(ImageType::kWebp, anim.data(), n, &h), ProbeResult::kNeedMore) << n;
  }
}

Bytes AvifFtyp(const char* major, std::initializer_list<const char*> compatible) {
  Bytes b;
  Be32(&b, static_cast<uint32_t>(16 + 4 * compatible.size()));
  Put(&b, "ftyp");
  Put(&b, major);
  Be32(&b, 0);
  for (const char* brand : compatible) Put(&b, brand);
  return b;
}

TEST(ImageProbe, AvifBrandsNameItsImages) {
  struct Case {
    Bytes ftyp;
    bool item, sequence;
  };
  const Case cases[] = {
      {AvifFtyp("avif", {"mif1", "miaf"}), true, false},
      {AvifFtyp("avis", {"avif", "avis", "msf1"}), true, true},
      {AvifFtyp("avis", {"msf1"}), false, true},
      {AvifFtyp("mif1", {"miaf"}), true, false},  // neither brand: look for an item
  };
  for (const Case& c : cases) {
    ImageHeader h;
    ASSERT_EQ(ProbeImageHeader(ImageType::kAvif, c.ftyp.data(), c.ftyp.size(), &h), ProbeResult::kDone);
    EXPECT_EQ(h.avif_item, c.item);
    EXPECT_EQ(h.animated, c.sequence);
    for (size_t n = 0; n < c.ftyp.size(); n++) {
      EXPECT_EQ(ProbeImageHeader(ImageType::kAvif, c.ftyp.data(), n, &h), ProbeResult::kNeedMore) << n;
    }
  }
  Bytes moov = AvifFtyp("avif", {});
  std::memcpy(moov.data() + 4, "moov", 4);
  ImageHeader h;
  EXPECT_EQ(ProbeImageHeader(ImageType::kAvif, moov.data(), moov.size(), &h), ProbeResult::kInvalid);
}

// Found by fuzz_image_decoder under UBSan: an ImageDecoder given no bytes
// probed with memcmp on a null pointer. Every type waits for bytes instead.
TEST(ImageProbe, NoBytesYetNeedsMore) {
  for (ImageType type : {ImageType::kJpeg, ImageType::kPng, ImageType::kGif, ImageType::kWebp, ImageType::kBmp,
                         ImageType::kAvif, ImageType::kIco}) {
    ImageHeader header;
    header.animated = true;
    EXPECT_EQ(ProbeImageHeader(type, nullptr, 0, &header), ProbeResult::kNeedMore) << ImageTypeName(type);
    EXPECT_FALSE(header.animated) << ImageTypeName(type);
  }
}

TEST(ImageProbe, MimeTypes) {
  EXPECT_EQ(ImageTypeForMime("image/jpeg"), ImageType::kJpeg);
  EXPECT_EQ(ImageTypeForMime("image/apng"), ImageType::kPng);
  EXPECT_EQ(ImageTypeForMime("image/vnd.microsoft.icon"), ImageType::kIco);
  EXPECT_FALSE(ImageTypeForMime("image/tiff").has_value());
}

TEST(ByteStore, ReadWaitsForBytesAndReleases) {
  ByteStore store(1 << 20, "test data", "the test's cap");
  // Each time the reader is about to wait, the next chunk arrives (from
  // its own thread, which the store allows: on_wait runs unlocked).
  const uint8_t a[3] = {1, 2, 3}, b[3] = {4, 5, 6};
  int waits = 0;
  store.set_on_wait([&] {
    bool woke = false;
    ++waits;
    EXPECT_TRUE(store.Append(waits == 1 ? a : b, 3, &woke).ok());
    EXPECT_TRUE(woke);  // the reader was marked as waiting
  });
  uint8_t out[4] = {};
  EXPECT_EQ(store.Read(2, out, 4), 1);  // what has arrived, not what was asked
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(store.Read(3, out, 4), 3);
  EXPECT_EQ(waits, 2);
  EXPECT_EQ(std::vector<uint8_t>(out, out + 3), (std::vector<uint8_t>{4, 5, 6}));
  store.ReleaseBefore(3);
  EXPECT_EQ(store.Read(0, out, 1), -1);  // released
  EXPECT_EQ(store.Read(3, out, 1), 1);
  EXPECT_EQ(store.Read(6, out, 1, /*block=*/false), 0);
  EXPECT_EQ(waits, 2);
  store.End();
  EXPECT_EQ(store.Read(6, out, 1), 0);  // the end of complete data
}

TEST(ByteStore, CapFailsCleanly) {
  ByteStore store(10, "test data", "the test's cap");
  bool woke = false;
  const uint8_t data[8] = {};
  EXPECT_TRUE(store.Append(data, 8, &woke).ok());
  const Status s = store.Append(data, 8, &woke);
  EXPECT_EQ(s.kind, ErrorKind::kQuotaExceededError);
  EXPECT_EQ(store.received(), 8u);
  EXPECT_EQ(store.Charge(3).kind, ErrorKind::kQuotaExceededError);
  EXPECT_TRUE(store.Charge(2).ok());
}

TEST(ByteStore, CloseWakesAReader) {
  ByteStore store(100, "test data", "the test's cap");
  std::thread reader([&] {
    uint8_t out;
    EXPECT_EQ(store.Read(0, &out, 1), -1);
  });
  // Whether the reader is already waiting or not yet reading, it ends.
  store.Close();
  reader.join();
}

TEST(WebpAnimation, FramesRewrappedAsStills) {
  Bytes file = WebpAnimation({Anmf(0, 0, 16, 8, 100, 0x02, 5), Anmf(2, 4, 4, 2, 40, 0x01, 3)}, 0);
  ByteStore store(1 << 20, "test data", "the test's cap");
  bool woke;
  ASSERT_TRUE(store.Append(file.data(), file.size(), &woke).ok());
  store.End();
  StoreReader reader(&store);
  avio_skip(reader.avio(), 12);
  PacketPtr pkt;
  WebpFrameInfo info;
  ASSERT_EQ(ReadWebpAnimationFrame(reader.avio(), 16, 8, &pkt, &info), 0);
  EXPECT_EQ(info.width, 16u);
  EXPECT_FALSE(info.blend);
  EXPECT_EQ(info.duration_ms, 100u);
  ASSERT_GE(pkt->size, 30);
  EXPECT_EQ(std::memcmp(pkt->data, "RIFF", 4), 0);
  EXPECT_EQ(std::memcmp(pkt->data + 12, "VP8X", 4), 0);
  EXPECT_EQ(std::memcmp(pkt->data + 30, "VP8L", 4), 0);
  ASSERT_EQ(ReadWebpAnimationFrame(reader.avio(), 16, 8, &pkt, &info), 0);
  EXPECT_EQ(info.x, 2u);
  EXPECT_EQ(info.y, 4u);
  EXPECT_TRUE(info.dispose_to_background);
  EXPECT_EQ(ReadWebpAnimationFrame(reader.avio(), 16, 8, &pkt, &info), AVERROR_EOF);
  // A frame outside the canvas is malformed.
  Bytes outside = WebpAnimation({Anmf(14, 0, 4, 2, 40, 0, 3)}, 0);
  ByteStore store2(1 << 20, "test data", "the test's cap");
  ASSERT_TRUE(store2.Append(outside.data(), outside.size(), &woke).ok());
  store2.End();
  StoreReader reader2(&store2);
  avio_skip(reader2.avio(), 12);
  EXPECT_EQ(ReadWebpAnimationFrame(reader2.avio(), 16, 8, &pkt, &info), AVERROR_INVALIDDATA);
}

TEST(WebpAnimation, CompositorBlendsAndDisposes) {
  WebpCompositor c;
  ASSERT_TRUE(c.Reset(4, 2).ok());
  EXPECT_EQ(c.Reset(20000, 20000).kind, ErrorKind::kEncodingError);  // over the pixel limit
  ASSERT_TRUE(c.Reset(4, 2).ok());
  const uint8_t opaque[4 * 4 * 2] = {
      10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255,
      10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255,
  };
  c.Draw(opaque, 16, WebpFrameInfo{0, 0, 4, 2, 0, false, false});
  // Half-transparent white over the first pixel, a transparent pixel that
  // leaves the second unchanged; then disposed before the next frame.
  const uint8_t over[2 * 4] = {255, 255, 255, 128, 0, 0, 0, 0};
  c.Draw(over, 8, WebpFrameInfo{0, 0, 2, 1, 0, true, true});
  FramePtr f = c.Snapshot();
  const uint8_t* p = f->data[0];
  EXPECT_EQ(p[3], 255);
  EXPECT_NEAR(p[0], (255 * 128 + 10 * 127) / 255, 1);
  EXPECT_EQ(std::vector<uint8_t>(p + 4, p + 8), (std::vector<uint8_t>{10, 20, 30, 255}));
  const uint8_t none[4] = {1, 1, 1, 255};
  c.Draw(none, 4, WebpFrameInfo{2, 0, 1, 1, 0, false, false});
  f = c.Snapshot();
  p = f->data[0];
  EXPECT_EQ(std::vector<uint8_t>(p, p + 8), (std::vector<uint8_t>(8, 0)));  // disposed to transparent
  EXPECT_EQ(std::vector<uint8_t>(p + 8, p + 12), (std::vector<uint8_t>{1, 1, 1, 255}));
}

}  // namespace
}  // namespace wcn
