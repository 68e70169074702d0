// Re-expressing 8-bit RGB in other colour primaries: the gamut half of the
// spec's "Convert to RGB frame" into sRGB or Display P3 (copyTo's colorSpace).
// Both of those use the sRGB transfer curve, and copyTo's matrix conversion
// takes a frame's encoded values as sRGB-encoded (as ffmpeg's own conversion
// does), so only the primaries change: decode to linear light, apply a 3x3
// matrix, clip to the target gamut, encode again.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/ffmpeg.h"
#include "core/pixel_format.h"

namespace wcn {

class GamutTransform {
 public:
  // The transform from `from` to `to` primaries, or nothing when they are the
  // same or either is one the spec does not name.
  static std::optional<GamutTransform> Between(AVColorPrimaries from, AVColorPrimaries to);

  // Converts `width` x `height` pixels of an RGBA/RGBX/BGRA/BGRX plane in
  // place; the fourth byte is left alone.
  void Apply(uint8_t* data, size_t stride, uint64_t width, uint64_t height, PixelFormat format) const;

 private:
  explicit GamutTransform(const std::array<double, 9>& m);
  std::array<float, 9> m_;  // row-major, linear RGB(from) -> linear RGB(to)
};

}  // namespace wcn
