#include "core/audio_decoder.h"

#include <cstring>

#include "core/audio_channels.h"
#include "core/audio_codec_data.h"
#include "core/audio_frame.h"
#include "core/decode_loop.h"
#include "core/limits.h"
#include "core/log.h"

namespace wcn {

namespace {

struct DecoderChoice {
  AVCodecID id = AV_CODEC_ID_NONE;
  int pcm_bytes = 0;  // bytes per sample of the PCM codecs, whose chunks hold whole frames
};

DecoderChoice ChooseDecoder(const std::string& codec) {
  if (codec == "aac") return {AV_CODEC_ID_AAC};
  if (codec == "opus") return {AV_CODEC_ID_OPUS};
  if (codec == "mp3") return {AV_CODEC_ID_MP3};
  if (codec == "flac") return {AV_CODEC_ID_FLAC};
  if (codec == "vorbis") return {AV_CODEC_ID_VORBIS};
  if (codec == "pcm-u8") return {AV_CODEC_ID_PCM_U8, 1};
  if (codec == "pcm-s16") return {AV_CODEC_ID_PCM_S16LE, 2};
  if (codec == "pcm-s24") return {AV_CODEC_ID_PCM_S24LE, 3};
  if (codec == "pcm-s32") return {AV_CODEC_ID_PCM_S32LE, 4};
  if (codec == "pcm-f32") return {AV_CODEC_ID_PCM_F32LE, 4};
  if (codec == "ulaw") return {AV_CODEC_ID_PCM_MULAW, 1};
  if (codec == "alaw") return {AV_CODEC_ID_PCM_ALAW, 1};
  return {};
}

Status Unsupported(std::string message) { return Status::Error(ErrorKind::kNotSupportedError, std::move(message)); }

// The extradata FFmpeg's decoder needs for a description, or an error.
Status DecoderExtradata(const AudioDecoderSettings& config, std::vector<uint8_t>* extradata, int64_t* delay_us) {
  const uint8_t* d = config.description.data();
  const size_t n = config.description.size();
  if (config.codec == "flac") {
    if (!config.has_description) return Unsupported("FLAC needs a description: \"fLaC\" followed by the STREAMINFO block.");
    if (!IsFlacDescription(d, n)) {
      return Unsupported("The FLAC description must be \"fLaC\" followed by a 34-byte STREAMINFO block.");
    }
  } else if (config.codec == "vorbis") {
    if (!config.has_description) return Unsupported("Vorbis needs a description: the three Vorbis header packets.");
    auto xiph = VorbisExtradata(d, n);
    if (!xiph) {
      return Unsupported("The Vorbis description must be the identification, comment and setup headers in Xiph extradata form.");
    }
    *extradata = std::move(*xiph);
    return Status::Ok();
  } else if (config.codec == "opus") {
    if (!config.has_description) {
      if (config.channels > 2) {
        return Unsupported("Opus with more than 2 channels needs a description (an OpusHead with a channel mapping).");
      }
      return Status::Ok();
    }
    auto head = ParseOpusHead(d, n);
    if (!head) return Unsupported("The Opus description must be an identification header (\"OpusHead\", RFC 7845 5.1).");
    // FFmpeg drops the pre-skip samples from the stream's start.
    *delay_us = (int64_t{head->pre_skip} * 1000000 + 24000) / 48000;
  } else if (config.codec == "aac") {
    if (config.has_description && n < 2) {
      return Unsupported("The AAC description must be an AudioSpecificConfig of at least 2 bytes.");
    }
  } else {
    // MP3 and PCM take no description: the registrations say to omit it.
    return Status::Ok();
  }
  extradata->assign(d, d + n);
  return Status::Ok();
}

}  // namespace

Status AudioDecoderEngine::Configure(const Config& config, Emitter& emit) {
  // Samples the old decoder still holds belong to chunks decoded before
  // this configure(): deliver them, as a flush would.
  if (ctx_) (void)Flush(emit);
  Reset();
  const DecoderChoice choice = ChooseDecoder(config.codec);
  const AVCodec* codec = choice.id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(choice.id);
  if (!codec) return Unsupported("No decoder for " + config.codec + " in this FFmpeg build.");
  if (Status s = CheckAudioLimits(config.sample_rate, config.channels); !s.ok()) return s;
  if (config.description.size() > kMaxDescriptionBytes) {
    return Unsupported("The description is " + std::to_string(config.description.size()) + " bytes; at most " +
                       std::to_string(kMaxDescriptionBytes) + " are accepted.");
  }
  std::vector<uint8_t> extradata;
  int64_t delay_us = 0;
  if (Status s = DecoderExtradata(config, &extradata, &delay_us); !s.ok()) return s;
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  if (!extradata.empty()) {
    ctx->extradata = static_cast<uint8_t*>(av_mallocz(extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!ctx->extradata) throw std::bad_alloc();
    std::memcpy(ctx->extradata, extradata.data(), extradata.size());
    ctx->extradata_size = static_cast<int>(extradata.size());
  }
  // What the stream does not say itself (PCM, Opus without a header).
  ctx->ch_layout = DefaultChannelLayout(static_cast<int>(config.channels));
  ctx->sample_rate = static_cast<int>(config.sample_rate);
  ctx->pkt_timebase = AVRational{1, 1000000};
  // Corrupt input must surface as EncodingError rather than as concealed
  // noise; CRCs (FLAC frames, protected MP3) are checked.
  ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK;
  ctx->thread_count = 1;
  ClearLastLogError();
  const int err = avcodec_open2(ctx.get(), codec, nullptr);
  if (err < 0) {
    std::string why = AvErrorText(err);
    if (std::string detail = LastLogError(); !detail.empty()) why += " (" + detail + ")";
    return Unsupported(std::string("The ") + codec->name + " decoder rejected the configuration: " + why + ".");
  }
  ctx_ = std::move(ctx);
  scratch_ = AllocFrame();
  codec_ = config.codec;
  block_align_ = choice.pcm_bytes * static_cast<int>(config.channels);
  adts_ = config.codec == "aac" && !config.has_description;
  delay_us_ = delay_us;
  return Status::Ok();
}

Status AudioDecoderEngine::Process(Work& work, Emitter& emit) {
  ClearLastLogError();
  AVPacket* pkt = work.packet.get();
  if (Status s = CheckChunk(work); !s.ok()) return s;
  if (Status s = CheckFraming(*pkt); !s.ok()) return s;
  return SendPacket(ctx_.get(), pkt, [&] { return Receive(emit); });
}

// Chunks whose framing shows them cut short, or not frames at all: FFmpeg's
// decoders would decode them into noise or drop them without a word.
Status AudioDecoderEngine::CheckFraming(const AVPacket& pkt) const {
  const auto size = static_cast<size_t>(pkt.size);
  std::string why;
  if (block_align_ > 0 && pkt.size % block_align_ != 0) {
    why = "Truncated PCM chunk: " + std::to_string(size) + " bytes is not a whole number of " +
          std::to_string(block_align_) + "-byte frames.";
  } else if (codec_ == "mp3" && !MpegAudioFramesComplete(pkt.data, size)) {
    why = "Truncated MP3 chunk: its last frame runs past the end of the chunk.";
  } else if (adts_ && !AdtsFramesComplete(pkt.data, size)) {
    why = "Truncated ADTS chunk: its header or frame runs past the end of the chunk.";
  } else if (codec_ == "flac" && size < kMinFlacFrameBytes) {
    why = "Truncated FLAC chunk: " + std::to_string(size) + " bytes is less than the smallest FLAC frame (" +
          std::to_string(kMinFlacFrameBytes) + " bytes).";
  } else if (codec_ == "flac" && (pkt.data[0] != 0xff || (pkt.data[1] & 0xfe) != 0xf8)) {
    // FFmpeg skips what it takes for a metadata block (first byte 4 or
    // 0x84, "\177FLAC") and reports nothing.
    why = "The chunk is not a FLAC frame: it does not start with a frame sync code (0xFFF8 or 0xFFF9).";
  }
  return why.empty() ? Status::Ok() : Status::Error(ErrorKind::kEncodingError, why);
}

Status AudioDecoderEngine::Flush(Emitter& emit) {
  return DrainDecoder(ctx_.get(), [&] { return Receive(emit); });
}

void AudioDecoderEngine::Reset() {
  ctx_.reset();
  swr_.reset();
  anchor_ts_ = anchor_samples_ = 0;
  anchor_rate_ = 0;
}

Status AudioDecoderEngine::Receive(Emitter& emit) {
  return ReceiveFrames(ctx_.get(), scratch_.get(), [&](FramePtr frame) { return Deliver(std::move(frame), emit); });
}

Status AudioDecoderEngine::Deliver(FramePtr frame, Emitter& emit) {
  if (frame->nb_samples <= 0) return Status::Ok();
  DecodedAudio out;
  // FFmpeg's MP3 decoder learns the stream's rate from the frame it decodes
  // but labels that first frame with the configured one (which the
  // registration says to ignore); the context has the stream's by now.
  if (codec_ == "mp3") frame->sample_rate = ctx_->sample_rate;
  const int rate = frame->sample_rate;
  if (frame->pts != AV_NOPTS_VALUE || anchor_rate_ != rate) {
    anchor_ts_ = (frame->pts != AV_NOPTS_VALUE ? frame->pts : anchor_ts_) - delay_us_;
    anchor_samples_ = 0;
    anchor_rate_ = rate;
  }
  out.timestamp = anchor_ts_ + SamplesToMicros(anchor_samples_, rate);
  anchor_samples_ += frame->nb_samples;
  const auto av = static_cast<AVSampleFormat>(frame->format);
  std::optional<SampleFormat> format = FromAVSampleFormat(av);
  // FFmpeg hands out channels in its own order; the AudioData keeps the
  // bitstream's (audio_channels.h).
  const std::vector<int> coded = CodedChannelMap(codec_, frame->ch_layout);
  const int channels = frame->ch_layout.nb_channels;
  // Opus comes out as interleaved f32, as from Chromium's libopus decoder
  // (the WPT suite expects it); FFmpeg's own, three times as fast, gives
  // planar samples.
  const bool opus = codec_ == "opus";
  const bool interleave = opus && format && SampleInfo(*format).planar;
  if (!coded.empty() && format && SampleInfo(*format).planar && !interleave) {
    // Planar: reorder the plane pointers, no copy.
    std::vector<uint8_t*> planes(coded.size());
    for (size_t k = 0; k < coded.size(); k++) planes[k] = frame->extended_data[coded[k]];
    for (size_t k = 0; k < coded.size(); k++) frame->extended_data[k] = planes[k];
    av_channel_layout_uninit(&frame->ch_layout);
    frame->ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
    frame->ch_layout.nb_channels = channels;
  } else if (!format || !coded.empty() || interleave) {
    // No spec format has this layout (FFmpeg's s64 or double), interleaved
    // samples to reorder, or Opus: convert once, into the pool.
    const SampleFormat target = opus ? SampleFormat::kF32 : SampleFormat::kF32Planar;
    FramePtr converted = AllocatePooledAudioFrame(target, static_cast<uint32_t>(channels),
                                                  static_cast<uint32_t>(frame->nb_samples), rate);
    av_channel_layout_uninit(&converted->ch_layout);
    if (av_channel_layout_copy(&converted->ch_layout, &frame->ch_layout) < 0) throw std::bad_alloc();
    if (!swr_) {
      // swresample keeps the mapping's pointer, not a copy.
      swr_map_ = coded;
      SwrContext* raw = nullptr;
      if (swr_alloc_set_opts2(&raw, &converted->ch_layout, SampleInfo(target).av, rate, &frame->ch_layout, av, rate, 0,
                              nullptr) < 0 ||
          (!swr_map_.empty() && swr_set_channel_mapping(raw, swr_map_.data()) < 0) || swr_init(raw) < 0) {
        swr_free(&raw);
        return Status::Error(ErrorKind::kEncodingError,
                             std::string("Decoded samples in ") + av_get_sample_fmt_name(av) + " cannot be converted.");
      }
      swr_.reset(raw);
    }
    const int n = swr_convert(swr_.get(), converted->extended_data, converted->nb_samples,
                              const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples);
    if (n != converted->nb_samples) return CodecFailure("Converting decoded samples failed", n < 0 ? n : AVERROR_BUG);
    frame = std::move(converted);
    format = target;
  }
  out.format = *format;
  out.frame = std::move(frame);
  emit.Output(std::move(out));
  return Status::Ok();
}

}  // namespace wcn
