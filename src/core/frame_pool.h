// Pools of equally sized buffers handed out as refcounted AVBufferRefs.
//
// A buffer goes back to its pool when its last reference drops, on whichever
// thread that happens (an encoder's lookahead, a JS clone's close()), so a
// frame's planes are reused only once nobody can read them. FFmpeg's
// AVBufferPool does the same but cannot report releases, cap what it keeps or
// give idle memory back, which the pool statistics and limits need.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/ffmpeg_raii.h"

namespace wcn {

struct PoolStats {
  size_t buffer_size = 0;
  uint64_t capacity = 0;      // buffers the pool owns (in use + available)
  uint64_t available = 0;     // idle buffers ready for reuse
  uint64_t in_use = 0;
  uint64_t peak_in_use = 0;
  uint64_t acquires = 0;
  uint64_t releases = 0;
  uint64_t fresh_allocations = 0;  // acquires that had to allocate
  uint64_t bytes_held = 0;    // capacity * buffer_size
};

class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  explicit BufferPool(size_t buffer_size);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A buffer of buffer_size() bytes (plus FFmpeg's input padding, zeroed).
  // Throws std::bad_alloc when memory is exhausted.
  BufferRefPtr Acquire();
  // Frees idle buffers; those in use still return here and are kept.
  void Trim();
  size_t buffer_size() const { return buffer_size_; }
  PoolStats Stats() const;

 private:
  struct Slot;
  static void Release(void* opaque, uint8_t* data);
  void Return(std::unique_ptr<Slot> slot);

  const size_t buffer_size_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> free_;
  PoolStats stats_;
};

// The process-wide set of pools, one per buffer size. Thread-safe: frames are
// built on the JS thread of any environment and on codec workers.
class PoolRegistry {
 public:
  static PoolRegistry& Instance();
  BufferRefPtr Acquire(size_t size);
  std::vector<PoolStats> Stats() const;
  // Frees every idle buffer and forgets pools with nothing in use.
  void Trim();

 private:
  mutable std::mutex mutex_;
  std::map<size_t, std::shared_ptr<BufferPool>> pools_;
};

}  // namespace wcn
