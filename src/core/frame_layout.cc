#include "core/frame_layout.h"

#include <limits>
#include <string>

namespace wcn {

namespace {

constexpr uint64_t kU32Max = std::numeric_limits<uint32_t>::max();

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

std::string PlaneField(int plane, const char* member) {
  return "layout[" + std::to_string(plane) + "]." + member;
}

}  // namespace

bool RectOffsetAligned(PixelFormat format, const Rect& rect) {
  const int planes = Info(format).planes;
  for (int p = 0; p < planes; p++) {
    if (rect.x % PlaneSubsampleX(format, p) != 0) return false;
    if (rect.y % PlaneSubsampleY(format, p) != 0) return false;
  }
  return true;
}

Status ParseVisibleRect(const Rect& default_rect, const std::optional<Rect>& override_rect,
                        uint64_t coded_width, uint64_t coded_height, PixelFormat format, const std::string& field,
                        Rect* out) {
  Rect source = default_rect;
  if (override_rect) {
    const Rect& r = *override_rect;
    if (r.width == 0 || r.height == 0) {
      return Status::Error(ErrorKind::kTypeError,
                           InvalidMessage(field, "a non-zero width and height",
                                          std::to_string(r.width) + "x" + std::to_string(r.height)));
    }
    if (r.x + r.width > coded_width) {
      return Status::Error(ErrorKind::kTypeError,
                           InvalidMessage(field, "x + width <= codedWidth (" + std::to_string(coded_width) + ")",
                                          std::to_string(r.x + r.width)));
    }
    if (r.y + r.height > coded_height) {
      return Status::Error(ErrorKind::kTypeError,
                           InvalidMessage(field, "y + height <= codedHeight (" + std::to_string(coded_height) + ")",
                                          std::to_string(r.y + r.height)));
    }
    source = r;
  }
  if (!RectOffsetAligned(format, source)) {
    return Status::Error(ErrorKind::kTypeError,
                         InvalidMessage(override_rect ? field : "visibleRect",
                                        std::string("x and y aligned to the chroma subsampling of ") + Info(format).name,
                                        "x=" + std::to_string(source.x) + ", y=" + std::to_string(source.y)));
  }
  *out = source;
  return Status::Ok();
}

Status ComputeLayout(const Rect& rect, PixelFormat format, const std::vector<PlaneLayout>* layout,
                     CombinedLayout* out) {
  const int planes = Info(format).planes;
  if (layout && static_cast<int>(layout->size()) != planes) {
    return Status::Error(ErrorKind::kTypeError,
                         InvalidMessage("layout", std::to_string(planes) + " plane layouts for " + Info(format).name,
                                        std::to_string(layout->size()) + " entries"));
  }
  // Rect members come from doubles bounded by the coded size (an unsigned
  // long), so none of the products below can overflow 64 bits.
  if (rect.x > kU32Max || rect.y > kU32Max || rect.width > kU32Max || rect.height > kU32Max) {
    return Status::Error(ErrorKind::kTypeError, InvalidMessage("rect", "members within 0..4294967295", "a larger value"));
  }
  CombinedLayout result;
  result.planes = planes;
  uint64_t min_allocation = 0;
  uint64_t end_offsets[kMaxPlanes] = {0};
  for (int p = 0; p < planes; p++) {
    const uint64_t sample_bytes = PlaneSampleBytes(format, p);
    const uint64_t sample_w = PlaneSubsampleX(format, p);
    const uint64_t sample_h = PlaneSubsampleY(format, p);
    ComputedPlaneLayout& c = result.plane[p];
    c.source_top = CeilDiv(rect.y, sample_h);
    c.source_height = CeilDiv(rect.height, sample_h);
    c.source_left_bytes = (rect.x / sample_w) * sample_bytes;
    c.source_width_bytes = CeilDiv(rect.width, sample_w) * sample_bytes;
    if (layout) {
      const PlaneLayout& pl = (*layout)[p];
      if (pl.stride < c.source_width_bytes) {
        return Status::Error(ErrorKind::kTypeError,
                             InvalidMessage(PlaneField(p, "stride"),
                                            "at least the plane's row size of " + std::to_string(c.source_width_bytes) + " bytes",
                                            std::to_string(pl.stride)));
      }
      if (pl.offset > kU32Max || pl.stride > kU32Max) {
        return Status::Error(ErrorKind::kTypeError,
                             InvalidMessage(PlaneField(p, "offset/stride"), "values within an unsigned long", "a larger value"));
      }
      c.destination_offset = pl.offset;
      c.destination_stride = pl.stride;
    } else {
      c.destination_offset = min_allocation;
      c.destination_stride = c.source_width_bytes;
    }
    const uint64_t plane_size = c.destination_stride * c.source_height;
    const uint64_t plane_end = plane_size + c.destination_offset;
    if (plane_size > kU32Max || plane_end > kU32Max) {
      return Status::Error(ErrorKind::kTypeError,
                           InvalidMessage("layout", "every plane to end within 4294967295 bytes",
                                          "plane " + std::to_string(p) + " ending at byte " + std::to_string(plane_end)));
    }
    end_offsets[p] = plane_end;
    if (plane_end > min_allocation) min_allocation = plane_end;
    for (int e = 0; e < p; e++) {
      const ComputedPlaneLayout& earlier = result.plane[e];
      // Empty planes occupy no bytes and overlap nothing.
      if (end_offsets[p] <= earlier.destination_offset || end_offsets[e] <= c.destination_offset) continue;
      return Status::Error(ErrorKind::kTypeError,
                           InvalidMessage("layout", "planes that do not overlap",
                                          "plane " + std::to_string(p) + " overlapping plane " + std::to_string(e)));
    }
  }
  result.allocation_size = min_allocation;
  *out = result;
  return Status::Ok();
}

CombinedLayout RectInLayout(const CombinedLayout& coded, const CombinedLayout& in_rect) {
  CombinedLayout out = in_rect;
  out.allocation_size = coded.allocation_size;
  for (int p = 0; p < out.planes; p++) {
    const ComputedPlaneLayout& c = coded.plane[p];
    ComputedPlaneLayout& o = out.plane[p];
    o.destination_offset = c.destination_offset + o.source_top * c.destination_stride + o.source_left_bytes;
    o.destination_stride = c.destination_stride;
    o.source_top = 0;
    o.source_left_bytes = 0;
  }
  return out;
}

}  // namespace wcn
