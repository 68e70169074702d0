// The spec's AudioSampleFormat values and FFmpeg's equivalents.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ffmpeg.h"

namespace wcn {

enum class SampleFormat : uint8_t { kU8, kS16, kS32, kF32, kU8Planar, kS16Planar, kS32Planar, kF32Planar };
inline constexpr int kSampleFormatCount = 8;

// The numeric type of a sample, whatever the arrangement.
enum class SampleType : uint8_t { kU8, kS16, kS32, kF32 };

struct SampleFormatInfo {
  const char* name;
  SampleType type;
  int bytes;  // per sample
  bool planar;
  AVSampleFormat av;
};

const SampleFormatInfo& SampleInfo(SampleFormat format);
std::optional<SampleFormat> ParseSampleFormat(std::string_view name);
// The spec format with FFmpeg's memory layout, if there is one (FFmpeg's
// s64 and double formats have none).
std::optional<SampleFormat> FromAVSampleFormat(AVSampleFormat av);

}  // namespace wcn
