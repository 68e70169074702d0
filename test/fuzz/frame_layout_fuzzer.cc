// VideoFrame's layout arithmetic and pixel copies, called as
// src/binding/video_frame.cc calls them: new VideoFrame(data, init) (visible
// rect, layout, CreateFrameFromBuffer from a buffer of exactly
// allocationSize bytes), then copyTo (rect, format, layout, CopyFrameTo or
// the RGB conversion into a destination of exactly allocationSize bytes).
// ASan sees every byte read or written outside those buffers; a copy of
// the init rect with tight layouts gives back the bytes the frame was made
// from.
//
// Input: format, codedWidth, codedHeight (u16), the init's rect and layout,
// the copy's rect, format and layout (each optional: a presence byte), the
// colour (matrix index, full range).
#include <cstring>
#include <optional>
#include <vector>

#include "core/frame_copy.h"
#include "core/frame_layout.h"
#include "core/limits.h"
#include "fuzz_common.h"

namespace {

using namespace wcn;

// Coded sizes whose frames are allocated (the arithmetic runs for any size).
constexpr uint64_t kMaxFuzzPixels = 1u << 20;
constexpr uint64_t kMaxFuzzBytes = 16u << 20;
constexpr uint64_t kU32Max = 0xffffffffu;

// A JS number the binding accepts as an index: 0 to 2^32 - 1. Small values
// are likelier, so rects and layouts often fit.
uint64_t Index(fuzz::Reader& in) {
  const uint32_t kind = in.U8();
  if (kind & 1) return in.U64() & kU32Max;
  return in.U16();
}

std::optional<Rect> ReadRect(fuzz::Reader& in) {
  if (!(in.U8() & 1)) return std::nullopt;
  return Rect{Index(in), Index(in), Index(in), Index(in)};
}

std::optional<std::vector<PlaneLayout>> ReadLayout(fuzz::Reader& in) {
  const uint32_t planes = in.U8();
  if (planes == 0) return std::nullopt;
  std::vector<PlaneLayout> layout((planes - 1) % kMaxPlanes + 1);
  for (PlaneLayout& p : layout) p = PlaneLayout{Index(in), Index(in)};
  return layout;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  const auto format = static_cast<PixelFormat>(in.U8() % kPixelFormatCount);
  const uint32_t width = in.U16(), height = in.U16();
  const std::optional<Rect> init_rect = ReadRect(in);
  const auto init_layout = ReadLayout(in);
  const std::optional<Rect> copy_rect = ReadRect(in);
  const uint32_t dest_choice = in.U8() % (kPixelFormatCount + 1);
  const auto copy_layout = ReadLayout(in);
  const AVColorSpace matrix = (in.U8() & 1) ? AVCOL_SPC_BT470BG : AVCOL_SPC_BT709;
  const bool full_range = in.U8() & 1;

  // new VideoFrame(data, init)
  if (width == 0 || height == 0 || !WithinFrameLimits(width, height)) return 0;
  const Rect coded{0, 0, width, height};
  Rect visible;
  if (!ParseVisibleRect(coded, init_rect, width, height, format, "visibleRect", &visible).ok()) return 0;
  CombinedLayout init;
  if (!ComputeLayout(visible, format, init_layout ? &*init_layout : nullptr, &init).ok()) return 0;
  FUZZ_CHECK(init.allocation_size <= kU32Max);
  if (uint64_t{width} * height > kMaxFuzzPixels || init.allocation_size > kMaxFuzzBytes) return 0;
  std::vector<uint8_t> source(init.allocation_size);
  for (size_t i = 0; i < source.size(); i++) source[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
  FramePtr frame = CreateFrameFromBuffer(format, width, height, source.data(), init);

  // frame.copyTo(dest, options)
  Rect rect;
  if (!ParseVisibleRect(visible, copy_rect, width, height, format, "rect", &rect).ok()) return 0;
  const PixelFormat dest_format = dest_choice == kPixelFormatCount ? format : static_cast<PixelFormat>(dest_choice);
  CombinedLayout copy;
  if (!ComputeLayout(rect, dest_format, copy_layout ? &*copy_layout : nullptr, &copy).ok()) return 0;
  if (copy.allocation_size > kMaxFuzzBytes) return 0;
  std::vector<uint8_t> dest(copy.allocation_size);
  if (dest_format == format) {
    CopyFrameTo(*frame, copy, dest.data());
    if (!init_layout && !copy_layout && !copy_rect) FUZZ_CHECK(dest == source);
  } else if (!Info(dest_format).yuv) {
    SwsCache cache;
    ConvertFrameTo(*frame, format, rect, ColorParams{matrix, full_range}, dest_format, copy, dest.data(), cache);
  }
  return 0;
}
