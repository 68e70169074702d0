// What codec workers report back to the JS thread. Every message posted to a
// worker yields exactly one completion event (kConfigured, kDone or
// kFlushed); outputs and errors come before the completion they belong to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/ffmpeg_raii.h"
#include "core/frame_layout.h"
#include "core/pixel_format.h"
#include "core/sample_format.h"
#include "core/status.h"

namespace wcn {

// Colour properties of a decoded frame; unset members are unspecified in
// the stream.
struct ColorInfo {
  AVColorPrimaries primaries = AVCOL_PRI_UNSPECIFIED;
  AVColorTransferCharacteristic transfer = AVCOL_TRC_UNSPECIFIED;
  AVColorSpace matrix = AVCOL_SPC_UNSPECIFIED;
  std::optional<bool> full_range;
};

struct DecodedVideo {
  FramePtr frame;
  PixelFormat format;
  Rect visible;
  uint32_t display_width = 0;
  uint32_t display_height = 0;
  int64_t timestamp = 0;
  std::optional<int64_t> duration;
  ColorInfo color;
  // Images only (video takes its orientation from the decoder config).
  uint32_t rotation = 0;
  bool flip = false;
};

// Decoded samples, in the codec's natural format (converted only when FFmpeg
// produced a layout the spec has no name for).
struct DecodedAudio {
  FramePtr frame;
  SampleFormat format;
  int64_t timestamp = 0;
};

// A description of the stream an encoder produced, sent with the first chunk
// and whenever it changes (the spec's decoderConfig metadata).
struct EncodedStreamConfig {
  std::vector<uint8_t> description;  // empty when the codec has none
  // The codec's configuration record (avcC, hvcC, av1C) even when it is not
  // the description (Annex B): lib/ derives the exact codec string from it.
  std::vector<uint8_t> record;
  ColorInfo color;
};

struct EncodedChunkOutput {
  PacketPtr packet;  // the chunk's bytes, handed to JS without a copy
  bool key = false;
  int64_t timestamp = 0;
  std::optional<int64_t> duration;
  int temporal_layer = -1;  // -1: no temporal layering configured
  std::optional<EncodedStreamConfig> config;  // set when it changed
  PacketPtr alpha;  // alphaSideData, when alpha is kept
};

// What an ImageDecoder's demux thread reports: the tracks once they are
// known, frames as they arrive, and the end of the data.
struct ImageTrackInfo {
  bool animated = false;
  uint32_t frame_count = 0;
  double repetition_count = 0;
  uint32_t available = 0;  // leading frames whose data has fully arrived
  // Once the data is complete: why frame `available`, which the data
  // begins, cannot be decoded (the file ends before its data does).
  std::string truncated;
};

struct ImageDemuxEvent {
  enum class Kind : uint8_t { kTracks, kFrames, kEnd };
  Kind kind = Kind::kFrames;
  std::vector<ImageTrackInfo> tracks;
  uint32_t primary = 0;   // the file's primary track
  std::string malformed;  // kEnd: why demuxing stopped early, if it did
};

// What a Demuxer reports: the container and its tracks once open, then
// packets in file order (a null packet marks the end of the input).
struct DemuxTrack {
  int index = 0;              // the container's stream index
  std::string kind;           // "video", "audio", or FFmpeg's name of another media type
  std::string codec;          // our codec family ("h264", "aac", "pcm-s16"...), empty if WebCodecs has none
  std::string ffmpeg_codec;   // FFmpeg's codec name
  int profile = -99;          // FFmpeg's profile / level, -99 when unknown
  int level = -99;
  std::vector<uint8_t> description;  // the decoder config's description, per registration
  std::vector<uint8_t> record;       // avcC / hvcC / av1C, also for Annex B / OBU streams
  // Video.
  uint32_t width = 0, height = 0;
  // The display aspect ratio (reduced) when pixels are not square, else the coded size.
  uint32_t display_width = 0, display_height = 0;
  int rotation = 0;                                // clockwise degrees: 0, 90, 180, 270
  bool flip = false;
  ColorInfo color;
  int bit_depth = 0;
  int chroma_subsampling = -1;  // VP9's chromaSubsampling code, -1 when unknown
  double frame_rate = 0;
  // Audio.
  uint32_t sample_rate = 0;
  uint32_t channels = 0;
  int aac_object_type = 0;
  // Both, in microseconds; -1 / none when the container does not say.
  int64_t duration = -1;
  std::optional<int64_t> start;
  int64_t frames = 0;  // as the container declares it, 0 when unknown
  int64_t bitrate = 0;
  std::string language;
};

struct DemuxHeader {
  std::string format;       // FFmpeg's demuxer name
  std::string format_long;  // and its description
  int64_t duration = -1;    // microseconds, -1 when unknown
  int64_t start = 0;
  int64_t bitrate = 0;
  std::vector<DemuxTrack> tracks;
};

struct DemuxedPacket {
  PacketPtr packet;  // null: the end of the input
  int track = 0;
  bool key = false;
  int64_t timestamp = 0;  // microseconds
  std::optional<int64_t> duration;
};

// A demuxer reading from bytes JS supplies is waiting for more.
struct InputWanted {};

// Bytes a Muxer wrote for a stream target, in order.
struct MuxedBytes {
  std::vector<uint8_t> data;
};

struct WorkerEvent {
  enum class Type : uint8_t { kConfigured, kOutput, kError, kDone, kFlushed, kClosed };
  Type type;
  uint64_t generation = 0;
  uint64_t flush_id = 0;
  // kDone: how many completed messages this event stands for (the event
  // channel merges a batch's completions into one).
  uint32_t count = 1;
  Status status;  // kConfigured (failure = unsupported config) and kError
  std::variant<std::monostate, DecodedVideo, DecodedAudio, EncodedChunkOutput, ImageDemuxEvent, DemuxHeader,
               DemuxedPacket, InputWanted, MuxedBytes>
      output;
};

// Implemented by the binding: carries events to the JS thread. Post may be
// called from any thread and must not block on the JS thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Post(WorkerEvent&& event) = 0;
  // Between Hold() and Wake(), Post() queues without waking the JS thread;
  // Wake() wakes it for everything queued. A worker holds across a run of
  // short messages, so their events reach JS as one batch instead of one
  // thread hand-off per message.
  virtual void Hold() {}
  virtual void Wake() {}
};

}  // namespace wcn
