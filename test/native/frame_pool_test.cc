#include "core/frame_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace wcn {
namespace {

std::shared_ptr<PoolBudget> Budget(uint64_t max_bytes, uint64_t max_buffers) {
  auto budget = std::make_shared<PoolBudget>();
  budget->set_config({max_bytes, max_buffers});
  return budget;
}

// The statistics of `registry`'s pool of `size`-byte buffers.
PoolStats StatsOf(const PoolRegistry& registry, size_t size) {
  for (const PoolStats& s : registry.Report().pools) {
    if (s.buffer_size == size) return s;
  }
  return PoolStats{};
}

TEST(BufferPool, ReusesBufferAfterLastUnref) {
  auto pool = std::make_shared<BufferPool>(4096);
  BufferRefPtr a = pool->Acquire();
  uint8_t* first = a->data;
  EXPECT_EQ(a->size, 4096u);
  a.reset();
  BufferRefPtr b = pool->Acquire();
  EXPECT_EQ(b->data, first);
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.acquires, 2u);
  EXPECT_EQ(s.fresh_allocations, 1u);
  EXPECT_EQ(s.releases, 1u);
  EXPECT_EQ(s.in_use, 1u);
  EXPECT_EQ(s.capacity, 1u);
  EXPECT_EQ(s.bytes_held, 4096u);
  EXPECT_EQ(s.fallbacks, 0u);
}

TEST(BufferPool, ReturnsOnlyOnLastReference) {
  auto pool = std::make_shared<BufferPool>(1024);
  BufferRefPtr a = pool->Acquire();
  BufferRefPtr extra(av_buffer_ref(a.get()));
  ASSERT_TRUE(extra);
  a.reset();
  EXPECT_EQ(pool->Stats().in_use, 1u) << "a second reference keeps the buffer out of the pool";
  BufferRefPtr b = pool->Acquire();
  EXPECT_NE(b->data, extra->data);
  extra.reset();
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.in_use, 1u);
  EXPECT_EQ(s.available, 1u);
  EXPECT_EQ(s.capacity, 2u);
}

TEST(BufferPool, PaddingIsZeroed) {
  auto pool = std::make_shared<BufferPool>(100, Budget(100, 1));
  BufferRefPtr pooled = pool->Acquire();
  BufferRefPtr fallback = pool->Acquire();
  ASSERT_EQ(pool->Stats().fallbacks, 1u);
  for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) {
    EXPECT_EQ(pooled->data[100 + i], 0);
    EXPECT_EQ(fallback->data[100 + i], 0);
  }
}

TEST(BufferPool, OutlivesItsOwnerWhileBuffersAreOut) {
  BufferRefPtr held;
  {
    auto pool = std::make_shared<BufferPool>(256);
    held = pool->Acquire();
  }
  // The pool object is gone from our hands; releasing must still be safe.
  held.reset();
  SUCCEED();
}

TEST(BufferPool, TrimFreesIdleButKeepsInUse) {
  auto budget = std::make_shared<PoolBudget>();
  auto pool = std::make_shared<BufferPool>(512, budget);
  BufferRefPtr a = pool->Acquire();
  { BufferRefPtr b = pool->Acquire(); }
  EXPECT_EQ(pool->Stats().capacity, 2u);
  EXPECT_EQ(budget->held(), 1024u);
  EXPECT_EQ(pool->Trim(), 512u);
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.capacity, 1u);
  EXPECT_EQ(s.available, 0u);
  EXPECT_EQ(budget->held(), 512u) << "the budget counts only what the pool still owns";
  a.reset();
  EXPECT_EQ(pool->Stats().available, 1u);
}

TEST(BufferPool, PerPoolLimitTurnsFurtherRequestsIntoCountedFallbacks) {
  auto pool = std::make_shared<BufferPool>(2048, Budget(kDefaultMaxPoolBytes, 2));
  BufferRefPtr a = pool->Acquire();
  BufferRefPtr b = pool->Acquire();
  BufferRefPtr c = pool->Acquire();  // at the limit: served anyway
  ASSERT_TRUE(c);
  c->data[0] = 1;
  c->data[2047] = 2;
  EXPECT_NE(c->data, a->data);
  EXPECT_NE(c->data, b->data);
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.capacity, 2u);
  EXPECT_EQ(s.in_use, 3u);
  EXPECT_EQ(s.fresh_allocations, 2u);
  EXPECT_EQ(s.fallbacks, 1u);
  EXPECT_EQ(s.acquires, 3u);
  EXPECT_EQ(s.bytes_held, 4096u) << "a fallback is not pool memory";
  c.reset();
  s = pool->Stats();
  EXPECT_EQ(s.releases, 1u);
  EXPECT_EQ(s.available, 0u) << "a fallback is freed on release, not pooled";
  EXPECT_EQ(s.capacity, 2u);
  a.reset();
  EXPECT_EQ(pool->Stats().available, 1u);
  EXPECT_EQ(pool->TryAcquire()->size, 2048u) << "the idle buffer is reused";
}

TEST(BufferPool, ByteCapTurnsFurtherRequestsIntoFallbacks) {
  auto budget = Budget(3000, kDefaultMaxBuffersPerPool);
  auto pool = std::make_shared<BufferPool>(1000, budget);
  std::vector<BufferRefPtr> held;
  for (int i = 0; i < 3; i++) held.push_back(pool->Acquire());
  EXPECT_EQ(pool->TryAcquire(), nullptr) << "a fourth buffer would pass the byte cap";
  held.push_back(pool->Acquire());
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.capacity, 3u);
  EXPECT_EQ(s.fallbacks, 1u);
  EXPECT_EQ(budget->held(), 3000u);
}

TEST(BufferPool, LoweredLimitsTakeEffectAsBuffersComeBack) {
  auto budget = Budget(kDefaultMaxPoolBytes, 8);
  auto pool = std::make_shared<BufferPool>(4096, budget);
  std::vector<BufferRefPtr> held;
  for (int i = 0; i < 4; i++) held.push_back(pool->Acquire());
  budget->set_config({kDefaultMaxPoolBytes, 1});
  held.clear();
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.releases, 4u);
  EXPECT_EQ(s.capacity, 1u) << "buffers past the new limit are freed when released";
  EXPECT_EQ(s.available, 1u);
  EXPECT_EQ(budget->held(), 4096u);
}

TEST(BufferPool, ReserveAddsIdleBuffersWithinTheLimits) {
  auto pool = std::make_shared<BufferPool>(1024, Budget(kDefaultMaxPoolBytes, 3));
  EXPECT_EQ(pool->Reserve(2), 2u);
  EXPECT_EQ(pool->Reserve(2), 0u) << "the pool already owns two";
  EXPECT_EQ(pool->Reserve(5), 1u) << "the per-pool limit stops it at three";
  std::vector<BufferRefPtr> held;
  for (int i = 0; i < 3; i++) held.push_back(pool->Acquire());
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.acquires, 3u);
  EXPECT_EQ(s.fresh_allocations, 0u) << "every acquire found a reserved buffer";
  EXPECT_EQ(s.capacity, 3u);
}

TEST(BufferPool, ConcurrentAcquireAndReleaseBalance) {
  auto budget = std::make_shared<PoolBudget>();
  auto pool = std::make_shared<BufferPool>(64, budget);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; i++) {
        BufferRefPtr x = pool->Acquire();
        x->data[0] = static_cast<uint8_t>(i);
      }
    });
  }
  for (auto& t : threads) t.join();
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.acquires, 8000u);
  EXPECT_EQ(s.releases, 8000u);
  EXPECT_EQ(s.in_use, 0u);
  EXPECT_LE(s.capacity, 4u);
  EXPECT_EQ(s.capacity, s.available);
  EXPECT_EQ(budget->held(), s.capacity * 64);
}

TEST(PoolRegistry, OnePoolPerSize) {
  PoolRegistry r;
  BufferRefPtr a = r.Acquire(3000);
  BufferRefPtr b = r.Acquire(5000);
  a.reset();
  BufferRefPtr c = r.Acquire(3000);
  const PoolReport report = r.Report();
  ASSERT_EQ(report.pools.size(), 2u);
  EXPECT_EQ(StatsOf(r, 3000).fresh_allocations, 1u);
  EXPECT_EQ(StatsOf(r, 3000).acquires, 2u);
  EXPECT_EQ(StatsOf(r, 5000).acquires, 1u);
  EXPECT_EQ(report.total.acquires, 3u);
  EXPECT_EQ(report.total.in_use, 2u);
  EXPECT_EQ(report.total.peak_in_use, 2u) << "the most buffers out at once, across pools";
  EXPECT_EQ(report.total.bytes_held, 8000u);
}

TEST(PoolRegistry, NewShapeDisplacesIdleBuffersOfTheLeastRecentlyUsedPool) {
  PoolRegistry r;
  r.Configure({5 * 4096, kDefaultMaxBuffersPerPool});
  {
    BufferRefPtr a1 = r.Acquire(4096), a2 = r.Acquire(4096);  // used first
    BufferRefPtr b = r.Acquire(8192);                           // used last
  }
  // 16 KiB idle of a 20 KiB cap: a 12 KiB buffer needs 8 KiB of room, which
  // the least recently used pool gives up.
  BufferRefPtr c = r.Acquire(3 * 4096);
  EXPECT_EQ(StatsOf(r, 3 * 4096).fallbacks, 0u) << "idle buffers made way instead";
  EXPECT_EQ(StatsOf(r, 3 * 4096).fresh_allocations, 1u);
  EXPECT_EQ(StatsOf(r, 4096).capacity, 0u) << "both idle 4 KiB buffers were freed";
  EXPECT_EQ(StatsOf(r, 8192).capacity, 1u) << "the more recently used pool kept its buffer";
  EXPECT_EQ(r.Report().total.bytes_held, 5u * 4096);
}

TEST(PoolRegistry, BuffersInUseAreNeverTakenForRoom) {
  PoolRegistry r;
  r.Configure({8192, kDefaultMaxBuffersPerPool});
  BufferRefPtr held = r.Acquire(8192);
  BufferRefPtr other = r.Acquire(4096);
  ASSERT_TRUE(other);
  EXPECT_EQ(StatsOf(r, 4096).fallbacks, 1u);
  EXPECT_EQ(StatsOf(r, 8192).capacity, 1u) << "a buffer in use is never freed to make room";
}

TEST(PoolRegistry, ConfigureFreesIdleBuffersPastTheNewLimitsAtOnce) {
  PoolRegistry r;
  {
    std::vector<BufferRefPtr> held;
    for (int i = 0; i < 4; i++) held.push_back(r.Acquire(1000));
    for (int i = 0; i < 2; i++) held.push_back(r.Acquire(3000));
  }
  ASSERT_EQ(r.Report().total.bytes_held, 10000u);
  r.Configure({5000, 3});
  const PoolConfig config = r.config();
  EXPECT_EQ(config.max_bytes, 5000u);
  EXPECT_EQ(config.max_buffers_per_pool, 3u);
  EXPECT_LE(StatsOf(r, 1000).capacity, 3u);
  EXPECT_LE(r.Report().total.bytes_held, 5000u);
  EXPECT_EQ(StatsOf(r, 1000).in_use + StatsOf(r, 3000).in_use, 0u);
}

TEST(PoolRegistry, PoolsUnusedForTheIdleTimeFreeTheirIdleBuffers) {
  using std::chrono::seconds;
  PoolRegistry r;
  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 60000});
  BufferRefPtr held = r.Acquire(8192);
  for (int i = 0; i < 2; i++) r.Acquire(4096).reset();
  r.Acquire(8192).reset();
  const PoolRegistry::Clock::time_point used = PoolRegistry::Clock::now();
  r.TrimIdle(used + seconds(30));
  EXPECT_EQ(StatsOf(r, 4096).capacity, 1u) << "used within the idle time: kept";
  EXPECT_EQ(StatsOf(r, 8192).capacity, 2u);
  r.TrimIdle(used + seconds(61));
  EXPECT_EQ(StatsOf(r, 4096).capacity, 0u) << "unused for the idle time: its idle buffer is freed";
  EXPECT_EQ(StatsOf(r, 8192).capacity, 1u) << "a buffer in use stays";
  EXPECT_EQ(StatsOf(r, 8192).in_use, 1u);
  EXPECT_EQ(StatsOf(r, 4096).acquires, 2u) << "the pools and their statistics stay";
}

TEST(PoolRegistry, AnIdleTimeBeyondTheClocksRangeIsNeverReached) {
  PoolRegistry r;
  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, (uint64_t{1} << 53) - 1});
  r.Acquire(4096).reset();
  r.TrimIdle(PoolRegistry::Clock::now() + std::chrono::hours(24 * 365));
  EXPECT_EQ(StatsOf(r, 4096).capacity, 1u);
  EXPECT_GT(r.NextIdleTrim(), PoolRegistry::Clock::now() + std::chrono::hours(24 * 365 * 30))
      << "the trimmer's moment saturates instead of wrapping into the past";
}

TEST(PoolRegistry, TheNextIdleTrimIsWhenAPoolHoldingBuffersWillHaveBeenIdleLongEnough) {
  using std::chrono::milliseconds;
  using Clock = PoolRegistry::Clock;
  PoolRegistry r;
  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 60000});
  EXPECT_EQ(r.NextIdleTrim(), Clock::time_point::max()) << "no pool: nothing to wait for";

  const Clock::time_point before = Clock::now();
  r.Acquire(4096).reset();
  const Clock::time_point after = Clock::now();
  EXPECT_GE(r.NextIdleTrim(), before + milliseconds(60000));
  EXPECT_LE(r.NextIdleTrim(), after + milliseconds(60000)) << "the idle time after its last use";

  r.TrimIdle(after + milliseconds(60000));
  EXPECT_EQ(StatsOf(r, 4096).capacity, 0u);
  EXPECT_EQ(r.NextIdleTrim(), Clock::time_point::max()) << "trimmed and owning nothing: nothing to wait for";

  BufferRefPtr held = r.Acquire(8192);
  const Clock::time_point trimmed = Clock::now() + milliseconds(120000);
  r.TrimIdle(trimmed);
  EXPECT_EQ(StatsOf(r, 8192).capacity, 1u) << "a buffer in use stays";
  EXPECT_EQ(r.NextIdleTrim(), trimmed + milliseconds(60000))
      << "a pool still owning buffers after a trim is looked at again an idle time later";
  held.reset();
  r.TrimIdle(trimmed + milliseconds(60000));
  EXPECT_EQ(StatsOf(r, 8192).capacity, 0u) << "...and the buffer, idle by then, is freed";

  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 1});
  BufferRefPtr long_held = r.Acquire(16384);
  const Clock::time_point later = Clock::now() + milliseconds(10);
  r.TrimIdle(later);
  EXPECT_EQ(r.NextIdleTrim(), later + milliseconds(100))
      << "a buffer held past a 1 ms idle time is looked at every 100 ms, not every millisecond";
  long_held.reset();

  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 0});
  r.Acquire(4096).reset();
  EXPECT_EQ(r.NextIdleTrim(), Clock::time_point::max()) << "idle time 0: never";
}

TEST(PoolRegistry, TheIdleTrimmerStopsWithItsRegistry) {
  // Waiting for a use, then for a moment: the destructor wakes and joins
  // it either way (a hang here is the failure).
  for (uint64_t idle_ms : {uint64_t{0}, uint64_t{60000}}) {
    PoolRegistry r;
    r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, idle_ms});
    r.StartIdleTrimmer();
    r.Acquire(4096).reset();
    EXPECT_EQ(StatsOf(r, 4096).capacity, 1u);
  }
}

TEST(PoolRegistry, TheIdleTrimmerRunsBesideRequests) {
  // An idle time of 1 ms: the trimmer frees buffers between the requests of
  // two threads; every buffer is still counted once, and none is freed in use.
  PoolRegistry r;
  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 1});
  r.StartIdleTrimmer();
  auto requests = [&r](size_t size) {
    for (int i = 0; i < 3000; i++) {
      BufferRefPtr buf = r.Acquire(size);
      std::memset(buf->data, i & 0xff, size);
      if (i % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));  // idle long enough to be trimmed
    }
  };
  std::thread other(requests, 4096);
  requests(8192);
  other.join();
  for (size_t size : {size_t{4096}, size_t{8192}}) {
    const PoolStats s = StatsOf(r, size);
    EXPECT_EQ(s.acquires, 3000u);
    EXPECT_EQ(s.releases, 3000u);
    EXPECT_EQ(s.in_use, 0u);
    EXPECT_EQ(s.capacity, s.available);
  }
}

TEST(PoolRegistry, IdleTimeZeroNeverTrims) {
  PoolRegistry r;
  r.Configure({kDefaultMaxPoolBytes, kDefaultMaxBuffersPerPool, 0});
  r.Acquire(4096).reset();
  r.TrimIdle(PoolRegistry::Clock::now() + std::chrono::hours(24 * 365));
  EXPECT_EQ(StatsOf(r, 4096).capacity, 1u);
  EXPECT_EQ(r.config().idle_trim_ms, 0u);
}

TEST(PoolRegistry, ZeroBytesTurnsPoolingOff) {
  PoolRegistry r;
  r.Configure({0, kDefaultMaxBuffersPerPool});
  for (int i = 0; i < 3; i++) r.Acquire(4096).reset();
  const PoolStats s = StatsOf(r, 4096);
  EXPECT_EQ(s.acquires, 3u);
  EXPECT_EQ(s.fallbacks, 3u);
  EXPECT_EQ(s.capacity, 0u);
  EXPECT_EQ(s.releases, 3u);
}

TEST(PoolRegistry, PreallocateMakesTheFirstAcquiresHits) {
  PoolRegistry r;
  EXPECT_EQ(r.Preallocate(6000, 3), 3u);
  std::vector<BufferRefPtr> held;
  for (int i = 0; i < 3; i++) held.push_back(r.Acquire(6000));
  PoolStats s = StatsOf(r, 6000);
  EXPECT_EQ(s.fresh_allocations, 0u);
  EXPECT_EQ(s.acquires, 3u);
  r.Configure({12000, kDefaultMaxBuffersPerPool});
  held.clear();
  EXPECT_EQ(r.Preallocate(6000, 5), 0u) << "the byte cap holds two, and the pool owns two";
}

TEST(PoolRegistry, AcquireAtLeastUsesPowerOfTwoClasses) {
  PoolRegistry r;
  EXPECT_EQ(r.AcquireAtLeast(100)->size, 4096u);
  EXPECT_EQ(r.AcquireAtLeast(5000)->size, 8192u);
  EXPECT_EQ(r.AcquireAtLeast(8192)->size, 8192u);
  EXPECT_EQ(StatsOf(r, 8192).acquires, 2u);
}

TEST(PooledPacketCopy, CopiesTheBytesAndZeroesThePadding) {
  const uint8_t bytes[5] = {1, 2, 3, 4, 5};
  PacketPtr pkt = PooledPacketCopy(bytes, sizeof bytes);
  ASSERT_EQ(pkt->size, 5);
  EXPECT_EQ(std::vector<uint8_t>(pkt->data, pkt->data + 5), std::vector<uint8_t>(bytes, bytes + 5));
  for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) EXPECT_EQ(pkt->data[5 + i], 0);
  EXPECT_GE(pkt->buf->size, 5u + AV_INPUT_BUFFER_PADDING_SIZE);
  uint8_t* data = pkt->data;
  pkt.reset();
  EXPECT_EQ(PooledPacketCopy(bytes, 3)->data, data) << "the next chunk reuses the released buffer";
}

}  // namespace
}  // namespace wcn
