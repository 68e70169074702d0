// VideoFrameHandle: the native half of a VideoFrame. It owns one reference to
// an AVFrame, shared by a frame and its clones (lib/leak-warning.ts counts
// them; close() drops the reference); everything the spec lets differ between clones (timestamp,
// visibleRect, colour space...) lives in lib/video-frame.ts.
#pragma once

#include <napi.h>

#include <memory>

#include "binding/external_memory.h"
#include "binding/live_objects.h"
#include "core/codec_events.h"
#include "core/ffmpeg_raii.h"
#include "core/pixel_format.h"

namespace wcn {

class VideoFrameHandle : public Napi::ObjectWrap<VideoFrameHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  // Wraps a frame produced natively (a decoder's output). Takes ownership.
  static Napi::Object Wrap(Napi::Env env, FramePtr frame, PixelFormat format);

  explicit VideoFrameHandle(const Napi::CallbackInfo& info);

  // The frame, or null once closed. Valid on the JS thread only.
  const AVFrame* frame() const { return frame_.get(); }
  PixelFormat format() const { return format_; }

 private:
  static Napi::Value FromBuffer(const Napi::CallbackInfo& info);
  static Napi::Value ParseRect(const Napi::CallbackInfo& info);
  static Napi::Value Preallocate(const Napi::CallbackInfo& info);
  Napi::Value CloneOpaque(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info);
  Napi::Value AllocationSize(const Napi::CallbackInfo& info);
  Napi::Value CopyTo(const Napi::CallbackInfo& info);
  Napi::Value GetFormat(const Napi::CallbackInfo& info);
  Napi::Value GetCodedWidth(const Napi::CallbackInfo& info);
  Napi::Value GetCodedHeight(const Napi::CallbackInfo& info);
  Napi::Value GetClosed(const Napi::CallbackInfo& info);

  void Adopt(FramePtr frame, PixelFormat format, std::shared_ptr<ExternalMemory> memory);
  const AVFrame& Live(Napi::Env env) const;

  FramePtr frame_;
  PixelFormat format_ = PixelFormat::kI420;
  std::shared_ptr<ExternalMemory> memory_;
  LiveObject live_;  // while the handle holds a frame
};

// {frame, timestamp, duration, visible, displayWidth, displayHeight, color}
// for a decoder's output, the frame moved into a new handle (no pixel copy);
// lib/video-frame.ts videoFrameFromNative() builds the VideoFrame.
Napi::Object DecodedVideoToJs(Napi::Env env, DecodedVideo& out);

}  // namespace wcn
