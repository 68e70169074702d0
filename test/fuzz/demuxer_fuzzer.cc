// DemuxEngine over a ByteStore, as the Demuxer reads a Buffer (seekable)
// or a stream (read once, consumed bytes released): configure (probe, or a
// forced format), batches of packets to the end, a seek and a track
// selection on the way.
//
// Input: options (kSequential, kSeek, kSelectFirst), the format (an index
// into kFormats, 0 probes), then the container's bytes.
#include <iterator>
#include <memory>

#include "core/demuxer.h"
#include "fuzz_common.h"

namespace {

// The formats the README lists, by FFmpeg demuxer name.
constexpr const char* kFormats[] = {"",    "mp4", "matroska", "mpegts", "ivf", "ogg", "mp3",
                                    "flac", "wav", "aac",     "h264",   "hevc", "obu"};
constexpr uint32_t kSequential = 1, kSeek = 2, kSelectFirst = 4;
constexpr int kMaxBatches = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  const uint32_t options = in.U8();
  DemuxSource source;
  source.format = kFormats[in.U8() % std::size(kFormats)];
  source.sequential = options & kSequential;
  const std::vector<uint8_t> bytes = in.Rest();
  source.store = std::make_shared<ByteStore>(uint64_t{1} << 30, "input", "maxBufferedBytes");
  bool waiting;
  source.store->Append(bytes.data(), bytes.size(), &waiting);
  source.store->End();

  fuzz::Harness h;
  DemuxEngine engine;
  if (!engine.Configure(source, h.emit).ok()) return 0;
  if (options & kSelectFirst) {
    DemuxEngine::Work select = DemuxEngine::Select{{0}};
    if (!engine.Process(select, h.emit).ok()) return 0;
  }
  for (int batch = 0; batch < kMaxBatches; batch++) {
    DemuxEngine::Work read = DemuxEngine::Read{16, 1u << 20};
    if (!engine.Process(read, h.emit).ok()) return 0;
    if (batch == 0 && (options & kSeek)) {
      // Back to the start (a stream refuses: NotSupportedError).
      DemuxEngine::Work seek = DemuxEngine::Seek{0};
      if (!engine.Process(seek, h.emit).ok()) return 0;
    }
  }
  return 0;
}
