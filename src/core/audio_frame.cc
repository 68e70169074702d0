#include "core/audio_frame.h"

#include <cstring>
#include <limits>
#include <new>

#include "core/frame_pool.h"

namespace wcn {

namespace {

// Planes start on 64-byte boundaries, as av_samples_alloc aligns them, so
// SIMD paths in swresample and the encoders see aligned rows.
constexpr size_t kPlaneAlign = 64;

}  // namespace

uint64_t AudioDataBytes(SampleFormat format, uint32_t channels, uint64_t frames) {
  const uint64_t per_frame = uint64_t{channels} * static_cast<uint64_t>(SampleInfo(format).bytes);
  if (per_frame != 0 && frames > std::numeric_limits<uint64_t>::max() / per_frame) return 0;
  return per_frame * frames;
}

AVChannelLayout DefaultChannelLayout(int channels) {
  AVChannelLayout layout{};
  av_channel_layout_default(&layout, channels);
  return layout;
}

FramePtr AllocatePooledAudioFrame(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate) {
  const SampleFormatInfo& info = SampleInfo(format);
  const size_t bytes = static_cast<size_t>(info.bytes);
  const size_t planes = info.planar ? channels : 1;
  const size_t plane_size = info.planar ? size_t{frames} * bytes : size_t{frames} * channels * bytes;
  const size_t stride = FFALIGN(plane_size, kPlaneAlign);
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
  frame->linesize[0] = static_cast<int>(plane_size);
  frame->buf[0] = buf.release();
  return frame;
}

FramePtr CreateAudioFrameFromBuffer(SampleFormat format, uint32_t channels, uint32_t frames, int sample_rate,
                                    const uint8_t* src) {
  FramePtr frame = AllocatePooledAudioFrame(format, channels, frames, sample_rate);
  const SampleFormatInfo& info = SampleInfo(format);
  const size_t plane_size = static_cast<size_t>(frame->linesize[0]);
  const size_t planes = info.planar ? channels : 1;
  for (size_t p = 0; p < planes; p++) std::memcpy(frame->extended_data[p], src + p * plane_size, plane_size);
  return frame;
}

}  // namespace wcn
