// The encoding side of VideoEncoder: an FFmpeg encoder owned by one worker
// thread (see codec_worker.h), with pooled conversion of input frames to the
// encoder's pixel format and size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/codec_worker.h"
#include "core/ffmpeg_raii.h"
#include "core/sws_cache.h"

namespace wcn {

enum class RateMode { kVariable, kConstant, kQuantizer };

struct VideoEncoderSettings {
  std::string family;        // "h264", "hevc", "vp8", "vp9", "av1"
  std::string codec_string;  // as configured
  uint32_t width = 0;
  uint32_t height = 0;
  int64_t bitrate = 0;     // bits per second; 0 = not given
  double framerate = 0;    // 0 = not given
  RateMode rate_mode = RateMode::kVariable;
  bool realtime = false;
  int temporal_layers = 1;
  bool keep_alpha = false;
  std::string content_hint;
  bool screen_content = false;  // AV1: screen content tools (forceScreenContentTools, contentHint text/detail)
  int profile = -1;   // family's profile number (profile_idc for AVC/HEVC)
  int level = -1;     // level_idc (AVC, HEVC), level x10 (VP9), seq_level_idx (AV1)
  bool high_tier = false;
  int bit_depth = 8;
  int chroma = 420;   // 420, 422 or 444
  bool annexb = false;  // AVC/HEVC: start codes with in-band parameter sets
};

struct VideoEncodeWork {
  FramePtr frame;
  PixelFormat format;
  Rect visible;
  int64_t timestamp = 0;
  std::optional<int64_t> duration;
  bool key_frame = false;
  int quantizer = -1;  // per-frame quantizer in quantizer mode; -1 = none
  ColorInfo color;
};

class VideoEncoderEngine {
 public:
  using Config = VideoEncoderSettings;
  using Work = VideoEncodeWork;

  Status Configure(const Config& config, Emitter& emit);
  Status Process(Work& work, Emitter& emit);
  Status Flush(Emitter& emit);
  void Reset();

 private:
  Status Open();
  void CloseEncoder();
  Status Drain(Emitter& emit);
  Status Receive(Emitter& emit);
  Status Prepare(Work& work, FramePtr* out);
  Status EmitPacket(PacketPtr packet, Emitter& emit);
  void SetHeaders(const uint8_t* data, size_t size);

  Config config_;
  const AVCodec* codec_ = nullptr;
  CodecContextPtr ctx_;
  AVPixelFormat input_format_ = AV_PIX_FMT_NONE;
  bool needs_open_ = false;  // reopen before the next frame (after a drain, or new settings)
  bool drained_ = false;     // end-of-stream sent: the encoder takes no more frames
  int64_t frames_sent_ = 0;  // since the encoder was opened
  int quantizer_ = -1;       // quantizer mode: the current frame's (the last one given)
  int open_quantizer_ = -1;  // quantizer mode: the one the open encoder was opened with
  ColorInfo color_;          // tagged in the stream: the first frame's
  bool color_known_ = false;
  int64_t next_pts_ = 0;
  struct Timing {
    int64_t timestamp;
    std::optional<int64_t> duration;
    int temporal_layer;  // known at input for libvpx's fixed patterns; -1 otherwise
  };
  int temporal_index_ = 0;  // position in libvpx's layer pattern
  std::map<int64_t, Timing> timing_;  // by encoder pts
  bool config_sent_ = false;  // the open encoder's decoderConfig went out
  std::vector<uint8_t> headers_;  // the open encoder's parameter sets / sequence header
  std::vector<uint8_t> record_;   // their configuration record (avcC, hvcC, av1C), built once
  BsfPtr superframe_;  // VP9: merges hidden frames into the next shown one
  SwsCache sws_;
  PacketPtr scratch_;
};

// In quantizer mode x264 and x265 run at this quantizer and take each
// frame's own as an offset from it (video_encoder_setup.cc).
inline constexpr int kBaseQuantizer = 26;

// The quantizer an encoder must be opened with to encode a frame at
// `quantizer` in quantizer mode: kBaseQuantizer for x264 and x265 (0 for
// x264's lossless High 4:4:4), the quantizer itself for libvpx, SVT-AV1 and
// libaom, which fix it when they open.
int OpeningQuantizer(const VideoEncoderSettings& config, int quantizer);

// Chooses the FFmpeg encoder and sets its options for `config`, opening at
// `quantizer` in quantizer mode (-1 otherwise) (video_encoder_setup.cc).
// Returns NotSupportedError with a reason when the configuration cannot be
// encoded.
Status SetUpVideoEncoder(const VideoEncoderSettings& config, int quantizer, const AVCodec** codec,
                         CodecContextPtr* ctx, AVDictionary** options, AVPixelFormat* input_format);

}  // namespace wcn
