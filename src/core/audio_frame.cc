#include "core/audio_frame.h"

#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "core/frame_pool.h"
#include "core/limits.h"

namespace wcn {

namespace {

// Planes start on 64-byte boundaries, as av_samples_alloc aligns them, so
// SIMD paths in swresample and the encoders see aligned rows.
constexpr size_t kPlaneAlign = 64;

// Bytes from one plane's start to the next's in a pooled frame.
size_t PlaneStride(SampleFormat format, uint32_t channels, uint32_t frames) {
  const SampleFormatInfo& info = SampleInfo(format);
  const size_t plane_size = size_t{frames} * static_cast<size_t>(info.bytes) * (info.planar ? 1 : channels);
  return FFALIGN(plane_size, kPlaneAlign);
}

}  // namespace

uint64_t AudioDataBytes(SampleFormat format, uint32_t channels, uint64_t frames) {
  const uint64_t per_frame = uint64_t{channels} * static_cast<uint64_t>(SampleInfo(format).bytes);
  if (per_frame != 0 && frames > std::numeric_limits<uint64_t>::max() / per_frame) return 0;
  return per_frame * frames;
}

Status CheckAudioLimits(uint32_t sample_rate, uint32_t channels) {
  if (channels < 1 || channels > kMaxAudioChannels) {
    return Status::Error(ErrorKind::kNotSupportedError, "numberOfChannels must be from 1 to " +
                                                            std::to_string(kMaxAudioChannels) + "; received " +
                                                            std::to_string(channels) + ".");
  }
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    return Status::Error(ErrorKind::kNotSupportedError,
                         "sampleRate must be from " + std::to_string(kMinSampleRate) + " to " +
                             std::to_string(kMaxSampleRate) + " Hz; received " + std::to_string(sample_rate) + ".");
  }
  return Status::Ok();
}

AVChannelLayout DefaultChannelLayout(int channels) {
  AVChannelLayout layout{};
  av_channel_layout_default(&layout, channels);
  return layout;
}

FramePtr AllocatePooledAudioFrame(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate) {
  const SampleFormatInfo& info = SampleInfo(format);
  const size_t planes = info.planar ? channels : 1;
  const size_t stride = PlaneStride(format, channels, frames);
  FramePtr frame = AllocFrame();
  frame->format = info.av;
  frame->nb_samples = static_cast<int>(frames);
  frame->sample_rate = sample_rate;
  frame->ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
  frame->ch_layout.nb_channels = static_cast<int>(channels);
  BufferRefPtr buf = PoolRegistry::Instance().Acquire(stride * planes);
  if (planes > AV_NUM_DATA_POINTERS) {
    // FFmpeg keeps pointers past the eighth plane in extended_data, which
    // av_frame_unref frees.
    frame->extended_data = static_cast<uint8_t**>(av_calloc(planes, sizeof(uint8_t*)));
    if (!frame->extended_data) throw std::bad_alloc();
  }
  for (size_t p = 0; p < planes; p++) {
    uint8_t* plane = buf->data + p * stride;
    if (p < AV_NUM_DATA_POINTERS) frame->data[p] = plane;
    frame->extended_data[p] = plane;
  }
  // FFmpeg's linesize for audio: the padded size of every plane (encoders
  // such as libmp3lame check it covers their SIMD blocks).
  frame->linesize[0] = static_cast<int>(stride);
  frame->buf[0] = buf.release();
  return frame;
}

uint64_t PreallocateAudioFrames(SampleFormat format, uint32_t channels, uint32_t frames, uint64_t count) {
  const size_t planes = SampleInfo(format).planar ? channels : 1;
  return PoolRegistry::Instance().Preallocate(PlaneStride(format, channels, frames) * planes, count);
}

FramePtr CreateAudioFrameFromBuffer(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate,
                                    const uint8_t* src) {
  FramePtr frame = AllocatePooledAudioFrame(format, channels, frames, sample_rate);
  const SampleFormatInfo& info = SampleInfo(format);
  const size_t planes = info.planar ? channels : 1;
  const size_t plane_size = size_t{frames} * static_cast<size_t>(info.bytes) * (info.planar ? 1 : channels);
  for (size_t p = 0; p < planes; p++) std::memcpy(frame->extended_data[p], src + p * plane_size, plane_size);
  return frame;
}

}  // namespace wcn
