// Which FFmpeg encoder each registry codec uses, its options, and the
// description its stream gets.
#include <cstdio>
#include <cstring>

#include "core/audio_codec_data.h"
#include "core/audio_encoder.h"
#include "core/audio_frame.h"

namespace wcn {

namespace {

Status Unsupported(std::string message) { return Status::Error(ErrorKind::kNotSupportedError, std::move(message)); }

const AVCodec* FindEncoder(const std::string& codec) {
  // FFmpeg's own Opus and Vorbis encoders are experimental; the libraries are not.
  if (codec == "aac") return avcodec_find_encoder_by_name("aac");
  if (codec == "opus") return avcodec_find_encoder_by_name("libopus");
  if (codec == "mp3") return avcodec_find_encoder_by_name("libmp3lame");
  if (codec == "vorbis") return avcodec_find_encoder_by_name("libvorbis");
  if (codec == "flac") return avcodec_find_encoder(AV_CODEC_ID_FLAC);
  if (codec == "pcm-u8") return avcodec_find_encoder(AV_CODEC_ID_PCM_U8);
  if (codec == "pcm-s16") return avcodec_find_encoder(AV_CODEC_ID_PCM_S16LE);
  if (codec == "pcm-s24") return avcodec_find_encoder(AV_CODEC_ID_PCM_S24LE);
  if (codec == "pcm-s32") return avcodec_find_encoder(AV_CODEC_ID_PCM_S32LE);
  if (codec == "pcm-f32") return avcodec_find_encoder(AV_CODEC_ID_PCM_F32LE);
  if (codec == "ulaw") return avcodec_find_encoder(AV_CODEC_ID_PCM_MULAW);
  if (codec == "alaw") return avcodec_find_encoder(AV_CODEC_ID_PCM_ALAW);
  return nullptr;
}

// Precision rank of a sample type (more is better) for picking a format.
int Precision(AVSampleFormat f) {
  switch (av_get_packed_sample_fmt(f)) {
    case AV_SAMPLE_FMT_FLT: return 4;
    case AV_SAMPLE_FMT_S32: return 3;
    case AV_SAMPLE_FMT_S16: return 2;
    case AV_SAMPLE_FMT_U8: return 1;
    default: return 0;
  }
}

std::string RateList(const int* rates) {
  std::string out;
  for (; *rates; rates++) out += (out.empty() ? "" : ", ") + std::to_string(*rates);
  return out;
}

void SetInt(AVDictionary** opts, const char* key, int64_t value) { av_dict_set_int(opts, key, value, 0); }

std::string Kbps(int64_t bits) {
  char text[32];
  std::snprintf(text, sizeof text, "%g kbit/s", static_cast<double>(bits) / 1000.0);
  return text;
}

// Bitrates and modes the encoder would not apply: outside them it silently
// makes another rate, so the configuration is answered unsupported.
Status CheckRateControl(const AudioEncoderSettings& config) {
  const int64_t bitrate = config.bitrate;
  const std::string& name = config.codec;
  if (name == "aac" && config.constant_bitrate) {
    // Measured: 128 kbit/s asked, 7 kbit/s made for near-silence.
    return Unsupported("FFmpeg's AAC encoder has no constant-bitrate mode (its rate follows the content); use "
                       "bitrateMode \"variable\".");
  }
  if (bitrate == 0) return Status::Ok();
  if (name == "mp3") {
    // ISO 11172-3 / 13818-3 layer III bitrates: MPEG-1 (32-48 kHz), MPEG-2
    // (16-24 kHz) and MPEG-2.5 (8-12 kHz); LAME clamps anything else.
    const int64_t min = config.sample_rate >= 32000 ? 32000 : 8000;
    const int64_t max = config.sample_rate >= 32000 ? 320000 : config.sample_rate >= 16000 ? 160000 : 64000;
    if (bitrate < min || bitrate > max) {
      return Unsupported("MP3 at " + std::to_string(config.sample_rate) + " Hz has bitrates from " + Kbps(min) +
                         " to " + Kbps(max) + "; " + Kbps(bitrate) + " was asked.");
    }
  }
  if (name == "opus") {
    // RFC 6716: a stream carries 6 to 510 kbit/s (one stream up to two
    // channels); FFmpeg also caps 256 kbit/s per channel.
    if (bitrate < 6000 || (config.channels <= 2 && bitrate > 510000)) {
      return Unsupported("Opus codes " + std::string(config.channels <= 2 ? "6 to 510 kbit/s" : "at least 6 kbit/s") +
                         "; " + Kbps(bitrate) + " was asked.");
    }
  }
  return Status::Ok();
}

}  // namespace

AVSampleFormat ChooseEncoderSampleFormat(const AVCodec* codec, AVSampleFormat preferred) {
  if (!codec->sample_fmts) return preferred;
  AVSampleFormat best = codec->sample_fmts[0];
  int best_score = -1;
  for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; f++) {
    const bool same_type = av_get_packed_sample_fmt(*f) == av_get_packed_sample_fmt(preferred);
    const int score = (*f == preferred ? 100 : 0) + (same_type ? 10 : 0) + Precision(*f);
    if (score > best_score) {
      best = *f;
      best_score = score;
    }
  }
  return best;
}

Status SetUpAudioEncoder(const AudioEncoderSettings& config, AVSampleFormat preferred, const AVCodec** codec_out,
                         CodecContextPtr* ctx_out, AVDictionary** opts, int* rate_out) {
  const std::string& name = config.codec;
  if (Status s = CheckAudioLimits(config.sample_rate, config.channels); !s.ok()) return s;
  if (name == "aac" && config.aac_object_type != 2) {
    return Unsupported("HE-AAC (mp4a.40.5, mp4a.40.29) cannot be encoded: FFmpeg's AAC encoder makes AAC-LC only and "
                       "this build has no libfdk_aac. HE-AAC streams decode.");
  }
  const AVCodec* codec = FindEncoder(name);
  if (!codec) return Unsupported("No " + name + " encoder in this FFmpeg build.");
  if (Status s = CheckRateControl(config); !s.ok()) return s;

  // The rate: the configured one, or for Opus the nearest it runs at.
  int rate = static_cast<int>(config.sample_rate);
  if (codec->supported_samplerates) {
    bool found = false;
    for (const int* r = codec->supported_samplerates; *r; r++) found = found || *r == rate;
    if (!found && name == "opus") {
      rate = 48000;
    } else if (!found) {
      return Unsupported("The " + std::string(codec->name) + " encoder does not take " + std::to_string(rate) +
                         " Hz; it takes " + RateList(codec->supported_samplerates) + " Hz.");
    }
  }
  AVChannelLayout layout = DefaultChannelLayout(static_cast<int>(config.channels));
  if (codec->ch_layouts) {
    const AVChannelLayout* match = nullptr;
    for (const AVChannelLayout* l = codec->ch_layouts; l->nb_channels && !match; l++) {
      if (l->nb_channels == static_cast<int>(config.channels)) match = l;
    }
    if (!match) {
      return Unsupported("The " + std::string(codec->name) + " encoder does not take " +
                         std::to_string(config.channels) + " channels.");
    }
    layout = *match;  // native-order layouts own no memory
  } else if ((name == "opus" || name == "vorbis") && config.channels >= 3 && config.channels <= 8) {
    // Both map channels as the Vorbis specification does and reorder only
    // from these layouts; from any other they would take FFmpeg's order for
    // Vorbis's, and the decoder's reordering would then swap channels.
    static const AVChannelLayout kVorbisLayouts[] = {
        AV_CHANNEL_LAYOUT_SURROUND,     AV_CHANNEL_LAYOUT_QUAD,    AV_CHANNEL_LAYOUT_5POINT0_BACK,
        AV_CHANNEL_LAYOUT_5POINT1_BACK, AV_CHANNEL_LAYOUT_6POINT1, AV_CHANNEL_LAYOUT_7POINT1,
    };
    layout = kVorbisLayouts[config.channels - 3];
  }
  if (name == "aac" && config.aac_adts && AacSampleRateIndex(rate) >= 0) {
    uint8_t probe[7];
    if (!WriteAdtsHeader(probe, 2, AacSampleRateIndex(rate), static_cast<int>(config.channels), 0, false)) {
      return Unsupported("ADTS has no channel configuration for " + std::to_string(config.channels) +
                         " channels; use the \"aac\" format.");
    }
  }

  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  ctx->sample_rate = rate;
  ctx->time_base = AVRational{1, rate};
  ctx->ch_layout = layout;
  ctx->sample_fmt = ChooseEncoderSampleFormat(codec, preferred);
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (config.bitrate > 0) ctx->bit_rate = config.bitrate;

  if (name == "aac") {
    ctx->profile = FF_PROFILE_AAC_LOW;
  } else if (name == "opus") {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%g", static_cast<double>(config.opus_frame_duration_us) / 1000.0);
    av_dict_set(opts, "frame_duration", ms, 0);
    av_dict_set(opts, "application", config.opus_application.c_str(), 0);
    SetInt(opts, "packet_loss", config.opus_packet_loss);
    SetInt(opts, "fec", config.opus_fec ? 1 : 0);
    // Three to eight channels: mapping family 1 (Vorbis order) with FFmpeg's
    // own reordering: its automatic choice feeds libopus's surround encoder
    // FFmpeg's order unchanged, which swaps channels of 5.0 and 6.1. Past
    // eight: family 255 (RFC 7845 5.1.1.3), one uncoupled stream per channel
    // in the AudioData's order.
    if (config.channels > 2) SetInt(opts, "mapping_family", config.channels > 8 ? 255 : 1);
    av_dict_set(opts, "vbr", config.constant_bitrate ? "off" : "on", 0);
    ctx->compression_level = config.opus_complexity;
  } else if (name == "mp3") {
    if (config.bitrate == 0 && !config.constant_bitrate) {
      // Variable bitrate by quality (LAME -V 4) when no bitrate is asked for.
      ctx->flags |= AV_CODEC_FLAG_QSCALE;
      ctx->global_quality = 4 * FF_QP2LAMBDA;
    } else if (!config.constant_bitrate) {
      SetInt(opts, "abr", 1);  // average bitrate: variable, around the target
    }
  } else if (name == "vorbis") {
    if (config.bitrate == 0) {
      ctx->flags |= AV_CODEC_FLAG_QSCALE;
      ctx->global_quality = 3 * FF_QP2LAMBDA;  // oggenc's default quality
    } else if (config.constant_bitrate) {
      ctx->rc_min_rate = ctx->rc_max_rate = config.bitrate;
    }
  } else if (name == "flac") {
    ctx->compression_level = config.flac_compress_level;
    if (config.flac_block_size > 0) ctx->frame_size = config.flac_block_size;
  }
  *codec_out = codec;
  *ctx_out = std::move(ctx);
  *rate_out = rate;
  return Status::Ok();
}

std::vector<uint8_t> AudioStreamDescription(const AudioEncoderSettings& config, const AVCodecContext& ctx) {
  const uint8_t* extra = ctx.extradata;
  const size_t size = static_cast<size_t>(ctx.extradata_size);
  if (!extra || size == 0) return {};
  const std::string& name = config.codec;
  // AAC: the AudioSpecificConfig in "aac" format; ADTS frames carry their own.
  if (name == "aac") return config.aac_adts ? std::vector<uint8_t>{} : std::vector<uint8_t>(extra, extra + size);
  // FLAC: FFmpeg's extradata is the bare STREAMINFO block.
  if (name == "flac") return FlacDescription(extra, size);
  // Opus: the OpusHead (with the pre-skip decoders trim), whose input rate
  // is the configured one even when the encoder runs at 48 kHz.
  if (name == "opus") {
    std::vector<uint8_t> head(extra, extra + size);
    if (head.size() >= 16) {
      for (int i = 0; i < 4; i++) head[12 + i] = static_cast<uint8_t>(config.sample_rate >> (8 * i));
    }
    return head;
  }
  // Vorbis: the Xiph-laced headers.
  if (name == "vorbis") return std::vector<uint8_t>(extra, extra + size);
  return {};
}

}  // namespace wcn
