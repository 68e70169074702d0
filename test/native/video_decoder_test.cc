// The decoder engine without Node, fed what a hostile caller can send:
// configurations beyond the limits or with broken descriptions (unsupported)
// and chunks that are empty, oversized, declare huge frames or do not match
// their description (EncodingError), next to a stream that decodes.
#include "core/video_decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "core/frame_copy.h"
#include "core/limits.h"
#include "core/video_encoder.h"

namespace wcn {
namespace {

class CollectingSink : public EventSink {
 public:
  void Post(WorkerEvent&& e) override {
    if (e.type != WorkerEvent::Type::kOutput) return;
    if (auto* chunk = std::get_if<EncodedChunkOutput>(&e.output)) chunks.push_back(std::move(*chunk));
    if (auto* frame = std::get_if<DecodedVideo>(&e.output)) frames.push_back(std::move(*frame));
  }
  std::vector<EncodedChunkOutput> chunks;
  std::vector<DecodedVideo> frames;
};

struct Harness {
  CollectingSink sink;
  uint64_t generation = 0;
  Emitter emit{&sink, &generation};
};

// Chunks of one family (AVC/HEVC length-prefixed) and their description.
struct Stream {
  std::vector<PacketPtr> packets;
  std::vector<uint8_t> description;
};

Stream Encode(const std::string& family, int frames) {
  Harness h;
  VideoEncoderEngine encoder;
  VideoEncoderSettings s;
  s.family = family;
  s.width = 64;
  s.height = 64;
  s.bitrate = 100000;
  EXPECT_TRUE(encoder.Configure(s, h.emit).ok());
  for (int i = 0; i < frames; i++) {
    VideoEncodeWork w;
    w.format = PixelFormat::kI420;
    w.frame = AllocatePooledFrame(PixelFormat::kI420, 64, 64);
    for (int p = 0; p < 3; p++) {
      for (int b = 0; b < w.frame->buf[p]->size; b++)
        w.frame->buf[p]->data[b] = static_cast<uint8_t>((b * (p + 3) + i * 7) & 0xff);
    }
    w.visible = Rect{0, 0, 64, 64};
    w.timestamp = i;
    w.key_frame = i == 0;
    EXPECT_TRUE(encoder.Process(w, h.emit).ok());
  }
  EXPECT_TRUE(encoder.Flush(h.emit).ok());
  encoder.Reset();
  Stream out;
  for (EncodedChunkOutput& c : h.sink.chunks) {
    if (c.config) out.description = c.config->description;
    out.packets.push_back(std::move(c.packet));
  }
  return out;
}

DecodeWork Work(const uint8_t* data, size_t size) {
  DecodeWork w{AllocPacket()};
  if (av_new_packet(w.packet.get(), static_cast<int>(size)) < 0) throw std::bad_alloc();
  if (size) std::memcpy(w.packet->data, data, size);
  return w;
}

Status Configure(VideoDecoderEngine& engine, Harness& h, VideoDecoderSettings s) { return engine.Configure(s, h.emit); }

VideoDecoderSettings Settings(const char* family) {
  VideoDecoderSettings s;
  s.family = family;
  return s;
}

void ExpectError(const Status& s, ErrorKind kind, const char* text) {
  EXPECT_EQ(s.kind, kind) << s.message;
  EXPECT_NE(s.message.find(text), std::string::npos) << s.message;
}

TEST(VideoDecoderEngine, DecodesItsStreamWithTheDescription) {
  Stream stream = Encode("h264", 3);
  ASSERT_EQ(stream.packets.size(), 3u);
  Harness h;
  VideoDecoderEngine engine;
  VideoDecoderSettings s = Settings("h264");
  s.profile = 100;
  s.description = stream.description;
  ASSERT_TRUE(Configure(engine, h, s).ok());
  for (const PacketPtr& p : stream.packets) {
    DecodeWork w = Work(p->data, static_cast<size_t>(p->size));
    ASSERT_TRUE(engine.Process(w, h.emit).ok());
  }
  ASSERT_TRUE(engine.Flush(h.emit).ok());
  EXPECT_EQ(h.sink.frames.size(), 3u);
  engine.Reset();
}

TEST(VideoDecoderEngine, ConfigurationsBeyondWhatItDecodesAreUnsupported) {
  Harness h;
  VideoDecoderEngine engine;
  VideoDecoderSettings big = Settings("vp9");
  big.coded_width = 40000;
  big.coded_height = 16;
  ExpectError(Configure(engine, h, big), ErrorKind::kNotSupportedError, "40000x16 is beyond");
  big.coded_width = 16385;
  big.coded_height = 16384;
  ExpectError(Configure(engine, h, big), ErrorKind::kNotSupportedError, "at most 32768 per side and 268435456 pixels");

  VideoDecoderSettings scc = Settings("hevc");
  scc.profile = 9;
  ExpectError(Configure(engine, h, scc), ErrorKind::kNotSupportedError, "cannot decode profile 9");

  VideoDecoderSettings garbage = Settings("h264");
  garbage.description.assign(32, 0xff);
  ExpectError(Configure(engine, h, garbage), ErrorKind::kNotSupportedError,
              "not a valid AVCDecoderConfigurationRecord (avcC): its version is 255");
  VideoDecoderSettings hevc = Settings("hevc");
  hevc.description = {1, 2, 3};
  ExpectError(Configure(engine, h, hevc), ErrorKind::kNotSupportedError, "HEVCDecoderConfigurationRecord (hvcC)");

  VideoDecoderSettings huge = Settings("h264");
  huge.description = Encode("h264", 1).description;
  huge.description.resize(kMaxDescriptionBytes + 1);
  ExpectError(Configure(engine, h, huge), ErrorKind::kNotSupportedError, "The description is 1048577 bytes");
}

TEST(VideoDecoderEngine, DescriptionsOfCodecsThatHaveNoneAreIgnored) {
  for (const char* family : {"vp8", "vp9", "av1"}) {
    Harness h;
    VideoDecoderEngine engine;
    VideoDecoderSettings s = Settings(family);
    s.description.assign(100, 0xee);
    EXPECT_TRUE(Configure(engine, h, s).ok()) << family;
    engine.Reset();
  }
}

TEST(VideoDecoderEngine, HostileChunksAreEncodingErrors) {
  Harness h;
  VideoDecoderEngine vp9;
  ASSERT_TRUE(Configure(vp9, h, Settings("vp9")).ok());
  DecodeWork empty = Work(nullptr, 0);
  ExpectError(vp9.Process(empty, h.emit), ErrorKind::kEncodingError, "Empty chunk");
  DecodeWork oversized{AllocPacket()};
  oversized.oversized_bytes = kMaxChunkBytes + 1;
  ExpectError(vp9.Process(oversized, h.emit), ErrorKind::kEncodingError, "chunks of at most 268435456 bytes");
  // A VP9 key frame header (profile 0) declaring 65536x65536.
  const uint8_t bomb[] = {0x82, 0x49, 0x83, 0x42, 0x0f, 0xff, 0xff, 0xff, 0xf0, 0x00, 0x00, 0x00};
  DecodeWork w = Work(bomb, sizeof(bomb));
  ExpectError(vp9.Process(w, h.emit), ErrorKind::kEncodingError, "declares a 65536x65536 frame");
  vp9.Reset();

  Stream stream = Encode("h264", 1);
  VideoDecoderEngine h264;
  VideoDecoderSettings s = Settings("h264");
  s.description = stream.description;
  ASSERT_TRUE(Configure(h264, h, s).ok());
  const PacketPtr& key = stream.packets[0];
  DecodeWork cut = Work(key->data, static_cast<size_t>(key->size) - 1);
  ExpectError(h264.Process(cut, h.emit), ErrorKind::kEncodingError, "not NAL units with 4-byte lengths");
  EXPECT_TRUE(h.sink.frames.empty());
  h264.Reset();
}

// Truncated and bit-flipped chunks of every family through our decoding
// path: each ends in Ok or EncodingError (under ASan: without bad access).
class HostileDecodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileDecodeTest, MutatedChunksEndInOkOrEncodingError) {
  Stream stream = Encode(GetParam(), 6);
  ASSERT_EQ(stream.packets.size(), 6u);
  uint32_t seed = 7;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  int errors = 0;
  for (int round = 0; round < 24; round++) {
    Harness h;
    VideoDecoderEngine engine;
    VideoDecoderSettings s = Settings(GetParam().c_str());
    s.description = stream.description;
    ASSERT_TRUE(Configure(engine, h, s).ok());
    const size_t victim = 1 + round % 5;
    Status status;
    for (size_t i = 0; i < stream.packets.size() && status.ok(); i++) {
      const PacketPtr& p = stream.packets[i];
      std::vector<uint8_t> bytes(p->data, p->data + p->size);
      if (i == victim && round % 2) {
        bytes.resize(std::max<size_t>(1, bytes.size() * (next() % 100) / 100));
      } else if (i == victim) {
        for (int f = 0; f < 4; f++) bytes[next() % bytes.size()] ^= static_cast<uint8_t>(1 << (next() % 8));
      }
      DecodeWork w = Work(bytes.data(), bytes.size());
      status = engine.Process(w, h.emit);
    }
    if (status.ok()) status = engine.Flush(h.emit);
    EXPECT_TRUE(status.ok() || status.kind == ErrorKind::kEncodingError) << status.message;
    errors += !status.ok();
    for (const DecodedVideo& f : h.sink.frames) {
      EXPECT_EQ(f.visible.width, 64u);
      EXPECT_EQ(f.visible.height, 64u);
    }
    engine.Reset();
  }
  RecordProperty("errors", errors);
}

INSTANTIATE_TEST_SUITE_P(Families, HostileDecodeTest, ::testing::Values("h264", "hevc", "vp8", "vp9", "av1"));

}  // namespace
}  // namespace wcn
