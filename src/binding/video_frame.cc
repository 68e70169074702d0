#include "binding/video_frame.h"

#include <string>
#include <utility>

#include "binding/addon_data.h"
#include "binding/errors.h"
#include "binding/js_color.h"
#include "binding/js_convert.h"
#include "core/color_space.h"
#include "core/frame_copy.h"
#include "core/frame_layout.h"
#include "core/limits.h"
#include "core/rgb_gamut.h"

namespace wcn {

namespace {

Napi::Array LayoutToArray(Napi::Env env, const CombinedLayout& layout) {
  Napi::Array out = Napi::Array::New(env, layout.planes * 2);
  for (int p = 0; p < layout.planes; p++) {
    out.Set(2 * p, Napi::Number::New(env, static_cast<double>(layout.plane[p].destination_offset)));
    out.Set(2 * p + 1, Napi::Number::New(env, static_cast<double>(layout.plane[p].destination_stride)));
  }
  return out;
}

// A frame's coded size: non-zero and within the frame limits.
std::pair<uint32_t, uint32_t> ReadCodedSize(const Napi::Value& w, const Napi::Value& h) {
  const uint32_t width = ReadU32(w, "codedWidth");
  const uint32_t height = ReadU32(h, "codedHeight");
  if (width == 0 || height == 0) {
    Throw(w.Env(), ErrorKind::kTypeError, InvalidMessage("coded size", "a non-zero codedWidth and codedHeight",
                                                         std::to_string(width) + "x" + std::to_string(height)));
  }
  if (!WithinFrameLimits(width, height)) {
    Throw(w.Env(), ErrorKind::kTypeError,
          InvalidMessage("coded size", FrameLimitText(), std::to_string(width) + "x" + std::to_string(height)));
  }
  return {width, height};
}

}  // namespace

void VideoFrameHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(
      env, "VideoFrameHandle",
      {
          StaticMethod<&VideoFrameHandle::FromBuffer>("fromBuffer"),
          StaticMethod<&VideoFrameHandle::ParseRect>("parseRect"),
          StaticMethod<&VideoFrameHandle::Preallocate>("preallocate"),
          InstanceMethod<&VideoFrameHandle::CloneOpaque>("cloneOpaque"),
          InstanceMethod<&VideoFrameHandle::Close>("close"),
          InstanceMethod<&VideoFrameHandle::AllocationSize>("allocationSize"),
          InstanceMethod<&VideoFrameHandle::CopyTo>("copyTo"),
          InstanceAccessor<&VideoFrameHandle::GetFormat>("format"),
          InstanceAccessor<&VideoFrameHandle::GetCodedWidth>("codedWidth"),
          InstanceAccessor<&VideoFrameHandle::GetCodedHeight>("codedHeight"),
          InstanceAccessor<&VideoFrameHandle::GetClosed>("closed"),
      });
  AddonData::Get(env).video_frame_handle = Napi::Persistent(ctor);
  exports.Set("VideoFrameHandle", ctor);
}

VideoFrameHandle::VideoFrameHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VideoFrameHandle>(info) {}

void VideoFrameHandle::Adopt(FramePtr frame, PixelFormat format, std::shared_ptr<ExternalMemory> memory) {
  frame_ = std::move(frame);
  format_ = format;
  memory_ = std::move(memory);
  live_ = LiveObject(Env(), LiveKind::kVideoFrame);
}

Napi::Object VideoFrameHandle::Wrap(Napi::Env env, FramePtr frame, PixelFormat format) {
  Napi::Object obj = AddonData::Get(env).video_frame_handle.New({});
  auto memory = ExternalMemory::Report(env, FrameBufferBytes(*frame));
  Unwrap(obj)->Adopt(std::move(frame), format, std::move(memory));
  return obj;
}

const AVFrame& VideoFrameHandle::Live(Napi::Env env) const {
  if (!frame_) Throw(env, ErrorKind::kInvalidStateError, "The VideoFrame is closed.");
  return *frame_;
}

// fromBuffer(bytes: Uint8Array, format, codedWidth, codedHeight, rect, layout | null):
// `bytes` holds `rect` of the frame (the parsed visible rect) laid out as
// `layout` says, per the VideoFrame(data, init) constructor.
Napi::Value VideoFrameHandle::FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) Throw(env, ErrorKind::kTypeError, InvalidMessage("data", "a Uint8Array", "another value"));
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const PixelFormat format = ReadPixelFormat(info[1], "format");
  const auto [width, height] = ReadCodedSize(info[2], info[3]);
  const Rect rect = ReadRect(info[4], "visibleRect").value_or(Rect{0, 0, width, height});
  if (rect.width == 0 || rect.height == 0 || rect.x + rect.width > width || rect.y + rect.height > height ||
      !RectOffsetAligned(format, rect)) {
    Throw(env, ErrorKind::kTypeError, InvalidMessage("visibleRect", "an aligned rect inside the coded size", "another rect"));
  }
  const auto layout = ReadLayout(info[5]);
  // The data holds the whole coded image, laid out as `layout` (or tightly);
  // a visible rect inside it becomes the frame, as in Chromium and the WPT
  // suite: the frame's coded size is the rect's.
  CombinedLayout combined;
  ThrowIfError(env, ComputeLayout(Rect{0, 0, width, height}, format, layout ? &*layout : nullptr, &combined));
  if (bytes.ByteLength() < combined.allocation_size) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage("data", "at least " + std::to_string(combined.allocation_size) + " bytes for " +
                                     Info(format).name + " " + std::to_string(width) + "x" + std::to_string(height),
                         std::to_string(bytes.ByteLength()) + " bytes"));
  }
  if (rect.x != 0 || rect.y != 0 || rect.width != width || rect.height != height) {
    CombinedLayout in_rect;
    ThrowIfError(env, ComputeLayout(rect, format, nullptr, &in_rect));
    combined = RectInLayout(combined, in_rect);
  }
  FramePtr frame = CreateFrameFromBuffer(format, static_cast<uint32_t>(rect.width), static_cast<uint32_t>(rect.height),
                                         bytes.Data(), combined);
  return Wrap(env, std::move(frame), format);
}

// preallocate(format, codedWidth, codedHeight, count) -> pool buffers added
// for `count` frames of that shape (within the pool limits).
Napi::Value VideoFrameHandle::Preallocate(const Napi::CallbackInfo& info) {
  const PixelFormat format = ReadPixelFormat(info[0], "format");
  const auto [width, height] = ReadCodedSize(info[1], info[2]);
  const uint32_t count = ReadU32(info[3], "count");
  return Napi::Number::New(info.Env(), static_cast<double>(PreallocateFrames(format, width, height, count)));
}

// parseRect(format, codedWidth, codedHeight, defaultRect, overrideRect | null, field) -> [x, y, w, h]
// `field` names the override rect in error messages.
Napi::Value VideoFrameHandle::ParseRect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const PixelFormat format = ReadPixelFormat(info[0], "format");
  const uint32_t width = ReadU32(info[1], "codedWidth");
  const uint32_t height = ReadU32(info[2], "codedHeight");
  const auto default_rect = ReadRect(info[3], "defaultRect");
  const auto override_rect = ReadRect(info[4], "visibleRect");
  Rect out;
  ThrowIfError(env, ParseVisibleRect(default_rect.value_or(Rect{0, 0, width, height}), override_rect, width, height,
                                     format, ReadString(info[5], "field"), &out));
  return RectToArray(env, out);
}

// cloneOpaque(): a new reference to the same planes, seen in the format's
// opaque equivalent (new VideoFrame(frame, {alpha: "discard"})). Plain
// clones share one handle, counted in lib/leak-warning.ts.
Napi::Value VideoFrameHandle::CloneOpaque(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AVFrame& frame = Live(env);
  const PixelFormat format = Info(format_).opaque;
  FramePtr ref = RefFrame(&frame);
  if (format != format_) {
    ref->format = Info(format).av;
    ref->data[3] = nullptr;
    ref->linesize[3] = 0;
  }
  Napi::Object obj = AddonData::Get(env).video_frame_handle.New({});
  Unwrap(obj)->Adopt(std::move(ref), format, memory_);
  return obj;
}

void VideoFrameHandle::Close(const Napi::CallbackInfo&) {
  frame_.reset();
  memory_.reset();
  live_.Release();
}

namespace {

struct CopyRequest {
  Rect rect;
  PixelFormat format;
  CombinedLayout layout;
};

// Parse VideoFrameCopyToOptions: args are (visibleRect, rect | null,
// format | null, layout | null).
CopyRequest ParseCopyOptions(const Napi::CallbackInfo& info, const AVFrame& frame, PixelFormat frame_format) {
  Napi::Env env = info.Env();
  const uint64_t width = static_cast<uint64_t>(frame.width);
  const uint64_t height = static_cast<uint64_t>(frame.height);
  const auto visible = ReadRect(info[0], "visibleRect");
  const auto override_rect = ReadRect(info[1], "rect");
  CopyRequest req;
  ThrowIfError(env, ParseVisibleRect(visible.value_or(Rect{0, 0, width, height}), override_rect, width, height,
                                     frame_format, "VideoFrameCopyToOptions.rect", &req.rect));
  req.format = info[2].IsString() ? ReadPixelFormat(info[2], "format") : frame_format;
  const auto layout = ReadLayout(info[3]);
  ThrowIfError(env, ComputeLayout(req.rect, req.format, layout ? &*layout : nullptr, &req.layout));
  return req;
}

}  // namespace

// allocationSize(visibleRect, rect | null, format | null, layout | null) -> number
Napi::Value VideoFrameHandle::AllocationSize(const Napi::CallbackInfo& info) {
  const CopyRequest req = ParseCopyOptions(info, Live(info.Env()), format_);
  return Napi::Number::New(info.Env(), static_cast<double>(req.layout.allocation_size));
}

// copyTo(visibleRect, rect | null, format | null, layout | null, dest: Uint8Array,
//        matrix: string, fullRange: boolean, primaries: string,
//        colorSpace: 'srgb' | 'display-p3') -> [offset0, stride0, ...]
// matrix, fullRange and primaries describe the frame's colour space.
Napi::Value VideoFrameHandle::CopyTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AVFrame& frame = Live(env);
  const CopyRequest req = ParseCopyOptions(info, frame, format_);
  if (!info[4].IsTypedArray()) {
    Throw(env, ErrorKind::kTypeError, InvalidMessage("destination", "a Uint8Array", "another value"));
  }
  Napi::Uint8Array dest = info[4].As<Napi::Uint8Array>();
  if (dest.ByteLength() < req.layout.allocation_size) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage("destination", "at least " + std::to_string(req.layout.allocation_size) + " bytes",
                         std::to_string(dest.ByteLength()) + " bytes"));
  }
  if (req.format == format_) {
    CopyFrameTo(frame, req.layout, dest.Data());
  } else {
    if (Info(req.format).yuv) {
      Throw(env, ErrorKind::kNotSupportedError,
            std::string("copyTo() cannot convert ") + Info(format_).name + " to " + Info(req.format).name +
                "; conversion is supported to RGBA, RGBX, BGRA and BGRX only.");
    }
    ColorParams color;
    color.matrix = ParseMatrix(ReadString(info[5], "matrix")).value_or(AVCOL_SPC_BT709);
    color.full_range = info[6].ToBoolean();
    ThrowIfError(env, ConvertFrameTo(frame, format_, req.rect, color, req.format, req.layout, dest.Data(),
                                     AddonData::Get(env).sws_cache));
  }
  // An explicit RGB format means "Convert to RGB frame": the pixels end up in
  // the requested predefined colour space, whatever primaries the frame has.
  if (info[2].IsString()) {
    const ComputedPlaneLayout& out = req.layout.plane[0];
    if (req.format == format_ && (format_ == PixelFormat::kRGBX || format_ == PixelFormat::kBGRX)) {
      // Copied as it is: the padding byte came along.
      MakeOpaque(dest.Data() + out.destination_offset, out.destination_stride, req.rect.width, req.rect.height);
    }
    const AVColorPrimaries from = ParsePrimaries(ReadString(info[7], "primaries")).value_or(AVCOL_PRI_BT709);
    const AVColorPrimaries to =
        ReadString(info[8], "colorSpace") == "display-p3" ? AVCOL_PRI_SMPTE432 : AVCOL_PRI_BT709;
    if (const auto gamut = GamutTransform::Between(from, to)) {
      gamut->Apply(dest.Data() + out.destination_offset, out.destination_stride, req.rect.width, req.rect.height,
                   req.format);
    }
  }
  return LayoutToArray(env, req.layout);
}

Napi::Value VideoFrameHandle::GetFormat(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Info(format_).name);
}

Napi::Value VideoFrameHandle::GetCodedWidth(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), frame_ ? frame_->width : 0);
}

Napi::Value VideoFrameHandle::GetCodedHeight(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), frame_ ? frame_->height : 0);
}

Napi::Value VideoFrameHandle::GetClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !frame_);
}

Napi::Object DecodedVideoToJs(Napi::Env env, DecodedVideo& out) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("timestamp", static_cast<double>(out.timestamp));
  o.Set("duration", out.duration ? Napi::Number::New(env, static_cast<double>(*out.duration)) : env.Null());
  o.Set("visible", RectToArray(env, out.visible));
  o.Set("displayWidth", out.display_width);
  o.Set("displayHeight", out.display_height);
  o.Set("color", ColorToJs(env, out.color));
  o.Set("rotation", out.rotation);
  o.Set("flip", out.flip);
  o.Set("frame", VideoFrameHandle::Wrap(env, std::move(out.frame), out.format));
  return o;
}

}  // namespace wcn
