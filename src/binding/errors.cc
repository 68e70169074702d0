#include "binding/errors.h"

#include "binding/addon_data.h"

namespace wcn {

Napi::Value MakeError(Napi::Env env, ErrorKind kind, const std::string& message) {
  switch (kind) {
    case ErrorKind::kTypeError: return Napi::TypeError::New(env, message).Value();
    case ErrorKind::kRangeError: return Napi::RangeError::New(env, message).Value();
    default: break;
  }
  AddonData& data = AddonData::Get(env);
  if (data.error_factory.IsEmpty()) {
    // Only before lib/native.ts installed the factory (never in normal use).
    return Napi::Error::New(env, std::string(ErrorKindName(kind)) + ": " + message).Value();
  }
  return data.error_factory.Call({Napi::String::New(env, ErrorKindName(kind)), Napi::String::New(env, message)});
}

void Throw(Napi::Env env, ErrorKind kind, const std::string& message) {
  throw Napi::Error(env, MakeError(env, kind, message));
}

}  // namespace wcn
