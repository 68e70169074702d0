// CodecWorker's bookkeeping of completions: the binding keeps its event
// channel referenced while completions are due, so ResetTo() and Stop()
// must count exactly the dropped messages that would have completed. And
// its batching of events: runs of short messages wake the JS thread once,
// long ones every time, and nothing stays held once the queue runs low.
#include "core/codec_worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <utility>
#include <vector>

namespace wcn {
namespace {

// The first Configure says it has started, then waits until the test lets
// it go, so later messages stay queued.
struct GatedEngine {
  using Config = int;
  using Work = int;
  static inline std::promise<void>* started = nullptr;
  static inline std::shared_future<void> gate;
  Status Configure(const Config&, Emitter&) {
    if (started) std::exchange(started, nullptr)->set_value();
    gate.wait();
    return Status::Ok();
  }
  Status Process(Work&, Emitter&) { return Status::Ok(); }
  Status Flush(Emitter&) { return Status::Ok(); }
  void Reset() {}
};

class RecordingSink : public EventSink {
 public:
  void Post(WorkerEvent&& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    types_.push_back(event.type);
    posted_.notify_all();
  }
  // The event types posted, once the worker has reported kClosed.
  std::vector<WorkerEvent::Type> WaitForClosed() {
    std::unique_lock<std::mutex> lock(mutex_);
    posted_.wait(lock, [this] { return !types_.empty() && types_.back() == WorkerEvent::Type::kClosed; });
    return types_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::vector<WorkerEvent::Type> types_;
};

using Worker = CodecWorker<GatedEngine>;

TEST(CodecWorker, ResetAndStopCountOnlyMessagesThatWouldComplete) {
  std::promise<void> started, open;
  GatedEngine::started = &started;
  GatedEngine::gate = open.get_future().share();
  auto sink = std::make_shared<RecordingSink>();
  Worker worker(sink, "test-worker");
  ASSERT_TRUE(worker.Post(Worker::Message{0, Worker::Configure{1}}));
  started.get_future().wait();  // running, held at the gate
  ASSERT_TRUE(worker.Post(Worker::Message{0, Worker::Process{1}}));
  ASSERT_TRUE(worker.Post(Worker::Message{0, Worker::Flush{7}}));
  EXPECT_EQ(worker.ResetTo(1), 2u);
  EXPECT_EQ(worker.ResetTo(2), 0u) << "the queued Reset posts no completion";
  ASSERT_TRUE(worker.Post(Worker::Message{2, Worker::Configure{2}}));
  ASSERT_TRUE(worker.Post(Worker::Message{2, Worker::Flush{8}}));
  EXPECT_EQ(worker.Stop(), 2u) << "the Reset before them is not counted";
  open.set_value();
  const std::vector<WorkerEvent::Type> events = sink->WaitForClosed();
  const size_t completions = std::count_if(events.begin(), events.end(), [](WorkerEvent::Type t) {
    return t == WorkerEvent::Type::kConfigured || t == WorkerEvent::Type::kDone || t == WorkerEvent::Type::kFlushed;
  });
  EXPECT_EQ(completions, 1u) << "the configure that ran; the other four were dropped and counted";
}

// The batching decisions depend on how long work takes. The tests time it
// on a virtual clock that only the engine's work advances, so preemption of
// the test process cannot change what is held (a busy CI machine once cut
// a hold short on the real clock).
struct WorkClock {
  using duration = std::chrono::microseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<WorkClock>;
  static constexpr bool is_steady = true;
  static inline std::atomic<rep> elapsed{0};
  static time_point now() { return time_point(duration(elapsed.load())); }
  static void Advance(duration d) { elapsed += d.count(); }
};

// Records what a worker does with its sink: each Post, with whether it came
// while held (so the JS thread would not be woken for it), and each hold's
// span on the WorkClock.
class BatchingSink : public EventSink {
 public:
  using Clock = WorkClock;
  struct HeldSpan {
    Clock::time_point from, to;
    size_t posts = 0;
  };
  void Post(WorkerEvent&& event) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (held_) {
      holds_.back().posts++;
    } else {
      unheld_posts_++;
    }
    types_.push_back(event.type);
    posted_.notify_all();
  }
  void Hold() override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_FALSE(held_) << "Hold() while already held";
    held_ = true;
    holds_.push_back({Clock::now(), {}, 0});
  }
  void Wake() override {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_TRUE(held_) << "Wake() without a Hold()";
    held_ = false;
    holds_.back().to = Clock::now();
  }
  // Waits for the kFlushed that ends the test's messages; reports whether
  // the worker was still holding events back then.
  bool WaitForFlushed() {
    std::unique_lock<std::mutex> lock(mutex_);
    posted_.wait(lock, [this] { return !types_.empty() && types_.back() == WorkerEvent::Type::kFlushed; });
    return held_;
  }
  std::vector<HeldSpan> holds() {
    std::lock_guard<std::mutex> lock(mutex_);
    return holds_;
  }
  size_t unheld_posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return unheld_posts_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable posted_;
  std::vector<WorkerEvent::Type> types_;
  std::vector<HeldSpan> holds_;
  size_t unheld_posts_ = 0;
  bool held_ = false;
};

// Configure waits at a gate (so the test can queue work behind it); each
// Process takes `work_us` microseconds of WorkClock time and emits one
// output.
struct TimedEngine {
  using Config = int;
  using Work = int;
  static inline std::shared_future<void> gate;
  static inline int work_us = 0;
  Status Configure(const Config&, Emitter&) {
    gate.wait();
    return Status::Ok();
  }
  Status Process(Work&, Emitter& emit) {
    WorkClock::Advance(std::chrono::microseconds(work_us));
    emit.Output(std::monostate{});
    return Status::Ok();
  }
  Status Flush(Emitter&) { return Status::Ok(); }
  void Reset() {}
};

using TimedWorker = CodecWorker<TimedEngine, WorkClock>;

// Queues `count` work messages and a flush behind a gated configure, lets
// them run, and returns the sink once the flush has completed.
std::shared_ptr<BatchingSink> RunQueued(int count, int work_us, bool* held_at_flush) {
  std::promise<void> open;
  TimedEngine::gate = open.get_future().share();
  TimedEngine::work_us = work_us;
  auto sink = std::make_shared<BatchingSink>();
  TimedWorker worker(sink, "test-worker");
  EXPECT_TRUE(worker.Post(TimedWorker::Message{0, TimedWorker::Configure{1}}));
  for (int i = 0; i < count; i++) EXPECT_TRUE(worker.Post(TimedWorker::Message{0, TimedWorker::Process{i}}));
  EXPECT_TRUE(worker.Post(TimedWorker::Message{0, TimedWorker::Flush{1}}));
  open.set_value();
  *held_at_flush = sink->WaitForFlushed();
  return sink;
}

size_t HeldPosts(const std::vector<BatchingSink::HeldSpan>& holds) {
  size_t n = 0;
  for (const auto& h : holds) n += h.posts;
  return n;
}

TEST(CodecWorkerBatching, ARunOfShortMessagesIsHeldUntilHalfOfItIsLeft) {
  constexpr size_t kCount = 100;
  bool held_at_flush = true;
  auto sink = RunQueued(kCount, 0, &held_at_flush);
  EXPECT_FALSE(held_at_flush) << "events were still held back when the flush completed";
  const auto holds = sink->holds();
  ASSERT_FALSE(holds.empty()) << "instant messages with 99 queued behind them must be batched";
  // Each message posts an output and a completion. The first message's
  // duration is unknown, so its events go out at once. The second starts a
  // hold with 98 messages and the flush queued behind it; JS is woken once
  // the hold has as many messages as are left: after 50.
  EXPECT_EQ(holds.front().posts, 2 * 50u) << "the hold must end halfway, not sooner or later";
  // Each later hold ends halfway through what is left, and once kLowWater
  // are left each message wakes JS (which refills the queue meanwhile).
  for (size_t i = 1; i < holds.size(); i++) {
    EXPECT_LE(holds[i].posts, holds[i - 1].posts) << "hold " << i;
    EXPECT_GE(holds[i].posts, 2u) << "hold " << i;
  }
  EXPECT_LE(holds.size(), 7 + kLowWater) << "halving 99 takes at most 7 holds before kLowWater are left";
  // kConfigured, the first message's two events, kFlushed, kClosed.
  EXPECT_EQ(sink->unheld_posts(), 5u);
  EXPECT_EQ(HeldPosts(holds), 2 * (kCount - 1));
}

TEST(CodecWorkerBatching, MessagesLongerThanTheLimitAreNeverHeld) {
  bool held_at_flush = true;
  auto sink = RunQueued(10, static_cast<int>(kMaxHold.count()) + 100, &held_at_flush);
  EXPECT_FALSE(held_at_flush);
  EXPECT_TRUE(sink->holds().empty()) << "a message longer than kMaxHold must wake JS with its outputs";
  // kConfigured, an output and a kDone per message, kFlushed, kClosed.
  EXPECT_EQ(sink->unheld_posts(), 1u + 2 * 10 + 1 + 1);
}

TEST(CodecWorkerBatching, HoldsSpanSeveralMessagesButNoMoreThanTheLimit) {
  constexpr size_t kCount = 200;
  constexpr int kWorkUs = 50;
  bool held_at_flush = true;
  // 10 ms of work with the queue long for most of it.
  auto sink = RunQueued(kCount, kWorkUs, &held_at_flush);
  EXPECT_FALSE(held_at_flush);
  const auto holds = sink->holds();
  ASSERT_GE(holds.size(), 5u) << "10 ms of short messages must be cut into holds of at most kMaxHold";
  // A hold ends once the next message would end past kMaxHold of its start:
  // while more than twice that many messages are left, each gathers
  // kMaxHold / 50 us of them.
  const size_t per_hold = kMaxHold.count() / kWorkUs;
  size_t left = kCount - 1;  // messages after the first, which is not held
  for (size_t i = 0; i < holds.size(); i++) {
    EXPECT_LE(holds[i].to - holds[i].from, kMaxHold) << "hold " << i;
    if (left > 2 * per_hold) EXPECT_EQ(holds[i].posts, 2 * per_hold) << "hold " << i;
    left -= holds[i].posts / 2;
  }
  EXPECT_EQ(sink->unheld_posts(), 5u);
  EXPECT_EQ(HeldPosts(holds), 2 * (kCount - 1));
}

}  // namespace
}  // namespace wcn
