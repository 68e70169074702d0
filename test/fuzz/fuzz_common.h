// What every fuzz target shares: a reader over the framed inputs that
// scripts/fuzz-pack.mjs writes (and libFuzzer mutates), the EventSink the
// engines report through, and the check that turns a broken invariant into
// a crash libFuzzer records.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/codec_events.h"
#include "core/codec_worker.h"
#include "core/ffmpeg_raii.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/pixel_format.h"
#include "core/sample_format.h"

// A fuzz target's own assertion: libFuzzer keeps the input that broke it.
#define FUZZ_CHECK(cond)                                                             \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace wcn::fuzz {

// Reads the input front to back; past the end every read gives zeros or
// no bytes, so any byte string is a valid input.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  uint32_t U8() { return static_cast<uint32_t>(Take(1)); }
  uint32_t U16() { return static_cast<uint32_t>(Take(2)); }
  uint32_t U24() { return static_cast<uint32_t>(Take(3)); }
  uint64_t U64() { return Take(8); }
  // Up to `n` bytes (fewer at the end of the input).
  std::vector<uint8_t> Bytes(size_t n) {
    n = n < remaining() ? n : remaining();
    std::vector<uint8_t> out(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return out;
  }
  // A chunk as the packer frames it: a 24-bit little-endian length, then
  // that many bytes.
  std::vector<uint8_t> Chunk() { return Bytes(U24()); }
  std::vector<uint8_t> Rest() { return Bytes(remaining()); }
  size_t remaining() const { return size_ - pos_; }

 private:
  uint64_t Take(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes && pos_ < size_; i++) v |= uint64_t{data_[pos_++]} << (8 * i);
    return v;
  }
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// An FFmpeg packet holding a copy of `bytes`.
inline PacketPtr Packet(const std::vector<uint8_t>& bytes) {
  PacketPtr p = AllocPacket();
  if (av_new_packet(p.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(p->data, bytes.data(), bytes.size());
  return p;
}

// A decoded frame is what the binding wraps as a VideoFrame: the planes of
// its spec format, a visible rect inside the coded size, a display size.
inline void CheckVideo(const DecodedVideo& v) {
  FUZZ_CHECK(v.frame && v.frame->width > 0 && v.frame->height > 0);
  const PixelFormatInfo& info = Info(v.format);
  // The frame's memory layout is the format's (yuvj420p is I420, say).
  if (info.av != AV_PIX_FMT_NONE) FUZZ_CHECK(FromAVPixelFormat(static_cast<AVPixelFormat>(v.frame->format)) == v.format);
  for (int p = 0; p < info.planes; p++) FUZZ_CHECK(v.frame->data[p] && v.frame->linesize[p] > 0);
  FUZZ_CHECK(v.visible.width > 0 && v.visible.height > 0);
  FUZZ_CHECK(v.visible.x + v.visible.width <= static_cast<uint64_t>(v.frame->width));
  FUZZ_CHECK(v.visible.y + v.visible.height <= static_cast<uint64_t>(v.frame->height));
  FUZZ_CHECK(v.display_width > 0 && v.display_height > 0);
}

// Checks decoded frames and samples as they come and releases them at
// once; notes when the reporting thread has ended. Thread-safe: the image
// demuxer posts from its own thread.
class Sink : public EventSink {
 public:
  void Post(WorkerEvent&& e) override {
    if (const auto* v = std::get_if<DecodedVideo>(&e.output)) CheckVideo(*v);
    if (const auto* a = std::get_if<DecodedAudio>(&e.output)) {
      FUZZ_CHECK(a->frame && a->frame->nb_samples > 0 && a->frame->ch_layout.nb_channels > 0);
      FUZZ_CHECK(a->frame->format == SampleInfo(a->format).av);
    }
    if (e.type != WorkerEvent::Type::kClosed) return;
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    closed_changed_.notify_all();
  }

  // Blocks until a kClosed event: the thread reporting here has ended.
  void WaitClosed() {
    std::unique_lock<std::mutex> lock(mutex_);
    closed_changed_.wait(lock, [&] { return closed_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable closed_changed_;
  bool closed_ = false;
};

// An engine's caller: the sink and the generation an Emitter stamps.
struct Harness {
  Sink sink;
  uint64_t generation = 0;
  Emitter emit{&sink, &generation};
};

// FFmpeg's process-wide state as the addon sets it: the allocation limit,
// and the log captured (errors kept per thread for messages, nothing
// printed: a fuzzer's output would drown in it).
inline void SetUpFFmpeg() {
  InstallAllocationLimit();
  InstallLogCapture(AV_LOG_QUIET);
}

}  // namespace wcn::fuzz
