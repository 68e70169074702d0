// VideoDecoderEngine for one codec family (WCN_FUZZ_FAMILY, one binary per
// family), driven as lib/video-decoder.ts drives it: configure, chunks (a
// key chunk first after configure and flush, checked by keyframe.cc),
// flushes and resets, and stopping at the first error as the codec closes.
//
// Input: threading (0 the addon's frame + slice threads, 1
// optimizeForLatency's slice threads, 2 one thread), codedWidth and
// codedHeight (u16 each), the description (a packer chunk), then per chunk
// a flags byte (kKey, kFlush, kReset, kSameTime) and the chunk's bytes.
#include <string>

#include "core/keyframe.h"
#include "core/video_decoder.h"
#include "fuzz_common.h"

namespace {

constexpr uint32_t kKey = 1, kFlush = 2, kReset = 4, kSameTime = 8;
constexpr int64_t kFrameMicros = 33333;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  VideoDecoderSettings config;
  config.family = WCN_FUZZ_FAMILY;
  const uint32_t threading = in.U8() % 3;
  config.optimize_for_latency = threading == 1;
  config.threads = threading == 2 ? 1 : 0;
  config.coded_width = in.U16();
  config.coded_height = in.U16();
  config.description = in.Chunk();

  fuzz::Harness h;
  VideoDecoderEngine engine;
  if (!engine.Configure(config, h.emit).ok()) return 0;
  bool key_required = true;
  int64_t timestamp = 0;
  while (in.remaining() > 0) {
    const uint32_t flags = in.U8();
    const std::vector<uint8_t> bytes = in.Chunk();
    // decode() throws DataError for these; nothing reaches the engine.
    const KeyFrameCheck check = CheckKeyFrame(config.family, bytes.data(), bytes.size(), config.description.data(),
                                              config.description.size());
    const bool key = flags & kKey;
    if (key_required && (!key || check == KeyFrameCheck::kNotKey)) continue;
    key_required = false;
    if (!(flags & kSameTime)) timestamp += kFrameMicros;
    DecodeWork work{fuzz::Packet(bytes)};
    work.packet->pts = work.packet->dts = timestamp;
    if (key) work.packet->flags |= AV_PKT_FLAG_KEY;
    work.duration = kFrameMicros;
    if (!engine.Process(work, h.emit).ok()) return 0;
    if (flags & kFlush) {
      if (!engine.Flush(h.emit).ok()) return 0;
      key_required = true;
    }
    if (flags & kReset) {
      engine.Reset();
      if (!engine.Configure(config, h.emit).ok()) return 0;
      key_required = true;
    }
  }
  engine.Flush(h.emit);
  return 0;
}
