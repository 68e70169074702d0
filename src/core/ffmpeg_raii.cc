#include "core/ffmpeg_raii.h"

#include <mutex>
#include <vector>

#include "core/immortal.h"

namespace wcn {

namespace {

// Unreferenced structures kept for reuse, up to kMaxShells of each kind: a
// few codecs' frames and chunks in flight. Beyond that they are freed.
constexpr size_t kMaxShells = 256;

template <typename T>
struct Shells {
  Shells() { free.reserve(kMaxShells); }
  std::mutex mutex;
  std::vector<T*> free;

  T* Take() {
    std::lock_guard<std::mutex> lock(mutex);
    if (free.empty()) return nullptr;
    T* t = free.back();
    free.pop_back();
    return t;
  }
  // False when full (the caller frees it).
  bool Keep(T* t) {
    std::lock_guard<std::mutex> lock(mutex);
    if (free.size() >= kMaxShells) return false;
    free.push_back(t);
    return true;
  }
};

}  // namespace

void RecycleFrame(AVFrame* f) {
  if (!f) return;
  av_frame_unref(f);  // back to the state av_frame_alloc() gives
  if (!Immortal<Shells<AVFrame>>().Keep(f)) av_frame_free(&f);
}

void RecyclePacket(AVPacket* p) {
  if (!p) return;
  av_packet_unref(p);  // back to the state av_packet_alloc() gives
  if (!Immortal<Shells<AVPacket>>().Keep(p)) av_packet_free(&p);
}

FramePtr AllocFrame() {
  FramePtr f(Immortal<Shells<AVFrame>>().Take());
  if (!f) f.reset(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

PacketPtr AllocPacket() {
  PacketPtr p(Immortal<Shells<AVPacket>>().Take());
  if (!p) p.reset(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace wcn
