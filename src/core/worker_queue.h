// The control-message queue between a codec's JS thread and its worker
// thread: many producers, one consumer that sleeps on a condition variable
// (no polling). Capacity is a hard safety bound; lib/codec-base.ts keeps far
// fewer messages in flight (the spec's codec saturation), so Push never
// blocks the JS thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace wcn {

template <typename T>
class WorkerQueue {
 public:
  explicit WorkerQueue(size_t capacity) : capacity_(capacity) {}

  // False when the queue is full or closed; the message is not taken.
  bool Push(T item) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_ || items_.size() >= capacity_) return false;
      items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Drops every queued message and queues `item` to run next. Returns the
  // dropped messages (freed by the caller, outside the lock).
  std::deque<T> ReplaceAll(T item) {
    std::deque<T> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      dropped.swap(items_);
      if (!closed_) items_.push_back(std::move(item));
    }
    ready_.notify_one();
    return dropped;
  }

  // Blocks until a message arrives; nullopt once closed and drained of
  // nothing (Close() discards what is queued).
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
    if (closed_) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  // Messages waiting (a snapshot: producers may add more at once).
  size_t Size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
  }

  // Wakes the consumer for good; queued messages are discarded and returned.
  std::deque<T> Close() {
    std::deque<T> dropped;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      dropped.swap(items_);
    }
    ready_.notify_all();
    return dropped;
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace wcn
