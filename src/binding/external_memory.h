// Native memory reported to V8 once per allocation, however many JS objects
// (clones) share it, and given back exactly once when the last one lets go.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "binding/addon_data.h"

namespace wcn {

class ExternalMemory {
 public:
  // `total` is the environment's running sum, readable from JS through
  // getPoolStats().externalMemory; shared so a report outliving the
  // environment's state still has somewhere to subtract from.
  ExternalMemory(Napi::Env env, int64_t bytes, std::shared_ptr<int64_t> total)
      : env_(env), bytes_(bytes), total_(std::move(total)) {
    Napi::MemoryManagement::AdjustExternalMemory(env_, bytes_);
    *total_ += bytes_;
  }
  ~ExternalMemory() {
    Napi::MemoryManagement::AdjustExternalMemory(env_, -bytes_);
    *total_ -= bytes_;
  }
  ExternalMemory(const ExternalMemory&) = delete;
  ExternalMemory& operator=(const ExternalMemory&) = delete;

  // One report, shared by every object over the same allocation.
  static std::shared_ptr<ExternalMemory> Report(Napi::Env env, int64_t bytes) {
    return std::make_shared<ExternalMemory>(env, bytes, AddonData::Get(env).reported_bytes);
  }

 private:
  Napi::Env env_;
  int64_t bytes_;
  std::shared_ptr<int64_t> total_;
};

}  // namespace wcn
