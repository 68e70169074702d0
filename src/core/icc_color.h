// ICC profiles of decoded images (JPEG, PNG and WebP through FFmpeg's side
// data, AVIF through libavif), with lcms2: which VideoColorSpace a profile
// describes, and conversion to sRGB as browsers do with
// colorSpaceConversion "default".
#pragma once

#include <lcms2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/ffmpeg_raii.h"
#include "core/pixel_format.h"
#include "core/sws_cache.h"

namespace wcn {

struct IccProfileDeleter {
  void operator()(void* p) const { cmsCloseProfile(p); }
};
struct IccTransformDeleter {
  void operator()(void* t) const { cmsDeleteTransform(t); }
};
using IccProfilePtr = std::unique_ptr<void, IccProfileDeleter>;
using IccTransformPtr = std::unique_ptr<void, IccTransformDeleter>;

class IccProfile {
 public:
  // Null for bytes lcms2 cannot read and for profiles of other colour
  // spaces than RGB (browsers then ignore the profile too).
  static std::unique_ptr<IccProfile> Read(const uint8_t* data, size_t size);

  // The spec's primaries and transfer this profile has (a matrix/curve
  // profile of sRGB, Display P3, BT.2020...; linear or sRGB curves), or
  // unspecified ones.
  AVColorPrimaries primaries() const { return primaries_; }
  AVColorTransferCharacteristic transfer() const { return transfer_; }
  bool is_srgb() const { return primaries_ == AVCOL_PRI_BT709 && transfer_ == AVCOL_TRC_IEC61966_2_1; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  friend class IccConverter;
  IccProfilePtr handle_;
  std::vector<uint8_t> bytes_;
  AVColorPrimaries primaries_ = AVCOL_PRI_UNSPECIFIED;
  AVColorTransferCharacteristic transfer_ = AVCOL_TRC_UNSPECIFIED;
};

// Converts frames to sRGB, keeping the transform of the last profile (an
// animation's frames share one). One call at a time.
class IccConverter {
 public:
  // `frame` (of `*format`, in the colour space `profile` describes) becomes
  // an sRGB RGBA frame (RGBX when it has no alpha), in pooled planes.
  // False, leaving it as it was, when lcms2 cannot transform from the
  // profile or the format has no FFmpeg layout (I420AP12).
  bool ToSrgb(const IccProfile& profile, FramePtr* frame, PixelFormat* format, SwsCache& sws);

 private:
  std::vector<uint8_t> profile_bytes_;
  uint32_t input_type_ = 0;
  IccTransformPtr transform_;
};

}  // namespace wcn
