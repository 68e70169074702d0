#include "binding/codec_binding.h"

#include "binding/js_packet.h"

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
  if (e.type == WorkerEvent::Type::kDone && e.count != 1) o.Set("count", e.count);
  if (!e.status.ok()) o.Set("error", MakeError(env, e.status.kind, e.status.message));
  return o;
}

Napi::Object EncodedChunkToJs(Napi::Env env, WorkerEvent& e) {
  auto& out = std::get<EncodedChunkOutput>(e.output);
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", "output");
  o.Set("generation", static_cast<double>(e.generation));
  o.Set("key", out.key);
  o.Set("timestamp", static_cast<double>(out.timestamp));
  o.Set("duration", out.duration ? Napi::Number::New(env, static_cast<double>(*out.duration)) : env.Null());
  if (out.config) {
    Napi::Object c = Napi::Object::New(env);
    if (!out.config->description.empty()) c.Set("description", BytesToJs(env, out.config->description));
    o.Set("config", c);
  }
  o.Set("data", PacketToJs(env, std::move(out.packet)));
  return o;
}

}  // namespace wcn
