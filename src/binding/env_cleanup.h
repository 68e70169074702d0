// Runs a teardown step if the environment ends while its owner is still
// alive (process exit, a worker_thread terminated): threads owned by a JS
// object must be joined before the environment's handles go. Armed on
// construction, disarmed by the owner (or after running once: Node removes a
// hook when it runs it). Not movable: Node holds its address.
#pragma once

#include <napi.h>

#include <functional>
#include <utility>

namespace wcn {

class EnvCleanupHook {
 public:
  EnvCleanupHook(napi_env env, std::function<void()> on_teardown) : env_(env), on_teardown_(std::move(on_teardown)) {
    napi_add_env_cleanup_hook(env_, &EnvCleanupHook::Run, this);
  }
  ~EnvCleanupHook() { Disarm(); }
  EnvCleanupHook(const EnvCleanupHook&) = delete;
  EnvCleanupHook& operator=(const EnvCleanupHook&) = delete;

  void Disarm() {
    if (!armed_) return;
    armed_ = false;
    napi_remove_env_cleanup_hook(env_, &EnvCleanupHook::Run, this);
  }

 private:
  static void Run(void* arg) {
    auto* self = static_cast<EnvCleanupHook*>(arg);
    self->armed_ = false;
    self->on_teardown_();
  }

  napi_env env_;
  std::function<void()> on_teardown_;
  bool armed_ = true;
};

}  // namespace wcn
