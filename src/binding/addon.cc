// Module entry: per-environment state and the small functions that belong to
// no interface (pool limits and statistics, ArrayBuffer detaching, versions).
#include <napi.h>

#include <cstdlib>
#include <memory>

#include "binding/addon_data.h"
#include "binding/audio_data.h"
#include "binding/errors.h"
#include "binding/live_objects.h"
#include "binding/video_frame.h"
#include "core/ffmpeg.h"
#include "core/frame_pool.h"
#include "core/limits.h"
#include "core/log.h"

namespace wcn {

void InitImageDecoder(Napi::Env env, Napi::Object exports);
void InitAudioDecoder(Napi::Env env, Napi::Object exports);
void InitAudioEncoder(Napi::Env env, Napi::Object exports);
void InitVideoDecoder(Napi::Env env, Napi::Object exports);
void InitVideoEncoder(Napi::Env env, Napi::Object exports);
void InitDemuxer(Napi::Env env, Napi::Object exports);
void InitMuxer(Napi::Env env, Napi::Object exports);

namespace {

void SetErrorFactory(const Napi::CallbackInfo& info) {
  AddonData::Get(info.Env()).error_factory = Napi::Persistent(info[0].As<Napi::Function>());
}

Napi::Object StatsToObject(Napi::Env env, const PoolStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("capacity", static_cast<double>(s.capacity));
  o.Set("available", static_cast<double>(s.available));
  o.Set("inUse", static_cast<double>(s.in_use));
  o.Set("peakInUse", static_cast<double>(s.peak_in_use));
  o.Set("acquires", static_cast<double>(s.acquires));
  o.Set("releases", static_cast<double>(s.releases));
  o.Set("freshAllocations", static_cast<double>(s.fresh_allocations));
  o.Set("fallbacks", static_cast<double>(s.fallbacks));
  o.Set("hits", static_cast<double>(s.acquires - s.fresh_allocations - s.fallbacks));
  o.Set("bytesHeld", static_cast<double>(s.bytes_held));
  return o;
}

// getPoolStats() -> { pools: [...], total: {...}, externalMemory }
Napi::Value GetPoolStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const PoolReport report = PoolRegistry::Instance().Report();
  Napi::Array pools = Napi::Array::New(env, report.pools.size());
  for (size_t i = 0; i < report.pools.size(); i++) {
    Napi::Object o = StatsToObject(env, report.pools[i]);
    o.Set("bufferSize", static_cast<double>(report.pools[i].buffer_size));
    pools.Set(static_cast<uint32_t>(i), o);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("pools", pools);
  result.Set("total", StatsToObject(env, report.total));
  // Bytes this environment's frames and audio data report to V8, counted
  // once per allocation however many clones share it.
  result.Set("externalMemory", static_cast<double>(*AddonData::Get(env).reported_bytes));
  return result;
}

Napi::Object ConfigToObject(Napi::Env env, const PoolConfig& config) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxBytes", static_cast<double>(config.max_bytes));
  o.Set("maxBuffersPerPool", static_cast<double>(config.max_buffers_per_pool));
  o.Set("idleTrimMs", static_cast<double>(config.idle_trim_ms));
  return o;
}

// configurePools(maxBytes | null, maxBuffersPerPool | null, idleTrimMs | null) -> the limits in
// force; lib/ has checked the numbers (safe integers, not negative).
Napi::Value ConfigurePools(const Napi::CallbackInfo& info) {
  PoolRegistry& registry = PoolRegistry::Instance();
  PoolConfig config = registry.config();
  if (info[0].IsNumber()) config.max_bytes = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  if (info[1].IsNumber()) {
    config.max_buffers_per_pool = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
  }
  if (info[2].IsNumber()) config.idle_trim_ms = static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue());
  registry.Configure(config);
  return ConfigToObject(info.Env(), registry.config());
}

void TrimPools(const Napi::CallbackInfo&) { PoolRegistry::Instance().Trim(); }

// Detaches an ArrayBuffer (the "transfer" of the spec's init dictionaries).
// V8 frees the memory at once, without waiting for a GC.
void DetachArrayBuffer(const Napi::CallbackInfo& info) {
  if (!info[0].IsArrayBuffer()) Throw(info.Env(), ErrorKind::kTypeError, "detach() expects an ArrayBuffer.");
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  if (!buffer.IsDetached()) buffer.Detach();
}

// setLogHandler(handler | null, level): level is an AV_LOG_* value.
void SetLogHandler(const Napi::CallbackInfo& info) {
  AddonData& data = AddonData::Get(info.Env());
  if (info[0].IsFunction()) {
    data.log_handler = Napi::Persistent(info[0].As<Napi::Function>());
  } else {
    data.log_handler.Reset();
  }
  InstallLogCapture(info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : AV_LOG_QUIET);
}

Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("libavcodec", AV_STRINGIFY(LIBAVCODEC_VERSION));
  o.Set("libavformat", AV_STRINGIFY(LIBAVFORMAT_VERSION));
  o.Set("libavutil", AV_STRINGIFY(LIBAVUTIL_VERSION));
  o.Set("libswscale", AV_STRINGIFY(LIBSWSCALE_VERSION));
  o.Set("libswresample", AV_STRINGIFY(LIBSWRESAMPLE_VERSION));
  o.Set("ffmpeg", av_version_info());
  return o;
}

}  // namespace

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  // SVT-AV1 prints its banner and statistics itself rather than through
  // av_log; keep it to errors unless the user asked for more.
  setenv("SVT_LOG", "1", 0);
  InstallAllocationLimit();
  // Ownership passes to napi, which deletes the data when the environment ends.
  env.SetInstanceData<AddonData>(std::make_unique<AddonData>().release());
  exports.Set("setErrorFactory", Napi::Function::New<SetErrorFactory>(env, "setErrorFactory"));
  exports.Set("getPoolStats", Napi::Function::New<GetPoolStats>(env, "getPoolStats"));
  exports.Set("trimPools", Napi::Function::New<TrimPools>(env, "trimPools"));
  exports.Set("configurePools", Napi::Function::New<ConfigurePools>(env, "configurePools"));
  exports.Set("detachArrayBuffer", Napi::Function::New<DetachArrayBuffer>(env, "detachArrayBuffer"));
  exports.Set("versions", Napi::Function::New<Versions>(env, "versions"));
  exports.Set("setLogHandler", Napi::Function::New<SetLogHandler>(env, "setLogHandler"));
  InitLiveObjects(env, exports);
  VideoFrameHandle::Init(env, exports);
  InitImageDecoder(env, exports);
  AudioDataHandle::Init(env, exports);
  InitAudioDecoder(env, exports);
  InitAudioEncoder(env, exports);
  InitVideoDecoder(env, exports);
  InitVideoEncoder(env, exports);
  InitDemuxer(env, exports);
  InitMuxer(env, exports);
  return exports;
}

void DeliverFfmpegLog(Napi::Env env) {
  AddonData& data = AddonData::Get(env);
  if (data.log_handler.IsEmpty()) return;
  std::vector<std::string> lines = TakeLogLines();
  if (lines.empty()) return;
  Napi::Array arr = Napi::Array::New(env, lines.size());
  for (size_t i = 0; i < lines.size(); i++) arr.Set(static_cast<uint32_t>(i), lines[i]);
  data.log_handler.Call({arr});
}

}  // namespace wcn

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return wcn::InitAddon(env, exports); }
NODE_API_MODULE(webcodecs_native, Init)
