// MuxerNative: the native half of Muxer (lib/muxer.ts). Finalizing is the
// worker's flush; bytes for a stream target come back as outputs.
#include "binding/codec_binding.h"
#include "binding/js_color.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "core/codec_family.h"
#include "core/muxer.h"

namespace wcn {

namespace {

double ReadNumber(const Napi::Object& o, const char* key, double fallback) {
  const Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

MuxTrackConfig ReadTrack(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "A track must be an object.");
  Napi::Object o = value.As<Napi::Object>();
  MuxTrackConfig t;
  const std::string kind = ReadString(o.Get("kind"), "kind");
  t.type = kind == "video" ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO;
  t.codec = CodecIdForFamily(ReadString(o.Get("codec"), "codec"));
  ReadDescription(o.Get("description"), &t.description);
  t.width = static_cast<uint32_t>(ReadNumber(o, "width", 0));
  t.height = static_cast<uint32_t>(ReadNumber(o, "height", 0));
  t.display_width = static_cast<uint32_t>(ReadNumber(o, "displayWidth", 0));
  t.display_height = static_cast<uint32_t>(ReadNumber(o, "displayHeight", 0));
  t.rotation = ReadOptionalInt(o, "rotation", 0);
  t.flip = o.Get("flip").ToBoolean();
  if (o.Get("color").IsObject()) t.color = ColorFromJs(o.Get("color"));
  t.frame_rate = ReadNumber(o, "frameRate", 0);
  t.profile = ReadOptionalInt(o, "profile", -99);
  t.level = ReadOptionalInt(o, "level", -99);
  t.bit_depth = ReadOptionalInt(o, "bitDepth", 8);
  t.chroma_subsampling = ReadOptionalInt(o, "chromaSubsampling", 1);
  t.sample_rate = static_cast<uint32_t>(ReadNumber(o, "sampleRate", 0));
  t.channels = static_cast<uint32_t>(ReadNumber(o, "channels", 0));
  return t;
}

class MuxerBinding : public CodecBinding<MuxerBinding, MuxEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-mux";
  static constexpr LiveKind kLiveKind = LiveKind::kMuxer;
  static constexpr bool kMergeDone = false;  // lib/native-worker.ts pairs outputs with the message in progress
  // work(track, data, timestamp, duration (-1 = none), key, generation)
  static constexpr size_t kWorkArgs = 5;

  using Base::Base;

  // {format, path?, fastStart, fragmented, fragmentDuration, tracks: [...]}
  static MuxConfig ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a config object.");
    Napi::Object o = value.As<Napi::Object>();
    MuxConfig c;
    c.format = ReadString(o.Get("format"), "format");
    if (o.Get("path").IsString()) c.path = o.Get("path").As<Napi::String>().Utf8Value();
    c.fast_start = o.Get("fastStart").ToBoolean();
    c.fragmented = o.Get("fragmented").ToBoolean();
    c.fragment_duration = static_cast<int64_t>(ReadNumber(o, "fragmentDuration", 0));
    if (!o.Get("tracks").IsArray()) Throw(env, ErrorKind::kTypeError, "configure() expects tracks.");
    Napi::Array tracks = o.Get("tracks").As<Napi::Array>();
    for (uint32_t i = 0; i < tracks.Length(); i++) c.tracks.push_back(ReadTrack(tracks.Get(i)));
    return c;
  }

  static MuxEngine::Packet ReadWork(const Napi::CallbackInfo& info) {
    MuxEngine::Packet p;
    p.track = info[0].As<Napi::Number>().Int32Value();
    p.timestamp = info[2].As<Napi::Number>().Int64Value();
    p.packet = PacketFromJs(info[1], p.timestamp, "addChunk()");
    const double duration = info[3].As<Napi::Number>().DoubleValue();
    if (duration >= 0) p.duration = static_cast<int64_t>(duration);
    p.key = info[4].ToBoolean();
    return p;
  }

  // The muxed bytes.
  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers&) {
    return VectorToJs(env, std::move(std::get<MuxedBytes>(e.output).data));
  }
};

}  // namespace

void InitMuxer(Napi::Env env, Napi::Object exports) {
  exports.Set("MuxerNative", MuxerBinding::Define(env, "MuxerNative"));
}

}  // namespace wcn
