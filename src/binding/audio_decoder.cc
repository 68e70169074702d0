// AudioDecoderNative: the native half of AudioDecoder (lib/audio-decoder.ts).
#include "binding/audio_data.h"
#include "binding/codec_binding.h"
#include "binding/js_convert.h"
#include "binding/js_packet.h"
#include "binding/probe.h"
#include "core/audio_decoder.h"

namespace wcn {

namespace {

class AudioDecoderBinding : public CodecBinding<AudioDecoderBinding, AudioDecoderEngine> {
 public:
  static constexpr const char* kThreadName = "wcn-audio-dec";
  static constexpr LiveKind kLiveKind = LiveKind::kAudioDecoder;
  static constexpr bool kMergeDone = true;
  // work(data, timestamp, duration, key, generation)
  static constexpr size_t kWorkArgs = 4;

  using Base::Base;

  // {codec, description?: Uint8Array, sampleRate, numberOfChannels}
  static AudioDecoderSettings ReadConfig(const Napi::Value& value) {
    Napi::Env env = value.Env();
    if (!value.IsObject()) Throw(env, ErrorKind::kTypeError, "configure() expects a config object.");
    Napi::Object o = value.As<Napi::Object>();
    AudioDecoderSettings s;
    s.codec = ReadString(o.Get("codec"), "codec");
    s.has_description = ReadDescription(o.Get("description"), &s.description);
    s.sample_rate = ReadU32(o.Get("sampleRate"), "sampleRate");
    s.channels = ReadU32(o.Get("numberOfChannels"), "numberOfChannels");
    return s;
  }

  static DecodeWork ReadWork(const Napi::CallbackInfo& info) { return ReadDecodeWork(info); }

  // The AudioData's handle, with the numbers [timestamp, format (an index
  // into sampleFormats), sampleRate, numberOfFrames, numberOfChannels].
  static Napi::Value OutputToJs(Napi::Env env, WorkerEvent& e, EventNumbers& numbers) {
    auto& out = std::get<DecodedAudio>(e.output);
    numbers.Push(static_cast<double>(out.timestamp));
    numbers.Push(static_cast<double>(out.format));
    numbers.Push(out.frame->sample_rate);
    numbers.Push(out.frame->nb_samples);
    numbers.Push(out.frame->ch_layout.nb_channels);
    return AudioDataHandle::Wrap(env, std::move(out.frame), out.format);
  }
};

}  // namespace

void InitAudioDecoder(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = AudioDecoderBinding::Define(env, "AudioDecoderNative");
  cls.Set("probe", Napi::Function::New(env, &Probe<AudioDecoderBinding, AudioDecoderEngine>, "probe"));
  exports.Set("AudioDecoderNative", cls);
}

}  // namespace wcn
