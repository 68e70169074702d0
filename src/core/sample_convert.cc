#include "core/sample_convert.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

namespace wcn {

namespace {

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// An integer sample as a signed 32-bit value at full scale (s32's own range).
template <typename T>
int32_t Centered(T v) {
  if constexpr (std::is_same_v<T, uint8_t>) return (static_cast<int32_t>(v) - 128) * (1 << 24);
  if constexpr (std::is_same_v<T, int16_t>) return static_cast<int32_t>(v) * (1 << 16);
  if constexpr (std::is_same_v<T, int32_t>) return v;
}

// Bits the integer type keeps of a centered value, and its bias.
template <typename T>
constexpr int kBits = sizeof(T) * 8;
template <typename T>
constexpr int32_t kBias = std::is_same_v<T, uint8_t> ? 128 : 0;

// Narrowing drops the low bits (an arithmetic shift: rounds toward -inf),
// as libswresample's integer conversions and Chromium do, and as the WPT
// suite expects (s16 16383 -> u8 191).
template <typename T>
T FromCentered(int32_t c) {
  if constexpr (std::is_same_v<T, int32_t>) {
    return c;
  } else {
    return static_cast<T>((c >> (32 - kBits<T>)) + kBias<T>);
  }
}

template <typename T>
T FromFloat(float x) {
  if constexpr (std::is_same_v<T, float>) {
    return x;
  } else {
    constexpr double kScale = static_cast<double>(int64_t{1} << (kBits<T> - 1));
    constexpr double kMax = kScale - 1;
    const double y = static_cast<double>(x) * kScale;  // exact: scaling by a power of two
    int64_t q;
    if (std::isnan(y)) {
      q = 0;
    } else if (y >= kMax) {
      q = static_cast<int64_t>(kMax);
    } else if (y <= -kScale) {
      q = static_cast<int64_t>(-kScale);
    } else {
      q = static_cast<int64_t>(std::nearbyint(y));  // ties to even
    }
    return static_cast<T>(q + kBias<T>);
  }
}

template <typename From, typename To>
To Convert(From v) {
  if constexpr (std::is_same_v<From, float>) {
    return FromFloat<To>(v);
  } else if constexpr (std::is_same_v<To, float>) {
    // A power-of-two scale is exact; only s32 values lose low bits to the
    // float's 24-bit mantissa.
    return static_cast<float>(Centered(v)) * (1.0f / 2147483648.0f);
  } else {
    return FromCentered<To>(Centered(v));
  }
}

template <typename From, typename To>
void ConvertRun(const uint8_t* src, size_t src_step, uint8_t* dst, size_t dst_step, size_t n) {
  const size_t ss = src_step * sizeof(From);
  const size_t ds = dst_step * sizeof(To);
  for (size_t i = 0; i < n; i++) Store<To>(dst + i * ds, Convert<From, To>(Load<From>(src + i * ss)));
}

template <typename From>
void ConvertFrom(const uint8_t* src, size_t src_step, SampleType to, uint8_t* dst, size_t dst_step, size_t n) {
  switch (to) {
    case SampleType::kU8: return ConvertRun<From, uint8_t>(src, src_step, dst, dst_step, n);
    case SampleType::kS16: return ConvertRun<From, int16_t>(src, src_step, dst, dst_step, n);
    case SampleType::kS32: return ConvertRun<From, int32_t>(src, src_step, dst, dst_step, n);
    case SampleType::kF32: return ConvertRun<From, float>(src, src_step, dst, dst_step, n);
  }
}

int TypeBytes(SampleType t) { return t == SampleType::kU8 ? 1 : t == SampleType::kS16 ? 2 : 4; }

}  // namespace

void ConvertSamples(SampleType from, const uint8_t* src, size_t src_step, SampleType to, uint8_t* dst,
                    size_t dst_step, size_t n) {
  if (from == to && src_step == 1 && dst_step == 1) {
    std::memcpy(dst, src, n * static_cast<size_t>(TypeBytes(from)));
    return;
  }
  switch (from) {
    case SampleType::kU8: return ConvertFrom<uint8_t>(src, src_step, to, dst, dst_step, n);
    case SampleType::kS16: return ConvertFrom<int16_t>(src, src_step, to, dst, dst_step, n);
    case SampleType::kS32: return ConvertFrom<int32_t>(src, src_step, to, dst, dst_step, n);
    case SampleType::kF32: return ConvertFrom<float>(src, src_step, to, dst, dst_step, n);
  }
}

Status PlanAudioCopy(SampleFormat format, uint32_t channels, uint64_t frames, uint32_t plane_index,
                     uint64_t frame_offset, std::optional<uint64_t> frame_count,
                     std::optional<SampleFormat> dest_format, AudioCopyPlan* plan) {
  const SampleFormat dest = dest_format.value_or(format);
  const SampleFormatInfo& info = SampleInfo(dest);
  if (!info.planar && plane_index > 0) {
    return Status::Error(ErrorKind::kRangeError,
                         InvalidMessage("planeIndex", std::string("0 for the interleaved format \"") + info.name + "\"",
                                        std::to_string(plane_index)));
  }
  if (info.planar && plane_index >= channels) {
    return Status::Error(ErrorKind::kRangeError,
                         InvalidMessage("planeIndex", "less than numberOfChannels (" + std::to_string(channels) + ")",
                                        std::to_string(plane_index)));
  }
  // Every conversion is supported, so the spec's NotSupportedError never applies.
  if (frame_offset >= frames) {
    return Status::Error(ErrorKind::kRangeError,
                         InvalidMessage("frameOffset", "less than numberOfFrames (" + std::to_string(frames) + ")",
                                        std::to_string(frame_offset)));
  }
  uint64_t count = frames - frame_offset;
  if (frame_count) {
    if (*frame_count > count) {
      return Status::Error(ErrorKind::kRangeError,
                           InvalidMessage("frameCount", "at most " + std::to_string(count) + " frames after frameOffset",
                                          std::to_string(*frame_count)));
    }
    count = *frame_count;
  }
  plan->dest_format = dest;
  plan->plane_index = plane_index;
  plan->frame_offset = frame_offset;
  plan->frame_count = count;
  plan->element_count = info.planar ? count : count * channels;
  plan->byte_size = plan->element_count * static_cast<uint64_t>(info.bytes);
  return Status::Ok();
}

void CopyAudio(SampleFormat format, const uint8_t* const* planes, uint32_t channels, const AudioCopyPlan& plan,
               uint8_t* dst) {
  // copyTo({frameCount: 0}) writes nothing, into a destination that may
  // have no bytes at all (a null pointer, not to be offset or copied to).
  if (plan.frame_count == 0) return;
  const SampleFormatInfo& src = SampleInfo(format);
  const SampleFormatInfo& out = SampleInfo(plan.dest_format);
  const size_t sb = static_cast<size_t>(src.bytes);
  const size_t db = static_cast<size_t>(out.bytes);
  const size_t n = plan.frame_count;
  if (!src.planar && !out.planar) {
    // Interleaved to interleaved: one run over every sample of the frames.
    ConvertSamples(src.type, planes[0] + plan.frame_offset * channels * sb, 1, out.type, dst, 1, n * channels);
    return;
  }
  // Where channel c's sample of frame `frame_offset` lives, and the step to the next frame.
  auto source = [&](uint32_t c) {
    return src.planar ? planes[c] + plan.frame_offset * sb : planes[0] + (plan.frame_offset * channels + c) * sb;
  };
  const size_t src_step = src.planar ? 1 : channels;
  if (out.planar) {
    ConvertSamples(src.type, source(plan.plane_index), src_step, out.type, dst, 1, n);
    return;
  }
  for (uint32_t c = 0; c < channels; c++) ConvertSamples(src.type, source(c), src_step, out.type, dst + c * db, channels, n);
}

}  // namespace wcn
