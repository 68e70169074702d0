// What the codec bindings (and the Demuxer and Muxer) share: a worker
// thread, its event channel, and the JS methods lib/ drives (configure,
// work, flush, reset, close), each stamped with the reset generation.
// Derived supplies
//   Engine::Config ReadConfig(const Napi::Value&);  // static or not
//   Engine::Work ReadWork(const Napi::CallbackInfo&);  // args before the generation
//   static Napi::Value OutputToJs(Napi::Env, WorkerEvent&, EventNumbers&);
//   static constexpr const char* kThreadName;
//   static constexpr LiveKind kLiveKind;  // what getLiveObjects() counts it as
//   static constexpr bool kMergeDone;  // see EventChannel::Create
// and optionally
//   static void AddMethods(std::vector<PropertyDescriptor>&);  // more JS methods
//   void Interrupt();  // wakes work blocked on something other than the codec
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "binding/env_cleanup.h"
#include "binding/errors.h"
#include "binding/event_channel.h"
#include "binding/live_objects.h"
#include "core/codec_worker.h"

namespace wcn {

// {type, generation, ...} for events that are not outputs.
Napi::Value CompletionToJs(Napi::Env env, WorkerEvent& e);

// What lib/ receives for each event (lib/codec-base.ts forEachEvent reads it): an
// output is its value (Derived::OutputToJs) and the record
// [numbers after this one, generation, Derived's numbers...]; any other
// event is {type, generation, ...} and the record [0].
Napi::Value EventToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers,
                      Napi::Value (*output_to_js)(Napi::Env, WorkerEvent&, EventNumbers&));

// An encoder's EncodedChunkOutput: the bytes (without a copy) and the
// numbers [key, timestamp, duration or NaN]; with a changed stream config
// the value is {data, description?} instead. `extras` asks for that object
// whatever the config (the video encoder adds its own members).
Napi::Value EncodedChunkToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers, bool extras = false);

template <typename Derived, typename Engine>
class CodecBinding : public Napi::ObjectWrap<Derived> {
 public:
  using Worker = CodecWorker<Engine>;
  using Base = CodecBinding<Derived, Engine>;

  static Napi::Function Define(Napi::Env env, const char* name) {
    using Wrap = Napi::ObjectWrap<Derived>;
    using Method = typename Wrap::InstanceVoidMethodCallback;
    std::vector<typename Wrap::PropertyDescriptor> methods = {
        Wrap::InstanceMethod("configure", static_cast<Method>(&Base::JsConfigure)),
        Wrap::InstanceMethod("work", static_cast<Method>(&Base::JsWork)),
        Wrap::InstanceMethod("flush", static_cast<Method>(&Base::JsFlush)),
        Wrap::InstanceMethod("reset", static_cast<Method>(&Base::JsReset)),
        Wrap::InstanceMethod("close", static_cast<Method>(&Base::JsClose)),
    };
    if constexpr (requires { Derived::AddMethods(methods); }) Derived::AddMethods(methods);
    return Wrap::DefineClass(env, name, methods);
  }

  // new Native(onEvents: (events) => void)
  explicit CodecBinding(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Derived>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsFunction()) Throw(env, ErrorKind::kTypeError, "The codec needs an event callback.");
    channel_ = EventChannel::Create(
        env, info[0].As<Napi::Function>(),
        [](Napi::Env e, WorkerEvent& ev, EventNumbers& numbers) {
          return EventToJs(e, ev, numbers, &Derived::OutputToJs);
        },
        [this] { Finish(); }, Derived::kMergeDone);
    worker_ = std::make_unique<Worker>(channel_, Derived::kThreadName);
    live_ = LiveObject(env, Derived::kLiveKind);
    teardown_ = std::make_unique<EnvCleanupHook>(env, [this] {
      InterruptWork();
      StopWorker();
    });
  }

  // A Derived with Interrupt() calls it in its own destructor: by the time
  // this one runs, Derived is gone.
  ~CodecBinding() override {
    Shutdown();
    if (channel_) channel_->Detach();
  }

 protected:
  EventSink* sink() const { return channel_.get(); }

 private:
  void InterruptWork() {
    if constexpr (requires(Derived& d) { d.Interrupt(); }) static_cast<Derived*>(this)->Interrupt();
  }

  void JsConfigure(const Napi::CallbackInfo& info) {
    auto config = static_cast<Derived*>(this)->ReadConfig(info[0]);
    Send(info, 1, typename Worker::Configure{std::move(config)});
  }

  void JsWork(const Napi::CallbackInfo& info) {
    auto work = static_cast<Derived*>(this)->ReadWork(info);
    Send(info, Derived::kWorkArgs, typename Worker::Process{std::move(work)});
  }

  // flush(id, generation)
  void JsFlush(const Napi::CallbackInfo& info) {
    const uint64_t id = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
    Send(info, 1, typename Worker::Flush{id});
  }

  // reset(generation): queued messages are dropped, outputs of earlier
  // generations are no longer delivered.
  void JsReset(const Napi::CallbackInfo& info) {
    const uint64_t generation = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
    if (!worker_) return;
    channel_->SetGeneration(generation);
    channel_->Forget(static_cast<int64_t>(worker_->ResetTo(generation)));
  }

  // close(): returns at once; the worker finishes what it is doing, frees
  // the codec on its own thread and reports kClosed, then we join it.
  void JsClose(const Napi::CallbackInfo&) {
    if (!worker_ || closing_) return;
    closing_ = true;
    InterruptWork();
    channel_->SetGeneration(UINT64_MAX);
    channel_->Forget(static_cast<int64_t>(worker_->Stop()));
    channel_->Expect(1);  // kClosed
  }

  template <typename Body>
  void Send(const Napi::CallbackInfo& info, size_t generation_arg, Body body) {
    Napi::Env env = info.Env();
    if (!worker_ || closing_) Throw(env, ErrorKind::kInvalidStateError, "The codec is closed.");
    const uint64_t generation = static_cast<uint64_t>(info[generation_arg].As<Napi::Number>().Int64Value());
    if (!worker_->Post(typename Worker::Message{generation, std::move(body)})) {
      Throw(env, ErrorKind::kOperationError, "The codec's work queue is full.");
    }
    channel_->Expect(1);
  }

  // Joins the thread (at once if it has exited).
  void StopWorker() {
    worker_.reset();
    live_.Release();
  }

  // kClosed arrived: the thread has exited, so joining is immediate.
  void Finish() {
    StopWorker();
    teardown_->Disarm();
    channel_->Release();
  }

  // Environment teardown or collection: stop and join synchronously.
  void Shutdown() {
    if (!worker_) return;
    StopWorker();
    teardown_->Disarm();
  }

  std::shared_ptr<EventChannel> channel_;
  std::unique_ptr<Worker> worker_;
  LiveObject live_;  // while worker_ runs
  std::unique_ptr<EnvCleanupHook> teardown_;  // joins the worker if the environment ends first
  bool closing_ = false;
};

}  // namespace wcn
