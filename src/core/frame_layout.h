// The spec's VideoFrame layout arithmetic: rect alignment, visible-rect
// parsing and "Compute Layout and Allocation Size". All sizes are checked for
// overflow; a failure is a TypeError status naming what was wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/pixel_format.h"
#include "core/status.h"

namespace wcn {

// A rectangle already truncated to integers (the spec truncates DOMRectInit
// members before using them).
struct Rect {
  uint64_t x = 0;
  uint64_t y = 0;
  uint64_t width = 0;
  uint64_t height = 0;
};

struct PlaneLayout {
  uint64_t offset = 0;
  uint64_t stride = 0;
};

struct ComputedPlaneLayout {
  uint64_t destination_offset = 0;
  uint64_t destination_stride = 0;
  uint64_t source_top = 0;          // first row of the plane, in plane rows
  uint64_t source_height = 0;       // rows
  uint64_t source_left_bytes = 0;   // first byte of a row
  uint64_t source_width_bytes = 0;  // bytes of a row
};

struct CombinedLayout {
  int planes = 0;
  ComputedPlaneLayout plane[kMaxPlanes];
  uint64_t allocation_size = 0;
};

// Whether rect's x and y are multiples of every plane's subsampling.
bool RectOffsetAligned(PixelFormat format, const Rect& rect);

// Parse Visible Rect: `override_rect` (when given) must be non-empty, inside
// the coded size and aligned to the subsampling. `field` names the override
// in error messages (VideoFrameCopyToOptions.rect, VideoFrameInit.visibleRect).
Status ParseVisibleRect(const Rect& default_rect, const std::optional<Rect>& override_rect,
                        uint64_t coded_width, uint64_t coded_height, PixelFormat format, const std::string& field,
                        Rect* out);

// Compute Layout and Allocation Size. `layout` empty means "not given" (tight
// packing); otherwise it must have one entry per plane.
Status ComputeLayout(const Rect& rect, PixelFormat format, const std::vector<PlaneLayout>* layout,
                     CombinedLayout* out);

// Where a rect's samples are in a buffer laid out as `coded` (a layout of
// the whole coded rect): each plane starts at the rect's first sample and
// keeps the buffer's stride. `in_rect` is a layout computed for the rect.
CombinedLayout RectInLayout(const CombinedLayout& coded, const CombinedLayout& in_rect);

}  // namespace wcn
