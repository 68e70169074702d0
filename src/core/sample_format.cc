#include "core/sample_format.h"

#include <array>

namespace wcn {

namespace {

using T = SampleType;

constexpr std::array<SampleFormatInfo, kSampleFormatCount> kFormats = {{
    {"u8", T::kU8, 1, false, AV_SAMPLE_FMT_U8},
    {"s16", T::kS16, 2, false, AV_SAMPLE_FMT_S16},
    {"s32", T::kS32, 4, false, AV_SAMPLE_FMT_S32},
    {"f32", T::kF32, 4, false, AV_SAMPLE_FMT_FLT},
    {"u8-planar", T::kU8, 1, true, AV_SAMPLE_FMT_U8P},
    {"s16-planar", T::kS16, 2, true, AV_SAMPLE_FMT_S16P},
    {"s32-planar", T::kS32, 4, true, AV_SAMPLE_FMT_S32P},
    {"f32-planar", T::kF32, 4, true, AV_SAMPLE_FMT_FLTP},
}};

}  // namespace

const SampleFormatInfo& SampleInfo(SampleFormat format) { return kFormats[static_cast<size_t>(format)]; }

std::optional<SampleFormat> ParseSampleFormat(std::string_view name) {
  for (size_t i = 0; i < kFormats.size(); i++) {
    if (name == kFormats[i].name) return static_cast<SampleFormat>(i);
  }
  return std::nullopt;
}

std::optional<SampleFormat> FromAVSampleFormat(AVSampleFormat av) {
  for (size_t i = 0; i < kFormats.size(); i++) {
    if (kFormats[i].av == av) return static_cast<SampleFormat>(i);
  }
  return std::nullopt;
}

}  // namespace wcn
