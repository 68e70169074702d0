// AudioDecoderEngine over every codec lib/codecs/audio.ts hands it, with
// and without descriptions, driven as lib/audio-decoder.ts drives it:
// configure, chunks, flushes and resets, stopping at the first error.
//
// Input: the codec (an index into kCodecs), the sample rate (u24), the
// channel count, whether a description is given and the description (a
// packer chunk), then per chunk a flags byte (kFlush, kReset) and its bytes.
#include <iterator>
#include <string>

#include "core/audio_decoder.h"
#include "fuzz_common.h"

namespace {

constexpr const char* kCodecs[] = {"aac",     "opus",    "mp3",     "flac",    "vorbis", "pcm-u8",
                                   "pcm-s16", "pcm-s24", "pcm-s32", "pcm-f32", "ulaw",   "alaw"};
constexpr uint32_t kFlush = 1, kReset = 2;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  AudioDecoderSettings config;
  config.codec = kCodecs[in.U8() % std::size(kCodecs)];
  config.sample_rate = in.U24();
  config.channels = in.U8();
  config.has_description = in.U8() & 1;
  config.description = in.Chunk();
  if (!config.has_description) config.description.clear();

  fuzz::Harness h;
  AudioDecoderEngine engine;
  if (!engine.Configure(config, h.emit).ok()) return 0;
  int64_t timestamp = 0;
  while (in.remaining() > 0) {
    const uint32_t flags = in.U8();
    DecodeWork work{fuzz::Packet(in.Chunk())};
    work.packet->pts = work.packet->dts = timestamp;
    work.packet->flags |= AV_PKT_FLAG_KEY;
    timestamp += 20000;
    if (!engine.Process(work, h.emit).ok()) return 0;
    if ((flags & kFlush) && !engine.Flush(h.emit).ok()) return 0;
    if ((flags & kReset)) {
      engine.Reset();
      if (!engine.Configure(config, h.emit).ok()) return 0;
    }
  }
  engine.Flush(h.emit);
  return 0;
}
