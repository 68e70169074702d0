// AudioData's copyTo arithmetic and sample conversions, called as
// src/binding/audio_data.cc calls them: new AudioData(init) from a buffer of
// exactly the init's size (samples taken from the input, so NaNs and
// extremes occur), then allocationSize/copyTo with any options into a
// destination of exactly allocationSize bytes. A copy of plane 0 in the
// AudioData's own format gives back the bytes it was made from.
//
// Input: format, channels, frames (u16), sample rate (u24), copyTo's
// planeIndex and frameOffset (u16 each), frameCount and format (each
// optional: a presence byte first), then sample bytes (repeated to fill).
#include <cstring>
#include <optional>
#include <vector>

#include "core/audio_frame.h"
#include "core/limits.h"
#include "core/sample_convert.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  const auto format = static_cast<SampleFormat>(in.U8() % kSampleFormatCount);
  const uint32_t channels = in.U8();
  const uint32_t frames = in.U16();
  const int rate = static_cast<int>(in.U24());
  const uint32_t plane_index = in.U16();
  const uint64_t frame_offset = in.U16();
  std::optional<uint64_t> frame_count;
  if (in.U8() & 1) frame_count = in.U16();
  std::optional<SampleFormat> dest_format;
  if (in.U8() & 1) dest_format = static_cast<SampleFormat>(in.U8() % kSampleFormatCount);
  const std::vector<uint8_t> samples = in.Rest();

  // new AudioData(init)
  if (channels == 0 || channels > kMaxAudioChannels || frames == 0 || rate == 0) return 0;
  const uint64_t total = AudioDataBytes(format, channels, frames);
  FUZZ_CHECK(total > 0 && total <= kMaxAudioDataBytes);
  std::vector<uint8_t> source(total);
  for (size_t i = 0; i < source.size(); i++) source[i] = samples.empty() ? 0 : samples[i % samples.size()];
  FramePtr frame = CreateAudioFrameFromBuffer(format, channels, frames, rate, source.data());

  // copyTo(dest, options)
  AudioCopyPlan plan;
  if (!PlanAudioCopy(format, channels, frames, plane_index, frame_offset, frame_count, dest_format, &plan).ok()) {
    return 0;
  }
  std::vector<uint8_t> dest(plan.byte_size);
  CopyAudio(format, frame->extended_data, channels, plan, dest.data());
  if (!dest_format && !frame_count && plane_index == 0 && frame_offset == 0) {
    const size_t plane_bytes = SampleInfo(format).planar ? total / channels : total;
    FUZZ_CHECK(dest.size() == plane_bytes && std::memcmp(dest.data(), source.data(), plane_bytes) == 0);
  }
  return 0;
}
