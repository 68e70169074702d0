// Audio samples in AVFrames: pooled frames for AudioData built from a
// caller's buffer and for conversions, and their channel layouts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ffmpeg_raii.h"
#include "core/sample_format.h"
#include "core/status.h"

namespace wcn {

// Bytes of the samples an AudioData of this shape holds (the spec's
// "totalSize"), or 0 when it would overflow.
uint64_t AudioDataBytes(SampleFormat format, uint32_t channels, uint64_t frames);

// A frame whose planes all live in one pooled buffer (so an AudioData is one
// allocation however many channels it has), uninitialised. Channels are
// "unspecified order": the spec never reorders channels.
FramePtr AllocatePooledAudioFrame(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate);

// Idle pool buffers for `count` frames of this shape, within the pool
// limits. Returns how many buffers were added.
uint64_t PreallocateAudioFrames(SampleFormat format, uint32_t channels, uint32_t frames, uint64_t count);

// AudioData(init): a pooled frame holding a copy of `src`, laid out as
// `format` says (planes back to back for planar formats). The caller has
// checked src holds AudioDataBytes() bytes.
FramePtr CreateAudioFrameFromBuffer(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate,
                                    const uint8_t* src);

// The start of sample `samples` of a stream at `sample_rate`, in whole
// microseconds (rounded down) from the stream's first sample. Timestamps are
// always derived from sample counts this way, so they never drift.
inline int64_t SamplesToMicros(int64_t samples, int sample_rate) {
  const int64_t us = samples * 1000000;
  return us >= 0 ? us / sample_rate : -((-us + sample_rate - 1) / sample_rate);
}

// NotSupportedError when a codec configuration's channel count or sample
// rate is outside the limits (core/limits.h).
Status CheckAudioLimits(uint32_t sample_rate, uint32_t channels);

// The channel layout codecs get for `channels` channels: FFmpeg's default
// order for that count, or "unspecified" when it has none.
AVChannelLayout DefaultChannelLayout(int channels);

}  // namespace wcn
