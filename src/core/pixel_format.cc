#include "core/pixel_format.h"

#include <array>

namespace wcn {

namespace {

using P = PixelFormat;

constexpr std::array<PixelFormatInfo, kPixelFormatCount> kFormats = {{
    {"I420", 3, 8, 1, 1, true, false, AV_PIX_FMT_YUV420P, P::kI420},
    {"I420P10", 3, 10, 1, 1, true, false, AV_PIX_FMT_YUV420P10LE, P::kI420P10},
    {"I420P12", 3, 12, 1, 1, true, false, AV_PIX_FMT_YUV420P12LE, P::kI420P12},
    {"I420A", 4, 8, 1, 1, true, true, AV_PIX_FMT_YUVA420P, P::kI420},
    {"I420AP10", 4, 10, 1, 1, true, true, AV_PIX_FMT_YUVA420P10LE, P::kI420P10},
    // FFmpeg has no 12-bit 4:2:0 layout with alpha; we hold the planes ourselves.
    {"I420AP12", 4, 12, 1, 1, true, true, AV_PIX_FMT_NONE, P::kI420P12},
    {"I422", 3, 8, 1, 0, true, false, AV_PIX_FMT_YUV422P, P::kI422},
    {"I422P10", 3, 10, 1, 0, true, false, AV_PIX_FMT_YUV422P10LE, P::kI422P10},
    {"I422P12", 3, 12, 1, 0, true, false, AV_PIX_FMT_YUV422P12LE, P::kI422P12},
    {"I422A", 4, 8, 1, 0, true, true, AV_PIX_FMT_YUVA422P, P::kI422},
    {"I422AP10", 4, 10, 1, 0, true, true, AV_PIX_FMT_YUVA422P10LE, P::kI422P10},
    {"I422AP12", 4, 12, 1, 0, true, true, AV_PIX_FMT_YUVA422P12LE, P::kI422P12},
    {"I444", 3, 8, 0, 0, true, false, AV_PIX_FMT_YUV444P, P::kI444},
    {"I444P10", 3, 10, 0, 0, true, false, AV_PIX_FMT_YUV444P10LE, P::kI444P10},
    {"I444P12", 3, 12, 0, 0, true, false, AV_PIX_FMT_YUV444P12LE, P::kI444P12},
    {"I444A", 4, 8, 0, 0, true, true, AV_PIX_FMT_YUVA444P, P::kI444},
    {"I444AP10", 4, 10, 0, 0, true, true, AV_PIX_FMT_YUVA444P10LE, P::kI444P10},
    {"I444AP12", 4, 12, 0, 0, true, true, AV_PIX_FMT_YUVA444P12LE, P::kI444P12},
    {"NV12", 2, 8, 1, 1, true, false, AV_PIX_FMT_NV12, P::kNV12},
    {"RGBA", 1, 8, 0, 0, false, true, AV_PIX_FMT_RGBA, P::kRGBX},
    {"RGBX", 1, 8, 0, 0, false, false, AV_PIX_FMT_RGB0, P::kRGBX},
    {"BGRA", 1, 8, 0, 0, false, true, AV_PIX_FMT_BGRA, P::kBGRX},
    {"BGRX", 1, 8, 0, 0, false, false, AV_PIX_FMT_BGR0, P::kBGRX},
}};

}  // namespace

const PixelFormatInfo& Info(PixelFormat format) {
  return kFormats[static_cast<size_t>(format)];
}

std::optional<PixelFormat> ParsePixelFormat(std::string_view name) {
  for (size_t i = 0; i < kFormats.size(); i++) {
    if (name == kFormats[i].name) return static_cast<PixelFormat>(i);
  }
  return std::nullopt;
}

int PlaneSampleBytes(PixelFormat format, int plane) {
  const PixelFormatInfo& info = Info(format);
  if (!info.yuv) return 4;
  const int bytes = info.bit_depth > 8 ? 2 : 1;
  if (format == P::kNV12 && plane == 1) return 2 * bytes;
  return bytes;
}

int PlaneSubsampleX(PixelFormat format, int plane) {
  const PixelFormatInfo& info = Info(format);
  return (plane == 1 || plane == 2) ? (1 << info.chroma_shift_x) : 1;
}

int PlaneSubsampleY(PixelFormat format, int plane) {
  const PixelFormatInfo& info = Info(format);
  return (plane == 1 || plane == 2) ? (1 << info.chroma_shift_y) : 1;
}

std::optional<PixelFormat> FromAVPixelFormat(AVPixelFormat av) {
  switch (av) {
    // The JPEG ("j") variants differ only in range, which travels in the
    // colour space.
    case AV_PIX_FMT_YUVJ420P: return P::kI420;
    case AV_PIX_FMT_YUVJ422P: return P::kI422;
    case AV_PIX_FMT_YUVJ444P: return P::kI444;
    case AV_PIX_FMT_RGB0: return P::kRGBX;
    case AV_PIX_FMT_BGR0: return P::kBGRX;
    default: break;
  }
  if (av == AV_PIX_FMT_NONE) return std::nullopt;
  for (size_t i = 0; i < kFormats.size(); i++) {
    if (kFormats[i].av == av) return static_cast<PixelFormat>(i);
  }
  return std::nullopt;
}

PixelFormat NearestSpecFormat(AVPixelFormat av, bool gray_as_rgb) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(av);
  if (!d) return P::kI420;
  const bool palette = d->flags & AV_PIX_FMT_FLAG_PAL;
  // A palette may hold transparent entries, so it keeps alpha.
  const bool alpha = (d->flags & AV_PIX_FMT_FLAG_ALPHA) || (palette && gray_as_rgb);
  if ((d->flags & AV_PIX_FMT_FLAG_RGB) || (gray_as_rgb && (palette || d->nb_components < 3))) {
    return alpha ? P::kRGBA : P::kRGBX;
  }
  const int depth = d->comp[0].depth;
  const bool h_sub = d->log2_chroma_w > 0;
  const bool v_sub = d->log2_chroma_h > 0;
  // Rows: 4:2:0, 4:2:2, 4:4:4 (grey and others map to 4:2:0).
  static constexpr P kTable[3][3][2] = {
      {{P::kI420, P::kI420A}, {P::kI420P10, P::kI420AP10}, {P::kI420P12, P::kI420AP12}},
      {{P::kI422, P::kI422A}, {P::kI422P10, P::kI422AP10}, {P::kI422P12, P::kI422AP12}},
      {{P::kI444, P::kI444A}, {P::kI444P10, P::kI444AP10}, {P::kI444P12, P::kI444AP12}},
  };
  const int layout = d->nb_components < 3 ? 0 : (h_sub && v_sub) ? 0 : h_sub ? 1 : 2;
  const int bits = depth <= 8 ? 0 : depth <= 10 ? 1 : 2;
  P p = kTable[layout][bits][alpha ? 1 : 0];
  // I420AP12 has no FFmpeg layout to convert into; keep 12-bit opaque.
  if (Info(p).av == AV_PIX_FMT_NONE) p = Info(p).opaque;
  return p;
}

}  // namespace wcn
