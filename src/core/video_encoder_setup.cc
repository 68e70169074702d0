// How each VideoEncoderConfig maps onto FFmpeg's encoder wrappers: which
// library, which pixel format, and the rate-control, latency and
// scalability options. Presets follow each library's (and the ffmpeg CLI's)
// defaults for "quality" and their low-latency modes for "realtime".
#include <algorithm>
#include <cmath>
#include <string>

#include "core/limits.h"
#include "core/video_encoder.h"

namespace wcn {

namespace {

Status Unsupported(const std::string& why) { return Status::Error(ErrorKind::kNotSupportedError, why); }

const AVCodec* FindEncoder(const VideoEncoderSettings& c) {
  if (c.family == "h264") return avcodec_find_encoder_by_name("libx264");
  if (c.family == "hevc") return avcodec_find_encoder_by_name("libx265");
  if (c.family == "vp8") return avcodec_find_encoder_by_name("libvpx");
  if (c.family == "vp9") return avcodec_find_encoder_by_name("libvpx-vp9");
  if (c.family == "av1") {
    // SVT-AV1 is by far the fastest, but encodes only 4:2:0 up to 10 bits
    // (profile 0); libaom covers the rest.
    if (c.chroma == 420 && c.bit_depth <= 10 && c.profile <= 0) {
      if (const AVCodec* svt = avcodec_find_encoder_by_name("libsvtav1")) return svt;
    }
    return avcodec_find_encoder_by_name("libaom-av1");
  }
  return nullptr;
}

AVPixelFormat InputFormat(const VideoEncoderSettings& c) {
  const bool alpha = c.keep_alpha;
  if (c.chroma == 444) {
    if (c.bit_depth == 12) return AV_PIX_FMT_YUV444P12LE;
    return c.bit_depth == 10 ? AV_PIX_FMT_YUV444P10LE : AV_PIX_FMT_YUV444P;
  }
  if (c.chroma == 422) {
    if (c.bit_depth == 12) return AV_PIX_FMT_YUV422P12LE;
    return c.bit_depth == 10 ? AV_PIX_FMT_YUV422P10LE : AV_PIX_FMT_YUV422P;
  }
  if (c.bit_depth == 12) return AV_PIX_FMT_YUV420P12LE;
  if (c.bit_depth == 10) return AV_PIX_FMT_YUV420P10LE;
  return alpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P;
}

bool Supports(const AVCodec* codec, AVPixelFormat fmt) {
  if (!codec->pix_fmts) return true;
  for (const AVPixelFormat* p = codec->pix_fmts; *p != AV_PIX_FMT_NONE; p++) {
    if (*p == fmt) return true;
  }
  return false;
}

// A bitrate for rate modes that need one when the config gives none:
// about 0.1 bit per pixel per frame (5 Mbit/s for 1080p30).
int64_t DefaultBitrate(const VideoEncoderSettings& c, double fps) {
  return std::max<int64_t>(100000, static_cast<int64_t>(0.1 * c.width * c.height * fps));
}

// x264/x265 take level_idc as "4.1" or "41"; x264 accepts the integer form.
std::string LevelString(int level_idc) {
  return std::to_string(level_idc / 10) + "." + std::to_string(level_idc % 10);
}

const char* X264Profile(int profile_idc) {
  switch (profile_idc) {
    case 66: return "baseline";
    case 77: return "main";
    case 100: return "high";
    case 110: return "high10";
    case 122: return "high422";
    case 244: return "high444";
    default: return nullptr;
  }
}

// x265 encodes Main and Main 10 as the codec string names them; the other
// profiles (still picture, range extensions, SCC...) are told apart by
// constraint flags this mapping does not produce.
const char* X265Profile(int profile_idc) {
  switch (profile_idc) {
    case 1: return "main";
    case 2: return "main10";
    default: return nullptr;
  }
}

// Quantizer mode on x264/x265. FFmpeg's wrappers cannot change a constant
// QP without reopening (which starts a new stream with a key frame), but
// they pass each frame's AV_FRAME_DATA_REGIONS_OF_INTEREST to the library
// as per-macroblock QP offsets that travel with the frame through lookahead
// and B-frame reordering. So the encoder runs in CRF mode pinned to
// kBaseQuantizer for every frame type (qcomp 1: no complexity modulation;
// I/P and P/B ratios 1; no MB-tree) with adaptive quantization on, which
// the offsets need, at a strength too small to move a macroblock's QP, and
// each frame's quantizer arrives as its offset (video_encoder.cc).
constexpr const char* kNegligibleAqStrength = "0.0001";

void SetUpX264(const VideoEncoderSettings& c, int quantizer, AVCodecContext* ctx, AVDictionary** o) {
  av_dict_set(o, "preset", c.realtime ? "veryfast" : "medium", 0);
  if (c.realtime) av_dict_set(o, "tune", "zerolatency", 0);
  if (const char* profile = X264Profile(c.profile)) av_dict_set(o, "profile", profile, 0);
  if (c.level > 0) av_dict_set(o, "level", LevelString(c.level).c_str(), 0);
  // A requested key frame is an IDR, so the chunk is independently decodable.
  av_dict_set(o, "forced-idr", "1", 0);
  if (c.profile == 66) ctx->max_b_frames = 0;  // Baseline has no B-frames
  std::string params;
  if (c.temporal_layers > 1) {
    // Temporal layers from non-reference pictures: a fixed B structure where
    // the B-frames nobody references form the top layer (1 B-frame for
    // L1T2; 3 with a reference B in the middle for L1T3).
    ctx->max_b_frames = c.temporal_layers == 2 ? 1 : 3;
    av_dict_set(o, "b-pyramid", c.temporal_layers == 2 ? "none" : "strict", 0);
    params += "b-adapt=0:";
  }
  if (c.content_hint == "text" || c.content_hint == "detail") av_dict_set(o, "tune", "stillimage", 0);
  if (c.rate_mode == RateMode::kConstant) params += "nal-hrd=cbr:";
  // Lossless (High 4:4:4 Predictive at quantizer 0) is a constant QP of 0
  // for the whole stream; x264 ignores QP offsets then.
  if (quantizer == 0) {
    av_dict_set(o, "qp", "0", 0);
  } else if (quantizer > 0) {
    av_dict_set_int(o, "crf", quantizer, 0);
    ctx->qcompress = 1;
    ctx->i_quant_factor = 1;
    ctx->b_quant_factor = 1;
    av_dict_set(o, "mbtree", "0", 0);
    av_dict_set(o, "aq-mode", "1", 0);
    av_dict_set(o, "aq-strength", kNegligibleAqStrength, 0);
  }
  if (!params.empty()) {
    params.pop_back();
    av_dict_set(o, "x264-params", params.c_str(), 0);
  }
}

void SetUpX265(const VideoEncoderSettings& c, int quantizer, AVCodecContext* ctx, AVDictionary** o) {
  av_dict_set(o, "preset", c.realtime ? "veryfast" : "medium", 0);
  if (c.realtime) av_dict_set(o, "tune", "zerolatency", 0);
  if (const char* profile = X265Profile(c.profile)) av_dict_set(o, "profile", profile, 0);
  av_dict_set(o, "forced-idr", "1", 0);
  // info=0: no version/options SEI, which would bloat the hvcC description.
  std::string params = "log-level=error:info=0";
  // In quantizer mode x265 would enforce a level with VBV, moving frames off
  // their quantizer; it signals the level the stream needs instead.
  if (c.level > 0 && c.rate_mode != RateMode::kQuantizer) {
    params += ":level-idc=" + std::to_string(c.level / 3) + ":high-tier=" + (c.high_tier ? "1" : "0");
  }
  if (c.temporal_layers > 1) {
    // Unreferenced B-frames go to temporal sub-layer 1.
    ctx->max_b_frames = c.temporal_layers == 2 ? 1 : 3;
    params += std::string(":temporal-layers=1:b-adapt=0:b-pyramid=") + (c.temporal_layers == 2 ? "0" : "1");
  }
  if (c.rate_mode == RateMode::kConstant) params += ":strict-cbr=1";
  if (quantizer >= 0) {
    params += ":crf=" + std::to_string(quantizer) + ":qcomp=1:ipratio=1:pbratio=1:cutree=0:aq-mode=1:aq-strength=" +
              kNegligibleAqStrength;
  }
  av_dict_set(o, "x265-params", params.c_str(), 0);
}

void SetUpVpx(const VideoEncoderSettings& c, AVCodecContext* ctx, AVDictionary** o, bool vp9) {
  av_dict_set(o, "deadline", c.realtime ? "realtime" : "good", 0);
  av_dict_set(o, "cpu-used", c.realtime ? "8" : "4", 0);
  if (vp9) {
    av_dict_set(o, "row-mt", "1", 0);
    if (c.realtime) av_dict_set(o, "lag-in-frames", "0", 0);
    if (c.content_hint == "text" || c.content_hint == "detail") av_dict_set(o, "tune-content", "screen", 0);
  } else {
    // VP8 has no superframes to carry a hidden alt-ref with the next frame,
    // and WebCodecs needs one chunk per frame.
    av_dict_set(o, "auto-alt-ref", "0", 0);
    if (c.realtime) av_dict_set(o, "lag-in-frames", "0", 0);
  }
  if (c.temporal_layers > 1) {
    // libvpx's own temporal scalability, with FFmpeg's predefined reference
    // patterns (ts_layering_mode 2: 0-1, 3: 0-2-1-2) so that each layer
    // only references layers below it. The mode must come last.
    const int64_t total = ctx->bit_rate > 0 ? ctx->bit_rate / 1000 : 1000;
    const std::string targets = c.temporal_layers == 3 ? std::to_string(total * 6 / 10) + "," + std::to_string(total * 8 / 10) + "," +
                                                             std::to_string(total)
                                                       : std::to_string(total * 6 / 10) + "," + std::to_string(total);
    const std::string ts = "ts_target_bitrate=" + targets + ":ts_layering_mode=" + std::to_string(c.temporal_layers);
    av_dict_set(o, "ts-parameters", ts.c_str(), 0);
    // Without error resilience each frame updates the entropy context the
    // next one decodes with, so dropping an upper layer would break the base.
    av_dict_set(o, "error-resilient", "default", 0);
  }
}

void SetUpSvtAv1(const VideoEncoderSettings& c, AVDictionary** o) {
  av_dict_set(o, "preset", c.realtime ? "12" : "8", 0);
  std::string params;
  if (c.realtime) params += "pred-struct=1:";  // low delay: no reordering
  if (c.screen_content) params += "scm=1:";
  if (c.rate_mode == RateMode::kConstant) params += "rc=2:";
  if (!params.empty()) {
    params.pop_back();
    av_dict_set(o, "svtav1-params", params.c_str(), 0);
  }
}

void SetUpAom(const VideoEncoderSettings& c, AVDictionary** o) {
  av_dict_set(o, "cpu-used", c.realtime ? "8" : "6", 0);
  av_dict_set(o, "row-mt", "1", 0);
  if (c.realtime) av_dict_set(o, "usage", "realtime", 0);
  if (c.screen_content) av_dict_set(o, "tune-content", "screen", 0);
}

}  // namespace

int OpeningQuantizer(const VideoEncoderSettings& c, int quantizer) {
  if (c.family == "h264") return c.profile == 244 && quantizer == 0 ? 0 : kBaseQuantizer;
  if (c.family == "hevc") return kBaseQuantizer;
  return quantizer;
}

Status SetUpVideoEncoder(const VideoEncoderSettings& c, int quantizer, const AVCodec** codec_out,
                         CodecContextPtr* ctx_out, AVDictionary** o, AVPixelFormat* input_format) {
  if (c.width == 0 || c.height == 0 || !WithinFrameLimits(c.width, c.height)) {
    return Unsupported("Encoding " + std::to_string(c.width) + "x" + std::to_string(c.height) +
                       " frames is not supported; the size must be non-zero and " + FrameLimitText() + ".");
  }
  const AVCodec* codec = FindEncoder(c);
  if (!codec) return Unsupported("No encoder for " + c.family + " in this FFmpeg build.");
  // The spec's "exact profile": a profile the library cannot produce is
  // unsupported rather than silently replaced by another.
  const bool known_profile = c.family == "h264" ? X264Profile(c.profile) != nullptr
                             : c.family == "hevc" ? X265Profile(c.profile) != nullptr
                                                  : true;
  if (c.profile >= 0 && !known_profile) {
    return Unsupported(std::string(codec->name) + " cannot encode profile_idc " + std::to_string(c.profile) + ".");
  }
  const bool svt = std::string(codec->name) == "libsvtav1";
  const bool aom = std::string(codec->name) == "libaom-av1";
  if (c.keep_alpha && c.family != "vp8" && c.family != "vp9") {
    return Unsupported("alpha \"keep\" is supported for VP8 and VP9 only.");
  }
  if (c.temporal_layers > 1 && c.family == "av1") {
    return Unsupported("Temporal scalability is not available for AV1 in this build (" + std::string(codec->name) + ").");
  }
  // x264 and x265 have no temporal layers of P-frames: theirs are built from
  // B-frames nothing references, and B-frames reorder.
  if (c.temporal_layers > 1 && c.realtime && (c.family == "h264" || c.family == "hevc")) {
    return Unsupported(std::string(codec->name) + " forms temporal layers from B-frames, which reorder frames; latencyMode "
                       "\"realtime\" does not reorder. Use latencyMode \"quality\", or VP8/VP9 for realtime layers.");
  }
  if (c.temporal_layers > 1 && c.family == "h264" && c.profile == 66) {
    return Unsupported("Temporal layers come from B-frames nothing references, and Baseline has no B-frames: use Main or "
                       "High (avc1.4D..../avc1.64....) for L1T2/L1T3.");
  }
  if (c.temporal_layers > 2 && c.family == "hevc") {
    return Unsupported("libx265 puts the B-frames nothing references in one temporal sub-layer: HEVC encodes at most L1T2.");
  }
  const AVPixelFormat fmt = InputFormat(c);
  if (!Supports(codec, fmt)) {
    return Unsupported(std::string(codec->name) + " cannot encode " + av_get_pix_fmt_name(fmt) + " (" +
                       std::to_string(c.bit_depth) + "-bit " + std::to_string(c.chroma) + ").");
  }
  if ((c.width % 2 || c.height % 2) && (c.family == "h264" || c.family == "hevc" || svt) && c.chroma == 420) {
    return Unsupported(std::string(codec->name) + " needs an even width and height for 4:2:0; received " +
                       std::to_string(c.width) + "x" + std::to_string(c.height) + ".");
  }
  if (svt && (c.width < 64 || c.height < 64)) {
    return Unsupported("libsvtav1 encodes frames of at least 64x64; received " + std::to_string(c.width) + "x" +
                       std::to_string(c.height) + ".");
  }

  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  ctx->width = static_cast<int>(c.width);
  ctx->height = static_cast<int>(c.height);
  ctx->pix_fmt = fmt;
  const double fps = c.framerate > 0 ? c.framerate : 30;
  ctx->framerate = av_d2q(fps, 1 << 16);
  // Frame-index timestamps at the configured rate: every library's rate
  // control assumes a frame lasts one tick.
  ctx->time_base = av_inv_q(ctx->framerate);
  ctx->thread_count = 0;
  // Parameter sets go to extradata: the avcC/hvcC description, the exact
  // codec string, and (for Annex B) the headers prepended to key frames.
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  ctx->sample_aspect_ratio = AVRational{1, 1};

  // The libraries take kbit/s: below 1 kbit/s the target would round to 0,
  // which libvpx's VP8 meets by dropping every frame.
  const int64_t bitrate = c.bitrate > 0 ? std::max<int64_t>(c.bitrate, 1000) : 0;
  switch (c.rate_mode) {
    case RateMode::kVariable:
      if (bitrate) ctx->bit_rate = bitrate;
      else if (c.family == "vp8") ctx->bit_rate = DefaultBitrate(c, fps);  // VP8 has no constant-quality mode
      else if (c.family == "vp9") av_dict_set(o, "crf", "32", 0);  // constant quality
      break;
    case RateMode::kConstant: {
      const int64_t rate = bitrate ? bitrate : DefaultBitrate(c, fps);
      ctx->bit_rate = rate;
      // SVT-AV1's CBR (rc=2, SetUpSvtAv1) takes the target alone: a maximum
      // rate, which it reads as capped CRF's, must exceed it (equal: it
      // refuses the configuration).
      if (svt) break;
      ctx->rc_min_rate = ctx->rc_max_rate = rate;
      ctx->rc_buffer_size = static_cast<int>(std::min<int64_t>(rate, INT32_MAX));
      break;
    }
    case RateMode::kQuantizer:
      if (svt) {
        // FFmpeg's wrapper applies qp only above 0 (0 fell back to its
        // default rate control); 1 is SVT-AV1's finest.
        av_dict_set_int(o, "qp", std::max(quantizer, 1), 0);
      } else if (c.family == "vp9" || aom) {
        // Constant-quality mode pinned to one quantizer.
        ctx->bit_rate = 0;
        ctx->qmin = ctx->qmax = quantizer;
        av_dict_set_int(o, "crf", quantizer, 0);
      }
      break;  // x264 and x265: SetUpX264 / SetUpX265
  }

  if (c.family == "h264") SetUpX264(c, quantizer, ctx.get(), o);
  else if (c.family == "hevc") SetUpX265(c, quantizer, ctx.get(), o);
  else if (c.family == "vp8" || c.family == "vp9") SetUpVpx(c, ctx.get(), o, c.family == "vp9");
  else if (svt) SetUpSvtAv1(c, o);
  else if (aom) SetUpAom(c, o);

  *codec_out = codec;
  *ctx_out = std::move(ctx);
  *input_format = fmt;
  return Status::Ok();
}

}  // namespace wcn
