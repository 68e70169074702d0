// One thread per codec instance. The worker owns its Engine (the FFmpeg
// context, converters and pools) and is the only thread that touches it;
// messages arrive on a WorkerQueue stamped with the reset generation, and
// results leave through the EventSink.
//
// Engine requirements (all called on the worker thread):
//   using Config = ...; using Work = ...;
//   Status Configure(const Config&, Emitter&);
//   Status Process(Work&, Emitter&);
//   Status Flush(Emitter&);
//   void Reset();   // drop the codec; the next Configure starts afresh
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <variant>

#include "core/codec_events.h"
#include "core/worker_queue.h"
#include "core/worker_thread.h"

namespace wcn {

// How an engine reports outputs; stamps them with the current generation.
class Emitter {
 public:
  Emitter(EventSink* sink, const uint64_t* generation) : sink_(sink), generation_(generation) {}
  // Any of WorkerEvent's output types.
  template <typename T>
  void Output(T out) {
    WorkerEvent e{WorkerEvent::Type::kOutput, *generation_};
    e.output = std::move(out);
    sink_->Post(std::move(e));
  }

 private:
  EventSink* sink_;
  const uint64_t* generation_;
};

// Messages in flight are bounded by lib/codec-base.ts; this is the hard cap.
inline constexpr size_t kWorkerQueueCapacity = 256;

// Batching of events for the JS thread (see EventSink::Hold). A work message
// expected to end within kMaxHold (the previous one did) holds its events to
// its end; the hold goes on over the next messages while more messages are
// queued than it has held and than kLowWater, and the next is expected to
// end within kMaxHold of the hold's start. So JS is woken once per message or
// run of messages instead of once per output, and no output waits more
// than about kMaxHold. JS handles the held outputs before it refills the
// queue, which takes about as long as the worker took to make them (for
// audio, more than the codec): waking it with as many messages left as it
// has outputs to handle keeps the worker busy meanwhile (waking at a fixed
// 8 left the worker idle for a third of an AAC decode). An audio chunk
// decodes in tens of microseconds and a thread hand-off costs as much on a
// virtual machine; 1080p video frames take longer than kMaxHold and are
// never held.
inline constexpr std::chrono::microseconds kMaxHold{1000};
inline constexpr size_t kLowWater = 8;

// Clock times work messages for the batching; tests pass a virtual one.
template <typename Engine, typename Clock = std::chrono::steady_clock>
class CodecWorker {
 public:
  using Config = typename Engine::Config;
  using Work = typename Engine::Work;
  using TimePoint = typename Clock::time_point;

  struct Configure {
    Config config;
  };
  struct Process {
    Work work;
  };
  struct Flush {
    uint64_t id;
  };
  struct Reset {};
  struct Message {
    uint64_t generation;
    std::variant<Configure, Process, Flush, Reset> body;
  };

  CodecWorker(std::shared_ptr<EventSink> sink, std::string thread_name)
      : sink_(std::move(sink)), queue_(kWorkerQueueCapacity), name_(std::move(thread_name)) {
    thread_ = std::thread([this] { Run(); });
  }

  // Stops after the operation in progress and waits for the thread.
  ~CodecWorker() {
    Stop();
    Join();
  }

  CodecWorker(const CodecWorker&) = delete;
  CodecWorker& operator=(const CodecWorker&) = delete;

  bool Post(Message m) { return queue_.Push(std::move(m)); }

  // Drops queued messages and resets the codec once the operation in
  // progress ends; outputs stamped earlier are stale. Returns how many of the
  // dropped messages would have completed (see Completing).
  size_t ResetTo(uint64_t generation) { return Completing(queue_.ReplaceAll(Message{generation, Reset{}})); }

  // The thread finishes the operation in progress, releases the codec, posts
  // kClosed and exits. Returns how many of the dropped messages would have
  // completed.
  size_t Stop() { return Completing(queue_.Close()); }

  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Configure, Process and Flush each post one completion event, which the
  // binding waits for; a Reset posts none (a second reset() before the
  // worker ran the first dropped it, and counting it left the event
  // channel waiting for one completion fewer than it would get).
  static size_t Completing(const std::deque<Message>& dropped) {
    return static_cast<size_t>(std::count_if(dropped.begin(), dropped.end(),
                                             [](const Message& m) { return !std::holds_alternative<Reset>(m.body); }));
  }

  void Run() {
    StartWorkerThread(name_);
    Emitter emit(sink_.get(), &generation_);
    bool failed = false;  // after an error the codec is closed; skip work
    while (auto m = queue_.Pop()) {
      generation_ = m->generation;
      std::visit(
          [&](auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (!std::is_same_v<T, Process>) Wake();
            if constexpr (std::is_same_v<T, Configure>) {
              failed = false;
              Complete(WorkerEvent::Type::kConfigured, engine_.Configure(body.config, emit));
            } else if constexpr (std::is_same_v<T, Process>) {
              const TimePoint start = Clock::now();
              if (!holding_ && last_work_ <= kMaxHold) {
                holding_ = true;
                held_since_ = start;
                held_messages_ = 0;
                sink_->Hold();
              }
              if (!failed) failed = ReportError(engine_.Process(body.work, emit));
              Complete(WorkerEvent::Type::kDone, Status::Ok());
              EndOfWork(start);
            } else if constexpr (std::is_same_v<T, Flush>) {
              if (!failed) failed = ReportError(engine_.Flush(emit));
              WorkerEvent e{WorkerEvent::Type::kFlushed, generation_};
              e.flush_id = body.id;
              sink_->Post(std::move(e));
            } else {
              failed = false;
              engine_.Reset();
            }
          },
          m->body);
    }
    engine_.Reset();
    Wake();
    sink_->Post(WorkerEvent{WorkerEvent::Type::kClosed, generation_});
  }

  // After a work message that began at `start`: keep holding the JS thread's
  // wake-up if the next message is expected to end soon enough, else wake it.
  void EndOfWork(TimePoint start) {
    const TimePoint now = Clock::now();
    last_work_ = now - start;
    if (!holding_) return;
    held_messages_++;
    if (queue_.Size() <= std::max(kLowWater, held_messages_) || now + last_work_ - held_since_ > kMaxHold) Wake();
  }

  void Wake() {
    if (!holding_) return;
    holding_ = false;
    sink_->Wake();
  }

  bool ReportError(Status status) {
    if (status.ok()) return false;
    WorkerEvent e{WorkerEvent::Type::kError, generation_};
    e.status = std::move(status);
    sink_->Post(std::move(e));
    return true;
  }

  void Complete(WorkerEvent::Type type, Status status) {
    WorkerEvent e{type, generation_};
    e.status = std::move(status);
    sink_->Post(std::move(e));
  }

  std::shared_ptr<EventSink> sink_;
  WorkerQueue<Message> queue_;
  std::string name_;
  Engine engine_;
  uint64_t generation_ = 0;  // worker thread only
  // Worker thread only:
  bool holding_ = false;
  TimePoint held_since_;
  size_t held_messages_ = 0;
  // How long the last work message took (the first one's is unknown).
  typename Clock::duration last_work_ = Clock::duration::max();
  std::thread thread_;       // last: starts after everything above exists
};

}  // namespace wcn
