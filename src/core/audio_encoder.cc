#include "core/audio_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

extern "C" {
#include <libavutil/audio_fifo.h>
}

#include "core/audio_channels.h"
#include "core/audio_codec_data.h"
#include "core/audio_frame.h"
#include "core/limits.h"
#include "core/log.h"

namespace wcn {

namespace {

// Resampled input is converted in slices of this many frames, so a long
// AudioData resampled to a higher rate never needs a buffer proportional to
// its length. Same-rate conversions go in one piece (at most 4x the input),
// keeping PCM at one chunk per AudioData.
constexpr int kSliceFrames = 1 << 15;

// Opus usedtx: frames quieter than this (below a 16-bit LSB) count as silence.
constexpr float kSilence = 1.0f / 32768;

// A frame of the encoder's input format, from the pool.
FramePtr EncoderFrame(const AVCodecContext& ctx, int samples) {
  FramePtr f = AllocatePooledAudioFrame(*FromAVSampleFormat(ctx.sample_fmt), static_cast<uint32_t>(ctx.ch_layout.nb_channels),
                                        static_cast<uint32_t>(samples), ctx.sample_rate);
  av_channel_layout_uninit(&f->ch_layout);
  if (av_channel_layout_copy(&f->ch_layout, &ctx.ch_layout) < 0) throw std::bad_alloc();
  return f;
}

}  // namespace

void AvAudioFifoDeleter::operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }

Status AudioEncoderEngine::Configure(const Config& config, Emitter& emit) {
  // Outputs still inside the previous encoder belong before the new
  // configuration takes effect.
  if (Status s = Drain(emit); !s.ok()) return s;
  Reset();
  config_ = config;
  scratch_ = AllocPacket();
  // Until an AudioData says otherwise, f32 is the input to match.
  return Open(AV_SAMPLE_FMT_FLT);
}

Status AudioEncoderEngine::Open(AVSampleFormat preferred) {
  ctx_.reset();
  fifo_.reset();
  swr_.reset();
  swr_in_format_ = AV_SAMPLE_FMT_NONE;
  AVDictionary* opts = nullptr;
  Status s = SetUpAudioEncoder(config_, preferred, &codec_, &ctx_, &opts, &rate_);
  if (!s.ok()) {
    av_dict_free(&opts);
    ctx_.reset();
    return s;
  }
  ClearLastLogError();
  const int err = avcodec_open2(ctx_.get(), codec_, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    ctx_.reset();
    std::string why = AvErrorText(err);
    if (std::string detail = LastLogError(); !detail.empty()) why += " (" + detail + ")";
    return Status::Error(ErrorKind::kNotSupportedError,
                         std::string(codec_->name) + " rejected the configuration: " + why + ".");
  }
  sample_format_ = ctx_->sample_fmt;
  channel_map_ = InverseChannelMap(CodedChannelMap(config_.codec, ctx_->ch_layout));
  if (ctx_->frame_size > 0 && !(codec_->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) {
    fifo_.reset(av_audio_fifo_alloc(ctx_->sample_fmt, ctx_->ch_layout.nb_channels, ctx_->frame_size));
    if (!fifo_) throw std::bad_alloc();
  }
  needs_open_ = false;
  config_sent_ = false;
  samples_sent_ = 0;
  silent_.clear();
  last_frame_silent_ = false;
  return Status::Ok();
}

Status AudioEncoderEngine::Process(Work& work, Emitter& emit) {
  ClearLastLogError();
  if (!ctx_ && !needs_open_) return Status::Error(ErrorKind::kInvalidStateError, "The encoder is not configured.");
  const AVFrame& src = *work.frame;
  if (src.ch_layout.nb_channels != static_cast<int>(config_.channels)) {
    return Status::Error(ErrorKind::kEncodingError,
                         "The AudioData has " + std::to_string(src.ch_layout.nb_channels) +
                             " channels; the encoder was configured for " + std::to_string(config_.channels) + ".");
  }
  // As for channels, and as in Chromium: an encoder takes the rate it was
  // configured for; the caller resamples.
  if (work.sample_rate != static_cast<double>(config_.sample_rate)) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.10g", work.sample_rate);
    return Status::Error(ErrorKind::kEncodingError, std::string("The AudioData's sampleRate is ") + rate +
                                                        " Hz; the encoder was configured for " +
                                                        std::to_string(config_.sample_rate) + " Hz.");
  }
  if (!format_chosen_) {
    // The first AudioData decides the encoder's input format where the
    // encoder has a choice (FLAC codes 16-bit input as 16-bit, s32/f32 as 24-bit).
    format_chosen_ = true;
    const AVSampleFormat want = SampleInfo(work.format).av;
    if (ChooseEncoderSampleFormat(codec_, want) != sample_format_) {
      if (Status s = Open(want); !s.ok()) return s;
    }
  }
  if (needs_open_) {
    if (Status s = Open(sample_format_); !s.ok()) return s;
  }
  if (!base_) {
    base_ = work.timestamp;
    emitted_samples_ = 0;
  }
  return ConvertInto(work, emit);
}

Status AudioEncoderEngine::ConvertInto(Work& work, Emitter& emit) {
  const AVFrame& src = *work.frame;
  const int total = src.nb_samples;
  const AVSampleFormat in_format = SampleInfo(work.format).av;
  const int in_rate = static_cast<int>(work.sample_rate);
  if (in_format == ctx_->sample_fmt && in_rate == rate_ && channel_map_.empty()) {
    if (Status s = DrainResampler(emit); !s.ok()) return s;
    return Feed(std::move(work.frame), total, emit);
  }
  if (!swr_ || in_format != swr_in_format_ || in_rate != swr_in_rate_) {
    // What the old converter still holds belongs before the new input.
    if (Status s = DrainResampler(emit); !s.ok()) return s;
    SwrContext* raw = nullptr;
    // Both sides get the encoder's layout; channel_map_ puts the AudioData's
    // coded-order channels where FFmpeg expects them.
    if (swr_alloc_set_opts2(&raw, &ctx_->ch_layout, ctx_->sample_fmt, rate_, &ctx_->ch_layout, in_format, in_rate, 0,
                            nullptr) < 0 ||
        (!channel_map_.empty() && swr_set_channel_mapping(raw, channel_map_.data()) < 0) || swr_init(raw) < 0) {
      swr_free(&raw);
      return Status::Error(ErrorKind::kEncodingError, "The AudioData's samples cannot be converted for this encoder.");
    }
    swr_.reset(raw);
    swr_in_format_ = in_format;
    swr_in_rate_ = in_rate;
  }
  const SampleFormatInfo& info = SampleInfo(work.format);
  const int channels = src.ch_layout.nb_channels;
  const size_t bytes = static_cast<size_t>(info.bytes);
  const uint8_t* planes[kMaxAudioChannels];  // channels was checked against the limit
  const int plane_count = info.planar ? channels : 1;
  const int slice = in_rate == rate_ ? total : kSliceFrames;
  for (int off = 0; off < total; off += slice) {
    const int count = std::min(slice, total - off);
    for (int p = 0; p < plane_count; p++) {
      planes[p] = src.extended_data[p] + static_cast<size_t>(off) * bytes * (info.planar ? 1 : channels);
    }
    const int capacity = swr_get_out_samples(swr_.get(), count);
    if (capacity <= 0) continue;
    FramePtr out = EncoderFrame(*ctx_, capacity);
    const int got = swr_convert(swr_.get(), out->extended_data, capacity, planes, count);
    if (got < 0) return CodecFailure("Converting the AudioData for the encoder failed", got);
    // All converted: the AudioData goes back before any chunk goes out.
    if (off + count == total) work.frame.reset();
    if (Status s = Feed(std::move(out), got, emit); !s.ok()) return s;
  }
  return Status::Ok();
}

Status AudioEncoderEngine::DrainResampler(Emitter& emit) {
  if (!swr_) return Status::Ok();
  for (;;) {
    const int capacity = swr_get_out_samples(swr_.get(), 0);
    if (capacity <= 0) break;
    FramePtr out = EncoderFrame(*ctx_, capacity);
    const int got = swr_convert(swr_.get(), out->extended_data, capacity, nullptr, 0);
    if (got < 0) return CodecFailure("Converting the AudioData for the encoder failed", got);
    if (got == 0) break;
    if (Status s = Feed(std::move(out), got, emit); !s.ok()) return s;
  }
  swr_.reset();
  return Status::Ok();
}

Status AudioEncoderEngine::Feed(FramePtr samples, int count, Emitter& emit) {
  if (count <= 0) return Status::Ok();
  if (!fifo_) {
    // Encoders of any frame size (PCM) take the samples as they come: no copy.
    samples->nb_samples = count;
    av_channel_layout_uninit(&samples->ch_layout);
    if (av_channel_layout_copy(&samples->ch_layout, &ctx_->ch_layout) < 0) throw std::bad_alloc();
    samples->sample_rate = rate_;
    return SendFrame(std::move(samples), emit);
  }
  if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(samples->extended_data), count) < count) {
    throw std::bad_alloc();
  }
  samples.reset();  // copied into the FIFO
  const int frame_size = ctx_->frame_size;
  while (av_audio_fifo_size(fifo_.get()) >= frame_size) {
    FramePtr frame = EncoderFrame(*ctx_, frame_size);
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->extended_data), frame_size);
    if (Status s = SendFrame(std::move(frame), emit); !s.ok()) return s;
  }
  return Status::Ok();
}

bool AudioEncoderEngine::SilentFrame(const AVFrame& frame) const {
  const SampleFormatInfo& info = SampleInfo(*FromAVSampleFormat(static_cast<AVSampleFormat>(frame.format)));
  const int channels = frame.ch_layout.nb_channels;
  const size_t per_plane = static_cast<size_t>(frame.nb_samples) * (info.planar ? 1 : channels);
  for (int p = 0; p < (info.planar ? channels : 1); p++) {
    const uint8_t* d = frame.extended_data[p];
    for (size_t i = 0; i < per_plane; i++) {
      if (info.type == SampleType::kF32) {
        float v;
        std::memcpy(&v, d + i * 4, 4);
        if (!(std::fabs(v) < kSilence)) return false;
      } else {
        int16_t v;
        std::memcpy(&v, d + i * 2, 2);
        if (v != 0) return false;
      }
    }
  }
  return true;
}

Status AudioEncoderEngine::SendFrame(FramePtr frame, Emitter& emit) {
  frame->pts = samples_sent_;
  if (config_.opus_dtx) silent_.emplace_back(frame->pts, SilentFrame(*frame));
  const int err = avcodec_send_frame(ctx_.get(), frame.get());
  if (err < 0) return CodecFailure("Encoding failed", err);
  samples_sent_ += frame->nb_samples;
  // The encoder keeps what it needs; the samples go back to their pool
  // before the chunks reach JS.
  frame.reset();
  return Receive(emit);
}

Status AudioEncoderEngine::Receive(Emitter& emit) {
  for (;;) {
    const int err = avcodec_receive_packet(ctx_.get(), scratch_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
    if (err < 0) return CodecFailure("Encoding failed", err);
    PacketPtr pkt = AllocPacket();
    av_packet_move_ref(pkt.get(), scratch_.get());
    if (Status s = EmitPacket(std::move(pkt), emit); !s.ok()) return s;
  }
}

Status AudioEncoderEngine::EmitPacket(PacketPtr pkt, Emitter& emit) {
  const int64_t duration = pkt->duration > 0 ? pkt->duration : 0;
  // Chunks are stamped with the position of their first sample in the
  // decoded stream, counted from the run's first AudioData: decoders output
  // the encoder delay of AAC and MP3 (as in browsers) and Opus decoders trim
  // the OpusHead's pre-skip themselves, but Vorbis decoders output nothing
  // for the first packet, whose samples are the delay, so Vorbis counts from
  // the delay's end.
  const int64_t lead = config_.codec == "vorbis" ? ctx_->initial_padding : 0;
  const int64_t start = *base_ + SamplesToMicros(std::max<int64_t>(0, emitted_samples_ - lead), rate_);
  emitted_samples_ += duration;
  const int64_t end = *base_ + SamplesToMicros(std::max<int64_t>(0, emitted_samples_ - lead), rate_);
  // FLAC ends with an empty packet that only updates the STREAMINFO (MD5,
  // length) of a file; a chunk must carry data.
  if (pkt->size == 0) return Status::Ok();
  if (config_.opus_dtx) {
    // The packet codes the frame its pts plus the encoder delay points at
    // (and overlaps the one before): both silent means nothing to send.
    const int64_t frame_pts = pkt->pts + ctx_->initial_padding;
    bool silent = false;
    while (!silent_.empty() && silent_.front().first <= frame_pts) {
      const bool before = last_frame_silent_;
      last_frame_silent_ = silent_.front().second;
      if (silent_.front().first == frame_pts) silent = before && last_frame_silent_;
      silent_.pop_front();
    }
    if (silent) return Status::Ok();
  }
  EncodedChunkOutput out;
  out.key = true;  // every chunk of the registry's audio codecs is a key chunk
  out.timestamp = start;
  out.duration = end - start;
  if (config_.codec == "aac" && config_.aac_adts) {
    PacketPtr framed = AllocPacket();
    if (av_new_packet(framed.get(), pkt->size + 7) < 0) throw std::bad_alloc();
    if (!WriteAdtsHeader(framed->data, 2, AacSampleRateIndex(rate_), ctx_->ch_layout.nb_channels,
                         static_cast<size_t>(pkt->size), config_.aac_mpeg2)) {
      return Status::Error(ErrorKind::kEncodingError, "The AAC frame does not fit in an ADTS frame.");
    }
    std::memcpy(framed->data + 7, pkt->data, static_cast<size_t>(pkt->size));
    pkt = std::move(framed);
  }
  if (!config_sent_) {
    config_sent_ = true;
    EncodedStreamConfig stream;
    stream.description = AudioStreamDescription(config_, *ctx_);
    out.config = std::move(stream);
  }
  out.packet = std::move(pkt);
  emit.Output(std::move(out));
  return Status::Ok();
}

Status AudioEncoderEngine::Drain(Emitter& emit) {
  if (!ctx_ || needs_open_) return Status::Ok();
  if (Status s = DrainResampler(emit); !s.ok()) return s;
  const int pending = fifo_ ? av_audio_fifo_size(fifo_.get()) : 0;
  if (samples_sent_ == 0 && pending == 0) return Status::Ok();  // nothing was encoded
  if (pending > 0) {
    // The last, partial frame: short where the encoder allows it, padded
    // with silence otherwise.
    const bool small = codec_->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME;
    FramePtr frame = EncoderFrame(*ctx_, small ? pending : ctx_->frame_size);
    av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame->extended_data), pending);
    if (!small) {
      av_samples_set_silence(frame->extended_data, pending, ctx_->frame_size - pending, ctx_->ch_layout.nb_channels,
                             ctx_->sample_fmt);
    }
    if (Status s = SendFrame(std::move(frame), emit); !s.ok()) return s;
  }
  const int err = avcodec_send_frame(ctx_.get(), nullptr);
  if (err < 0 && err != AVERROR_EOF) return CodecFailure("Flushing the encoder failed", err);
  if (Status s = Receive(emit); !s.ok()) return s;
  // A drained encoder takes no more samples: the next AudioData reopens it
  // and starts a new run of timestamps at its own.
  needs_open_ = true;
  base_.reset();
  return Status::Ok();
}

Status AudioEncoderEngine::Flush(Emitter& emit) { return Drain(emit); }

void AudioEncoderEngine::Reset() {
  ctx_.reset();
  fifo_.reset();
  swr_.reset();
  swr_in_format_ = AV_SAMPLE_FMT_NONE;
  base_.reset();
  emitted_samples_ = 0;
  needs_open_ = false;
  format_chosen_ = false;
  config_sent_ = false;
  samples_sent_ = 0;
  silent_.clear();
  last_frame_silent_ = false;
}

}  // namespace wcn
