#include "binding/live_objects.h"

#include "binding/addon_data.h"

namespace wcn {

LiveObject::LiveObject(Napi::Env env, LiveKind kind) : counts_(AddonData::Get(env).live_counts), kind_(kind) {
  (*counts_)[static_cast<size_t>(kind_)]++;
}

namespace {

// In LiveKind order.
constexpr const char* kNames[] = {"videoFrames",   "audioData",     "chunkBuffers", "videoDecoders",
                                  "videoEncoders", "audioDecoders", "audioEncoders", "demuxers",
                                  "muxers",        "imageDecoders"};
static_assert(std::size(kNames) == static_cast<size_t>(LiveKind::kCount));

Napi::Value GetLiveObjects(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const LiveCounts& counts = *AddonData::Get(env).live_counts;
  Napi::Object o = Napi::Object::New(env);
  for (size_t i = 0; i < counts.size(); i++) o.Set(kNames[i], static_cast<double>(counts[i].load()));
  return o;
}

}  // namespace

void InitLiveObjects(Napi::Env env, Napi::Object exports) {
  exports.Set("getLiveObjects", Napi::Function::New<GetLiveObjects>(env, "getLiveObjects"));
}

}  // namespace wcn
