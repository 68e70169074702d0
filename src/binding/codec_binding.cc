#include "binding/codec_binding.h"

namespace wcn {

Napi::Value CompletionToJs(Napi::Env env, WorkerEvent& e) {
  Napi::Object o = Napi::Object::New(env);
  const char* type = "done";
  switch (e.type) {
    case WorkerEvent::Type::kConfigured: type = "configured"; break;
    case WorkerEvent::Type::kDone: type = "done"; break;
    case WorkerEvent::Type::kFlushed: type = "flushed"; break;
    case WorkerEvent::Type::kError: type = "error"; break;
    default: break;
  }
  o.Set("type", type);
  o.Set("generation", static_cast<double>(e.generation));
  if (e.type == WorkerEvent::Type::kFlushed) o.Set("id", static_cast<double>(e.flush_id));
  if (!e.status.ok()) o.Set("error", MakeError(env, e.status.kind, e.status.message));
  return o;
}

}  // namespace wcn
