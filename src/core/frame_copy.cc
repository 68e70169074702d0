#include "core/frame_copy.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/frame_pool.h"

namespace wcn {

namespace {

// Widths (in pixels) that swscale's block-wise output loops fill exactly.
constexpr uint64_t kSwsSafeWidth = 32;

// A buffer reference over memory we do not own (the caller's destination),
// which swscale's frame API requires. The memory outlives the conversion.
void NoFree(void*, uint8_t*) {}

}  // namespace

void CopyPlane(uint8_t* dst, size_t dst_stride, const uint8_t* src, size_t src_stride, size_t row_bytes,
               size_t rows) {
  if (dst_stride == row_bytes && src_stride == row_bytes) {
    std::memcpy(dst, src, row_bytes * rows);
    return;
  }
  for (size_t r = 0; r < rows; r++) std::memcpy(dst + r * dst_stride, src + r * src_stride, row_bytes);
}

size_t PlaneRowBytes(PixelFormat format, int plane, uint32_t width) {
  const size_t sub = PlaneSubsampleX(format, plane);
  return (width + sub - 1) / sub * PlaneSampleBytes(format, plane);
}

size_t PlaneRows(PixelFormat format, int plane, uint32_t height) {
  const size_t sub = PlaneSubsampleY(format, plane);
  return (height + sub - 1) / sub;
}

FramePtr CropView(const AVFrame& frame, PixelFormat format, const Rect& rect) {
  FramePtr view = RefFrame(&frame);
  view->width = static_cast<int>(rect.width);
  view->height = static_cast<int>(rect.height);
  for (int p = 0; p < Info(format).planes; p++) {
    view->data[p] += (rect.y / PlaneSubsampleY(format, p)) * frame.linesize[p] +
                     (rect.x / PlaneSubsampleX(format, p)) * PlaneSampleBytes(format, p);
  }
  return view;
}

namespace {

// The row stride and buffer size of each plane of a pooled frame.
struct PooledPlanes {
  int planes = 0;
  size_t stride[4] = {};
  size_t size[4] = {};
};

PooledPlanes PooledPlaneLayout(PixelFormat format, uint32_t coded_width, uint32_t coded_height) {
  PooledPlanes out;
  out.planes = Info(format).planes;
  for (int p = 0; p < out.planes; p++) {
    out.stride[p] = FFALIGN(PlaneRowBytes(format, p, coded_width), kStrideAlign);
    out.size[p] = out.stride[p] * PlaneRows(format, p, coded_height);
  }
  return out;
}

}  // namespace

FramePtr AllocatePooledFrame(PixelFormat format, uint32_t coded_width, uint32_t coded_height) {
  FramePtr frame = AllocFrame();
  frame->format = Info(format).av;
  frame->width = static_cast<int>(coded_width);
  frame->height = static_cast<int>(coded_height);
  const PooledPlanes planes = PooledPlaneLayout(format, coded_width, coded_height);
  for (int p = 0; p < planes.planes; p++) {
    BufferRefPtr buf = PoolRegistry::Instance().Acquire(planes.size[p]);
    frame->data[p] = buf->data;
    frame->linesize[p] = static_cast<int>(planes.stride[p]);
    frame->buf[p] = buf.release();
  }
  return frame;
}

uint64_t PreallocateFrames(PixelFormat format, uint32_t coded_width, uint32_t coded_height, uint64_t count) {
  const PooledPlanes planes = PooledPlaneLayout(format, coded_width, coded_height);
  // Planes of equal size (the chroma planes) share a pool.
  std::map<size_t, uint64_t> buffers;
  for (int p = 0; p < planes.planes; p++) buffers[planes.size[p]] += count;
  uint64_t added = 0;
  for (const auto& [size, n] : buffers) added += PoolRegistry::Instance().Preallocate(size, n);
  return added;
}

FramePtr CreateFrameFromBuffer(PixelFormat format, uint32_t coded_width, uint32_t coded_height,
                               const uint8_t* src, const CombinedLayout& layout) {
  FramePtr frame = AllocatePooledFrame(format, coded_width, coded_height);
  for (int p = 0; p < layout.planes; p++) {
    const ComputedPlaneLayout& l = layout.plane[p];
    const size_t rows = PlaneRows(format, p, coded_height);
    if (l.source_top != 0 || l.source_left_bytes != 0 || l.source_height != rows ||
        l.source_width_bytes != PlaneRowBytes(format, p, coded_width)) {
      std::memset(frame->data[p], 0, static_cast<size_t>(frame->linesize[p]) * rows);
    }
    uint8_t* dst = frame->data[p] + l.source_top * frame->linesize[p] + l.source_left_bytes;
    CopyPlane(dst, frame->linesize[p], src + l.destination_offset, l.destination_stride, l.source_width_bytes,
              l.source_height);
  }
  return frame;
}

void CopyFrameTo(const AVFrame& frame, const CombinedLayout& layout, uint8_t* dst) {
  for (int p = 0; p < layout.planes; p++) {
    const ComputedPlaneLayout& l = layout.plane[p];
    const uint8_t* src = frame.data[p] + l.source_top * frame.linesize[p] + l.source_left_bytes;
    CopyPlane(dst + l.destination_offset, l.destination_stride, src, frame.linesize[p], l.source_width_bytes,
              l.source_height);
  }
}

Status ConvertFrameTo(const AVFrame& frame, PixelFormat src_format, const Rect& rect, const ColorParams& color,
                      PixelFormat dst_format, const CombinedLayout& layout, uint8_t* dst, SwsCache& cache) {
  const PixelFormatInfo& src_info = Info(src_format);
  const PixelFormatInfo& dst_info = Info(dst_format);
  // An opaque destination (RGBX/BGRX) never shows the source's alpha, so YUV
  // sources convert through their opaque layout and swscale writes X as 0xFF.
  // Formats FFmpeg lacks (I420AP12) always do; their alpha plane is copied in
  // afterwards when the destination has alpha.
  const bool keep_alpha = dst_info.alpha && src_info.alpha;
  const bool alpha_by_hand = keep_alpha && src_info.av == AV_PIX_FMT_NONE;
  const AVPixelFormat src_av =
      src_info.yuv && (!keep_alpha || alpha_by_hand) ? Info(src_info.opaque).av : src_info.av;

  FramePtr view = CropView(frame, src_format, rect);
  view->format = src_av;

  // swscale's SIMD output loops write whole blocks of pixels, past the end
  // of a row whose width is not a multiple of the block. Rows that wide are
  // written straight into the destination; others go through a pooled
  // staging buffer with room to spare and are copied out.
  const ComputedPlaneLayout& out = layout.plane[0];
  uint8_t* out_data = dst + out.destination_offset;
  const bool direct = rect.width % kSwsSafeWidth == 0;
  const size_t staging_stride = FFALIGN(out.source_width_bytes, kSwsSafeWidth * 4);
  BufferRefPtr staging;
  if (!direct) staging = PoolRegistry::Instance().Acquire(staging_stride * out.source_height);
  uint8_t* target_data = direct ? out_data : staging->data;
  const size_t target_stride = direct ? out.destination_stride : staging_stride;
  FramePtr target = AllocFrame();
  target->format = dst_info.av;
  target->width = view->width;
  target->height = view->height;
  target->data[0] = target_data;
  target->linesize[0] = static_cast<int>(target_stride);
  target->buf[0] = av_buffer_create(target_data, target_stride * out.source_height, NoFree, nullptr, 0);
  if (!target->buf[0]) throw std::bad_alloc();

  const SwsKey key{view->width, view->height, view->width, view->height, src_av, dst_info.av,
                   SwsColorspaceFor(color.matrix), src_info.yuv ? color.full_range : true, true,
                   SWS_BICUBIC | SWS_FULL_CHR_H_INT};
  SwsContext* sws = cache.Get(key);
  if (!sws) {
    return Status::Error(ErrorKind::kNotSupportedError, std::string("Conversion from ") + src_info.name + " to " +
                                                            dst_info.name + " is not supported.");
  }
  const int ret = sws_scale_frame(sws, target.get(), view.get());
  if (ret < 0) {
    return Status::Error(ErrorKind::kOperationError, std::string("Conversion from ") + src_info.name + " to " +
                                                         dst_info.name + " failed: " + AvErrorText(ret));
  }
  if (!direct) CopyPlane(out_data, out.destination_stride, staging->data, staging_stride, out.source_width_bytes,
                         out.source_height);

  // Between RGB formats swscale copies the fourth byte through, but the
  // spec's X is padding and its images are opaque: whenever source or
  // destination is RGBX/BGRX, byte 3 becomes 0xFF.
  const bool opaque_rgb = !src_info.yuv && !keep_alpha;
  if (opaque_rgb) MakeOpaque(out_data, out.destination_stride, rect.width, rect.height);
  if (alpha_by_hand) {
    // Alpha is byte 3 of each pixel in all four RGB formats.
    const int max_in = (1 << src_info.bit_depth) - 1;
    for (uint64_t y = 0; y < rect.height; y++) {
      uint8_t* row = out_data + y * out.destination_stride;
      const auto* a = reinterpret_cast<const uint16_t*>(view->data[3] + y * view->linesize[3]);
      for (uint64_t x = 0; x < rect.width; x++) {
        row[x * 4 + 3] = static_cast<uint8_t>((std::min<int>(a[x], max_in) * 255 + max_in / 2) / max_in);
      }
    }
  }
  return Status::Ok();
}

void MakeOpaque(uint8_t* rgb, size_t stride, uint64_t width, uint64_t height) {
  for (uint64_t y = 0; y < height; y++) {
    uint8_t* row = rgb + y * stride;
    for (uint64_t x = 0; x < width; x++) row[x * 4 + 3] = 255;
  }
}

bool SwsConvert(const AVFrame& src, AVFrame* dst, int src_colorspace, bool src_full, bool dst_full, SwsCache& cache) {
  const SwsKey key{src.width, src.height, dst->width, dst->height, static_cast<AVPixelFormat>(src.format),
                   static_cast<AVPixelFormat>(dst->format), src_colorspace, src_full, dst_full, SWS_BICUBIC};
  SwsContext* sws = cache.Get(key);
  return sws && sws_scale_frame(sws, dst, &src) >= 0;
}

bool IsFullRange(const AVFrame& frame) {
  const auto av = static_cast<AVPixelFormat>(frame.format);
  return frame.color_range == AVCOL_RANGE_JPEG || av == AV_PIX_FMT_YUVJ420P || av == AV_PIX_FMT_YUVJ422P ||
         av == AV_PIX_FMT_YUVJ444P;
}

std::optional<PixelFormat> ToSpecFormat(FramePtr& frame, bool gray_as_rgb, SwsCache& cache) {
  const auto av = static_cast<AVPixelFormat>(frame->format);
  if (std::optional<PixelFormat> format = FromAVPixelFormat(av)) return format;
  const PixelFormat target = NearestSpecFormat(av, gray_as_rgb);
  const bool full_range = IsFullRange(*frame);
  FramePtr converted = AllocatePooledFrame(target, frame->width, frame->height);
  // RGB output is always full range; YUV keeps the source's range.
  if (!SwsConvert(*frame, converted.get(), SwsColorspaceFor(frame->colorspace), full_range,
                  Info(target).yuv ? full_range : true, cache)) {
    return std::nullopt;
  }
  av_frame_copy_props(converted.get(), frame.get());
  frame = std::move(converted);
  return target;
}

}  // namespace wcn
