#include "core/frame_pool.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace wcn {
namespace {

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
  auto pool = std::make_shared<BufferPool>(100);
  BufferRefPtr a = pool->Acquire();
  for (int i = 0; i < AV_INPUT_BUFFER_PADDING_SIZE; i++) EXPECT_EQ(a->data[100 + i], 0);
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
  auto pool = std::make_shared<BufferPool>(512);
  BufferRefPtr a = pool->Acquire();
  { BufferRefPtr b = pool->Acquire(); }
  EXPECT_EQ(pool->Stats().capacity, 2u);
  pool->Trim();
  PoolStats s = pool->Stats();
  EXPECT_EQ(s.capacity, 1u);
  EXPECT_EQ(s.available, 0u);
  a.reset();
  EXPECT_EQ(pool->Stats().available, 1u);
}

TEST(BufferPool, ConcurrentAcquireAndReleaseBalance) {
  auto pool = std::make_shared<BufferPool>(64);
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
}

TEST(PoolRegistry, OnePoolPerSize) {
  PoolRegistry& r = PoolRegistry::Instance();
  BufferRefPtr a = r.Acquire(3000);
  BufferRefPtr b = r.Acquire(5000);
  a.reset();
  BufferRefPtr c = r.Acquire(3000);
  int matched = 0;
  for (const PoolStats& s : r.Stats()) {
    if (s.buffer_size == 3000) {
      EXPECT_EQ(s.fresh_allocations, 1u);
      EXPECT_EQ(s.acquires, 2u);
      matched++;
    }
    if (s.buffer_size == 5000) matched++;
  }
  EXPECT_EQ(matched, 2);
}

}  // namespace
}  // namespace wcn
