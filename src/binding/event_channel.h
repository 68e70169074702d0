// Carries a codec worker's events to the JS thread through ONE
// ThreadSafeFunction. Events are batched: the worker appends to a list and
// signals only when the JS thread has taken the previous batch (and not
// while the worker holds the signal back, see EventSink::Hold), and the JS
// thread hands the whole batch to lib/ in one call, with the numbers its
// events carry in one Float64Array (EventNumbers). The TSFN keeps the event
// loop alive only while completions are expected, so an idle codec never
// holds a process open.
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/codec_events.h"

namespace wcn {

class EventChannel;

// Numbers that go with a batch's events. lib/ gets them as one Float64Array
// next to the events: a number there costs a store, a property on an event
// object costs V8 a string, a lookup and a map transition, which made
// building output objects the JS thread's largest cost.
class EventNumbers {
 public:
  void Push(double value) { values_.push_back(value); }
  size_t Size() const { return values_.size(); }
  void Set(size_t index, double value) { values_[index] = value; }

 private:
  friend class EventChannel;
  std::vector<double> values_;  // keeps its capacity from batch to batch
};

void EventChannelCallJs(Napi::Env env, Napi::Function, EventChannel* self, std::nullptr_t*);

class EventChannel final : public EventSink {
 public:
  // Turns one event into the JS value lib/ receives, adding any numbers it
  // carries; returns an empty value (and adds none) to drop it.
  using Converter = std::function<Napi::Value(Napi::Env, WorkerEvent&, EventNumbers&)>;
  // Called on the JS thread when the worker reports kClosed.
  using ClosedHandler = std::function<void()>;

  // With `merge_done`, a batch's kDone completions of one generation become
  // one event (its count) placed before the next completion of another type:
  // outputs may then arrive before the completions of earlier messages,
  // which lib/codec-base.ts allows and lib/native-worker.ts does not.
  static std::shared_ptr<EventChannel> Create(Napi::Env env, Napi::Function on_events, Converter convert,
                                              ClosedHandler on_closed, bool merge_done = false);
  ~EventChannel() override = default;

  void Post(WorkerEvent&& event) override;
  void Hold() override;
  void Wake() override;

  // JS thread only.
  void Expect(int64_t completions);  // messages posted that will complete
  void Forget(int64_t completions);  // posted messages dropped before running
  void SetGeneration(uint64_t generation) { generation_ = generation; }
  void Release();  // after the worker is gone; no more events
  // The codec object is being destroyed: drop anything still queued and
  // never call back into it.
  void Detach();

  EventChannel(Napi::Env env, Converter convert, ClosedHandler on_closed, bool merge_done);

 private:
  friend void EventChannelCallJs(Napi::Env env, Napi::Function, EventChannel* self, std::nullptr_t*);
  using Tsfn = Napi::TypedThreadSafeFunction<EventChannel, std::nullptr_t, &EventChannelCallJs>;
  void Drain(Napi::Env env);
  // The batch's numbers as a Float64Array (undefined when there are none).
  Napi::Value NumbersToJs(Napi::Env env);
  void Signal();
  void UpdateRef();

  Napi::Env env_;
  Tsfn tsfn_;
  Napi::FunctionReference on_events_;  // weak: the codec can be collected when idle
  EventNumbers numbers_;                // JS thread: the batch's numbers
  Napi::Reference<Napi::Float64Array> numbers_array_;  // handed to JS, reused while large enough
  Converter convert_;
  ClosedHandler on_closed_;
  const bool merge_done_;

  std::mutex mutex_;
  std::vector<WorkerEvent> queued_;  // guarded by mutex_
  std::vector<WorkerEvent> draining_;  // JS thread: the batch being delivered
  bool signalled_ = false;           // guarded by mutex_
  bool held_ = false;                // guarded by mutex_

  int64_t expected_ = 0;  // JS thread
  bool refed_ = false;    // JS thread
  bool released_ = false;
  bool tsfn_gone_ = false;  // its finalizer ran (JS thread)
  uint64_t generation_ = 0;
};

}  // namespace wcn
