// The encoding side of AudioEncoder: an FFmpeg encoder owned by one worker
// thread (see codec_worker.h). Input samples are converted (and resampled
// where the encoder needs another rate) with libswresample and cut into the
// encoder's frame size; chunk timestamps are derived from the count of
// samples encoded, so they are exact and contiguous however long the stream.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/codec_worker.h"
#include "core/ffmpeg_raii.h"
#include "core/sample_format.h"

struct AVAudioFifo;

namespace wcn {

struct AudioEncoderSettings {
  std::string codec;  // lib/codecs/audio.ts audioCodecName: "aac", "opus", "pcm-s16"...
  uint32_t sample_rate = 0;
  uint32_t channels = 0;
  int64_t bitrate = 0;  // bits per second; 0 = not given
  bool constant_bitrate = false;
  // AAC
  int aac_object_type = 2;
  bool aac_mpeg2 = false;  // "mp4a.67": the ADTS ID bit
  bool aac_adts = false;
  // Opus (OpusEncoderConfig)
  std::string opus_application = "audio";
  int64_t opus_frame_duration_us = 20000;
  int opus_complexity = 9;
  int opus_packet_loss = 0;
  bool opus_fec = false;
  bool opus_dtx = false;
  // FLAC (FlacEncoderConfig)
  int flac_block_size = 0;  // 0: the encoder chooses
  int flac_compress_level = 5;
};

struct AudioEncodeWork {
  FramePtr frame;       // the AudioData's samples (a reference)
  SampleFormat format;
  double sample_rate = 0;  // the AudioData's exact rate
  int64_t timestamp = 0;
};

struct AvAudioFifoDeleter {
  void operator()(AVAudioFifo* f) const;
};
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, AvAudioFifoDeleter>;

class AudioEncoderEngine {
 public:
  using Config = AudioEncoderSettings;
  using Work = AudioEncodeWork;

  Status Configure(const Config& config, Emitter& emit);
  Status Process(Work& work, Emitter& emit);
  Status Flush(Emitter& emit);
  void Reset();

 private:
  Status Open(AVSampleFormat preferred);
  // Takes the samples (first `count` frames of them) and drops them as soon
  // as the encoder or the FIFO has them.
  Status Feed(FramePtr samples, int count, Emitter& emit);
  Status SendFrame(FramePtr frame, Emitter& emit);
  Status Receive(Emitter& emit);
  Status EmitPacket(PacketPtr packet, Emitter& emit);
  Status Drain(Emitter& emit);
  // Releases work.frame once its samples are converted.
  Status ConvertInto(Work& work, Emitter& emit);
  Status DrainResampler(Emitter& emit);
  bool SilentFrame(const AVFrame& frame) const;

  Config config_;
  const AVCodec* codec_ = nullptr;
  CodecContextPtr ctx_;
  int rate_ = 0;  // the rate the encoder runs at (Opus may resample to one of its rates)
  AudioFifoPtr fifo_;  // samples waiting for a whole encoder frame
  // Encoder input channel j takes AudioData channel channel_map_[j] (FFmpeg's
  // order from the bitstream's, audio_channels.h); empty: the same order.
  std::vector<int> channel_map_;
  SwrPtr swr_;
  AVSampleFormat swr_in_format_ = AV_SAMPLE_FMT_NONE;
  int swr_in_rate_ = 0;
  bool needs_open_ = false;  // reopen before the next samples (after a drain)
  AVSampleFormat sample_format_ = AV_SAMPLE_FMT_NONE;  // the encoder's input format
  bool format_chosen_ = false;  // the first AudioData picked the encoder's sample format
  bool config_sent_ = false;    // the stream's description went out with a chunk
  int64_t samples_sent_ = 0;    // encoder input since it was opened
  // Timestamps: the first AudioData of a run sets the base; chunks are
  // stamped with base + (samples the previous chunks covered) / rate.
  std::optional<int64_t> base_;
  int64_t emitted_samples_ = 0;
  // Opus usedtx: whether each encoder frame (by pts) was digital silence;
  // packets of silence are not emitted, as DTX does.
  std::deque<std::pair<int64_t, bool>> silent_;
  bool last_frame_silent_ = false;
  PacketPtr scratch_;
};

// Chooses the FFmpeg encoder and sets its options for `config`
// (audio_encoder_setup.cc): `rate` is the rate it will run at, `preferred`
// the input sample format to match if the encoder takes it. Returns
// NotSupportedError with a reason when the configuration cannot be encoded.
Status SetUpAudioEncoder(const AudioEncoderSettings& config, AVSampleFormat preferred, const AVCodec** codec,
                         CodecContextPtr* ctx, AVDictionary** options, int* rate);

// The sample format of `codec`'s inputs closest to `preferred`: the same one
// when the encoder takes it, else the same type in the other arrangement,
// else the most precise the encoder takes.
AVSampleFormat ChooseEncoderSampleFormat(const AVCodec* codec, AVSampleFormat preferred);

// The description (AudioDecoderConfig.description) of an open encoder's
// stream, per the codec's registration; empty when it has none.
std::vector<uint8_t> AudioStreamDescription(const AudioEncoderSettings& config, const AVCodecContext& ctx);

}  // namespace wcn
