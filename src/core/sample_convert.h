// The arithmetic of AudioData.copyTo: which samples a copy covers (the spec's
// "Compute Copy Element Count") and the conversion between sample types.
//
// Conversions follow the spec's table of sample magnitudes with uniform
// (linear PCM) quantisation: an integer sample is the fraction
// (value - bias) / 2^(bits - 1) of full scale, so u8 128, s16 0 and s32 0
// are silence and u8 0, s16 -32768, s32 -2^31 are exactly -1.0. Widening
// (u8 -> s16 -> s32) and integer -> f32 for u8/s16 are exact; s32 -> f32
// rounds to the nearest float; narrowing and f32 -> integer round to nearest
// (ties to even) and clip to the type's range, NaN becoming silence. f32 ->
// f32 copies without clipping, as the spec asks. This is libswresample's
// scaling (and Firefox's), with rounding where swresample truncates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/sample_format.h"
#include "core/status.h"

namespace wcn {

struct AudioCopyPlan {
  SampleFormat dest_format;
  uint32_t plane_index = 0;
  uint64_t frame_offset = 0;
  uint64_t frame_count = 0;    // frames the copy covers
  uint64_t element_count = 0;  // samples written
  uint64_t byte_size = 0;      // element_count * bytes per destination sample
};

// Compute Copy Element Count, with the RangeErrors the spec lists, for an
// AudioData of `format` with `channels` x `frames` samples. `frame_count`
// and `dest_format` are nullopt when the options do not give them.
Status PlanAudioCopy(SampleFormat format, uint32_t channels, uint64_t frames, uint32_t plane_index,
                     uint64_t frame_offset, std::optional<uint64_t> frame_count,
                     std::optional<SampleFormat> dest_format, AudioCopyPlan* plan);

// Writes the samples `plan` covers to dst (plan.byte_size bytes, any
// alignment). `planes` are the source planes: one per channel for planar
// formats, planes[0] for interleaved ones.
void CopyAudio(SampleFormat format, const uint8_t* const* planes, uint32_t channels, const AudioCopyPlan& plan,
               uint8_t* dst);

// Converts n samples, reading every src_step-th element of src and writing
// every dst_step-th element of dst (steps in samples; any alignment).
void ConvertSamples(SampleType from, const uint8_t* src, size_t src_step, SampleType to, uint8_t* dst,
                    size_t dst_step, size_t n);

}  // namespace wcn
