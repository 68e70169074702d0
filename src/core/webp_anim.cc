#include "core/webp_anim.h"

#include <cstring>

#include "core/frame_copy.h"
#include "core/limits.h"

namespace wcn {

namespace {

uint32_t Le24(const uint8_t* p) { return p[0] | (p[1] << 8) | (p[2] << 16); }

void PutLe32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; i++) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutLe24(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 3; i++) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Largest ANMF chunk accepted (its image data included).
constexpr uint32_t kMaxFrameChunk = 256u << 20;

}  // namespace

int ReadWebpAnimationFrame(AVIOContext* pb, uint32_t canvas_width, uint32_t canvas_height, PacketPtr* packet,
                           WebpFrameInfo* info) {
  for (;;) {
    uint8_t header[8];
    const int got = avio_read(pb, header, 8);
    if (got == AVERROR_EXIT) return got;
    // The end, or a chunk cut short: data ending early is truncated, not
    // malformed, and the frames before it stand.
    if (got < 8) return AVERROR_EOF;
    const uint32_t size = header[4] | (header[5] << 8) | (header[6] << 16) | (uint32_t{header[7]} << 24);
    const uint32_t padded = size + (size & 1);
    if (std::memcmp(header, "ANMF", 4) != 0) {
      // ANIM, ICCP, EXIF, XMP and unknown chunks: nothing to draw.
      if (size > kMaxFrameChunk) return AVERROR_INVALIDDATA;
      avio_skip(pb, padded);
      if (pb->error == AVERROR_EXIT) return AVERROR_EXIT;
      continue;
    }
    if (size < 16 + 8 || size > kMaxFrameChunk) return AVERROR_INVALIDDATA;
    std::vector<uint8_t> body(padded);
    const int n = avio_read(pb, body.data(), static_cast<int>(padded));
    if (n == AVERROR_EXIT) return n;
    if (n < static_cast<int>(size)) return AVERROR_EOF;
    const uint8_t* p = body.data();
    info->x = Le24(p) * 2;
    info->y = Le24(p + 3) * 2;
    info->width = Le24(p + 6) + 1;
    info->height = Le24(p + 9) + 1;
    info->duration_ms = Le24(p + 12);
    info->blend = !(p[15] & 0x02);
    info->dispose_to_background = p[15] & 0x01;
    if (uint64_t{info->x} + info->width > canvas_width || uint64_t{info->y} + info->height > canvas_height) {
      return AVERROR_INVALIDDATA;
    }
    // The frame's chunks: an optional ALPH, then VP8 or VP8L.
    bool alpha = false, bitstream = false;
    std::vector<uint8_t> chunks;
    for (uint64_t pos = 16; pos + 8 <= size;) {
      const uint32_t csize = Le24(p + pos + 4) | (uint32_t{p[pos + 7]} << 24);
      const uint64_t total = 8 + uint64_t{csize} + (csize & 1);
      if (pos + 8 + csize > size) return AVERROR_INVALIDDATA;
      const bool is_alpha = std::memcmp(p + pos, "ALPH", 4) == 0;
      const bool is_vp8 = std::memcmp(p + pos, "VP8 ", 4) == 0 || std::memcmp(p + pos, "VP8L", 4) == 0;
      if (is_alpha || is_vp8) {
        chunks.insert(chunks.end(), p + pos, p + pos + 8 + csize);
        if (csize & 1) chunks.push_back(0);
      }
      alpha |= is_alpha;
      bitstream |= is_vp8;
      pos += total;
    }
    if (!bitstream) return AVERROR_INVALIDDATA;
    // RIFF header + VP8X (so an ALPH chunk is allowed) + the frame's chunks.
    std::vector<uint8_t> file;
    file.reserve(30 + chunks.size());
    file.insert(file.end(), {'R', 'I', 'F', 'F'});
    PutLe32(&file, static_cast<uint32_t>(4 + 18 + chunks.size()));
    file.insert(file.end(), {'W', 'E', 'B', 'P', 'V', 'P', '8', 'X'});
    PutLe32(&file, 10);
    file.push_back(alpha ? 0x10 : 0);
    file.insert(file.end(), {0, 0, 0});
    PutLe24(&file, info->width - 1);
    PutLe24(&file, info->height - 1);
    file.insert(file.end(), chunks.begin(), chunks.end());
    PacketPtr pkt = AllocPacket();
    if (av_new_packet(pkt.get(), static_cast<int>(file.size())) < 0) throw std::bad_alloc();
    std::memcpy(pkt->data, file.data(), file.size());
    *packet = std::move(pkt);
    return 0;
  }
}

Status WebpCompositor::Reset(uint32_t width, uint32_t height) {
  if (width > kMaxDimension || height > kMaxDimension || uint64_t{width} * height > kMaxPixels) {
    return Status::Error(ErrorKind::kEncodingError,
                         "The WebP canvas is " + std::to_string(width) + "x" + std::to_string(height) +
                             ", larger than the limit of " + std::to_string(kMaxPixels) + " pixels.");
  }
  width_ = width;
  height_ = height;
  // Transparent black, as libwebp's animation decoder starts (the ANIM
  // background colour is only a hint).
  canvas_.assign(size_t{width} * height * 4, 0);
  dispose_pending_ = false;
  return Status::Ok();
}

void WebpCompositor::Draw(const uint8_t* rgba, int stride, const WebpFrameInfo& info) {
  if (dispose_pending_) {
    for (uint32_t y = previous_.y; y < previous_.y + previous_.height; y++) {
      std::memset(&canvas_[(size_t{y} * width_ + previous_.x) * 4], 0, size_t{previous_.width} * 4);
    }
  }
  for (uint32_t y = 0; y < info.height; y++) {
    const uint8_t* src = rgba + static_cast<size_t>(y) * stride;
    uint8_t* dst = &canvas_[(size_t{info.y + y} * width_ + info.x) * 4];
    if (!info.blend) {
      std::memcpy(dst, src, size_t{info.width} * 4);
      continue;
    }
    for (uint32_t x = 0; x < info.width; x++, src += 4, dst += 4) {
      const uint32_t sa = src[3];
      if (sa == 255) {
        std::memcpy(dst, src, 4);
      } else if (sa != 0) {
        // Non-premultiplied "source over": the container spec's formula.
        const uint32_t da = dst[3] * (255 - sa) / 255;
        const uint32_t a = sa + da;
        for (int c = 0; c < 3; c++) dst[c] = static_cast<uint8_t>((src[c] * sa + dst[c] * da + a / 2) / a);
        dst[3] = static_cast<uint8_t>(a);
      }
    }
  }
  dispose_pending_ = info.dispose_to_background;
  previous_ = info;
}

FramePtr WebpCompositor::Snapshot() const {
  FramePtr frame = AllocatePooledFrame(PixelFormat::kRGBA, width_, height_);
  for (uint32_t y = 0; y < height_; y++) {
    std::memcpy(frame->data[0] + static_cast<size_t>(y) * frame->linesize[0], &canvas_[size_t{y} * width_ * 4],
                size_t{width_} * 4);
  }
  return frame;
}

}  // namespace wcn
