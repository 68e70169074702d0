// unique_ptr owners for FFmpeg objects, so no path can leak or double-free them.
#pragma once

#include <cstdint>
#include <memory>
#include <new>

#include "core/ffmpeg.h"

namespace wcn {

// AVFrame and AVPacket structures are recycled (ffmpeg_raii.cc): every
// decoded frame and every chunk needs one, FFmpeg allocates them with
// posix_memalign (no thread cache), and they are freed on another thread
// than the one that allocated them.
void RecycleFrame(AVFrame* f);
void RecyclePacket(AVPacket* p);
struct FrameDeleter {
  void operator()(AVFrame* f) const { RecycleFrame(f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { RecyclePacket(p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct SwrDeleter {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct BufferRefDeleter {
  void operator()(AVBufferRef* b) const { av_buffer_unref(&b); }
};
struct BsfDeleter {
  void operator()(AVBSFContext* b) const { av_bsf_free(&b); }
};
struct CodecParamsDeleter {
  void operator()(AVCodecParameters* p) const { avcodec_parameters_free(&p); }
};
struct InputContextDeleter {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct AvFreeDeleter {
  void operator()(void* p) const { av_free(p); }
};

using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using BufferRefPtr = std::unique_ptr<AVBufferRef, BufferRefDeleter>;
using BsfPtr = std::unique_ptr<AVBSFContext, BsfDeleter>;
using CodecParamsPtr = std::unique_ptr<AVCodecParameters, CodecParamsDeleter>;
using InputContextPtr = std::unique_ptr<AVFormatContext, InputContextDeleter>;  // a demuxer

// FFmpeg allocators return null on failure; turn that into bad_alloc so
// callers never dereference null.
// An empty frame / packet (a recycled one when there is one).
FramePtr AllocFrame();
PacketPtr AllocPacket();

// Bytes of every buffer a frame references (what it pins in memory).
inline int64_t FrameBufferBytes(const AVFrame& frame) {
  int64_t bytes = 0;
  for (const AVBufferRef* buf : frame.buf) {
    if (buf) bytes += static_cast<int64_t>(buf->size);
  }
  for (int i = 0; i < frame.nb_extended_buf; i++) bytes += static_cast<int64_t>(frame.extended_buf[i]->size);
  return bytes;
}

// A new reference to `src` (shares its buffers; copies no pixels).
inline FramePtr RefFrame(const AVFrame* src) {
  FramePtr f = AllocFrame();
  if (av_frame_ref(f.get(), src) < 0) throw std::bad_alloc();
  return f;
}

}  // namespace wcn
