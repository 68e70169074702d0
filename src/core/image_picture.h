// A decoded image before it becomes a VideoFrame: its pixels, the part of
// them that is visible, and the orientation to display them in.
#pragma once

#include <cstdint>
#include <optional>

#include "core/ffmpeg_raii.h"
#include "core/frame_layout.h"
#include "core/pixel_format.h"

namespace wcn {

// A VideoFrame's orientation: displayed = flip(rotate clockwise(pixels)).
struct ImageOrientation {
  uint32_t rotation = 0;  // 0, 90, 180 or 270
  bool flip = false;      // horizontal, after the rotation

  bool quarter_turn() const { return rotation == 90 || rotation == 270; }
  bool operator==(const ImageOrientation& o) const { return rotation == o.rotation && flip == o.flip; }
};

struct ImagePicture {
  FramePtr frame;  // colour properties (and any ICC profile side data) set
  PixelFormat format = PixelFormat::kI420;
  Rect visible;  // within the frame
  ImageOrientation orientation;
  int64_t timestamp = 0;  // microseconds
  std::optional<int64_t> duration;
};

}  // namespace wcn
