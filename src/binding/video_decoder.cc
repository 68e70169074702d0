// VideoDecoderNative: the native half of VideoDecoder (lib/video-decoder.ts).
#include "binding/codec_binding.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "binding/probe.h"
#include "binding/video_frame.h"
#include "core/keyframe.h"
#include "core/video_decoder.h"

namespace wcn {

namespace {

class VideoDecoderBinding : public CodecBinding<VideoDecoderBinding, VideoDecoderEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-video-dec";
  static constexpr LiveKind kLiveKind = LiveKind::kVideoDecoder;
  static constexpr bool kMergeDone = true;
  // work(data, timestamp, duration, key, generation)
  static constexpr size_t kWorkArgs = 4;

  using Base::Base;

  // {family, profile, description?: Uint8Array, codedWidth?, codedHeight?, optimizeForLatency}
  static VideoDecoderSettings ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a config object.");
    Napi::Object o = value.As<Napi::Object>();
    VideoDecoderSettings s;
    s.family = ReadString(o.Get("family"), "family");
    if (o.Get("profile").IsNumber()) s.profile = o.Get("profile").As<Napi::Number>().Int32Value();
    ReadDescription(o.Get("description"), &s.description);
    if (o.Get("codedWidth").IsNumber()) s.coded_width = ReadU32(o.Get("codedWidth"), "codedWidth");
    if (o.Get("codedHeight").IsNumber()) s.coded_height = ReadU32(o.Get("codedHeight"), "codedHeight");
    s.optimize_for_latency = o.Get("optimizeForLatency").ToBoolean();
    return s;
  }

  static DecodeWork ReadWork(const Napi::CallbackInfo& info) { return ReadDecodeWork(info); }

  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers&) {
    return DecodedVideoToJs(env, std::get<DecodedVideo>(e.output));
  }
};

// checkKeyFrame(family, data, description | null) -> "key" | "delta" | "unknown"
Napi::Value CheckKeyFrameJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string family = ReadString(info[0], "family");
  if (!info[1].IsTypedArray()) Throw(env, ErrorKind::kTypeError, "checkKeyFrame() expects chunk bytes.");
  Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
  const uint8_t* desc = nullptr;
  size_t desc_size = 0;
  if (info[2].IsTypedArray()) {
    desc = info[2].As<Napi::Uint8Array>().Data();
    desc_size = info[2].As<Napi::Uint8Array>().ByteLength();
  }
  switch (CheckKeyFrame(family, data.Data(), data.ByteLength(), desc, desc_size)) {
    case KeyFrameCheck::kKey: return Napi::String::New(env, "key");
    case KeyFrameCheck::kNotKey: return Napi::String::New(env, "delta");
    default: return Napi::String::New(env, "unknown");
  }
}

}  // namespace

void InitVideoDecoder(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = VideoDecoderBinding::Define(env, "VideoDecoderNative");
  cls.Set("probe", Napi::Function::New(env, &Probe<VideoDecoderBinding, VideoDecoderEngine>, "probe"));
  exports.Set("VideoDecoderNative", cls);
  exports.Set("checkKeyFrame", Napi::Function::New(env, &CheckKeyFrameJs, "checkKeyFrame"));
}

}  // namespace wcn
