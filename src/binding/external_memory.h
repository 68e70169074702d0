// Native memory reported to V8 once per allocation, however many JS objects
// (clones) share it, and given back exactly once when the last one lets go.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

namespace wcn {

class ExternalMemory {
 public:
  ExternalMemory(Napi::Env env, int64_t bytes) : env_(env), bytes_(bytes) {
    Napi::MemoryManagement::AdjustExternalMemory(env_, bytes_);
  }
  ~ExternalMemory() { Napi::MemoryManagement::AdjustExternalMemory(env_, -bytes_); }
  ExternalMemory(const ExternalMemory&) = delete;
  ExternalMemory& operator=(const ExternalMemory&) = delete;

  static std::shared_ptr<ExternalMemory> Report(Napi::Env env, int64_t bytes) {
    return std::make_shared<ExternalMemory>(env, bytes);
  }

 private:
  Napi::Env env_;
  int64_t bytes_;
};

}  // namespace wcn
