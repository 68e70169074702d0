// Google Benchmark over src/core: pooled vs fresh plane buffers, clone by
// reference vs deep copy, and I420 -> RGBA conversion.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/frame_copy.h"
#include "core/frame_pool.h"

namespace wcn {
namespace {

// Bytes of an I420 frame's luma plane at the benchmark's sizes.
size_t LumaBytes(int64_t w, int64_t h) { return static_cast<size_t>(w * h); }

// A frame's plane is always written; one byte per page is enough to make the
// kernel back fresh memory (the cost a pool avoids) without turning the
// benchmark into a memset.
void TouchPages(uint8_t* data, size_t size) {
  for (size_t i = 0; i < size; i += 4096) data[i] = 1;
  benchmark::ClobberMemory();
}

void BM_PoolAcquireRelease(benchmark::State& state) {
  const size_t size = LumaBytes(state.range(0), state.range(1));
  auto pool = std::make_shared<BufferPool>(size);
  pool->Acquire().reset();  // warm: one buffer in the pool
  for (auto _ : state) {
    BufferRefPtr buf = pool->Acquire();
    TouchPages(buf->data, size);
  }
  state.SetLabel(std::to_string(size) + " bytes");
}
BENCHMARK(BM_PoolAcquireRelease)->Args({1920, 1080})->Args({3840, 2160});

void BM_RawAllocFree(benchmark::State& state) {
  const size_t size = LumaBytes(state.range(0), state.range(1));
  for (auto _ : state) {
    // av_buffer_alloc is what a frame without a pool pays: malloc, and a page
    // fault for every page the allocator had to take fresh from the kernel.
    BufferRefPtr buf(av_buffer_alloc(size));
    TouchPages(buf->data, size);
  }
  state.SetLabel(std::to_string(size) + " bytes");
}
BENCHMARK(BM_RawAllocFree)->Args({1920, 1080})->Args({3840, 2160});

FramePtr MakeI420(int w, int h) {
  CombinedLayout layout;
  ComputeLayout(Rect{0, 0, static_cast<uint64_t>(w), static_cast<uint64_t>(h)}, PixelFormat::kI420, nullptr, &layout);
  std::vector<uint8_t> src(layout.allocation_size, 90);
  return CreateFrameFromBuffer(PixelFormat::kI420, w, h, src.data(), layout);
}

void BM_CloneByReference(benchmark::State& state) {
  FramePtr frame = MakeI420(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  for (auto _ : state) {
    FramePtr clone = RefFrame(frame.get());
    benchmark::DoNotOptimize(clone->data[0]);
  }
}
BENCHMARK(BM_CloneByReference)->Args({640, 480})->Args({1920, 1080})->Args({3840, 2160});

void BM_CloneByCopy(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0));
  const int h = static_cast<int>(state.range(1));
  FramePtr frame = MakeI420(w, h);
  for (auto _ : state) {
    FramePtr copy = AllocatePooledFrame(PixelFormat::kI420, w, h);
    av_frame_copy(copy.get(), frame.get());
    benchmark::DoNotOptimize(copy->data[0]);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w) * h * 3 / 2);
}
BENCHMARK(BM_CloneByCopy)->Args({640, 480})->Args({1920, 1080})->Args({3840, 2160});

void BM_I420ToRgba(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0));
  const int h = static_cast<int>(state.range(1));
  FramePtr frame = MakeI420(w, h);
  CombinedLayout out;
  const Rect rect{0, 0, static_cast<uint64_t>(w), static_cast<uint64_t>(h)};
  ComputeLayout(rect, PixelFormat::kRGBA, nullptr, &out);
  std::vector<uint8_t> rgba(out.allocation_size);
  SwsCache cache;
  for (auto _ : state) {
    ConvertFrameTo(*frame, PixelFormat::kI420, rect, ColorParams{}, PixelFormat::kRGBA, out, rgba.data(), cache);
    benchmark::DoNotOptimize(rgba.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_I420ToRgba)->Args({1920, 1080})->UseRealTime();

}  // namespace
}  // namespace wcn
