// What the ImageDecoder reads from a still's container: EXIF orientation,
// whether the frame's data is all there, and the byte store handing a
// still's bytes over as one padded packet.
#include <gtest/gtest.h>

#include <cstring>
#include <tuple>
#include <vector>

#include "core/image_source.h"
#include "core/image_still.h"

namespace wcn {
namespace {

using Bytes = std::vector<uint8_t>;

void Put(Bytes* b, const char* s, size_t n) { b->insert(b->end(), s, s + n); }
void Be16(Bytes* b, uint32_t v) { b->insert(b->end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}); }
void Be32(Bytes* b, uint32_t v) {
  for (int i = 3; i >= 0; i--) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Le(Bytes* b, uint32_t v, int n) {
  for (int i = 0; i < n; i++) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A TIFF structure whose IFD0 holds Orientation = value (after a Make tag).
Bytes Tiff(bool big_endian, uint16_t value) {
  Bytes b;
  auto u16 = [&](uint32_t v) { big_endian ? Be16(&b, v) : Le(&b, v, 2); };
  auto u32 = [&](uint32_t v) { big_endian ? Be32(&b, v) : Le(&b, v, 4); };
  Put(&b, big_endian ? "MM\0*" : "II*\0", 4);
  u32(8);
  u16(2);
  u16(0x010f), u16(2), u32(4), Put(&b, "abc\0", 4);  // Make, ASCII, inline
  u16(0x0112), u16(3), u32(1), u16(value), u16(0);
  u32(0);
  return b;
}

TEST(ImageStill, ExifOrientationBothByteOrders) {
  for (bool big : {false, true}) {
    for (uint16_t v = 1; v <= 8; v++) {
      Bytes t = Tiff(big, v);
      EXPECT_EQ(ExifOrientation(t.data(), t.size()), v);
      Bytes prefixed;
      Put(&prefixed, "Exif\0\0", 6);
      prefixed.insert(prefixed.end(), t.begin(), t.end());
      EXPECT_EQ(ExifOrientation(prefixed.data(), prefixed.size()), v);
    }
    Bytes bad = Tiff(big, 9);
    EXPECT_EQ(ExifOrientation(bad.data(), bad.size()), 0);
  }
  // Cut anywhere before the value, or not TIFF at all: no orientation.
  Bytes t = Tiff(false, 6);
  for (size_t n = 0; n < 30; n++) EXPECT_EQ(ExifOrientation(t.data(), n), 0) << n;
  EXPECT_EQ(ExifOrientation(reinterpret_cast<const uint8_t*>("XX*\0\x08\0\0\0"), 8), 0);
}

TEST(ImageStill, OrientationTable) {
  const ImageOrientation expected[] = {{0, false},  {0, false}, {0, true},  {180, false}, {180, true},
                                       {90, true}, {90, false}, {270, true}, {270, false}};
  for (int v = 0; v <= 8; v++) EXPECT_EQ(OrientationFromExif(v), expected[v]) << v;
  EXPECT_EQ(OrientationFromExif(42), (ImageOrientation{0, false}));
}

Bytes PngChunk(const char* type, const Bytes& data) {
  Bytes b;
  Be32(&b, static_cast<uint32_t>(data.size()));
  Put(&b, type, 4);
  b.insert(b.end(), data.begin(), data.end());
  Be32(&b, 0);  // CRC: not checked here
  return b;
}

TEST(ImageStill, PngNeedsIend) {
  Bytes png;
  Put(&png, "\x89PNG\r\n\x1a\n", 8);
  for (const Bytes& c : {PngChunk("IHDR", Bytes(13)), PngChunk("eXIf", Tiff(true, 3)), PngChunk("IDAT", Bytes(40)),
                         PngChunk("IEND", {})}) {
    png.insert(png.end(), c.begin(), c.end());
  }
  StillInfo whole = InspectStill(ImageType::kPng, png.data(), png.size());
  EXPECT_EQ(whole.truncated, "");
  EXPECT_EQ(whole.exif_orientation, 3);
  for (size_t n = 8; n < png.size(); n++) {
    EXPECT_NE(InspectStill(ImageType::kPng, png.data(), n).truncated, "") << n;
  }
  EXPECT_EQ(InspectStill(ImageType::kPng, png.data(), png.size() - 20).truncated,
            "The PNG data (" + std::to_string(png.size() - 20) + " bytes) ends inside its IDAT chunk (" +
                std::to_string(png.size() - 12) + " bytes needed).");
}

Bytes Ihdr(uint32_t width, uint32_t height) {
  Bytes data;
  Be32(&data, width);
  Be32(&data, height);
  data.insert(data.end(), {8, 6, 0, 0, 0});  // 8 bits, RGBA
  return PngChunk("IHDR", data);
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(ImageStill, PngFrameDataMustBeAbleToHoldItsPixels) {
  const Bytes signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  // 4096x4096 RGBA is 64 MiB: deflate needs at least 65 KB for it.
  const Bytes enough = Cat({signature, Ihdr(4096, 4096), PngChunk("IDAT", Bytes(66000))});
  EXPECT_EQ(PngFrameOverclaims(enough.data(), enough.size(), enough.data(), enough.size()), "");
  const Bytes short_data = Cat({signature, Ihdr(4096, 4096), PngChunk("IDAT", Bytes(50000))});
  EXPECT_EQ(PngFrameOverclaims(short_data.data(), short_data.size(), short_data.data(), short_data.size()),
            "The PNG frame declares 4096x4096 (67108864 bytes of pixels), more than its 50000 bytes of compressed "
            "data can hold.");
  // Small images are never refused; sizes past the limits are the decoder's.
  const Bytes tiny = Cat({signature, Ihdr(64, 48), PngChunk("IDAT", Bytes(1))});
  EXPECT_EQ(PngFrameOverclaims(tiny.data(), tiny.size(), tiny.data(), tiny.size()), "");
  const Bytes huge = Cat({signature, Ihdr(65535, 65535), PngChunk("IDAT", Bytes(1))});
  EXPECT_EQ(PngFrameOverclaims(huge.data(), huge.size(), huge.data(), huge.size()), "");
  // APNG: IHDR in the header; a frame's fdAT data holds its fcTL's size.
  const Bytes header = Ihdr(64, 64);
  Bytes fctl(26, 0);
  fctl[6] = 0x40;   // width 16384
  fctl[11] = 0x40;  // height 64
  const Bytes frame = Cat({PngChunk("fcTL", fctl), PngChunk("fdAT", Bytes(100))});
  EXPECT_NE(PngFrameOverclaims(header.data(), header.size(), frame.data(), frame.size()), "");
  const Bytes canvas = Ihdr(64, 1048624);
  const Bytes default_image = Cat({PngChunk("fcTL", Bytes(26)), PngChunk("IDAT", Bytes(476))});
  EXPECT_NE(PngFrameOverclaims(canvas.data(), canvas.size(), default_image.data(), default_image.size()), "")
      << "IDAT codes the whole IHDR-sized image, whatever the fcTL says";
}

TEST(ImageStill, JpegNeedsEoiAfterItsScan) {
  Bytes jpeg = {0xff, 0xd8};
  Bytes app1 = {0xff, 0xe1};
  Bytes exif;
  Put(&exif, "Exif\0\0", 6);
  Bytes tiff = Tiff(false, 8);
  exif.insert(exif.end(), tiff.begin(), tiff.end());
  Be16(&app1, static_cast<uint32_t>(exif.size() + 2));
  app1.insert(app1.end(), exif.begin(), exif.end());
  jpeg.insert(jpeg.end(), app1.begin(), app1.end());
  // SOS header, entropy data with a stuffed 0xFF00 and a restart marker, EOI.
  jpeg.insert(jpeg.end(), {0xff, 0xda, 0, 4, 1, 2, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd9});
  StillInfo whole = InspectStill(ImageType::kJpeg, jpeg.data(), jpeg.size());
  EXPECT_EQ(whole.truncated, "");
  EXPECT_EQ(whole.exif_orientation, 8);
  for (size_t n = 2; n < jpeg.size(); n++) {
    EXPECT_NE(InspectStill(ImageType::kJpeg, jpeg.data(), n).truncated, "") << n;
  }
  // A reserved marker is bad data for the decoder to report, not a cut.
  Bytes reserved = {0xff, 0xd8, 0xff, 0x5c, 0xff, 0xff};
  EXPECT_EQ(InspectStill(ImageType::kJpeg, reserved.data(), reserved.size()).truncated, "");
}

TEST(ImageStill, WebpRiffSizeAndExifChunk) {
  Bytes webp;
  Put(&webp, "RIFF", 4);
  Le(&webp, 0, 4);
  Put(&webp, "WEBPVP8X", 8);
  Le(&webp, 10, 4);
  webp.insert(webp.end(), 10, 0);
  Put(&webp, "EXIF", 4);
  Bytes tiff = Tiff(true, 5);
  Le(&webp, static_cast<uint32_t>(tiff.size()), 4);
  webp.insert(webp.end(), tiff.begin(), tiff.end());
  const uint32_t riff = static_cast<uint32_t>(webp.size() - 8);
  std::memcpy(webp.data() + 4, &riff, 4);  // little-endian hosts only run these tests
  StillInfo whole = InspectStill(ImageType::kWebp, webp.data(), webp.size());
  EXPECT_EQ(whole.truncated, "");
  EXPECT_EQ(whole.exif_orientation, 5);
  EXPECT_EQ(InspectStill(ImageType::kWebp, webp.data(), webp.size() - 1).truncated,
            "The WebP data (" + std::to_string(webp.size() - 1) + " bytes) is shorter than its RIFF header declares (" +
                std::to_string(webp.size()) + " bytes).");
}

TEST(ImageStill, BmpPixelArraySize) {
  Bytes bmp;
  Put(&bmp, "BM", 2);
  Le(&bmp, 0, 4);
  Le(&bmp, 0, 4);
  Le(&bmp, 54, 4);  // pixel array offset
  Le(&bmp, 40, 4);  // BITMAPINFOHEADER
  Le(&bmp, 3, 4);   // width
  Le(&bmp, static_cast<uint32_t>(-2), 4);  // height, top-down
  Le(&bmp, 1, 2);
  Le(&bmp, 24, 2);
  bmp.resize(54 + 2 * 12);  // rows of 9 bytes padded to 12
  EXPECT_EQ(InspectStill(ImageType::kBmp, bmp.data(), bmp.size()).truncated, "");
  EXPECT_EQ(InspectStill(ImageType::kBmp, bmp.data(), bmp.size() - 1).truncated,
            "The BMP data (77 bytes) ends inside its pixel array (78 bytes needed).");
  EXPECT_NE(InspectStill(ImageType::kBmp, bmp.data(), 20).truncated, "");
  // An area beyond the frame limits: bad data for the decoder, not a
  // truncation; a long side within the area limit is still a truncation.
  for (const auto [w, h, truncated] : {std::tuple{16385u, 16384u, false}, std::tuple{1048640u, 48u, true}}) {
    Bytes huge = bmp;
    for (int i = 0; i < 4; i++) {
      huge[18 + i] = static_cast<uint8_t>(w >> (8 * i));
      huge[22 + i] = static_cast<uint8_t>(h >> (8 * i));
    }
    EXPECT_EQ(InspectStill(ImageType::kBmp, huge.data(), huge.size()).truncated.empty(), !truncated) << w << "x" << h;
  }
}

TEST(ByteStore, TakeAllHandsOverOnePaddedPacket) {
  const Bytes bytes = {1, 2, 3, 4, 5};
  bool woke;
  ByteStore copied(100, "test data", "the test's cap");
  ASSERT_TRUE(copied.Append(bytes.data(), bytes.size(), &woke).ok());
  copied.End();
  PacketPtr pkt;
  ASSERT_TRUE(copied.TakeAll(&pkt));
  ASSERT_EQ(pkt->size, 5);
  EXPECT_EQ(std::memcmp(pkt->data, bytes.data(), 5), 0);
  EXPECT_GE(pkt->buf->size, static_cast<size_t>(5 + AV_INPUT_BUFFER_PADDING_SIZE));
  for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) EXPECT_EQ(pkt->data[5 + i], 0);
  // The bytes now count as the packet's: the cap still sees them.
  EXPECT_FALSE(copied.Charge(96).ok());
  EXPECT_TRUE(copied.Charge(95).ok());

  // Borrowed memory and several chunks are copied into one padded packet.
  ByteStore borrowed(100, "test data", "the test's cap");
  ASSERT_TRUE(borrowed.AppendBorrowed(bytes.data(), 2, &woke).ok());
  ASSERT_TRUE(borrowed.Append(bytes.data() + 2, 3, &woke).ok());
  borrowed.End();
  ASSERT_TRUE(borrowed.TakeAll(&pkt));
  ASSERT_EQ(pkt->size, 5);
  EXPECT_NE(pkt->data, bytes.data());
  EXPECT_EQ(std::memcmp(pkt->data, bytes.data(), 5), 0);
  for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) EXPECT_EQ(pkt->data[5 + i], 0);

  ByteStore closed(100, "test data", "the test's cap");
  closed.Close();
  EXPECT_FALSE(closed.TakeAll(&pkt));
}

}  // namespace
}  // namespace wcn
