#include "binding/codec_binding.h"

#include <cmath>

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

Napi::Value EventToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers,
                      Napi::Value (*output_to_js)(Napi::Env, WorkerEvent&, EventNumbers&)) {
  if (e.type != WorkerEvent::Type::kOutput) {
    numbers.Push(0);
    return CompletionToJs(env, e);
  }
  const size_t header = numbers.Size();
  numbers.Push(0);
  numbers.Push(static_cast<double>(e.generation));
  Napi::Value value = output_to_js(env, e, numbers);
  numbers.Set(header, static_cast<double>(numbers.Size() - header - 1));
  return value;
}

Napi::Value EncodedChunkToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers, bool extras) {
  auto& out = std::get<EncodedChunkOutput>(e.output);
  numbers.Push(out.key ? 1 : 0);
  numbers.Push(static_cast<double>(out.timestamp));
  numbers.Push(out.duration ? static_cast<double>(*out.duration) : NAN);
  const bool object = extras || out.config;
  numbers.Push(object ? 1 : 0);
  Napi::Uint8Array data = PacketToJs(env, std::move(out.packet));
  if (!object) return data;
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", data);
  if (out.config) {
    Napi::Object c = Napi::Object::New(env);
    if (!out.config->description.empty()) c.Set("description", BytesToJs(env, out.config->description));
    o.Set("config", c);
  }
  return o;
}

}  // namespace wcn
