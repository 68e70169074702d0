#include "binding/event_channel.h"

#include "binding/addon_data.h"

namespace wcn {

EventChannel::EventChannel(Napi::Env env, Converter convert, ClosedHandler on_closed)
    : env_(env), convert_(std::move(convert)), on_closed_(std::move(on_closed)) {}

std::shared_ptr<EventChannel> EventChannel::Create(Napi::Env env, Napi::Function on_events, Converter convert,
                                                   ClosedHandler on_closed) {
  auto channel = std::make_shared<EventChannel>(env, std::move(convert), std::move(on_closed));
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
    signal = !signalled_;
    signalled_ = true;
  }
  if (signal && tsfn_.NonBlockingCall() != napi_ok) {
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
  for (WorkerEvent& e : batch) {
    switch (e.type) {
      case WorkerEvent::Type::kConfigured:
      case WorkerEvent::Type::kDone:
      case WorkerEvent::Type::kFlushed:
        expected_--;
        break;
      case WorkerEvent::Type::kClosed:
        expected_--;
        closed = true;
        continue;
      case WorkerEvent::Type::kOutput:
      case WorkerEvent::Type::kError:
        // Outputs of a configuration that reset() ended are not delivered.
        if (e.generation < generation_) continue;
        break;
    }
    if (!convert_) continue;
    Napi::Value v = convert_(env, e);
    if (!v.IsEmpty()) values.Set(n++, v);
  }
  if (n > 0 && !on_events_.IsEmpty()) {
    Napi::Value fn = on_events_.Value();
    if (fn.IsFunction()) {
      try {
        fn.As<Napi::Function>().Call({values});
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
