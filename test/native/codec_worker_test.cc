// CodecWorker's bookkeeping of completions: the binding keeps its event
// channel referenced while completions are due, so ResetTo() and Stop()
// must count exactly the dropped messages that would have completed.
#include "core/codec_worker.h"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace wcn
