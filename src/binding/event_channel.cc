#include "binding/event_channel.h"

#include <algorithm>

#include "binding/addon_data.h"

namespace wcn {

EventChannel::EventChannel(Napi::Env env, Converter convert, ClosedHandler on_closed, bool merge_done)
    : env_(env), convert_(std::move(convert)), on_closed_(std::move(on_closed)), merge_done_(merge_done) {}

std::shared_ptr<EventChannel> EventChannel::Create(Napi::Env env, Napi::Function on_events, Converter convert,
                                                   ClosedHandler on_closed, bool merge_done) {
  auto channel = std::make_shared<EventChannel>(env, std::move(convert), std::move(on_closed), merge_done);
  channel->on_events_ = Napi::Weak(on_events);
  // The TSFN's finalizer owns a reference, so a call already queued when the
  // codec object is collected still finds the channel alive.
  auto keep_alive = std::make_unique<std::shared_ptr<EventChannel>>(channel);
  channel->tsfn_ = Tsfn::New(
      env, "webcodecs-native codec", 0, 1, channel.get(),
      [](Napi::Env, std::shared_ptr<EventChannel>* holder, EventChannel*) {
        std::unique_ptr<std::shared_ptr<EventChannel>> owned(holder);
        // At environment teardown the TSFN can go before the codec object
        // that owns the channel; after this nothing may touch it.
        (*owned)->tsfn_gone_ = true;
      },
      keep_alive.get());
  keep_alive.release();  // freed by the finalizer above
  channel->tsfn_.Unref(env);
  return channel;
}

void EventChannel::Post(WorkerEvent&& event) {
  bool signal;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_.push_back(std::move(event));
    signal = !signalled_ && !held_;
    signalled_ = signalled_ || signal;
  }
  if (signal) Signal();
}

void EventChannel::Hold() {
  std::lock_guard<std::mutex> lock(mutex_);
  held_ = true;
}

void EventChannel::Wake() {
  bool signal;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = false;
    signal = !signalled_ && !queued_.empty();
    signalled_ = signalled_ || signal;
  }
  if (signal) Signal();
}

void EventChannel::Signal() {
  if (tsfn_.NonBlockingCall() != napi_ok) {
    // The environment is going away; nobody will read these.
    std::lock_guard<std::mutex> lock(mutex_);
    queued_.clear();
  }
}

void EventChannelCallJs(Napi::Env env, Napi::Function, EventChannel* self, std::nullptr_t*) {
  if (env == nullptr || self == nullptr) return;  // finalizing: nothing to deliver to
  self->Drain(env);
}

void EventChannel::Drain(Napi::Env env) {
  // The two lists trade places, each keeping its capacity, so steady
  // traffic allocates nothing.
  std::vector<WorkerEvent>& batch = draining_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(queued_);
    signalled_ = false;
  }
  struct Clear {
    std::vector<WorkerEvent>& events;
    ~Clear() { events.clear(); }
  } clear_after{batch};
  Napi::HandleScope scope(env);
  Napi::Array values = Napi::Array::New(env);
  uint32_t n = 0;
  bool closed = false;
  numbers_.values_.clear();
  auto add = [&](WorkerEvent& e) {
    if (!convert_) return;
    const size_t mark = numbers_.values_.size();
    Napi::Value v = convert_(env, e, numbers_);
    if (v.IsEmpty()) {
      numbers_.values_.resize(mark);
    } else {
      values.Set(n++, v);
    }
  };
  using Type = WorkerEvent::Type;
  for (auto begin = batch.begin(); begin != batch.end();) {
    // A segment: outputs and kDone completions, up to the next other event.
    auto end = std::find_if(begin, batch.end(),
                            [](const WorkerEvent& e) { return e.type != Type::kOutput && e.type != Type::kDone; });
    if (merge_done_) {
      // The segment's completions first, merged per generation: lib/ sends
      // the next work on while it handles the outputs.
      WorkerEvent* done = nullptr;
      for (auto it = begin; it != end; ++it) {
        if (it->type != Type::kDone) continue;
        expected_--;
        if (done && done->generation == it->generation) {
          done->count += it->count;
          continue;
        }
        if (done) add(*done);
        done = &*it;
      }
      if (done) add(*done);
    }
    for (auto it = begin; it != end; ++it) {
      if (it->type == Type::kDone) {
        if (merge_done_) continue;
        expected_--;
      } else if (it->generation < generation_) {
        continue;  // an output of a configuration that reset() ended
      }
      add(*it);
    }
    if (end == batch.end()) break;
    switch (end->type) {
      case Type::kConfigured:
      case Type::kFlushed:
        expected_--;
        add(*end);
        break;
      case Type::kClosed:
        expected_--;
        closed = true;
        break;
      default:  // kError
        if (end->generation >= generation_) add(*end);
        break;
    }
    begin = end + 1;
  }
  if (n > 0 && !on_events_.IsEmpty()) {
    Napi::Value fn = on_events_.Value();
    if (fn.IsFunction()) {
      try {
        fn.As<Napi::Function>().Call({values, NumbersToJs(env)});
      } catch (const Napi::Error& err) {
        // lib/ catches user callback errors itself; anything else is a bug
        // that must surface as an uncaught exception, not a crash.
        err.ThrowAsJavaScriptException();
      }
    }
  }
  if (closed && on_closed_) on_closed_();
  UpdateRef();
  DeliverFfmpegLog(env);
}

Napi::Value EventChannel::NumbersToJs(Napi::Env env) {
  const std::vector<double>& numbers = numbers_.values_;
  if (numbers.empty()) return env.Undefined();
  Napi::Float64Array array;
  if (!numbers_array_.IsEmpty()) array = numbers_array_.Value();
  if (array.IsEmpty() || array.ElementLength() < numbers.size()) {
    array = Napi::Float64Array::New(env, std::max<size_t>(numbers.size(), 2 * numbers.capacity()));
    numbers_array_ = Napi::Persistent(array);
  }
  std::copy(numbers.begin(), numbers.end(), array.Data());
  return array;
}

void EventChannel::Expect(int64_t completions) {
  expected_ += completions;
  UpdateRef();
}

void EventChannel::Forget(int64_t completions) {
  expected_ -= completions;
  UpdateRef();
}

void EventChannel::UpdateRef() {
  if (released_ || tsfn_gone_) return;
  const bool want = expected_ > 0;
  if (want == refed_) return;
  refed_ = want;
  if (want) {
    tsfn_.Ref(env_);
  } else {
    tsfn_.Unref(env_);
  }
}

void EventChannel::Detach() {
  convert_ = nullptr;
  on_closed_ = nullptr;
  on_events_.Reset();
  numbers_array_.Reset();
  Release();
}

void EventChannel::Release() {
  if (released_) return;
  released_ = true;
  if (tsfn_gone_) return;
  if (refed_) tsfn_.Unref(env_);
  tsfn_.Release();
}

}  // namespace wcn
