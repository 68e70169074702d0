// The decoding side of VideoDecoder: an FFmpeg decoder context owned by one
// worker thread (see codec_worker.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/decode_loop.h"
#include "core/codec_worker.h"
#include "core/ffmpeg_raii.h"
#include "core/sws_cache.h"

namespace wcn {

struct VideoDecoderSettings {
  std::string family;  // "h264", "hevc", "vp8", "vp9", "av1"
  int profile = -1;    // the codec string's profile (profile_idc for AVC/HEVC); -1 = none
  std::vector<uint8_t> description;
  uint32_t coded_width = 0;
  uint32_t coded_height = 0;
  bool optimize_for_latency = false;
  // FFmpeg's thread count: 0 (the addon's) is one per core; the fuzz
  // targets also decode on the calling thread alone (1).
  int threads = 0;
};


class VideoDecoderEngine {
 public:
  using Config = VideoDecoderSettings;
  using Work = DecodeWork;

  Status Configure(const Config& config, Emitter& emit);
  Status Process(Work& work, Emitter& emit);
  Status Flush(Emitter& emit);
  void Reset();

 private:
  Status Receive(Emitter& emit);
  Status Deliver(FramePtr frame, Emitter& emit);

  std::string family_;
  int length_size_ = 0;  // NAL length size of AVC/HEVC chunks with a description; 0 otherwise
  CodecContextPtr ctx_;
  FramePtr scratch_;
  SwsCache sws_;
  // Durations of chunks in flight by timestamp, in decode order (chunks may
  // share a timestamp): decoders do not reliably carry them through
  // reordering and frame threads.
  std::multimap<int64_t, std::optional<int64_t>> durations_;
};

// The decoder FFmpeg uses for a codec family, or null.
const AVCodec* FindVideoDecoder(const std::string& family);

}  // namespace wcn
