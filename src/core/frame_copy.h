// Moving pixels in and out of VideoFrames: building a frame from a caller's
// buffer (into pooled planes), same-format copies of a rect, and conversion to
// the RGB formats with swscale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/ffmpeg_raii.h"
#include "core/frame_layout.h"
#include "core/pixel_format.h"
#include "core/sws_cache.h"

namespace wcn {

// Bytes each internal plane row is padded to; 32 keeps every SIMD path of
// swscale and the encoders on aligned loads.
inline constexpr int kStrideAlign = 32;

// A frame of `format` and the coded size whose rect (the one `layout` was
// computed for) is copied from `src`, laid out in src as `layout` says; the
// caller has checked src holds layout.allocation_size bytes. Samples outside
// the rect are zeroed so no stale pool memory is ever visible. Planes come
// from the pool.
FramePtr CreateFrameFromBuffer(PixelFormat format, uint32_t coded_width, uint32_t coded_height,
                               const uint8_t* src, const CombinedLayout& layout);

// Bytes in a row, and rows, of a plane of a `format` frame of that size.
size_t PlaneRowBytes(PixelFormat format, int plane, uint32_t width);
size_t PlaneRows(PixelFormat format, int plane, uint32_t height);
// Copies `rows` rows of `row_bytes` between planes with their own strides.
void CopyPlane(uint8_t* dst, size_t dst_stride, const uint8_t* src, size_t src_stride, size_t row_bytes,
               size_t rows);

// A new reference to `frame` whose planes start at `rect` (aligned to the
// format's subsampling) and whose size is the rect's.
FramePtr CropView(const AVFrame& frame, PixelFormat format, const Rect& rect);

// Planes of `format` and the coded size from the pool, uninitialised.
FramePtr AllocatePooledFrame(PixelFormat format, uint32_t coded_width, uint32_t coded_height);

// Idle pool buffers for `count` frames of this shape, within the pool
// limits. Returns how many buffers were added.
uint64_t PreallocateFrames(PixelFormat format, uint32_t coded_width, uint32_t coded_height, uint64_t count);

// Copies the rect `layout` was computed for out of `frame` into dst.
void CopyFrameTo(const AVFrame& frame, const CombinedLayout& layout, uint8_t* dst);

struct ColorParams {
  AVColorSpace matrix = AVCOL_SPC_BT709;
  bool full_range = false;
};

// Converts `rect` of a frame to one of the RGB formats, writing the single
// plane `layout` describes into dst. Returns a NotSupportedError status when
// swscale cannot convert between the two formats.
Status ConvertFrameTo(const AVFrame& frame, PixelFormat src_format, const Rect& rect, const ColorParams& color,
                      PixelFormat dst_format, const CombinedLayout& layout, uint8_t* dst, SwsCache& cache);

// Sets byte 3 of every pixel of a packed RGB plane to 0xFF: RGBX/BGRX
// images are opaque, whatever the padding byte held.
void MakeOpaque(uint8_t* rgb, size_t stride, uint64_t width, uint64_t height);

// Converts (and scales) all of `src` into `dst`, whose format, size and
// planes are set, with swscale (bicubic); a YUV side uses `src_colorspace`
// (SWS_CS_*). False when swscale cannot convert between the two.
bool SwsConvert(const AVFrame& src, AVFrame* dst, int src_colorspace, bool src_full, bool dst_full, SwsCache& cache);

// Whether a decoded frame's samples use the full range (tagged so, or one of
// FFmpeg's JPEG "j" formats).
bool IsFullRange(const AVFrame& frame);

// Leaves `frame` alone when its format is a spec format; otherwise converts it
// once, into pooled planes, to NearestSpecFormat(). Returns the frame's spec
// format, or nullopt when swscale cannot convert it.
std::optional<PixelFormat> ToSpecFormat(FramePtr& frame, bool gray_as_rgb, SwsCache& cache);

}  // namespace wcn
