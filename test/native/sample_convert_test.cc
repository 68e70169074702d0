#include "core/sample_convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/audio_frame.h"

namespace wcn {
namespace {

template <typename From, typename To>
To One(SampleType from, SampleType to, From v) {
  To out{};
  ConvertSamples(from, reinterpret_cast<const uint8_t*>(&v), 1, to, reinterpret_cast<uint8_t*>(&out), 1, 1);
  return out;
}

constexpr SampleType U8 = SampleType::kU8;
constexpr SampleType S16 = SampleType::kS16;
constexpr SampleType S32 = SampleType::kS32;
constexpr SampleType F32 = SampleType::kF32;

TEST(SampleConvert, FullScaleAndSilenceMapExactly) {
  EXPECT_EQ((One<uint8_t, float>(U8, F32, 0)), -1.0f);
  EXPECT_EQ((One<uint8_t, float>(U8, F32, 128)), 0.0f);
  EXPECT_EQ((One<uint8_t, float>(U8, F32, 255)), 127.0f / 128.0f);
  EXPECT_EQ((One<int16_t, float>(S16, F32, -32768)), -1.0f);
  EXPECT_EQ((One<int16_t, float>(S16, F32, 16384)), 0.5f);
  EXPECT_EQ((One<int16_t, float>(S16, F32, 32767)), 32767.0f / 32768.0f);
  EXPECT_EQ((One<int32_t, float>(S32, F32, std::numeric_limits<int32_t>::min())), -1.0f);
  EXPECT_EQ((One<int32_t, float>(S32, F32, 1 << 30)), 0.5f);
}

TEST(SampleConvert, WideningIsExact) {
  for (int v = 0; v < 256; v++) {
    const auto u = static_cast<uint8_t>(v);
    EXPECT_EQ((One<uint8_t, int16_t>(U8, S16, u)), (v - 128) * 256);
    EXPECT_EQ((One<uint8_t, int32_t>(U8, S32, u)), (v - 128) * (1 << 24));
  }
  for (int v : {-32768, -1, 0, 1, 12345, 32767}) {
    EXPECT_EQ((One<int16_t, int32_t>(S16, S32, static_cast<int16_t>(v))), v * 65536);
  }
}

TEST(SampleConvert, IntegerRoundTripsThroughFloat) {
  for (int v = -32768; v <= 32767; v++) {
    const float f = One<int16_t, float>(S16, F32, static_cast<int16_t>(v));
    ASSERT_EQ((One<float, int16_t>(F32, S16, f)), v);
  }
  for (int v = 0; v < 256; v++) {
    const float f = One<uint8_t, float>(U8, F32, static_cast<uint8_t>(v));
    ASSERT_EQ((One<float, uint8_t>(F32, U8, f)), v);
  }
}

TEST(SampleConvert, NarrowingKeepsTheTopBits) {
  // s16 -> u8 keeps the top byte: an arithmetic shift, toward -inf.
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, 0x0080)), 128);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, 0x01ff)), 129);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, -0x0001)), 127);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, -0x0100)), 127);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, -0x0101)), 126);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, 16383)), 191);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, 32767)), 255);
  EXPECT_EQ((One<int16_t, uint8_t>(S16, U8, -32768)), 0);
  EXPECT_EQ((One<int32_t, uint8_t>(S32, U8, 1073741823)), 191);
  EXPECT_EQ((One<int32_t, int16_t>(S32, S16, 1073741823)), 16383);
  EXPECT_EQ((One<int32_t, int16_t>(S32, S16, std::numeric_limits<int32_t>::max())), 32767);
  EXPECT_EQ((One<int32_t, int16_t>(S32, S16, std::numeric_limits<int32_t>::min())), -32768);
  EXPECT_EQ((One<int32_t, int16_t>(S32, S16, 0x1ffff)), 1);
}

TEST(SampleConvert, FloatToIntegerClipsAndRounds) {
  EXPECT_EQ((One<float, int16_t>(F32, S16, 1.0f)), 32767);
  EXPECT_EQ((One<float, int16_t>(F32, S16, 2.5f)), 32767);
  EXPECT_EQ((One<float, int16_t>(F32, S16, -1.0f)), -32768);
  EXPECT_EQ((One<float, int16_t>(F32, S16, -7.0f)), -32768);
  EXPECT_EQ((One<float, int16_t>(F32, S16, 0.5f / 32768)), 0);
  EXPECT_EQ((One<float, int16_t>(F32, S16, 1.5f / 32768)), 2);
  EXPECT_EQ((One<float, int16_t>(F32, S16, std::nanf(""))), 0);
  EXPECT_EQ((One<float, uint8_t>(F32, U8, std::nanf(""))), 128);
  EXPECT_EQ((One<float, int16_t>(F32, S16, std::numeric_limits<float>::infinity())), 32767);
  EXPECT_EQ((One<float, int32_t>(F32, S32, 1.0f)), std::numeric_limits<int32_t>::max());
  EXPECT_EQ((One<float, int32_t>(F32, S32, -1.0f)), std::numeric_limits<int32_t>::min());
  EXPECT_EQ((One<float, int32_t>(F32, S32, 0.25f)), 1 << 29);
  EXPECT_EQ((One<float, uint8_t>(F32, U8, 1.0f)), 255);
  EXPECT_EQ((One<float, uint8_t>(F32, U8, -1.0f)), 0);
}

TEST(SampleConvert, FloatToFloatDoesNotClip) {
  EXPECT_EQ((One<float, float>(F32, F32, 3.0f)), 3.0f);
  EXPECT_EQ((One<float, float>(F32, F32, -1.5f)), -1.5f);
}

TEST(SampleConvert, S32ToFloatRoundsToNearestFloat) {
  // 2^24 + 1 is not a float; the nearest (ties to even) is 2^24.
  EXPECT_EQ((One<int32_t, float>(S32, F32, (1 << 24) + 1)), std::ldexp(1.0f, 24 - 31));
  EXPECT_EQ((One<int32_t, float>(S32, F32, (1 << 24) + 3)), std::ldexp(static_cast<float>((1 << 24) + 4), -31));
}

TEST(AudioCopyPlan, CountsAndRangeErrors) {
  AudioCopyPlan plan;
  ASSERT_TRUE(PlanAudioCopy(SampleFormat::kS16, 2, 10, 0, 0, std::nullopt, std::nullopt, &plan).ok());
  EXPECT_EQ(plan.element_count, 20u);
  EXPECT_EQ(plan.byte_size, 40u);
  ASSERT_TRUE(PlanAudioCopy(SampleFormat::kS16, 2, 10, 1, 3, 4, SampleFormat::kF32Planar, &plan).ok());
  EXPECT_EQ(plan.element_count, 4u);
  EXPECT_EQ(plan.byte_size, 16u);
  ASSERT_TRUE(PlanAudioCopy(SampleFormat::kF32Planar, 3, 10, 0, 9, 0, SampleFormat::kU8, &plan).ok());
  EXPECT_EQ(plan.element_count, 0u);

  const auto kind = [](Status s) { return s.kind; };
  // Interleaved destination with planeIndex > 0 (even when the source is planar).
  EXPECT_EQ(kind(PlanAudioCopy(SampleFormat::kF32Planar, 2, 10, 1, 0, std::nullopt, SampleFormat::kF32, &plan)),
            ErrorKind::kRangeError);
  EXPECT_EQ(kind(PlanAudioCopy(SampleFormat::kS16, 2, 10, 1, 0, std::nullopt, std::nullopt, &plan)),
            ErrorKind::kRangeError);
  // Planar destination with planeIndex >= channels.
  EXPECT_EQ(kind(PlanAudioCopy(SampleFormat::kS16, 2, 10, 2, 0, std::nullopt, SampleFormat::kS16Planar, &plan)),
            ErrorKind::kRangeError);
  EXPECT_EQ(kind(PlanAudioCopy(SampleFormat::kS16, 2, 10, 0, 10, std::nullopt, std::nullopt, &plan)),
            ErrorKind::kRangeError);
  EXPECT_EQ(kind(PlanAudioCopy(SampleFormat::kS16, 2, 10, 0, 4, 7, std::nullopt, &plan)), ErrorKind::kRangeError);
}

TEST(AudioCopy, ExtractsAndInterleavesChannels) {
  // 3 channels x 4 frames, s16 interleaved: sample (f, c) = 100 * f + c.
  std::vector<int16_t> src(12);
  for (int f = 0; f < 4; f++) {
    for (int c = 0; c < 3; c++) src[f * 3 + c] = static_cast<int16_t>(100 * f + c);
  }
  FramePtr frame = CreateAudioFrameFromBuffer(SampleFormat::kS16, 3, 4, 48000,
                                              reinterpret_cast<const uint8_t*>(src.data()));
  AudioCopyPlan plan;
  ASSERT_TRUE(PlanAudioCopy(SampleFormat::kS16, 3, 4, 2, 1, 2, SampleFormat::kS16Planar, &plan).ok());
  std::vector<int16_t> ch2(2);
  CopyAudio(SampleFormat::kS16, frame->extended_data, 3, plan, reinterpret_cast<uint8_t*>(ch2.data()));
  EXPECT_EQ(ch2, (std::vector<int16_t>{102, 202}));

  // To planar s32 and back to interleaved s16 is the identity.
  std::vector<int32_t> planar(12);
  for (uint32_t c = 0; c < 3; c++) {
    ASSERT_TRUE(PlanAudioCopy(SampleFormat::kS16, 3, 4, c, 0, std::nullopt, SampleFormat::kS32Planar, &plan).ok());
    CopyAudio(SampleFormat::kS16, frame->extended_data, 3, plan, reinterpret_cast<uint8_t*>(planar.data() + c * 4));
  }
  EXPECT_EQ(planar[1 * 4 + 3], 301 * 65536);
  FramePtr planar_frame = CreateAudioFrameFromBuffer(SampleFormat::kS32Planar, 3, 4, 48000,
                                                     reinterpret_cast<const uint8_t*>(planar.data()));
  ASSERT_TRUE(PlanAudioCopy(SampleFormat::kS32Planar, 3, 4, 0, 0, std::nullopt, SampleFormat::kS16, &plan).ok());
  std::vector<int16_t> back(12);
  CopyAudio(SampleFormat::kS32Planar, planar_frame->extended_data, 3, plan, reinterpret_cast<uint8_t*>(back.data()));
  EXPECT_EQ(back, src);
}

// Found by fuzz_audio_copy under UBSan: copyTo({frameCount: 0}) into an
// empty destination (whose data pointer may be null) called memcpy on it,
// and offset it per channel for interleaved output from planar samples.
TEST(AudioCopy, ZeroFramesIntoAnEmptyDestination) {
  const std::vector<int16_t> src(8, 7);
  for (SampleFormat from : {SampleFormat::kS16, SampleFormat::kS16Planar}) {
    FramePtr frame = CreateAudioFrameFromBuffer(from, 2, 4, 48000, reinterpret_cast<const uint8_t*>(src.data()));
    for (SampleFormat dest : {SampleFormat::kS16, SampleFormat::kS16Planar, SampleFormat::kF32}) {
      AudioCopyPlan plan;
      ASSERT_TRUE(PlanAudioCopy(from, 2, 4, 0, 1, 0, dest, &plan).ok());
      EXPECT_EQ(plan.byte_size, 0u);
      CopyAudio(from, frame->extended_data, 2, plan, nullptr);
    }
  }
}

TEST(AudioFrame, ManyChannelsUseExtendedData) {
  std::vector<float> src(10 * 3);
  for (size_t i = 0; i < src.size(); i++) src[i] = static_cast<float>(i);
  FramePtr frame = CreateAudioFrameFromBuffer(SampleFormat::kF32Planar, 10, 3, 8000,
                                              reinterpret_cast<const uint8_t*>(src.data()));
  EXPECT_NE(frame->extended_data, frame->data);
  float v;
  std::memcpy(&v, frame->extended_data[9] + 2 * sizeof(float), sizeof v);
  EXPECT_EQ(v, 29.0f);
  FramePtr ref = RefFrame(frame.get());
  frame.reset();
  std::memcpy(&v, ref->extended_data[9], sizeof v);
  EXPECT_EQ(v, 27.0f);
}

TEST(AudioFrame, SizesOverflowToZero) {
  EXPECT_EQ(AudioDataBytes(SampleFormat::kS16, 2, 10), 40u);
  EXPECT_EQ(AudioDataBytes(SampleFormat::kF32, 0xffffffffu, std::numeric_limits<uint64_t>::max() / 2), 0u);
}

}  // namespace
}  // namespace wcn
