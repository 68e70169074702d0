#include "core/frame_pool.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/immortal.h"
#include "core/worker_thread.h"

namespace wcn {

void PoolBudget::set_config(const PoolConfig& config) {
  max_bytes_.store(config.max_bytes);
  max_buffers_.store(config.max_buffers_per_pool);
  idle_trim_ms_.store(config.idle_trim_ms);
}

bool PoolBudget::Reserve(uint64_t bytes) {
  uint64_t held = held_.load(std::memory_order_relaxed);
  do {
    if (held + bytes > max_bytes_.load(std::memory_order_relaxed)) return false;
  } while (!held_.compare_exchange_weak(held, held + bytes, std::memory_order_relaxed));
  return true;
}

void PoolBudget::AddInUse() {
  const uint64_t now = in_use_.fetch_add(1, std::memory_order_relaxed) + 1;
  uint64_t peak = peak_in_use_.load(std::memory_order_relaxed);
  while (now > peak && !peak_in_use_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

// One block. A pooled one is allocated once and reused; while handed out a
// block keeps its pool alive, so a buffer released after the registry forgot
// the pool still has somewhere to go.
struct BufferPool::Slot {
  Slot(size_t size, bool in_pool)
      : data(static_cast<uint8_t*>(av_malloc(size + AV_INPUT_BUFFER_PADDING_SIZE))), pooled(in_pool) {
    if (!data) throw std::bad_alloc();
    std::memset(data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  }
  ~Slot() { av_free(data); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  uint8_t* data;
  const bool pooled;  // false: a fallback, freed on release
  std::shared_ptr<BufferPool> owner;
};

BufferPool::BufferPool(size_t buffer_size, std::shared_ptr<PoolBudget> budget)
    : buffer_size_(buffer_size), budget_(std::move(budget)) {
  stats_.buffer_size = buffer_size;
}

BufferPool::~BufferPool() { budget_->Give(stats_.capacity * buffer_size_); }

void BufferPool::CountAcquire() {
  stats_.acquires++;
  stats_.in_use++;
  stats_.peak_in_use = std::max(stats_.peak_in_use, stats_.in_use);
  budget_->AddInUse();
}

void BufferPool::Uncount(bool pooled) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.acquires--;
  stats_.in_use--;
  budget_->SubInUse();
  if (pooled) {
    stats_.capacity--;
    stats_.fresh_allocations--;
    budget_->Give(buffer_size_);
  } else {
    stats_.fallbacks--;
  }
}

BufferRefPtr BufferPool::TryAcquire() {
  std::unique_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      slot = std::move(free_.back());
      free_.pop_back();
      stats_.available--;
    } else if (stats_.capacity < budget_->max_buffers() && budget_->Reserve(buffer_size_)) {
      stats_.capacity++;
      stats_.fresh_allocations++;
    } else {
      return nullptr;
    }
    CountAcquire();
  }
  return slot ? Hand(std::move(slot)) : HandNew(true);
}

BufferRefPtr BufferPool::AcquireFallback() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.fallbacks++;
    CountAcquire();
  }
  return HandNew(false);
}

BufferRefPtr BufferPool::HandNew(bool pooled) {
  // Allocated outside the lock: other threads' acquires and releases never
  // wait for the system allocator.
  std::unique_ptr<Slot> slot;
  try {
    slot = std::make_unique<Slot>(buffer_size_, pooled);
  } catch (...) {
    Uncount(pooled);
    throw;
  }
  return Hand(std::move(slot));
}

BufferRefPtr BufferPool::Acquire() {
  if (BufferRefPtr buf = TryAcquire()) return buf;
  return AcquireFallback();
}

BufferRefPtr BufferPool::Hand(std::unique_ptr<Slot> slot) {
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
  std::unique_ptr<Slot> drop;  // freed after the lock is released
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.releases++;
    stats_.in_use--;
    budget_->SubInUse();
    if (!slot->pooled) {
      drop = std::move(slot);
    } else if (stats_.capacity > budget_->max_buffers() || budget_->over()) {
      // The limits were lowered while this buffer was out.
      stats_.capacity--;
      budget_->Give(buffer_size_);
      drop = std::move(slot);
    } else {
      stats_.available++;
      free_.push_back(std::move(slot));
    }
  }
}

uint64_t BufferPool::Reserve(uint64_t count) {
  uint64_t added = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stats_.capacity >= count || stats_.capacity >= budget_->max_buffers() || !budget_->Reserve(buffer_size_)) {
        return added;
      }
      stats_.capacity++;
      stats_.available++;
    }
    std::unique_ptr<Slot> slot;
    try {
      slot = std::make_unique<Slot>(buffer_size_, true);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      stats_.capacity--;
      stats_.available--;
      budget_->Give(buffer_size_);
      throw;
    }
    // Fault the pages in now: a fresh buffer's first write costs several
    // times a copy of it (a page fault per 4 KiB), which is what reserving
    // ahead of time is for.
    for (size_t at = 0; at < buffer_size_; at += 4096) slot->data[at] = 0;
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(slot));
    added++;
  }
}

uint64_t BufferPool::Trim(uint64_t bytes) {
  std::vector<std::unique_ptr<Slot>> idle;  // freed after the lock is released
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const uint64_t limit = budget_->max_buffers();
    uint64_t freed = 0;
    while (!free_.empty() && (freed < bytes || stats_.capacity > limit)) {
      idle.push_back(std::move(free_.back()));
      free_.pop_back();
      stats_.capacity--;
      stats_.available--;
      freed += buffer_size_;
    }
    budget_->Give(freed);
    return freed;
  }
}

PoolStats BufferPool::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  PoolStats s = stats_;
  s.bytes_held = s.capacity * buffer_size_;
  return s;
}

PoolRegistry& PoolRegistry::Instance() {
  static PoolRegistry& instance = []() -> PoolRegistry& {
    PoolRegistry& r = Immortal<PoolRegistry>();
    r.StartIdleTrimmer();
    return r;
  }();
  return instance;
}

PoolRegistry::PoolRegistry() : budget_(std::make_shared<PoolBudget>()) {}

PoolRegistry::~PoolRegistry() {
  if (!trimmer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  trimmer_wake_.notify_one();
  trimmer_.join();
}

std::shared_ptr<BufferPool> PoolRegistry::PoolFor(size_t size, Clock::time_point now) {
  Entry& entry = pools_[size];
  if (!entry.pool) entry.pool = std::make_shared<BufferPool>(size, budget_);
  entry.used_at = now;
  if (trimmer_waits_for_use_) {
    trimmer_waits_for_use_ = false;
    trimmer_wake_.notify_one();
  }
  return entry.pool;
}

void PoolRegistry::TrimIdle(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  TrimIdleLocked(now);
}

constexpr std::chrono::milliseconds kMinRetrimInterval{100};

// The idle time as a duration the clock can add: beyond about 34 years it
// is never reached anyway, and lib/ accepts up to 2^53 ms, which would
// overflow the clock's nanoseconds.
static std::chrono::milliseconds IdleTime(uint64_t idle_ms) {
  return std::chrono::milliseconds(std::min<uint64_t>(idle_ms, uint64_t{1} << 40));
}

void PoolRegistry::TrimIdleLocked(Clock::time_point now) {
  const uint64_t idle_ms = budget_->config().idle_trim_ms;
  if (idle_ms == 0) return;
  const std::chrono::milliseconds idle = IdleTime(idle_ms);
  for (auto& [size, entry] : pools_) {
    if (now - entry.used_at >= idle) {
      entry.pool->Trim();
      entry.trimmed_at = now;
    }
  }
}

PoolRegistry::Clock::time_point PoolRegistry::NextIdleTrim() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return NextIdleTrimLocked();
}

PoolRegistry::Clock::time_point PoolRegistry::NextIdleTrimLocked() const {
  const uint64_t idle_ms = budget_->config().idle_trim_ms;
  Clock::time_point next = Clock::time_point::max();
  if (idle_ms == 0) return next;
  for (const auto& [size, entry] : pools_) {
    // Used since its last trim: it may have gained buffers. Trimmed since
    // its last use yet still owning some: they were in use then, and are
    // freed a trim later if they come back idle.
    // (Looked at again at most every 100 ms: a tiny idle time with a
    // buffer held for long would otherwise wake the thread that often.)
    const bool used = entry.used_at > entry.trimmed_at;
    if (used) {
      next = std::min(next, entry.used_at + IdleTime(idle_ms));
    } else if (entry.pool->Stats().capacity > 0) {
      next = std::min(next, entry.trimmed_at + std::max(IdleTime(idle_ms), kMinRetrimInterval));
    }
  }
  return next;
}

void PoolRegistry::StartIdleTrimmer() {
  trimmer_ = std::thread([this] { RunIdleTrimmer(); });
}

void PoolRegistry::RunIdleTrimmer() {
  StartWorkerThread("wcn-pool-trim");
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const Clock::time_point next = NextIdleTrimLocked();
    if (next == Clock::time_point::max()) {
      trimmer_waits_for_use_ = true;
      trimmer_wake_.wait(lock);
    } else {
      trimmer_wake_.wait_until(lock, next);
    }
    trimmer_waits_for_use_ = false;
    // Early or spurious wake-ups only recompute the moment: TrimIdleLocked
    // frees nothing that has not been idle long enough.
    TrimIdleLocked(Clock::now());
  }
}

BufferRefPtr PoolRegistry::Acquire(size_t size) {
  const Clock::time_point now = Clock::now();  // read outside the lock
  std::shared_ptr<BufferPool> pool;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pool = PoolFor(size, now);
  }
  if (BufferRefPtr buf = pool->TryAcquire()) return buf;
  // At a limit. Idle buffers of shapes no longer in use make way for this
  // one; when there are none, the request gets a buffer of its own.
  if (pool->Stats().capacity < budget_->max_buffers()) {
    bool room;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      room = MakeRoom(size, pool.get());
    }
    if (room) {
      if (BufferRefPtr buf = pool->TryAcquire()) return buf;
    }
  }
  return pool->AcquireFallback();
}

BufferRefPtr PoolRegistry::AcquireAtLeast(size_t size) {
  constexpr size_t kSmallestClass = 4096;
  return Acquire(std::bit_ceil(std::max(size, kSmallestClass)));
}

uint64_t PoolRegistry::Preallocate(size_t size, uint64_t count) {
  const Clock::time_point now = Clock::now();
  std::shared_ptr<BufferPool> pool;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pool = PoolFor(size, now);
  }
  return pool->Reserve(count);
}

bool PoolRegistry::MakeRoom(uint64_t bytes, const BufferPool* keep) {
  if (budget_->fits(bytes)) return true;
  std::vector<const Entry*> order;
  for (const auto& [size, entry] : pools_) {
    if (entry.pool.get() != keep) order.push_back(&entry);
  }
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) { return a->used_at < b->used_at; });
  for (const Entry* entry : order) {
    entry->pool->Trim(budget_->held() + bytes - budget_->config().max_bytes);
    if (budget_->fits(bytes)) return true;
  }
  return false;
}

void PoolRegistry::Configure(const PoolConfig& config) {
  budget_->set_config(config);
  std::lock_guard<std::mutex> lock(mutex_);
  trimmer_wake_.notify_one();  // the idle time may have changed
  // Per-pool limit first (Trim(0) frees only what is past it), then the
  // byte cap, taken from the least recently used pools.
  for (auto& [size, entry] : pools_) entry.pool->Trim(0);
  MakeRoom(0, nullptr);
}

PoolReport PoolRegistry::Report() const {
  PoolReport report;
  std::lock_guard<std::mutex> lock(mutex_);
  report.pools.reserve(pools_.size());
  for (const auto& [size, entry] : pools_) {
    const PoolStats s = entry.pool->Stats();
    report.pools.push_back(s);
    PoolStats& t = report.total;
    t.capacity += s.capacity;
    t.available += s.available;
    t.in_use += s.in_use;
    t.acquires += s.acquires;
    t.releases += s.releases;
    t.fresh_allocations += s.fresh_allocations;
    t.fallbacks += s.fallbacks;
    t.bytes_held += s.bytes_held;
  }
  report.total.peak_in_use = budget_->peak_in_use();
  return report;
}

void PoolRegistry::Trim() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = pools_.begin(); it != pools_.end();) {
    it->second.pool->Trim();
    if (it->second.pool->Stats().in_use == 0) {
      it = pools_.erase(it);
    } else {
      ++it;
    }
  }
}

PacketPtr PooledPacketCopy(const uint8_t* data, size_t size) {
  BufferRefPtr buf = PoolRegistry::Instance().AcquireAtLeast(size + AV_INPUT_BUFFER_PADDING_SIZE);
  if (size > 0) std::memcpy(buf->data, data, size);
  std::memset(buf->data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  PacketPtr pkt = AllocPacket();
  pkt->data = buf->data;
  pkt->size = static_cast<int>(size);
  pkt->buf = buf.release();
  return pkt;
}

}  // namespace wcn
