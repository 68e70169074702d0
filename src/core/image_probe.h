// What the ImageDecoder needs from an image's header that FFmpeg's demuxers
// do not export: whether it is animated and how often the animation repeats
// (GIF's NETSCAPE2.0 loop count, APNG's acTL, WebP's VP8X and ANIM chunks),
// and which images an AVIF holds (its ftyp brands).
// Pure functions over the bytes received so far, so a stream can be probed
// again as more arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wcn {

enum class ImageType : uint8_t { kJpeg, kPng, kGif, kWebp, kBmp, kAvif, kIco };

// The image type for a MIME type essence (lowercase "type/subtype"), or
// nullopt when no decoder handles it.
std::optional<ImageType> ImageTypeForMime(std::string_view essence);
// Whether this FFmpeg build has the demuxer and decoder the type needs.
bool ImageTypeAvailable(ImageType type);
const char* ImageTypeName(ImageType type);

enum class ProbeResult { kNeedMore, kDone, kInvalid };

struct ImageHeader {
  bool animated = false;
  // A repetition count the header states (GIF loop extension, APNG acTL,
  // WebP ANIM), already in the spec's terms: Infinity for endless loops.
  std::optional<double> repetition_count;
  // AVIF: its ftyp brands promise a primary image item ("avif"); `animated`
  // is an image sequence ("avis"). A file may hold both.
  bool avif_item = false;
  // An animated WebP's canvas (FFmpeg cannot decode those; we composite).
  uint32_t canvas_width = 0;
  uint32_t canvas_height = 0;
};

// Probes the first `size` bytes of an image. kNeedMore asks for more bytes
// (when `complete`, the caller treats it as truncated); kInvalid means the
// bytes are not an image of `type`.
ProbeResult ProbeImageHeader(ImageType type, const uint8_t* data, size_t size, ImageHeader* out);

// The longest prefix ProbeImageHeader is given; a header still unresolved
// by then is taken as a still image.
inline constexpr size_t kMaxProbeBytes = 1u << 20;

}  // namespace wcn
