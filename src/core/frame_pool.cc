#include "core/frame_pool.h"

#include <algorithm>
#include <cstring>

#include "core/immortal.h"

namespace wcn {

// One pooled block. It is allocated once and reused; while handed out it keeps
// its pool alive, so a buffer released after the registry forgot the pool
// still has somewhere to go.
struct BufferPool::Slot {
  explicit Slot(size_t size) : data(static_cast<uint8_t*>(av_malloc(size + AV_INPUT_BUFFER_PADDING_SIZE))) {
    if (!data) throw std::bad_alloc();
    std::memset(data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  }
  ~Slot() { av_free(data); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  uint8_t* data;
  std::shared_ptr<BufferPool> owner;
};

BufferPool::BufferPool(size_t buffer_size) : buffer_size_(buffer_size) {
  stats_.buffer_size = buffer_size;
}

BufferPool::~BufferPool() = default;

BufferRefPtr BufferPool::Acquire() {
  std::unique_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.acquires++;
    stats_.in_use++;
    stats_.peak_in_use = std::max(stats_.peak_in_use, stats_.in_use);
    if (free_.empty()) {
      stats_.fresh_allocations++;
      stats_.capacity++;
    } else {
      slot = std::move(free_.back());
      free_.pop_back();
      stats_.available--;
    }
  }
  try {
    if (!slot) slot = std::make_unique<Slot>(buffer_size_);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.in_use--;
    stats_.capacity--;
    throw;
  }
  slot->owner = shared_from_this();
  AVBufferRef* ref = av_buffer_create(slot->data, buffer_size_, &BufferPool::Release, slot.get(), 0);
  if (!ref) {
    Return(std::move(slot));
    throw std::bad_alloc();
  }
  slot.release();  // owned by `ref` now; Release() takes it back
  return BufferRefPtr(ref);
}

void BufferPool::Release(void* opaque, uint8_t*) {
  std::unique_ptr<Slot> slot(static_cast<Slot*>(opaque));
  // Keep the pool alive until Return() is done, then let it go.
  std::shared_ptr<BufferPool> owner = std::move(slot->owner);
  owner->Return(std::move(slot));
}

void BufferPool::Return(std::unique_ptr<Slot> slot) {
  slot->owner.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.releases++;
  stats_.in_use--;
  stats_.available++;
  free_.push_back(std::move(slot));
}

void BufferPool::Trim() {
  std::vector<std::unique_ptr<Slot>> idle;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle.swap(free_);
    stats_.capacity -= idle.size();
    stats_.available = 0;
  }
}

PoolStats BufferPool::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  PoolStats s = stats_;
  s.bytes_held = s.capacity * buffer_size_;
  return s;
}

PoolRegistry& PoolRegistry::Instance() { return Immortal<PoolRegistry>(); }

BufferRefPtr PoolRegistry::Acquire(size_t size) {
  std::shared_ptr<BufferPool> pool;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = pools_[size];
    if (!slot) slot = std::make_shared<BufferPool>(size);
    pool = slot;
  }
  return pool->Acquire();
}

std::vector<PoolStats> PoolRegistry::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<PoolStats> out;
  out.reserve(pools_.size());
  for (const auto& [size, pool] : pools_) out.push_back(pool->Stats());
  return out;
}

void PoolRegistry::Trim() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = pools_.begin(); it != pools_.end();) {
    it->second->Trim();
    if (it->second->Stats().in_use == 0) {
      it = pools_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace wcn
