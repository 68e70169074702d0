// Acquire + release of 1080p plane buffers by several threads at once on
// one pool: what the pool's lock costs when decoder threads take buffers
// while other threads (JS closing clones, encoders dropping references)
// give them back. Our BufferPool against FFmpeg's AVBufferPool, both with a
// mutex per get and per release, and against a plain allocation.
#include <benchmark/benchmark.h>

#include <memory>

#include "core/frame_pool.h"

namespace wcn {
namespace {

constexpr size_t kLuma1080 = 1920 * 1080;
// Buffers each thread holds at once: a decoder's frames in flight.
constexpr int kHeld = 4;

// Each thread keeps kHeld buffers and replaces the oldest on every
// iteration: one acquire and one release per iteration.
template <typename AcquireFn>
void HoldAndReplace(benchmark::State& state, AcquireFn acquire) {
  BufferRefPtr held[kHeld];
  int next = 0;
  for (auto _ : state) {
    held[next] = acquire();
    benchmark::DoNotOptimize(held[next]->data);
    next = (next + 1) % kHeld;
  }
  for (BufferRefPtr& b : held) b.reset();
  state.SetItemsProcessed(state.iterations());
}

// Shared by the benchmark's threads; thread 0 creates them before the timed
// loop, which every thread enters together, and frees them after it.
std::shared_ptr<BufferPool> g_pool;
std::unique_ptr<PoolRegistry> g_registry;
AVBufferPool* g_av_pool = nullptr;

void BM_BufferPoolContended(benchmark::State& state) {
  if (state.thread_index() == 0) g_pool = std::make_shared<BufferPool>(kLuma1080);
  HoldAndReplace(state, [] { return g_pool->Acquire(); });
  if (state.thread_index() == 0) g_pool.reset();
}
BENCHMARK(BM_BufferPoolContended)->ThreadRange(1, 8)->UseRealTime();

// Through the registry, as frames are built: a second lock (the registry's
// map of pools) before the pool's.
void BM_PoolRegistryContended(benchmark::State& state) {
  if (state.thread_index() == 0) g_registry = std::make_unique<PoolRegistry>();
  HoldAndReplace(state, [] { return g_registry->Acquire(kLuma1080); });
  if (state.thread_index() == 0) g_registry.reset();
}
BENCHMARK(BM_PoolRegistryContended)->ThreadRange(1, 8)->UseRealTime();

void BM_AvBufferPoolContended(benchmark::State& state) {
  if (state.thread_index() == 0) g_av_pool = av_buffer_pool_init(kLuma1080, av_buffer_alloc);
  HoldAndReplace(state, [] { return BufferRefPtr(av_buffer_pool_get(g_av_pool)); });
  if (state.thread_index() == 0) av_buffer_pool_uninit(&g_av_pool);
}
BENCHMARK(BM_AvBufferPoolContended)->ThreadRange(1, 8)->UseRealTime();

// No pool: what every acquire would cost without one (glibc hands large
// blocks back and forth between threads' arenas; pages are not touched).
void BM_PlainAllocContended(benchmark::State& state) {
  HoldAndReplace(state, [] { return BufferRefPtr(av_buffer_alloc(kLuma1080)); });
}
BENCHMARK(BM_PlainAllocContended)->ThreadRange(1, 8)->UseRealTime();

}  // namespace
}  // namespace wcn
