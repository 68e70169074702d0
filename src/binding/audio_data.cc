#include "binding/audio_data.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "binding/addon_data.h"
#include "binding/errors.h"
#include "binding/js_convert.h"
#include "core/audio_frame.h"
#include "core/limits.h"
#include "core/sample_convert.h"

namespace wcn {

namespace {

SampleFormat ReadSampleFormat(const Napi::Value& v, const char* field) {
  const std::string name = ReadString(v, field);
  auto format = ParseSampleFormat(name);
  if (!format) Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage(field, "an AudioSampleFormat", "\"" + name + "\""));
  return *format;
}

// The AudioDataCopyToOptions lib/ converted: (planeIndex, frameOffset,
// frameCount | null, format | null) starting at info[first].
AudioCopyPlan ReadCopyPlan(const Napi::CallbackInfo& info, size_t first, const AVFrame& frame, SampleFormat format) {
  Napi::Env env = info.Env();
  const uint32_t plane_index = ReadU32(info[first], "planeIndex");
  const uint32_t frame_offset = ReadU32(info[first + 1], "frameOffset");
  std::optional<uint64_t> frame_count;
  if (info[first + 2].IsNumber()) frame_count = ReadU32(info[first + 2], "frameCount");
  std::optional<SampleFormat> dest;
  if (info[first + 3].IsString()) dest = ReadSampleFormat(info[first + 3], "format");
  AudioCopyPlan plan;
  ThrowIfError(env, PlanAudioCopy(format, static_cast<uint32_t>(frame.ch_layout.nb_channels),
                                  static_cast<uint64_t>(frame.nb_samples), plane_index, frame_offset, frame_count, dest,
                                  &plan));
  return plan;
}

// numberOfFrames and numberOfChannels of an AudioData of `format`: within
// the channel and size limits.
std::pair<uint32_t, uint32_t> ReadShape(const Napi::Value& frames_value, const Napi::Value& channels_value,
                                        SampleFormat format) {
  Napi::Env env = frames_value.Env();
  const uint32_t frames = ReadU32(frames_value, "numberOfFrames");
  const uint32_t channels = ReadU32(channels_value, "numberOfChannels");
  if (frames == 0) Throw(env, ErrorKind::kTypeError, InvalidMessage("numberOfFrames", "a positive integer", "0"));
  if (channels == 0 || channels > kMaxAudioChannels) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage("numberOfChannels", "an integer from 1 to " + std::to_string(kMaxAudioChannels),
                         std::to_string(channels)));
  }
  const uint64_t total = AudioDataBytes(format, channels, frames);
  if (total > kMaxAudioDataBytes) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage("AudioDataInit", "at most " + std::to_string(kMaxAudioDataBytes) + " bytes of samples",
                         std::to_string(total) + " bytes"));
  }
  return {frames, channels};
}

}  // namespace

void AudioDataHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "AudioDataHandle",
                                    {
                                        StaticMethod<&AudioDataHandle::FromBuffer>("fromBuffer"),
                                        StaticMethod<&AudioDataHandle::Preallocate>("preallocate"),
                                        InstanceMethod<&AudioDataHandle::Close>("close"),
                                        InstanceMethod<&AudioDataHandle::AllocationSize>("allocationSize"),
                                        InstanceMethod<&AudioDataHandle::CopyTo>("copyTo"),
                                        InstanceAccessor<&AudioDataHandle::GetFormat>("format"),
                                        InstanceAccessor<&AudioDataHandle::GetSampleRate>("sampleRate"),
                                        InstanceAccessor<&AudioDataHandle::GetNumberOfFrames>("numberOfFrames"),
                                        InstanceAccessor<&AudioDataHandle::GetNumberOfChannels>("numberOfChannels"),
                                    });
  // The names decoder outputs index (src/binding/audio_decoder.cc).
  Napi::Array names = Napi::Array::New(env, kSampleFormatCount);
  for (int i = 0; i < kSampleFormatCount; i++) {
    names.Set(static_cast<uint32_t>(i), SampleInfo(static_cast<SampleFormat>(i)).name);
  }
  ctor.Set("sampleFormats", names);
  AddonData::Get(env).audio_data_handle = Napi::Persistent(ctor);
  exports.Set("AudioDataHandle", ctor);
}

AudioDataHandle::AudioDataHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AudioDataHandle>(info) {}

Napi::Object AudioDataHandle::Wrap(Napi::Env env, FramePtr frame, SampleFormat format) {
  Napi::Object obj = AddonData::Get(env).audio_data_handle.New({});
  AudioDataHandle* self = Unwrap(obj);
  self->memory_ = ExternalMemory::Report(env, FrameBufferBytes(*frame));
  self->frame_ = std::move(frame);
  self->format_ = format;
  self->live_ = LiveObject(env, LiveKind::kAudioData);
  return obj;
}

const AVFrame& AudioDataHandle::Live(Napi::Env env) const {
  if (!frame_) Throw(env, ErrorKind::kInvalidStateError, "The AudioData is closed.");
  return *frame_;
}

// fromBuffer(bytes: Uint8Array, format, sampleRate, numberOfFrames, numberOfChannels)
Napi::Value AudioDataHandle::FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) Throw(env, ErrorKind::kTypeError, InvalidMessage("data", "a Uint8Array", "another value"));
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const SampleFormat format = ReadSampleFormat(info[1], "format");
  const double rate = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
  if (!(rate > 0) || !std::isfinite(rate)) {
    Throw(env, ErrorKind::kTypeError, InvalidMessage("sampleRate", "a positive number", std::to_string(rate)));
  }
  const auto [frames, channels] = ReadShape(info[3], info[4], format);
  const uint64_t total = AudioDataBytes(format, channels, frames);
  if (bytes.ByteLength() < total) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage("data", "at least " + std::to_string(total) + " bytes for " + std::to_string(frames) +
                                     " frames of " + std::to_string(channels) + " channels of " +
                                     SampleInfo(format).name,
                         std::to_string(bytes.ByteLength()) + " bytes"));
  }
  // FFmpeg's frames carry an integer rate; the exact one stays in lib/.
  const int av_rate = static_cast<int>(std::min(std::max(std::lround(rate), 1l), long{INT32_MAX}));
  FramePtr frame = CreateAudioFrameFromBuffer(format, channels, frames, av_rate, bytes.Data());
  return Wrap(env, std::move(frame), format);
}

// preallocate(format, numberOfFrames, numberOfChannels, count) -> pool
// buffers added for `count` AudioData of that shape (within the pool limits).
Napi::Value AudioDataHandle::Preallocate(const Napi::CallbackInfo& info) {
  const SampleFormat format = ReadSampleFormat(info[0], "format");
  const auto [frames, channels] = ReadShape(info[1], info[2], format);
  const uint32_t count = ReadU32(info[3], "count");
  return Napi::Number::New(info.Env(), static_cast<double>(PreallocateAudioFrames(format, channels, frames, count)));
}

void AudioDataHandle::Close(const Napi::CallbackInfo&) {
  frame_.reset();
  memory_.reset();
  live_.Release();
}

// allocationSize(planeIndex, frameOffset, frameCount | null, format | null) -> bytes
Napi::Value AudioDataHandle::AllocationSize(const Napi::CallbackInfo& info) {
  const AudioCopyPlan plan = ReadCopyPlan(info, 0, Live(info.Env()), format_);
  return Napi::Number::New(info.Env(), static_cast<double>(plan.byte_size));
}

// copyTo(destination: Uint8Array, planeIndex, frameOffset, frameCount | null, format | null)
void AudioDataHandle::CopyTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AVFrame& frame = Live(env);
  if (!info[0].IsTypedArray()) {
    Throw(env, ErrorKind::kTypeError, InvalidMessage("destination", "a Uint8Array", "another value"));
  }
  Napi::Uint8Array dest = info[0].As<Napi::Uint8Array>();
  const AudioCopyPlan plan = ReadCopyPlan(info, 1, frame, format_);
  if (plan.byte_size > dest.ByteLength()) {
    Throw(env, ErrorKind::kRangeError,
          InvalidMessage("destination", "at least " + std::to_string(plan.byte_size) + " bytes",
                         std::to_string(dest.ByteLength()) + " bytes"));
  }
  CopyAudio(format_, frame.extended_data, static_cast<uint32_t>(frame.ch_layout.nb_channels), plan, dest.Data());
}

Napi::Value AudioDataHandle::GetFormat(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), SampleInfo(format_).name);
}

Napi::Value AudioDataHandle::GetSampleRate(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), frame_ ? frame_->sample_rate : 0);
}

Napi::Value AudioDataHandle::GetNumberOfFrames(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), frame_ ? frame_->nb_samples : 0);
}

Napi::Value AudioDataHandle::GetNumberOfChannels(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), frame_ ? frame_->ch_layout.nb_channels : 0);
}

}  // namespace wcn
