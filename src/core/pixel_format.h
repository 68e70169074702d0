// The spec's VideoPixelFormat values, their plane geometry, and FFmpeg's
// equivalents.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ffmpeg.h"

namespace wcn {

enum class PixelFormat : uint8_t {
  kI420, kI420P10, kI420P12, kI420A, kI420AP10, kI420AP12,
  kI422, kI422P10, kI422P12, kI422A, kI422AP10, kI422AP12,
  kI444, kI444P10, kI444P12, kI444A, kI444AP10, kI444AP12,
  kNV12, kRGBA, kRGBX, kBGRA, kBGRX,
};
inline constexpr int kPixelFormatCount = 23;
inline constexpr int kMaxPlanes = 4;

struct PixelFormatInfo {
  const char* name;
  int planes;
  int bit_depth;          // 8, 10 or 12; samples over 8 bits take 2 bytes
  int chroma_shift_x;     // log2 of horizontal chroma subsampling
  int chroma_shift_y;     // log2 of vertical chroma subsampling
  bool yuv;
  bool alpha;             // carries a real alpha plane/channel (RGBX/BGRX do not)
  AVPixelFormat av;       // AV_PIX_FMT_NONE where FFmpeg has no such layout
  // The same layout without alpha (I420A -> I420); the format itself otherwise.
  PixelFormat opaque;
};

const PixelFormatInfo& Info(PixelFormat format);
std::optional<PixelFormat> ParsePixelFormat(std::string_view name);

// The spec's per-plane "sample bytes": bytes one sample occupies in a row of
// the plane (NV12's interleaved UV plane and packed RGB count as one sample).
int PlaneSampleBytes(PixelFormat format, int plane);
// Subsampling factor (1 or 2) of a plane, horizontally and vertically.
int PlaneSubsampleX(PixelFormat format, int plane);
int PlaneSubsampleY(PixelFormat format, int plane);

// The spec format for an FFmpeg frame format, where one exists with the same
// memory layout (yuvj420p is I420 with full range, for example).
std::optional<PixelFormat> FromAVPixelFormat(AVPixelFormat av);

// The spec format closest to an FFmpeg format that has none, so every decoded
// frame has a usable VideoPixelFormat. Palette, grey and grey+alpha formats
// map to RGBA/RGBX when `gray_as_rgb` (images), to I420 otherwise (video).
PixelFormat NearestSpecFormat(AVPixelFormat av, bool gray_as_rgb);

}  // namespace wcn
