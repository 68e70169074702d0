// AudioDataHandle: the native half of an AudioData. Like VideoFrameHandle it
// owns one reference to an AVFrame, shared by an AudioData and its clones
// (lib/leak-warning.ts counts them; close() drops the reference); the
// timestamp and the exact (float) sample rate live in lib/audio-data.ts.
#pragma once

#include <napi.h>

#include <memory>

#include "binding/external_memory.h"
#include "binding/live_objects.h"
#include "core/ffmpeg_raii.h"
#include "core/sample_format.h"

namespace wcn {

class AudioDataHandle : public Napi::ObjectWrap<AudioDataHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  // Wraps samples produced natively (a decoder's output). Takes ownership.
  static Napi::Object Wrap(Napi::Env env, FramePtr frame, SampleFormat format);

  explicit AudioDataHandle(const Napi::CallbackInfo& info);

  // The frame, or null once closed. Valid on the JS thread only.
  const AVFrame* frame() const { return frame_.get(); }
  SampleFormat format() const { return format_; }

 private:
  static Napi::Value FromBuffer(const Napi::CallbackInfo& info);
  static Napi::Value Preallocate(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  Napi::Value AllocationSize(const Napi::CallbackInfo& info);
  void CopyTo(const Napi::CallbackInfo& info);
  Napi::Value GetFormat(const Napi::CallbackInfo& info);
  Napi::Value GetSampleRate(const Napi::CallbackInfo& info);
  Napi::Value GetNumberOfFrames(const Napi::CallbackInfo& info);
  Napi::Value GetNumberOfChannels(const Napi::CallbackInfo& info);

  const AVFrame& Live(Napi::Env env) const;

  FramePtr frame_;
  SampleFormat format_ = SampleFormat::kF32Planar;
  std::shared_ptr<ExternalMemory> memory_;
  LiveObject live_;  // while the handle holds samples
};

}  // namespace wcn
