// Pools of equally sized buffers handed out as refcounted AVBufferRefs.
//
// A buffer goes back to its pool when its last reference drops, on whichever
// thread that happens (an encoder's lookahead, a JS clone's close()), so a
// frame's planes are reused only once nobody can read them. FFmpeg's
// AVBufferPool does the same but cannot report releases, cap what it keeps or
// give idle memory back, which the pool statistics and limits need.
//
// Limits (PoolConfig) are process-wide: a cap on the bytes all pools hold
// (in use and idle) and on the buffers of one pool. A request that would
// pass a cap first takes idle buffers back from the pools used least
// recently (a new frame shape displaces the old one's), and failing that
// gets a plain allocation of its own, freed on release and counted as a
// fallback: requests never fail for a cap and never wait for a release.
//
// Pools unused for PoolConfig::idle_trim_ms free their idle buffers: the
// process's registry has a thread that sleeps until the earliest moment a
// pool can have been idle that long, so a process that has stopped all
// codec work still gives the memory back.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ffmpeg_raii.h"

namespace wcn {

inline constexpr uint64_t kDefaultMaxPoolBytes = uint64_t{1} << 30;
inline constexpr uint64_t kDefaultMaxBuffersPerPool = 256;
inline constexpr uint64_t kDefaultIdleTrimMs = 30000;

struct PoolConfig {
  uint64_t max_bytes = kDefaultMaxPoolBytes;                 // held by all pools together
  uint64_t max_buffers_per_pool = kDefaultMaxBuffersPerPool;  // owned by one pool
  uint64_t idle_trim_ms = kDefaultIdleTrimMs;  // a pool unused this long frees its idle buffers (0: never)
};

struct PoolStats {
  size_t buffer_size = 0;
  uint64_t capacity = 0;      // pooled buffers the pool owns (in use + available)
  uint64_t available = 0;     // idle buffers ready for reuse
  uint64_t in_use = 0;        // buffers handed out and not yet released, fallbacks included
  uint64_t peak_in_use = 0;
  uint64_t acquires = 0;
  uint64_t releases = 0;
  uint64_t fresh_allocations = 0;  // acquires that added a buffer to the pool
  uint64_t fallbacks = 0;          // acquires served by a plain allocation at a cap
  uint64_t bytes_held = 0;         // capacity * buffer_size
};

// The limits the pools of one registry share and the bytes they hold
// together. Atomic: pools on every thread consult it without a lock.
class PoolBudget {
 public:
  PoolConfig config() const { return {max_bytes_.load(), max_buffers_.load(), idle_trim_ms_.load()}; }
  void set_config(const PoolConfig& config);
  uint64_t max_buffers() const { return max_buffers_.load(std::memory_order_relaxed); }
  uint64_t held() const { return held_.load(std::memory_order_relaxed); }
  bool over() const { return held() > max_bytes_.load(std::memory_order_relaxed); }
  bool fits(uint64_t bytes) const { return held() + bytes <= max_bytes_.load(std::memory_order_relaxed); }
  // Counts `bytes` more as held, unless that would pass max_bytes.
  bool Reserve(uint64_t bytes);
  void Give(uint64_t bytes) { held_.fetch_sub(bytes, std::memory_order_relaxed); }
  // Buffers in use across the pools, and the most there have been at once.
  void AddInUse();
  void SubInUse() { in_use_.fetch_sub(1, std::memory_order_relaxed); }
  uint64_t peak_in_use() const { return peak_in_use_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> max_bytes_{kDefaultMaxPoolBytes};
  std::atomic<uint64_t> max_buffers_{kDefaultMaxBuffersPerPool};
  std::atomic<uint64_t> idle_trim_ms_{kDefaultIdleTrimMs};
  std::atomic<uint64_t> held_{0};
  std::atomic<uint64_t> in_use_{0};
  std::atomic<uint64_t> peak_in_use_{0};
};

class BufferPool : public std::enable_shared_from_this<BufferPool> {
 public:
  explicit BufferPool(size_t buffer_size, std::shared_ptr<PoolBudget> budget = std::make_shared<PoolBudget>());
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // Buffers of buffer_size() bytes (plus FFmpeg's input padding, zeroed; the
  // rest is not initialised). All throw std::bad_alloc when memory is exhausted.
  //
  // An idle buffer, or a new one while the limits allow it; null at a limit.
  BufferRefPtr TryAcquire();
  // A buffer of its own, freed on release: what a request gets at a limit.
  BufferRefPtr AcquireFallback();
  // TryAcquire(), or AcquireFallback() at a limit.
  BufferRefPtr Acquire();
  // Adds idle buffers, their pages faulted in, until the pool owns `count`,
  // within the limits. Returns how many it added.
  uint64_t Reserve(uint64_t count);
  // Frees idle buffers until `bytes` are freed (all of them by default),
  // and those beyond the per-pool limit. Buffers in use still return here
  // and are kept while the limits allow. Returns the bytes freed.
  uint64_t Trim(uint64_t bytes = std::numeric_limits<uint64_t>::max());
  size_t buffer_size() const { return buffer_size_; }
  PoolStats Stats() const;

 private:
  struct Slot;
  static void Release(void* opaque, uint8_t* data);
  void Return(std::unique_ptr<Slot> slot);
  // Counts an acquire; mutex_ held.
  void CountAcquire();
  // Undoes CountAcquire() and the fresh allocation or fallback it counted
  // when memory ran out.
  void Uncount(bool pooled);
  // A new block (pooled or a fallback) for an acquire already counted.
  BufferRefPtr HandNew(bool pooled);
  BufferRefPtr Hand(std::unique_ptr<Slot> slot);

  const size_t buffer_size_;
  const std::shared_ptr<PoolBudget> budget_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> free_;
  PoolStats stats_;
};

// Statistics of every pool of a registry and their sum (whose peak_in_use
// is the most buffers ever in use at once across the pools).
struct PoolReport {
  std::vector<PoolStats> pools;
  PoolStats total;
};

// A set of pools, one per buffer size, under one budget. Instance() is the
// process's: frames are built on the JS thread of every environment and on
// codec workers, so everything here is thread-safe.
class PoolRegistry {
 public:
  using Clock = std::chrono::steady_clock;

  // The process's registry, with its idle trimmer running.
  static PoolRegistry& Instance();
  PoolRegistry();
  ~PoolRegistry();  // stops the idle trimmer
  PoolRegistry(const PoolRegistry&) = delete;
  PoolRegistry& operator=(const PoolRegistry&) = delete;

  // A buffer of exactly `size` bytes: pooled, or a counted fallback at a limit.
  BufferRefPtr Acquire(size_t size);
  // A buffer of at least `size` bytes from a pool of a size class (powers of
  // two from 4 KiB), for data whose size varies (encoded chunks).
  BufferRefPtr AcquireAtLeast(size_t size);
  // Idle buffers of `size` bytes until its pool owns `count`, within the
  // limits (nothing else is evicted for them). Returns how many were added.
  uint64_t Preallocate(size_t size, uint64_t count);

  PoolConfig config() const { return budget_->config(); }
  // New limits, applied at once to idle buffers (the least recently used
  // pools' first) and to buffers in use as they are released.
  void Configure(const PoolConfig& config);
  PoolReport Report() const;
  // Frees every idle buffer and forgets pools with nothing in use.
  void Trim();
  // Frees the idle buffers of pools last used PoolConfig::idle_trim_ms or
  // more before `now`.
  void TrimIdle(Clock::time_point now);
  // When TrimIdle next has work: the earliest moment a pool used since its
  // last trim, or still holding buffers, will have been unused for the idle
  // time; max() when there is none (or idle_trim_ms is 0).
  Clock::time_point NextIdleTrim() const;
  // Starts a thread that runs TrimIdle at each NextIdleTrim(), waking early
  // only when that moment may have moved (a pool used after the trimmer
  // found nothing to wait for, new limits).
  void StartIdleTrimmer();

 private:
  struct Entry {
    std::shared_ptr<BufferPool> pool;
    Clock::time_point used_at;  // the last request's: the order MakeRoom frees in, and idleness
    Clock::time_point trimmed_at;  // the last idle trim's
  };
  std::shared_ptr<BufferPool> PoolFor(size_t size, Clock::time_point now);
  void TrimIdleLocked(Clock::time_point now);
  Clock::time_point NextIdleTrimLocked() const;
  void RunIdleTrimmer();
  // Frees idle buffers of other pools than `keep`, least recently used
  // first, until `bytes` more fit in the budget; mutex_ held. Whether they fit.
  bool MakeRoom(uint64_t bytes, const BufferPool* keep);

  const std::shared_ptr<PoolBudget> budget_;
  mutable std::mutex mutex_;
  std::map<size_t, Entry> pools_;
  std::condition_variable trimmer_wake_;
  bool trimmer_waits_for_use_ = false;  // it found no moment to wait for
  bool stopping_ = false;
  std::thread trimmer_;  // last: starts after everything above exists
};

// A packet holding a copy of `size` bytes of `data`, in a pooled buffer of a
// size class, its padding zeroed as decoders require.
PacketPtr PooledPacketCopy(const uint8_t* data, size_t size);

}  // namespace wcn
