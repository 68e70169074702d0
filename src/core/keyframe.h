// Whether a chunk labelled "key" really holds a key frame, which the spec
// says decoders SHOULD verify (DataError when not). Parsers read only the
// first header fields and treat anything they cannot read as unknown.
#pragma once

#include <cstddef>
#include <cstdint>
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

}  // namespace wcn
