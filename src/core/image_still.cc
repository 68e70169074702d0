#include "core/image_still.h"

#include <cstdio>
#include <cstring>

#include "core/byte_order.h"
#include "core/limits.h"

namespace wcn {

namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTiffShort = 3;

std::string Bytes(size_t n) { return std::to_string(n) + " bytes"; }

StillInfo Truncated(std::string why) {
  StillInfo info;
  info.truncated = std::move(why);
  return info;
}

bool IsStandalone(uint8_t marker) { return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7); }

StillInfo InspectJpeg(const uint8_t* d, size_t n) {
  StillInfo info;
  bool orientation_seen = false;
  bool scanned = false;
  size_t pos = 2;  // past SOI
  for (;;) {
    // Decoders skip stray bytes and fill bytes (0xFF runs) before a marker.
    while (pos < n && d[pos] != 0xff) pos++;
    while (pos + 1 < n && d[pos + 1] == 0xff) pos++;
    if (pos + 1 >= n) {
      return Truncated("The JPEG data (" + Bytes(n) + ") ends " +
                       (scanned ? "before its EOI marker." : "before its first scan."));
    }
    const uint8_t marker = d[pos + 1];
    if (marker == 0xd9) return info;  // EOI
    if (IsStandalone(marker)) {
      pos += 2;
      continue;
    }
    // Markers below 0xC0 are reserved: bad data, not a segment cut short.
    if (marker < 0xc0) return info;
    if (pos + 4 > n) return Truncated("The JPEG data (" + Bytes(n) + ") ends inside a marker.");
    const size_t length = Be16(d + pos + 2);
    if (length < 2) return info;  // malformed: the decoder says so
    const size_t end = pos + 2 + length;
    if (end > n) {
      char name[8];
      std::snprintf(name, sizeof name, "0xFF%02X", marker);
      return Truncated("The JPEG data (" + Bytes(n) + ") ends inside its " + name + " marker segment (" + Bytes(end) +
                       " needed).");
    }
    const uint8_t* payload = d + pos + 4;
    if (marker == 0xe1 && !orientation_seen && length >= 8 && std::memcmp(payload, "Exif\0", 5) == 0) {
      orientation_seen = true;
      if (int o = ExifOrientation(payload, length - 2)) info.exif_orientation = o;
    }
    pos = end;
    if (marker == 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed
      // 0xFF00 or a restart marker.
      scanned = true;
      while (pos + 1 < n && !(d[pos] == 0xff && d[pos + 1] != 0 && d[pos + 1] != 0xff && !IsStandalone(d[pos + 1]))) {
        pos++;
      }
    }
  }
}

StillInfo InspectPng(const uint8_t* d, size_t n) {
  StillInfo info;
  bool orientation_seen = false;
  for (uint64_t pos = 8;;) {
    if (pos + 8 > n) return Truncated("The PNG data (" + Bytes(n) + ") ends before its IEND chunk.");
    const uint32_t length = Be32(d + pos);
    if (length > 0x7fffffffu) return info;  // malformed: the decoder says so
    const std::string type(reinterpret_cast<const char*>(d + pos + 4), 4);
    const uint64_t end = pos + 12 + uint64_t{length};
    if (end > n) {
      return Truncated("The PNG data (" + Bytes(n) + ") ends inside its " + type + " chunk (" +
                       std::to_string(end) + " bytes needed).");
    }
    if (type == "eXIf" && !orientation_seen) {
      orientation_seen = true;
      if (int o = ExifOrientation(d + pos + 8, length)) info.exif_orientation = o;
    }
    if (type == "IEND") return info;
    pos = end;
  }
}

// Calls visit(type, data, length) for each whole chunk of PNG data (after
// the signature, if there is one).
template <typename Visit>
void ForEachPngChunk(const uint8_t* d, size_t n, Visit visit) {
  static constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  uint64_t pos = n >= 8 && std::memcmp(d, kSignature, 8) == 0 ? 8 : 0;
  while (pos + 8 <= n) {
    const uint64_t length = Be32(d + pos);
    if (pos + 12 + length > n) return;
    visit(std::string(reinterpret_cast<const char*>(d + pos + 4), 4), d + pos + 8, length);
    pos += 12 + length;
  }
}

StillInfo InspectWebp(const uint8_t* d, size_t n) {
  StillInfo info;
  const uint64_t riff_end = 8 + uint64_t{Le32(d + 4)};
  if (riff_end > n) {
    return Truncated("The WebP data (" + Bytes(n) + ") is shorter than its RIFF header declares (" +
                     Bytes(riff_end) + ").");
  }
  bool orientation_seen = false;
  for (uint64_t pos = 12; pos + 8 <= riff_end;) {
    const uint32_t size = Le32(d + pos + 4);
    const uint64_t end = pos + 8 + uint64_t{size};
    if (end > riff_end) return info;  // a chunk past the RIFF size: the decoder says so
    if (std::memcmp(d + pos, "EXIF", 4) == 0 && !orientation_seen) {
      orientation_seen = true;
      if (int o = ExifOrientation(d + pos + 8, size)) info.exif_orientation = o;
    }
    pos = end + (size & 1);
  }
  return info;
}

StillInfo InspectBmp(const uint8_t* d, size_t n) {
  constexpr size_t kFileHeader = 14;
  if (n < kFileHeader + 4) return Truncated("The BMP data (" + Bytes(n) + ") ends inside its headers.");
  const uint32_t header_size = Le32(d + kFileHeader);
  if (n < kFileHeader + header_size) return Truncated("The BMP data (" + Bytes(n) + ") ends inside its headers.");
  // Only uncompressed bitmaps have a pixel array of a size known up front.
  uint64_t width, height, bits, compression;
  if (header_size == 12) {  // BITMAPCOREHEADER
    width = Le16(d + 18);
    height = Le16(d + 20);
    bits = Le16(d + 24);
    compression = 0;
  } else if (header_size >= 40) {
    width = Le32(d + 18);
    const auto h = static_cast<int32_t>(Le32(d + 22));
    height = h < 0 ? -int64_t{h} : h;
    bits = Le16(d + 28);
    compression = Le32(d + 30);
  } else {
    return StillInfo{};  // malformed: the decoder says so
  }
  constexpr uint32_t kRgb = 0, kBitfields = 3;
  if (compression != kRgb && compression != kBitfields) return StillInfo{};
  // An area past the limits is bad data however many bytes follow: the
  // decoder's max_pixels rejects it before allocating (EncodingError), not
  // RangeError. (max_pixels bounds the area only: a side past the limits
  // within it would be allocated, so that stays a truncation.)
  if (width * height > kMaxPixels) return StillInfo{};
  const uint64_t stride = (width * bits + 31) / 32 * 4;
  const uint64_t end = Le32(d + 10) + stride * height;
  if (end > n) {
    return Truncated("The BMP data (" + Bytes(n) + ") ends inside its pixel array (" + Bytes(end) + " needed).");
  }
  return StillInfo{};
}

// Deflate's largest ratio (258-byte matches coded in 2 bits), and room for
// the zlib header, block headers and tiny images.
constexpr uint64_t kDeflateMaxRatio = 1032;
constexpr uint64_t kDeflateSlackBytes = 64 * 1024;

}  // namespace

std::string PngFrameOverclaims(const uint8_t* header, size_t header_size, const uint8_t* frame, size_t frame_size) {
  struct Extent {
    uint64_t width = 0, height = 0, compressed = 0;
    bool present = false;
  };
  Extent image, part;  // IHDR's size and the IDAT data; fcTL's and its fdAT data
  uint64_t bits_per_pixel = 0;
  ForEachPngChunk(header, header_size, [&](const std::string& type, const uint8_t* data, uint64_t length) {
    if (type != "IHDR" || length < 13) return;
    image.width = Be32(data);
    image.height = Be32(data + 4);
    static constexpr uint8_t kChannels[7] = {1, 0, 3, 1, 2, 0, 4};  // by colour type
    bits_per_pixel = data[9] < 7 ? uint64_t{kChannels[data[9]]} * data[8] : 0;
  });
  ForEachPngChunk(frame, frame_size, [&](const std::string& type, const uint8_t* data, uint64_t length) {
    if (type == "fcTL" && length >= 12) {
      part.width = Be32(data + 4);
      part.height = Be32(data + 8);
    } else if (type == "IDAT") {
      image.compressed += length;
      image.present = true;
    } else if (type == "fdAT" && length >= 4) {
      part.compressed += length - 4;  // after the sequence number
      part.present = true;
    }
  });
  // The IDAT data codes the whole IHDR-sized image; fdAT data its fcTL's.
  for (const Extent& e : {image, part}) {
    // Past the limits the decoder's max_pixels refuses it; unknown layouts are its to report.
    if (!e.present || bits_per_pixel == 0 || e.width * e.height > kMaxPixels) continue;
    const uint64_t pixel_bytes = (e.width * bits_per_pixel + 7) / 8 * e.height;
    if (pixel_bytes > kDeflateMaxRatio * e.compressed + kDeflateSlackBytes) {
      return "The PNG frame declares " + std::to_string(e.width) + "x" + std::to_string(e.height) + " (" +
             Bytes(pixel_bytes) + " of pixels), more than its " + Bytes(e.compressed) +
             " of compressed data can hold.";
    }
  }
  return "";
}

ImageOrientation OrientationFromExif(int value) {
  // EXIF names the transform from the stored rows to the displayed image;
  // as "rotate clockwise, then flip horizontally": 2 mirrors, 4 mirrors
  // top to bottom (180 + mirror), 5 transposes (90 + mirror), 7 transverses
  // (270 + mirror).
  switch (value) {
    case 2: return {0, true};
    case 3: return {180, false};
    case 4: return {180, true};
    case 5: return {90, true};
    case 6: return {90, false};
    case 7: return {270, true};
    case 8: return {270, false};
    default: return {0, false};
  }
}

int ExifOrientation(const uint8_t* d, size_t n) {
  if (n >= 6 && std::memcmp(d, "Exif\0", 5) == 0) {
    d += 6;
    n -= 6;
  }
  if (n < 8) return 0;
  bool little;
  if (std::memcmp(d, "II*\0", 4) == 0) {
    little = true;
  } else if (std::memcmp(d, "MM\0*", 4) == 0) {
    little = false;
  } else {
    return 0;
  }
  auto u16 = [&](size_t at) { return little ? Le16(d + at) : Be16(d + at); };
  auto u32 = [&](size_t at) { return little ? Le32(d + at) : Be32(d + at); };
  const uint64_t ifd = u32(4);
  if (ifd + 2 > n) return 0;
  const uint32_t entries = u16(ifd);
  for (uint32_t i = 0; i < entries; i++) {
    const uint64_t at = ifd + 2 + 12ull * i;
    if (at + 12 > n) return 0;
    if (u16(at) != kOrientationTag) continue;
    if (u16(at + 2) != kTiffShort || u32(at + 4) != 1) return 0;
    const int value = u16(at + 8);
    return value >= 1 && value <= 8 ? value : 0;
  }
  return 0;
}

StillInfo InspectStill(ImageType type, const uint8_t* data, size_t size) {
  switch (type) {
    case ImageType::kJpeg: return InspectJpeg(data, size);
    case ImageType::kPng: return InspectPng(data, size);
    case ImageType::kWebp: return InspectWebp(data, size);
    case ImageType::kBmp: return InspectBmp(data, size);
    default: return StillInfo{};
  }
}

}  // namespace wcn
