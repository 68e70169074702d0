// Animated WebP, which FFmpeg 5.1's webp decoder cannot decode: the ANMF
// frames are read from the container here, each one rewrapped as a still
// WebP that FFmpeg's decoder handles, and the decoded frames are composited
// onto the canvas as the WebP container specification describes (alpha
// blending, disposal to transparent black, as libwebp's animation decoder
// and browsers do).
#pragma once

#include <cstdint>
#include <vector>

#include "core/ffmpeg_raii.h"
#include "core/status.h"

namespace wcn {

struct WebpFrameInfo {
  uint32_t x = 0, y = 0, width = 0, height = 0;
  uint32_t duration_ms = 0;
  bool blend = true;                // alpha-blend onto the canvas (else overwrite)
  bool dispose_to_background = false;  // clear the rect before the next frame
};

// Reads from the reader's position (just after the RIFF/WEBP header) to the
// next ANMF frame and returns it as a standalone still WebP packet. Returns
// 0, AVERROR_EOF at the end of the data (also when the last chunk is cut
// short), or another AVERROR for malformed data (frames outside the
// canvas, missing bitstream chunks).
int ReadWebpAnimationFrame(AVIOContext* pb, uint32_t canvas_width, uint32_t canvas_height, PacketPtr* packet,
                           WebpFrameInfo* info);

// The canvas of an animation being played frame by frame.
class WebpCompositor {
 public:
  // Fails (EncodingError) when the canvas is larger than the limits allow.
  Status Reset(uint32_t width, uint32_t height);
  // Draws one decoded frame (RGBA, info.width x info.height) for `info`.
  void Draw(const uint8_t* rgba, int stride, const WebpFrameInfo& info);
  // A new RGBA frame (pooled planes) holding the canvas.
  FramePtr Snapshot() const;

 private:
  uint32_t width_ = 0, height_ = 0;
  std::vector<uint8_t> canvas_;  // RGBA, tightly packed
  bool dispose_pending_ = false;
  WebpFrameInfo previous_;
};

}  // namespace wcn
