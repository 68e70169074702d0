// Writing containers (beyond the spec): libavformat's MP4/MOV, WebM and
// Matroska muxers fed with WebCodecs chunks. The engine runs on a
// CodecWorker thread: Configure opens the output, Process takes one chunk,
// Flush finalizes the file (trailer, index), Reset abandons it.
//
// WebCodecs chunks carry presentation timestamps only; containers also need
// decode timestamps when frames are reordered (B-frames), so each video
// track derives them (DecodeTimestamps) from the stream's reorder depth.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/ffmpeg_raii.h"
#include "core/status.h"

namespace wcn {

class Emitter;

// FFmpeg 7 made AVIOContext's write callback take const data.
#if LIBAVFORMAT_VERSION_MAJOR >= 61
using AvioWriteBuffer = const uint8_t*;
#else
using AvioWriteBuffer = uint8_t*;
#endif

// Decode timestamps for packets arriving in decode order with presentation
// timestamps `pts`, for a stream that reorders at most `depth` frames: the
// k-th decode timestamp is the (k - depth)-th smallest presentation
// timestamp, so it never passes its own packet's and always increases. The
// first `depth` packets get timestamps one frame interval apart before the
// first presentation timestamp; the interval is estimated from the first
// depth + 1 packets (their durations, else the closest presentation
// timestamps), which are held until they have arrived (or Finish()).
class DecodeTimestamps {
 public:
  explicit DecodeTimestamps(int depth) : depth_(depth) {}
  struct Stamped {
    int64_t pts;
    int64_t dts;
  };
  // Adds a packet's pts (and its duration, 0 if unknown); returns the
  // packets whose dts is now known, in order.
  std::vector<Stamped> Add(int64_t pts, int64_t duration);
  // No more packets: stamps any still held.
  std::vector<Stamped> Finish();

 private:
  std::vector<Stamped> Release(bool finishing);
  int depth_;
  std::vector<int64_t> warmup_;  // the first depth + 1 pts, until stamped
  int64_t interval_ = 0;         // the shortest duration among them
  bool warm_ = false;
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<int64_t>> pending_;
  int64_t last_dts_ = INT64_MIN;
};

struct MuxTrackConfig {
  AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
  AVCodecID codec = AV_CODEC_ID_NONE;
  std::vector<uint8_t> description;  // as the registration defines it; may be empty
  // Video.
  uint32_t width = 0, height = 0;
  uint32_t display_width = 0, display_height = 0;
  int rotation = 0;
  bool flip = false;
  ColorInfo color;
  double frame_rate = 0;  // 0: unknown
  int profile = -99, level = -99;
  int bit_depth = 8;
  int chroma_subsampling = 1;  // VP9's code: 0/1 4:2:0, 2 4:2:2, 3 4:4:4
  // Audio.
  uint32_t sample_rate = 0;
  uint32_t channels = 0;
};

struct MuxConfig {
  std::string format;  // FFmpeg muxer name: "mp4", "mov", "webm", "matroska"
  std::string path;    // a file, or empty: bytes are emitted as MuxedBytes
  bool fast_start = false;
  bool fragmented = false;
  int64_t fragment_duration = 0;  // microseconds; 0: a fragment per key frame
  std::vector<MuxTrackConfig> tracks;
};

class MuxEngine {
 public:
  using Config = MuxConfig;
  struct Packet {
    int track = 0;
    PacketPtr packet;
    bool key = false;
    int64_t timestamp = 0;  // microseconds
    std::optional<int64_t> duration;
  };
  using Work = Packet;

  MuxEngine() = default;
  ~MuxEngine();
  MuxEngine(const MuxEngine&) = delete;
  MuxEngine& operator=(const MuxEngine&) = delete;

  Status Configure(const MuxConfig& config, Emitter& emit);
  Status Process(Packet& packet, Emitter& emit);
  // Finalizes the file: held packets, the trailer, the output closed.
  Status Flush(Emitter& emit);
  void Reset();

 private:
  struct Track {
    MuxTrackConfig config;
    AVStream* stream = nullptr;
    BsfPtr bsf;             // ADTS -> raw AAC and its AudioSpecificConfig
    bool ready = false;     // extradata and reorder depth known
    bool received = false;  // a packet has arrived
    // Opus in MP4/MOV: the pre-skip (48 kHz samples) packets are moved back
    // by, so the muxer's edit list skips it.
    int64_t pre_skip_shift = 0;
    std::unique_ptr<DecodeTimestamps> dts;
    std::deque<Packet> held;  // until the header is written / dts known
  };

  Status AddStream(Track& track);
  Status Prepare(Track& track, const Packet& first);
  Status WriteHeader(bool finishing);
  Status Submit(Track& track, Packet packet);
  Status Write(Track& track, Packet& packet, int64_t dts);
  Status WriteStamped(Track& track, const std::vector<DecodeTimestamps::Stamped>& stamped);
  void CloseOutput();
  static int WriteBytes(void* opaque, AvioWriteBuffer buf, int size);

  MuxConfig config_;
  std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> output_{nullptr, nullptr};
  std::vector<Track> tracks_;
  bool header_written_ = false;
  bool finished_ = false;
  Emitter* emit_ = nullptr;  // the call in progress, for WriteBytes
  Status write_error_;
};

}  // namespace wcn
