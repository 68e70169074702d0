// AudioEncoderNative: the native half of AudioEncoder (lib/audio-encoder.ts).
#include "binding/audio_data.h"
#include "binding/codec_binding.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "binding/probe.h"
#include "core/audio_encoder.h"

namespace wcn {

namespace {

class AudioEncoderBinding : public CodecBinding<AudioEncoderBinding, AudioEncoderEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-audio-enc";
  static constexpr LiveKind kLiveKind = LiveKind::kAudioEncoder;
  static constexpr bool kMergeDone = true;
  // work(dataHandle, timestamp, sampleRate, generation)
  static constexpr size_t kWorkArgs = 3;

  using Base::Base;

  // The flat config lib/audio-encoder.ts builds from an AudioEncoderConfig.
  static AudioEncoderSettings ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a config object.");
    Napi::Object o = value.As<Napi::Object>();
    AudioEncoderSettings s;
    s.codec = ReadString(o.Get("codec"), "codec");
    s.sample_rate = ReadU32(o.Get("sampleRate"), "sampleRate");
    s.channels = ReadU32(o.Get("numberOfChannels"), "numberOfChannels");
    if (o.Get("bitrate").IsNumber()) s.bitrate = o.Get("bitrate").As<Napi::Number>().Int64Value();
    s.constant_bitrate = o.Get("constantBitrate").ToBoolean();
    s.aac_object_type = ReadOptionalInt(o, "aacObjectType", 2);
    s.aac_mpeg2 = o.Get("aacMpeg2").ToBoolean();
    s.aac_adts = o.Get("adts").ToBoolean();
    if (o.Get("opusApplication").IsString()) s.opus_application = ReadString(o.Get("opusApplication"), "opusApplication");
    if (o.Get("opusFrameDuration").IsNumber()) {
      s.opus_frame_duration_us = o.Get("opusFrameDuration").As<Napi::Number>().Int64Value();
    }
    s.opus_complexity = ReadOptionalInt(o, "opusComplexity", s.opus_complexity);
    s.opus_packet_loss = ReadOptionalInt(o, "opusPacketLoss", 0);
    s.opus_fec = o.Get("opusFec").ToBoolean();
    s.opus_dtx = o.Get("opusDtx").ToBoolean();
    s.flac_block_size = ReadOptionalInt(o, "flacBlockSize", 0);
    s.flac_compress_level = ReadOptionalInt(o, "flacCompressLevel", s.flac_compress_level);
    return s;
  }

  static AudioEncodeWork ReadWork(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) Throw(env, ErrorKind::kTypeError, "encode() expects an AudioData.");
    AudioDataHandle* handle = AudioDataHandle::Unwrap(info[0].As<Napi::Object>());
    if (!handle || !handle->frame()) Throw(env, ErrorKind::kTypeError, "The AudioData is closed.");
    AudioEncodeWork work;
    // The encoder's own reference: the caller may close the AudioData at once.
    work.frame = RefFrame(handle->frame());
    work.format = handle->format();
    work.timestamp = info[1].As<Napi::Number>().Int64Value();
    work.sample_rate = info[2].As<Napi::Number>().DoubleValue();
    return work;
  }

  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers) {
    return EncodedChunkToJs(env, e, numbers);
  }
};

}  // namespace

void InitAudioEncoder(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = AudioEncoderBinding::Define(env, "AudioEncoderNative");
  cls.Set("probe", Napi::Function::New(env, &Probe<AudioEncoderBinding, AudioEncoderEngine>, "probe"));
  exports.Set("AudioEncoderNative", cls);
}

}  // namespace wcn
