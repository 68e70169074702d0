// isConfigSupported(): opens a throwaway engine with the config on the libuv
// pool and resolves with whether that worked. The JS thread never waits.
#pragma once

#include <napi.h>

#include "core/codec_worker.h"

namespace wcn {

// An EventSink for engines used outside a worker (probing): nothing is
// listening, so events are dropped.
class DiscardingSink final : public EventSink {
 public:
  void Post(WorkerEvent&&) override {}
};

template <typename Engine>
class ProbeWorker final : public Napi::AsyncWorker {
 public:
  ProbeWorker(Napi::Env env, typename Engine::Config config)
      : Napi::AsyncWorker(env, "webcodecs-native probe"), deferred_(Napi::Promise::Deferred::New(env)),
        config_(std::move(config)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    Engine engine;
    DiscardingSink sink;
    uint64_t generation = 0;
    Emitter emit(&sink, &generation);
    supported_ = engine.Configure(config_, emit).ok();
    engine.Reset();
  }
  void OnOK() override { deferred_.Resolve(Napi::Boolean::New(Env(), supported_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  typename Engine::Config config_;
  bool supported_ = false;
};

// probe(config) -> Promise<boolean>, for a binding class with ReadConfig.
template <typename Binding, typename Engine>
Napi::Value Probe(const Napi::CallbackInfo& info) {
  auto* worker = new ProbeWorker<Engine>(info.Env(), Binding::ReadConfig(info[0]));  // AsyncWorker deletes itself
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace wcn
