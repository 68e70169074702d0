// Throwing the spec's exceptions from native code.
#pragma once

#include <napi.h>

#include <string>

#include "core/status.h"

namespace wcn {

// The JS exception for a status (TypeError, RangeError or a DOMException).
Napi::Value MakeError(Napi::Env env, ErrorKind kind, const std::string& message);

[[noreturn]] void Throw(Napi::Env env, ErrorKind kind, const std::string& message);
inline void ThrowIfError(Napi::Env env, const Status& status) {
  if (!status.ok()) Throw(env, status.kind, status.message);
}

}  // namespace wcn
