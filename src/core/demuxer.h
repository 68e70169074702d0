// Reading containers (beyond the spec): libavformat over a file path, or
// over a ByteStore filled from JS (a Buffer, or a stream arriving chunk by
// chunk). The engine runs on a CodecWorker thread: Configure opens the
// input and reports its tracks, each Read message demuxes a bounded batch of
// packets, Seek moves to the key frame at or before a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/codec_events.h"
#include "core/ffmpeg_raii.h"
#include "core/image_source.h"
#include "core/status.h"

namespace wcn {

class Emitter;

struct DemuxSource {
  std::string path;                  // a file, or empty for `store`
  std::shared_ptr<ByteStore> store;  // bytes from JS
  // A stream read once front to back, as `ffmpeg -i pipe:` reads: FFmpeg
  // may not seek back, so consumed bytes are released as it goes.
  bool sequential = false;
  std::string format;  // FFmpeg demuxer name to force, or empty to probe
};

class DemuxEngine {
 public:
  using Config = DemuxSource;
  struct Read {
    uint32_t max_packets = 0;
    uint64_t max_bytes = 0;
  };
  struct Seek {
    int64_t timestamp = 0;  // microseconds
  };
  // Tracks to read (stream indexes); packets of the others are skipped
  // without being read into memory where the format allows.
  struct Select {
    std::vector<int> tracks;
  };
  using Work = std::variant<Read, Seek, Select>;

  DemuxEngine() = default;
  DemuxEngine(const DemuxEngine&) = delete;
  DemuxEngine& operator=(const DemuxEngine&) = delete;

  Status Configure(const DemuxSource& source, Emitter& emit);
  Status Process(Work& work, Emitter& emit);
  Status Flush(Emitter&) { return Status::Ok(); }
  void Reset();

 private:
  Status ReadBatch(const Read& read, Emitter& emit);
  Status SeekTo(int64_t timestamp);
  void ReleaseConsumed();

  DemuxSource source_;
  std::unique_ptr<StoreReader> reader_;
  InputContextPtr input_;
  // Per stream, in its time base: where a packet without timestamps (raw
  // Annex B) starts, the previous packet's end.
  std::vector<int64_t> next_ts_;
  bool ended_ = false;
};

// Facts about one stream of a container, from which lib/ builds the
// VideoDecoderConfig / AudioDecoderConfig (codec string, description).
DemuxTrack DescribeStream(const AVStream& stream);

}  // namespace wcn
