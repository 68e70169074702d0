// What the ImageDecoder reads from a still image's own container before
// decoding it (JPEG markers, PNG chunks, WebP's RIFF chunks, BMP's headers):
// whether the data holds the whole frame, which decides between the spec's
// RangeError (not enough data, and the data is complete) and EncodingError
// (bad data), and the EXIF orientation the browsers apply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/image_picture.h"
#include "core/image_probe.h"

namespace wcn {

// EXIF Orientation 1-8 as rotation and flip; other values are upright.
ImageOrientation OrientationFromExif(int value);

// The Orientation tag (1-8) of IFD0 in a TIFF structure (an EXIF payload,
// with or without the "Exif\0\0" prefix), or 0 when it has none.
int ExifOrientation(const uint8_t* data, size_t size);

struct StillInfo {
  // Empty when the data holds the whole frame; otherwise why it does not.
  std::string truncated;
  // The first EXIF orientation in the container (1 when there is none).
  int exif_orientation = 1;
};

// Why a PNG or APNG frame's compressed data cannot hold the pixels it
// declares (deflate codes at most 1032 bytes per compressed byte: 258-byte
// matches in 2 bits), or an empty string. Such a frame is bad data, refused
// before the decoder allocates it: an 829-byte APNG declaring 64x1048624
// frames took 900 MB. `header` holds IHDR (the file, or the APNG demuxer's
// extradata), `frame` the frame's chunks (fcTL, IDAT or fdAT); either may
// start with the PNG signature.
std::string PngFrameOverclaims(const uint8_t* header, size_t header_size, const uint8_t* frame, size_t frame_size);

// Walks a complete JPEG, PNG, WebP or BMP file. Malformed structure that is
// not a premature end is left for the decoder to report.
StillInfo InspectStill(ImageType type, const uint8_t* data, size_t size);

}  // namespace wcn
