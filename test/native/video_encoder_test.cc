// The encoder engine without Node: every family opens, encodes, drains and
// closes, including the paths that once hung (SVT-AV1 closed without frames
// or without end-of-stream).
#include "core/video_encoder.h"

#include <gtest/gtest.h>

#include <sched.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/frame_copy.h"
#include "core/keyframe.h"
#include "core/worker_thread.h"

namespace wcn {
namespace {

class CollectingSink : public EventSink {
 public:
  void Post(WorkerEvent&& e) override {
    if (e.type == WorkerEvent::Type::kOutput) outputs.push_back(std::move(std::get<EncodedChunkOutput>(e.output)));
  }
  std::vector<EncodedChunkOutput> outputs;
};

VideoEncoderSettings Settings(const std::string& family) {
  VideoEncoderSettings s;
  s.family = family;
  s.width = 128;
  s.height = 96;
  s.bitrate = 200000;
  s.framerate = 30;
  return s;
}

VideoEncodeWork Frame(int index) {
  VideoEncodeWork w;
  w.format = PixelFormat::kI420;
  w.frame = AllocatePooledFrame(PixelFormat::kI420, 128, 96);
  for (int p = 0; p < 3; p++) {
    std::memset(w.frame->buf[p]->data, p == 0 ? (index * 16) & 0xff : 128, w.frame->buf[p]->size);
  }
  w.visible = Rect{0, 0, 128, 96};
  w.timestamp = index * 33333;
  w.duration = 33333;
  w.key_frame = index == 0;
  w.color = ColorInfo{AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709, false};
  return w;
}

class VideoEncoderEngineTest : public ::testing::TestWithParam<std::string> {};

TEST_P(VideoEncoderEngineTest, OpensAndClosesWithoutFrames) {
  CollectingSink sink;
  uint64_t gen = 0;
  Emitter emit(&sink, &gen);
  VideoEncoderEngine engine;
  ASSERT_TRUE(engine.Configure(Settings(GetParam()), emit).ok());
  ASSERT_TRUE(engine.Flush(emit).ok());
  engine.Reset();
  EXPECT_TRUE(sink.outputs.empty());
}

TEST_P(VideoEncoderEngineTest, ResetsMidStreamAndEncodesAgain) {
  CollectingSink sink;
  uint64_t gen = 0;
  Emitter emit(&sink, &gen);
  VideoEncoderEngine engine;
  ASSERT_TRUE(engine.Configure(Settings(GetParam()), emit).ok());
  for (int i = 0; i < 3; i++) {
    VideoEncodeWork w = Frame(i);
    ASSERT_TRUE(engine.Process(w, emit).ok());
  }
  engine.Reset();
  sink.outputs.clear();
  ASSERT_TRUE(engine.Configure(Settings(GetParam()), emit).ok());
  for (int i = 0; i < 4; i++) {
    VideoEncodeWork w = Frame(i);
    ASSERT_TRUE(engine.Process(w, emit).ok());
  }
  ASSERT_TRUE(engine.Flush(emit).ok());
  ASSERT_EQ(sink.outputs.size(), 4u);
  EXPECT_TRUE(sink.outputs[0].key);
  EXPECT_TRUE(sink.outputs[0].config.has_value()) << "the first chunk describes the stream";
  // Encoding continues after a flush (the encoder is reopened).
  VideoEncodeWork more = Frame(10);
  ASSERT_TRUE(engine.Process(more, emit).ok());
  ASSERT_TRUE(engine.Flush(emit).ok());
  EXPECT_EQ(sink.outputs.size(), 5u);
  engine.Reset();
}

TEST_P(VideoEncoderEngineTest, KeyFrameFlagMatchesTheBitstream) {
  CollectingSink sink;
  uint64_t gen = 0;
  Emitter emit(&sink, &gen);
  VideoEncoderEngine engine;
  VideoEncoderSettings s = Settings(GetParam());
  ASSERT_TRUE(engine.Configure(s, emit).ok());
  for (int i = 0; i < 6; i++) {
    VideoEncodeWork w = Frame(i);
    w.key_frame = i == 0 || i == 4;
    ASSERT_TRUE(engine.Process(w, emit).ok());
  }
  ASSERT_TRUE(engine.Flush(emit).ok());
  ASSERT_EQ(sink.outputs.size(), 6u);
  std::vector<uint8_t> desc;  // the description applies until it changes
  for (const EncodedChunkOutput& out : sink.outputs) {
    if (out.config) desc = out.config->description;
    const KeyFrameCheck check =
        CheckKeyFrame(GetParam(), out.packet->data, static_cast<size_t>(out.packet->size),
                      desc.empty() ? nullptr : desc.data(), desc.size());
    if (out.timestamp == 0 || out.timestamp == 4 * 33333) {
      EXPECT_TRUE(out.key) << "requested key frame at " << out.timestamp;
    }
    if (check != KeyFrameCheck::kUnknown) {
      EXPECT_EQ(out.key, check == KeyFrameCheck::kKey) << "chunk at " << out.timestamp;
    }
  }
  engine.Reset();
}

TEST_P(VideoEncoderEngineTest, SizesBeyondTheLimitsAreUnsupportedBeforeTheLibraryOpens) {
  CollectingSink sink;
  uint64_t gen = 0;
  Emitter emit(&sink, &gen);
  VideoEncoderEngine engine;
  VideoEncoderSettings s = Settings(GetParam());
  s.width = 40000;
  const Status status = engine.Configure(s, emit);
  EXPECT_EQ(status.kind, ErrorKind::kNotSupportedError);
  EXPECT_NE(status.message.find("40000x96 frames is not supported"), std::string::npos) << status.message;
  engine.Reset();
}

TEST(VideoEncoderSetUp, ProfilesTheLibraryCannotProduceAreUnsupported) {
  for (auto [family, profile] : {std::pair{"h264", 88}, {"h264", 44}, {"hevc", 3}, {"hevc", 4}, {"hevc", 9}}) {
    VideoEncoderSettings s = Settings(family);
    s.profile = profile;
    const AVCodec* codec = nullptr;
    CodecContextPtr ctx;
    AVDictionary* options = nullptr;
    AVPixelFormat format = AV_PIX_FMT_NONE;
    const Status status = SetUpVideoEncoder(s, -1, &codec, &ctx, &options, &format);
    av_dict_free(&options);
    EXPECT_EQ(status.kind, ErrorKind::kNotSupportedError) << family << " " << profile;
    EXPECT_NE(status.message.find("cannot encode profile_idc " + std::to_string(profile)), std::string::npos)
        << status.message;
  }
}

// SVT-AV1 starts its threads as SCHED_FIFO 99 when the process runs as root
// (as CI does); on a codec thread of ours they end up time-shared (BATCH), so they
// cannot preempt the JS thread. Not as root, there is nothing to demote and
// the check holds as it is.
TEST(VideoEncoderEngine, LeavesNoRealtimeThreadsBehindItsOpen) {
  std::vector<int> policies;
  size_t threads_while_open = 0;
  std::thread codec_thread([&] {
    StartWorkerThread("wcn-test-enc");
    CollectingSink sink;
    uint64_t gen = 0;
    Emitter emit(&sink, &gen);
    VideoEncoderEngine engine;
    VideoEncoderSettings s = Settings("av1");
    s.realtime = true;
    ASSERT_TRUE(engine.Configure(s, emit).ok());
    VideoEncodeWork w = Frame(0);
    ASSERT_TRUE(engine.Process(w, emit).ok());  // opens the encoder
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
      policies.push_back(sched_getscheduler(std::stoi(entry.path().filename().string())));
    }
    threads_while_open = policies.size();
    ASSERT_TRUE(engine.Flush(emit).ok());
  });
  codec_thread.join();
  EXPECT_GT(threads_while_open, 3u) << "the encoder runs threads of its own";
  for (int policy : policies) EXPECT_TRUE(policy == SCHED_OTHER || policy == SCHED_BATCH) << policy;
}

INSTANTIATE_TEST_SUITE_P(Families, VideoEncoderEngineTest, ::testing::Values("h264", "hevc", "vp8", "vp9", "av1"));

}  // namespace
}  // namespace wcn
