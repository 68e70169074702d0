// Limits enforced before FFmpeg (or we) allocate, so hostile sizes fail as
// errors instead of exhausting memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/ffmpeg.h"

namespace wcn {

// Largest frame area accepted anywhere (coded size of a frame, a decoder's
// declared size, an encoder's configured size): 16384 x 16384.
inline constexpr uint64_t kMaxPixels = 16384ull * 16384ull;
// Largest single dimension.
inline constexpr uint32_t kMaxDimension = 32768;
// Largest encoded chunk accepted for decoding (an intra 8K frame is far
// smaller) and largest codec description (extradata).
inline constexpr size_t kMaxChunkBytes = 256u << 20;
inline constexpr size_t kMaxDescriptionBytes = 1u << 20;

inline constexpr bool WithinFrameLimits(uint64_t width, uint64_t height) {
  return width <= kMaxDimension && height <= kMaxDimension && width * height <= kMaxPixels;
}

// "at most 32768 per side and 268435456 pixels", for messages.
inline std::string FrameLimitText() {
  return "at most " + std::to_string(kMaxDimension) + " per side and " + std::to_string(kMaxPixels) + " pixels";
}

// Audio: channel count and sample rate ranges of AudioData and codec
// configurations (Chromium's media limits), and the largest AudioData (its
// samples' bytes; also keeps frame counts within FFmpeg's int).
inline constexpr uint32_t kMaxAudioChannels = 32;
inline constexpr uint32_t kMinSampleRate = 3000;
inline constexpr uint32_t kMaxSampleRate = 768000;
inline constexpr uint64_t kMaxAudioDataBytes = 1ull << 30;

// The largest single allocation FFmpeg may make (av_max_alloc, for the
// whole process): a plane of the largest frame in the widest spec format
// (RGBA at kMaxPixels, 1 GiB) with room for padding. FFmpeg's default
// (INT_MAX) let a 4 KB fragmented MP4 whose trun box declares 84 million
// samples take 2 GB for its index.
inline constexpr size_t kMaxFFmpegAllocation = (size_t{1} << 30) + (size_t{1} << 20);
inline void InstallAllocationLimit() { av_max_alloc(kMaxFFmpegAllocation); }

}  // namespace wcn
