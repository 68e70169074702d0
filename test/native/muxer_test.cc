// The containers' core without Node: DecodeTimestamps over random reorder
// structures, and a round trip through the engines (our H.264 encoder's
// packets written by MuxEngine, read back by DemuxEngine, written again).
#include "core/muxer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>

#include "core/codec_worker.h"
#include "core/demuxer.h"
#include "core/frame_copy.h"
#include "core/image_source.h"
#include "core/video_encoder.h"

namespace wcn {
namespace {

// --- DecodeTimestamps --------------------------------------------------------------------------

// A decode order of `count` frames (as presentation indexes) that reorders
// `depth` frames at most: blocks of up to depth + 1 frames, each decoded in
// a random order, the first full block reversed so the depth is reached.
std::vector<int> DecodeOrder(int count, int depth, std::mt19937& rng) {
  std::vector<int> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  bool deepest = false;
  for (int start = 0; start < count;) {
    int size = std::min(count - start, std::uniform_int_distribution<int>(1, depth + 1)(rng));
    if (!deepest && count - start > depth) size = depth + 1;
    const auto first = order.begin() + start;
    if (!deepest && size == depth + 1) {
      std::reverse(first, first + size);
      deepest = true;
    } else {
      std::shuffle(first, first + size, rng);
    }
    start += size;
  }
  return order;
}

// The most any frame's decode position passes its presentation position.
int Depth(const std::vector<int>& order) {
  int depth = 0;
  for (size_t k = 0; k < order.size(); k++) depth = std::max(depth, static_cast<int>(k) - order[k]);
  return depth;
}

TEST(DecodeTimestamps, RandomReorderingOfDepthZeroToFour) {
  std::mt19937 rng(20240607);
  for (int depth = 0; depth <= 4; depth++) {
    for (int trial = 0; trial < 200; trial++) {
      const int count = std::uniform_int_distribution<int>(1, 60)(rng);
      const std::vector<int> order = DecodeOrder(count, depth, rng);
      if (count > depth) ASSERT_EQ(Depth(order), depth);
      const int64_t interval = trial % 2 ? 33333 : 40000;
      const int64_t first = std::uniform_int_distribution<int64_t>(-100000, 100000)(rng);
      const int64_t duration = trial % 3 == 0 ? 0 : interval;  // durations unknown, or known
      // The stream's own depth, and the deepest the muxer may assume.
      for (const int declared : {depth, 4}) {
        DecodeTimestamps stamps(declared);
        std::vector<DecodeTimestamps::Stamped> out;
        for (int index : order) {
          for (const auto& s : stamps.Add(first + index * interval, duration)) out.push_back(s);
        }
        for (const auto& s : stamps.Finish()) out.push_back(s);
        ASSERT_EQ(out.size(), order.size()) << "depth " << depth << ", declared " << declared;
        for (size_t k = 0; k < out.size(); k++) {
          ASSERT_EQ(out[k].pts, first + order[k] * interval) << "packets keep their order";
          ASSERT_LE(out[k].dts, out[k].pts) << "packet " << k << ", depth " << depth << ", declared " << declared;
          if (k > 0) ASSERT_GT(out[k].dts, out[k - 1].dts) << "packet " << k << ", depth " << depth;
          if (declared == 0) ASSERT_EQ(out[k].dts, out[k].pts);
        }
      }
    }
  }
}

TEST(DecodeTimestamps, HoldsTheFirstDepthPlusOnePacketsThenStampsEachAtOnce) {
  DecodeTimestamps stamps(2);
  EXPECT_TRUE(stamps.Add(0, 40000).empty());
  EXPECT_TRUE(stamps.Add(80000, 40000).empty());
  const auto first = stamps.Add(40000, 40000);
  ASSERT_EQ(first.size(), 3u);
  // Two packets before the first presentation timestamp, one interval apart.
  EXPECT_EQ(first[0].dts, -80000);
  EXPECT_EQ(first[1].dts, -40000);
  EXPECT_EQ(first[2].dts, 0);
  const auto next = stamps.Add(160000, 40000);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].dts, 40000);
  EXPECT_TRUE(stamps.Finish().empty());
}

TEST(DecodeTimestamps, FinishStampsWhatIsHeld) {
  DecodeTimestamps stamps(3);
  EXPECT_TRUE(stamps.Add(0, 0).empty());
  EXPECT_TRUE(stamps.Add(66666, 0).empty());
  const auto out = stamps.Finish();
  ASSERT_EQ(out.size(), 2u);
  // Without durations the interval is the closest presentation timestamps.
  EXPECT_EQ(out[0].dts, -66666);
  EXPECT_EQ(out[1].dts, 0);
}

// --- MuxEngine -> DemuxEngine ------------------------------------------------------------------

constexpr uint32_t kWidth = 160;
constexpr uint32_t kHeight = 120;
constexpr int64_t kInterval = 40000;  // 25 fps: whole milliseconds, as Matroska stores them

struct Collector : EventSink {
  void Post(WorkerEvent&& e) override { events.push_back(std::move(e)); }
  std::vector<WorkerEvent> events;
};

struct Chunk {
  std::vector<uint8_t> bytes;
  bool key = false;
  int64_t timestamp = 0;
};

PacketPtr PacketOf(const std::vector<uint8_t>& bytes) {
  PacketPtr p = AllocPacket();
  if (av_new_packet(p.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
  std::copy(bytes.begin(), bytes.end(), p->data);
  return p;
}

// H.264 with B-frames (x264 outside realtime mode), from a moving gradient.
std::vector<Chunk> EncodeH264(int frames, std::vector<uint8_t>* description) {
  Collector sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  VideoEncoderSettings s;
  s.family = "h264";
  s.width = kWidth;
  s.height = kHeight;
  s.bitrate = 500000;
  s.framerate = 25;
  VideoEncoderEngine encoder;
  EXPECT_TRUE(encoder.Configure(s, emit).ok());
  for (int i = 0; i < frames; i++) {
    VideoEncodeWork w;
    w.format = PixelFormat::kI420;
    w.frame = AllocatePooledFrame(PixelFormat::kI420, kWidth, kHeight);
    for (int plane = 0; plane < 3; plane++) {
      const int rows = plane ? kHeight / 2 : kHeight;
      for (int y = 0; y < rows; y++) {
        uint8_t* row = w.frame->data[plane] + y * w.frame->linesize[plane];
        for (int x = 0; x < w.frame->linesize[plane]; x++) row[x] = static_cast<uint8_t>(x + 2 * y + 5 * i + 60 * plane);
      }
    }
    w.visible = Rect{0, 0, kWidth, kHeight};
    w.timestamp = i * kInterval;
    w.duration = kInterval;
    w.key_frame = i == 0;
    EXPECT_TRUE(encoder.Process(w, emit).ok());
  }
  EXPECT_TRUE(encoder.Flush(emit).ok());
  std::vector<Chunk> chunks;
  for (WorkerEvent& e : sink.events) {
    auto& out = std::get<EncodedChunkOutput>(e.output);
    if (out.config) *description = out.config->description;
    chunks.push_back({std::vector<uint8_t>(out.packet->data, out.packet->data + out.packet->size), out.key, out.timestamp});
  }
  return chunks;
}

// Writes `chunks` as one H.264 track; returns the bytes when `path` is empty.
std::vector<uint8_t> Mux(const std::string& format, const std::string& path, const std::vector<Chunk>& chunks,
                         const std::vector<uint8_t>& description) {
  Collector sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  MuxTrackConfig track;
  track.type = AVMEDIA_TYPE_VIDEO;
  track.codec = AV_CODEC_ID_H264;
  track.description = description;
  track.width = kWidth;
  track.height = kHeight;
  track.frame_rate = 25;
  MuxEngine muxer;
  const Status configured = muxer.Configure(MuxConfig{format, path, false, false, 0, {track}}, emit);
  EXPECT_TRUE(configured.ok()) << configured.message;
  for (const Chunk& c : chunks) {
    MuxEngine::Packet p{0, PacketOf(c.bytes), c.key, c.timestamp, kInterval};
    const Status s = muxer.Process(p, emit);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  const Status flushed = muxer.Flush(emit);
  EXPECT_TRUE(flushed.ok()) << flushed.message;
  std::vector<uint8_t> bytes;
  for (WorkerEvent& e : sink.events) {
    const auto& data = std::get<MuxedBytes>(e.output).data;
    bytes.insert(bytes.end(), data.begin(), data.end());
  }
  return bytes;
}

// Every packet of a file (`path`) or of `bytes`, and its one track.
std::vector<Chunk> Demux(const std::string& path, const std::vector<uint8_t>& bytes, DemuxTrack* track) {
  Collector sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  DemuxSource source;
  source.path = path;
  if (path.empty()) {
    source.store = std::make_shared<ByteStore>(bytes.size(), "test bytes", "none");
    bool woke = false;
    EXPECT_TRUE(source.store->Append(bytes.data(), bytes.size(), &woke).ok());
    source.store->End();
  }
  DemuxEngine demuxer;
  const Status opened = demuxer.Configure(source, emit);
  EXPECT_TRUE(opened.ok()) << opened.message;
  DemuxEngine::Work read = DemuxEngine::Read{1000, 1 << 30};
  EXPECT_TRUE(demuxer.Process(read, emit).ok());
  std::vector<Chunk> chunks;
  for (WorkerEvent& e : sink.events) {
    if (auto* header = std::get_if<DemuxHeader>(&e.output)) {
      EXPECT_EQ(header->tracks.size(), 1u);
      *track = header->tracks.at(0);
    } else if (auto& p = std::get<DemuxedPacket>(e.output); p.packet) {
      chunks.push_back({std::vector<uint8_t>(p.packet->data, p.packet->data + p.packet->size), p.key, p.timestamp});
    }
  }
  demuxer.Reset();
  return chunks;
}

void ExpectSameChunks(const std::vector<Chunk>& actual, const std::vector<Chunk>& expected, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); i++) {
    EXPECT_EQ(actual[i].bytes, expected[i].bytes) << what << ", chunk " << i;
    EXPECT_EQ(actual[i].key, expected[i].key) << what << ", chunk " << i;
    EXPECT_EQ(actual[i].timestamp, expected[i].timestamp) << what << ", chunk " << i;
  }
}

TEST(MuxDemux, EncoderPacketsThroughMp4AndMatroskaAndBack) {
  std::vector<uint8_t> description;
  const std::vector<Chunk> encoded = EncodeH264(30, &description);
  ASSERT_EQ(encoded.size(), 30u);
  ASSERT_FALSE(description.empty());
  // B-frames: presentation order differs from decode order.
  const auto reordered = [](const Chunk& a, const Chunk& b) { return b.timestamp < a.timestamp; };
  ASSERT_NE(std::adjacent_find(encoded.begin(), encoded.end(), reordered), encoded.end());

  // An MP4 file written by the core muxer, read by the core demuxer.
  const std::string path = ::testing::TempDir() + "wcn_mux_round_trip.mp4";
  Mux("mp4", path, encoded, description);
  DemuxTrack track;
  const std::vector<Chunk> from_mp4 = Demux(path, {}, &track);
  std::remove(path.c_str());
  ExpectSameChunks(from_mp4, encoded, "mp4");
  EXPECT_EQ(track.codec, "h264");
  EXPECT_EQ(track.description, description);
  EXPECT_EQ(track.width, kWidth);
  EXPECT_EQ(track.height, kHeight);

  // Those packets again, into Matroska in memory, and read back from the bytes.
  const std::vector<uint8_t> mkv = Mux("matroska", "", from_mp4, track.description);
  DemuxTrack again;
  ExpectSameChunks(Demux("", mkv, &again), encoded, "matroska");
  EXPECT_EQ(again.description, description);
}

}  // namespace
}  // namespace wcn
