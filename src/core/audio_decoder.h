// The decoding side of AudioDecoder: an FFmpeg decoder context owned by one
// worker thread (see codec_worker.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/decode_loop.h"
#include "core/codec_worker.h"
#include "core/ffmpeg_raii.h"

namespace wcn {

struct AudioDecoderSettings {
  // "aac", "opus", "mp3", "flac", "vorbis", "pcm-u8", "pcm-s16", "pcm-s24",
  // "pcm-s32", "pcm-f32", "ulaw" or "alaw" (lib/codecs/audio.ts).
  std::string codec;
  std::vector<uint8_t> description;
  bool has_description = false;
  uint32_t sample_rate = 0;
  uint32_t channels = 0;
};


class AudioDecoderEngine {
 public:
  using Config = AudioDecoderSettings;
  using Work = DecodeWork;

  Status Configure(const Config& config, Emitter& emit);
  Status Process(Work& work, Emitter& emit);
  Status Flush(Emitter& emit);
  void Reset();

 private:
  Status CheckFraming(const AVPacket& pkt) const;
  Status Receive(Emitter& emit);
  Status Deliver(FramePtr frame, Emitter& emit);

  CodecContextPtr ctx_;
  FramePtr scratch_;
  SwrPtr swr_;          // for formats the spec has no name for, reordering, Opus
  std::vector<int> swr_map_;  // swr_'s channel mapping: it reads this array
  std::string codec_;
  int block_align_ = 0;  // PCM: bytes per frame (a chunk holds whole frames)
  bool adts_ = false;    // AAC without a description: ADTS frames
  // The codec delay FFmpeg trims from the stream's start (Opus pre-skip), in
  // microseconds: chunks carry the time of their first encoded sample,
  // priming included, so outputs are shifted back by it (as Matroska's
  // CodecDelay and Chromium's decoder do).
  int64_t delay_us_ = 0;
  // Outputs without a timestamp of their own (several frames from one chunk)
  // continue from the last one: anchor + samples since, never accumulated
  // rounded durations.
  int64_t anchor_ts_ = 0;
  int64_t anchor_samples_ = 0;
  int anchor_rate_ = 0;
};

}  // namespace wcn
