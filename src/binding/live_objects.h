// Live-object counters per environment, readable from JS through
// getLiveObjects(): native frame and sample handles holding data, encoded
// byte buffers handed to JS, and the threads of codecs, demuxers, muxers and
// image decoders. A leak, or teardown that misses an object, shows as a
// count that does not return to zero.
#pragma once

#include <napi.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace wcn {

enum class LiveKind {
  kVideoFrame,    // VideoFrameHandle holding a frame (not closed)
  kAudioData,     // AudioDataHandle holding samples (not closed)
  kChunkBuffer,   // encoded bytes handed to JS without a copy, until collected
  kVideoDecoder,  // worker threads, from creation until joined
  kVideoEncoder,
  kAudioDecoder,
  kAudioEncoder,
  kDemuxer,
  kMuxer,
  kImageDecoder,  // from construction to close(): it holds the image bytes
  kCount,
};

// Atomic: a count may be dropped on whichever thread frees the last
// reference; shared so objects outliving the environment's data can still
// decrement.
using LiveCounts = std::array<std::atomic<int64_t>, static_cast<size_t>(LiveKind::kCount)>;

// One counted object: increments on construction, decrements exactly once
// (Release() or destruction). Movable, so it can follow what it counts.
class LiveObject {
 public:
  LiveObject() = default;
  LiveObject(Napi::Env env, LiveKind kind);
  ~LiveObject() { Release(); }
  LiveObject(LiveObject&& other) noexcept : counts_(std::move(other.counts_)), kind_(other.kind_) {}
  LiveObject& operator=(LiveObject&& other) noexcept {
    if (this != &other) {
      Release();
      counts_ = std::move(other.counts_);
      kind_ = other.kind_;
    }
    return *this;
  }
  LiveObject(const LiveObject&) = delete;
  LiveObject& operator=(const LiveObject&) = delete;

  void Release() {
    if (counts_) (*counts_)[static_cast<size_t>(kind_)]--;
    counts_.reset();
  }

 private:
  std::shared_ptr<LiveCounts> counts_;
  LiveKind kind_ = LiveKind::kVideoFrame;
};

// getLiveObjects() -> {videoFrames, audioData, chunkBuffers, videoDecoders, ...}
void InitLiveObjects(Napi::Env env, Napi::Object exports);

}  // namespace wcn
