// VideoEncoderNative: the native half of VideoEncoder (lib/video-encoder.ts).
#include "binding/codec_binding.h"
#include "binding/js_color.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "binding/probe.h"
#include "binding/video_frame.h"
#include "core/video_encoder.h"

namespace wcn {

namespace {

class VideoEncoderBinding : public CodecBinding<VideoEncoderBinding, VideoEncoderEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-video-enc";
  static constexpr LiveKind kLiveKind = LiveKind::kVideoEncoder;
  static constexpr bool kMergeDone = true;
  // work(frameHandle, visible, timestamp, duration, keyFrame, quantizer, color, generation)
  static constexpr size_t kWorkArgs = 7;

  using Base::Base;

  // The flat config lib/video-encoder.ts builds from a VideoEncoderConfig.
  static VideoEncoderSettings ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a config object.");
    Napi::Object o = value.As<Napi::Object>();
    VideoEncoderSettings s;
    s.family = ReadString(o.Get("family"), "family");
    s.codec_string = ReadString(o.Get("codecString"), "codecString");
    s.width = ReadU32(o.Get("width"), "width");
    s.height = ReadU32(o.Get("height"), "height");
    if (o.Get("bitrate").IsNumber()) s.bitrate = o.Get("bitrate").As<Napi::Number>().Int64Value();
    if (o.Get("framerate").IsNumber()) s.framerate = o.Get("framerate").As<Napi::Number>().DoubleValue();
    const std::string mode = ReadString(o.Get("rateMode"), "rateMode");
    s.rate_mode = mode == "constant" ? RateMode::kConstant : mode == "quantizer" ? RateMode::kQuantizer : RateMode::kVariable;
    s.realtime = o.Get("realtime").ToBoolean();
    s.temporal_layers = ReadOptionalInt(o, "temporalLayers", 1);
    s.keep_alpha = o.Get("keepAlpha").ToBoolean();
    if (o.Get("contentHint").IsString()) s.content_hint = o.Get("contentHint").As<Napi::String>().Utf8Value();
    s.screen_content = o.Get("screenContent").ToBoolean();
    s.profile = ReadOptionalInt(o, "profile", -1);
    s.level = ReadOptionalInt(o, "level", -1);
    s.high_tier = o.Get("highTier").ToBoolean();
    s.bit_depth = ReadOptionalInt(o, "bitDepth", 8);
    s.chroma = ReadOptionalInt(o, "chroma", 420);
    s.annexb = o.Get("annexb").ToBoolean();
    return s;
  }

  static VideoEncodeWork ReadWork(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) Throw(env, ErrorKind::kTypeError, "encode() expects a frame.");
    VideoFrameHandle* handle = VideoFrameHandle::Unwrap(info[0].As<Napi::Object>());
    if (!handle || !handle->frame()) Throw(env, ErrorKind::kTypeError, "The frame is closed.");
    VideoEncodeWork work;
    // The encoder's own reference: the caller may close the frame at once.
    work.frame = RefFrame(handle->frame());
    work.format = handle->format();
    work.visible = ReadRect(info[1], "visibleRect").value_or(Rect{0, 0, static_cast<uint64_t>(work.frame->width),
                                                                  static_cast<uint64_t>(work.frame->height)});
    work.timestamp = info[2].As<Napi::Number>().Int64Value();
    const double duration = info[3].As<Napi::Number>().DoubleValue();
    if (duration >= 0) work.duration = static_cast<int64_t>(duration);
    work.key_frame = info[4].ToBoolean();
    work.quantizer = info[5].As<Napi::Number>().Int32Value();
    work.color = ColorFromJs(info[6]);
    return work;
  }

  // EncodedChunkToJs's value and numbers, then the temporal layer id (-1
  // without layers); the value is an object with an alpha packet too.
  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers) {
    auto& out = std::get<EncodedChunkOutput>(e.output);
    Napi::Value value = EncodedChunkToJs(env, e, numbers, out.alpha != nullptr);
    numbers.Push(out.temporal_layer);
    if (out.config) {
      Napi::Object c = value.As<Napi::Object>().Get("config").As<Napi::Object>();
      if (!out.config->record.empty()) c.Set("record", BytesToJs(env, out.config->record));
      c.Set("color", ColorToJs(env, out.config->color));
    }
    if (out.alpha) value.As<Napi::Object>().Set("alpha", PacketToJs(env, std::move(out.alpha)));
    return value;
  }
};

}  // namespace

void InitVideoEncoder(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = VideoEncoderBinding::Define(env, "VideoEncoderNative");
  cls.Set("probe", Napi::Function::New(env, &Probe<VideoEncoderBinding, VideoEncoderEngine>, "probe"));
  exports.Set("VideoEncoderNative", cls);
}

}  // namespace wcn
