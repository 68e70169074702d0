// VideoDecoderNative: the native half of VideoDecoder (lib/video-decoder.ts).
#include <cstring>

#include "binding/codec_binding.h"
#include "binding/js_convert.h"
#include "binding/probe.h"
#include "binding/video_frame.h"
#include "core/keyframe.h"
#include "core/limits.h"
#include "core/video_decoder.h"

namespace wcn {

namespace {

class VideoDecoderBinding : public CodecBinding<VideoDecoderBinding, VideoDecoderEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-video-dec";
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
    Napi::Value desc = o.Get("description");
    if (desc.IsTypedArray()) {
      // Copied whatever its size: the engine reports one beyond the limit as
      // unsupported.
      Napi::Uint8Array bytes = desc.As<Napi::Uint8Array>();
      s.description.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
    }
    if (o.Get("codedWidth").IsNumber()) s.coded_width = ReadU32(o.Get("codedWidth"), "codedWidth");
    if (o.Get("codedHeight").IsNumber()) s.coded_height = ReadU32(o.Get("codedHeight"), "codedHeight");
    s.optimize_for_latency = o.Get("optimizeForLatency").ToBoolean();
    return s;
  }

  static VideoDecodeWork ReadWork(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray()) Throw(env, ErrorKind::kTypeError, "decode() expects chunk bytes.");
    Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
    VideoDecodeWork work{AllocPacket()};
    AVPacket* pkt = work.packet.get();
    if (data.ByteLength() > kMaxChunkBytes) {
      // Not copied: decoding it fails (EncodingError), as the spec has
      // decode() itself throw only for state and key frame errors.
      work.oversized_bytes = data.ByteLength();
    } else {
      if (av_new_packet(pkt, static_cast<int>(data.ByteLength())) < 0) throw std::bad_alloc();
      if (data.ByteLength() > 0) std::memcpy(pkt->data, data.Data(), data.ByteLength());
    }
    pkt->pts = pkt->dts = info[1].As<Napi::Number>().Int64Value();
    const double duration = info[2].As<Napi::Number>().DoubleValue();
    if (duration >= 0) work.duration = static_cast<int64_t>(duration);
    pkt->duration = work.duration.value_or(0);
    if (info[3].ToBoolean()) pkt->flags |= AV_PKT_FLAG_KEY;
    return work;
  }

  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e) {
    Napi::Object o = DecodedVideoToJs(env, std::get<DecodedVideo>(e.output));
    o.Set("type", "output");
    o.Set("generation", static_cast<double>(e.generation));
    return o;
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
