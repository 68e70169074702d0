#include "core/image_probe.h"

#include <avif/avif.h>

#include <cstring>
#include <limits>

#include "core/byte_order.h"
#include "core/ffmpeg.h"

namespace wcn {

namespace {

constexpr double kInfinite = std::numeric_limits<double>::infinity();

// APNG and WebP count plays (0: forever); the spec counts repetitions.
double PlaysToRepetitions(uint32_t plays) { return plays == 0 ? kInfinite : plays - 1.0; }

ProbeResult ProbePng(const uint8_t* d, size_t n, ImageHeader* out) {
  static constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n < 8) return std::memcmp(d, kSignature, n) == 0 ? ProbeResult::kNeedMore : ProbeResult::kInvalid;
  if (std::memcmp(d, kSignature, 8) != 0) return ProbeResult::kInvalid;
  // acTL must come before the first IDAT for the image to be animated.
  for (uint64_t pos = 8;;) {
    if (pos + 8 > n) return ProbeResult::kNeedMore;
    const uint32_t length = Be32(d + pos);
    if (length > 0x7fffffffu) return ProbeResult::kInvalid;
    const uint8_t* type = d + pos + 4;
    if (std::memcmp(type, "IDAT", 4) == 0 || std::memcmp(type, "IEND", 4) == 0) return ProbeResult::kDone;
    if (std::memcmp(type, "acTL", 4) == 0) {
      if (length < 8) return ProbeResult::kInvalid;
      if (pos + 16 > n) return ProbeResult::kNeedMore;
      out->animated = true;
      out->repetition_count = PlaysToRepetitions(Be32(d + pos + 12));
      return ProbeResult::kDone;
    }
    pos += 12 + uint64_t{length};
  }
}

// Skips GIF data sub-blocks starting at pos; false when they run past n.
bool SkipSubBlocks(const uint8_t* d, size_t n, uint64_t* pos) {
  while (*pos < n) {
    const uint8_t len = d[*pos];
    *pos += 1 + uint64_t{len};
    if (len == 0) return *pos <= n;
  }
  return false;
}

ProbeResult ProbeGif(const uint8_t* d, size_t n, ImageHeader* out) {
  if (n < 6) return std::memcmp(d, "GIF89a", n) == 0 || std::memcmp(d, "GIF87a", n) == 0 ? ProbeResult::kNeedMore
                                                                                         : ProbeResult::kInvalid;
  if (std::memcmp(d, "GIF89a", 6) != 0 && std::memcmp(d, "GIF87a", 6) != 0) return ProbeResult::kInvalid;
  if (n < 13) return ProbeResult::kNeedMore;
  uint64_t pos = 13;
  if (d[10] & 0x80) pos += 3ull << ((d[10] & 7) + 1);
  // The loop extension sits before the first image in every encoder's
  // output; stop at that image.
  for (;;) {
    if (pos >= n) return ProbeResult::kNeedMore;
    const uint8_t introducer = d[pos];
    if (introducer == 0x2c || introducer == 0x3b) return ProbeResult::kDone;
    if (introducer != 0x21) return ProbeResult::kInvalid;
    if (pos + 2 > n) return ProbeResult::kNeedMore;
    const uint8_t label = d[pos + 1];
    uint64_t blocks = pos + 2;
    if (label == 0xff) {
      if (blocks + 12 > n) return ProbeResult::kNeedMore;
      const bool loop_ext = d[blocks] == 11 && (std::memcmp(d + blocks + 1, "NETSCAPE2.0", 11) == 0 ||
                                                std::memcmp(d + blocks + 1, "ANIMEXTS1.0", 11) == 0);
      if (loop_ext) {
        if (blocks + 16 > n) return ProbeResult::kNeedMore;
        if (d[blocks + 12] >= 3 && d[blocks + 13] == 1) {
          const uint16_t loops = Le16(d + blocks + 14);
          out->animated = true;
          // GIF's value counts repetitions already; 0 loops forever.
          out->repetition_count = loops == 0 ? kInfinite : loops;
        }
      }
    }
    if (!SkipSubBlocks(d, n, &blocks)) return ProbeResult::kNeedMore;
    pos = blocks;
  }
}

ProbeResult ProbeWebp(const uint8_t* d, size_t n, ImageHeader* out) {
  if (n < 12) {
    const bool riff = std::memcmp(d, "RIFF", n < 4 ? n : 4) == 0 && (n <= 8 || std::memcmp(d + 8, "WEBP", n - 8) == 0);
    return riff ? ProbeResult::kNeedMore : ProbeResult::kInvalid;
  }
  if (std::memcmp(d, "RIFF", 4) != 0 || std::memcmp(d + 8, "WEBP", 4) != 0) return ProbeResult::kInvalid;
  if (n < 20) return ProbeResult::kNeedMore;
  if (std::memcmp(d + 12, "VP8X", 4) != 0) {
    const bool simple = std::memcmp(d + 12, "VP8 ", 4) == 0 || std::memcmp(d + 12, "VP8L", 4) == 0;
    return simple ? ProbeResult::kDone : ProbeResult::kInvalid;
  }
  if (Le32(d + 16) < 10) return ProbeResult::kInvalid;
  if (n < 30) return ProbeResult::kNeedMore;
  if (!(d[20] & 0x02)) return ProbeResult::kDone;  // no animation flag
  out->animated = true;
  out->canvas_width = Le24(d + 24) + 1;
  out->canvas_height = Le24(d + 27) + 1;
  // ANIM follows VP8X (and an optional ICCP chunk).
  for (uint64_t pos = 12 + 8 + ((Le32(d + 16) + 1) & ~1u);;) {
    if (pos + 8 > n) return ProbeResult::kNeedMore;
    const uint32_t size = Le32(d + pos + 4);
    if (std::memcmp(d + pos, "ANIM", 4) == 0) {
      if (size < 6) return ProbeResult::kInvalid;
      if (pos + 14 > n) return ProbeResult::kNeedMore;
      out->repetition_count = PlaysToRepetitions(Le16(d + pos + 12));
      return ProbeResult::kDone;
    }
    if (std::memcmp(d + pos, "ANMF", 4) == 0) return ProbeResult::kInvalid;  // frames before ANIM
    pos += 8 + ((uint64_t{size} + 1) & ~1ull);
  }
}

ProbeResult ProbeAvif(const uint8_t* d, size_t n, ImageHeader* out) {
  if (n < 8) return ProbeResult::kNeedMore;
  const uint32_t size = Be32(d);
  if (std::memcmp(d + 4, "ftyp", 4) != 0 || size < 16 || size > kMaxProbeBytes) return ProbeResult::kInvalid;
  if (n < size) return ProbeResult::kNeedMore;
  // The major brand, then compatible brands after the minor version.
  for (uint32_t pos = 8; pos + 4 <= size; pos += pos == 8 ? 8 : 4) {
    if (std::memcmp(d + pos, "avif", 4) == 0) out->avif_item = true;
    if (std::memcmp(d + pos, "avis", 4) == 0) out->animated = true;
  }
  // Neither brand: look for an item, as libavif does.
  if (!out->avif_item && !out->animated) out->avif_item = true;
  return ProbeResult::kDone;
}

ProbeResult ProbeMagic(const uint8_t* d, size_t n, const uint8_t* magic, size_t magic_size) {
  const size_t m = n < magic_size ? n : magic_size;
  if (std::memcmp(d, magic, m) != 0) return ProbeResult::kInvalid;
  return n < magic_size ? ProbeResult::kNeedMore : ProbeResult::kDone;
}

}  // namespace

std::optional<ImageType> ImageTypeForMime(std::string_view e) {
  if (e == "image/jpeg" || e == "image/jpg" || e == "image/pjpeg") return ImageType::kJpeg;
  if (e == "image/png" || e == "image/apng" || e == "image/x-png") return ImageType::kPng;
  if (e == "image/gif") return ImageType::kGif;
  if (e == "image/webp") return ImageType::kWebp;
  if (e == "image/bmp" || e == "image/x-ms-bmp" || e == "image/x-bmp") return ImageType::kBmp;
  if (e == "image/avif") return ImageType::kAvif;
  if (e == "image/x-icon" || e == "image/vnd.microsoft.icon") return ImageType::kIco;
  return std::nullopt;
}

const char* ImageTypeName(ImageType type) {
  switch (type) {
    case ImageType::kJpeg: return "JPEG";
    case ImageType::kPng: return "PNG";
    case ImageType::kGif: return "GIF";
    case ImageType::kWebp: return "WebP";
    case ImageType::kBmp: return "BMP";
    case ImageType::kAvif: return "AVIF";
    case ImageType::kIco: return "ICO";
  }
  return "image";
}

bool ImageTypeAvailable(ImageType type) {
  auto has = [](AVCodecID codec) { return avcodec_find_decoder(codec) != nullptr; };
  auto demuxer = [](const char* name) { return av_find_input_format(name) != nullptr; };
  switch (type) {
    case ImageType::kJpeg: return has(AV_CODEC_ID_MJPEG);
    case ImageType::kPng: return has(AV_CODEC_ID_PNG) && has(AV_CODEC_ID_APNG) && demuxer("apng");
    case ImageType::kGif: return has(AV_CODEC_ID_GIF) && demuxer("gif");
    case ImageType::kWebp: return has(AV_CODEC_ID_WEBP);
    case ImageType::kBmp: return has(AV_CODEC_ID_BMP);
    case ImageType::kAvif: return avifCodecName(AVIF_CODEC_CHOICE_AUTO, AVIF_CODEC_FLAG_CAN_DECODE) != nullptr;
    case ImageType::kIco: return has(AV_CODEC_ID_BMP) && has(AV_CODEC_ID_PNG) && demuxer("ico");
  }
  return false;
}

ProbeResult ProbeImageHeader(ImageType type, const uint8_t* d, size_t n, ImageHeader* out) {
  *out = ImageHeader{};
  // Nothing has arrived yet (the bytes may be null): every header needs more.
  if (n == 0) return ProbeResult::kNeedMore;
  switch (type) {
    case ImageType::kPng: return ProbePng(d, n, out);
    case ImageType::kGif: return ProbeGif(d, n, out);
    case ImageType::kWebp: return ProbeWebp(d, n, out);
    case ImageType::kJpeg: {
      static constexpr uint8_t kSoi[3] = {0xff, 0xd8, 0xff};
      return ProbeMagic(d, n, kSoi, 3);
    }
    case ImageType::kBmp: return ProbeMagic(d, n, reinterpret_cast<const uint8_t*>("BM"), 2);
    case ImageType::kIco: {
      static constexpr uint8_t kIcon[4] = {0, 0, 1, 0};
      return ProbeMagic(d, n, kIcon, 4);
    }
    case ImageType::kAvif: return ProbeAvif(d, n, out);
  }
  return ProbeResult::kInvalid;
}

}  // namespace wcn
