// Inspection of untrusted chunks before they reach a decoder: whether a
// chunk labelled "key" really holds a key frame, which the spec says
// decoders SHOULD verify (DataError when not), and the frame size a chunk
// declares. Parsers read only the first header fields and treat anything
// they cannot read as unknown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace wcn {

enum class KeyFrameCheck { kKey, kNotKey, kUnknown };

// `length_size` 0 means Annex B (AVC/HEVC only).
KeyFrameCheck CheckH264(const uint8_t* data, size_t size, int length_size);
KeyFrameCheck CheckHevc(const uint8_t* data, size_t size, int length_size);
KeyFrameCheck CheckVp8(const uint8_t* data, size_t size);
KeyFrameCheck CheckVp9(const uint8_t* data, size_t size);
KeyFrameCheck CheckAv1(const uint8_t* data, size_t size);

// Dispatch by codec family ("h264", "hevc", "vp8", "vp9", "av1"); for
// AVC/HEVC the description (avcC/hvcC), when present, gives the NAL length
// size. Unknown families are kUnknown.
KeyFrameCheck CheckKeyFrame(const std::string& family, const uint8_t* data, size_t size, const uint8_t* description,
                            size_t description_size);

struct FrameSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// A VP8 key frame's header (RFC 6386 9.1): the frame size it declares and
// the length of its first partition, which holds every macroblock's modes.
struct Vp8KeyFrame {
  FrameSize size;
  uint32_t first_partition_bytes = 0;
};

// Nothing when `data` is not a VP8 key frame (or too short for its header).
std::optional<Vp8KeyFrame> ReadVp8KeyFrame(const uint8_t* data, size_t size);

// The largest frame size (by area) that the frames of a VP9 chunk declare
// in their headers: key and intra-only frames, and inter frames that do not
// take their size from a reference. 0x0 when none does or none can be read.
FrameSize Vp9DeclaredSize(const uint8_t* data, size_t size);

}  // namespace wcn
