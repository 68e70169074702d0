#include "core/video_decoder.h"

#include <cstring>

#include "core/bitstream.h"
#include "core/decode_loop.h"
#include "core/frame_copy.h"
#include "core/keyframe.h"
#include "core/limits.h"
#include "core/log.h"

namespace wcn {

namespace {

// Bound on remembered durations, in case a decoder drops frames silently.
constexpr size_t kMaxTrackedDurations = 1024;

}  // namespace

const AVCodec* FindVideoDecoder(const std::string& family) {
  const auto first = [](std::initializer_list<const char*> names) -> const AVCodec* {
    for (const char* name : names) {
      if (const AVCodec* c = avcodec_find_decoder_by_name(name)) return c;
    }
    return nullptr;
  };
  if (family == "h264") return avcodec_find_decoder(AV_CODEC_ID_H264);
  if (family == "hevc") return avcodec_find_decoder(AV_CODEC_ID_HEVC);
  // libvpx (as browsers use) reports truncated and corrupt VP9 frames that
  // FFmpeg's own decoder conceals into garbage frames. For VP8 neither
  // finds much (1 in 32 bit flips against 1 in 10), and FFmpeg's decodes
  // on frame threads in 0.6 of libvpx's time, as fast as the ffmpeg CLI.
  if (family == "vp8") return first({"vp8", "libvpx"});
  if (family == "vp9") return first({"libvpx-vp9", "vp9"});
  // dav1d is the fastest AV1 decoder; FFmpeg's own needs hardware.
  if (family == "av1") return first({"libdav1d", "libaom-av1"});
  return nullptr;
}

namespace {

// Whether `codec` lists the codec string's profile among those it decodes
// (codecs without a profile list decode every profile).
bool DecodesProfile(const AVCodec* codec, int profile) {
  if (profile < 0 || !codec->profiles) return true;
  for (const AVProfile* p = codec->profiles; p->profile != FF_PROFILE_UNKNOWN; p++) {
    // H.264 variants (constrained, intra) share the profile_idc in the low bits.
    if ((p->profile & 0xff) == profile) return true;
  }
  return false;
}

Status Unsupported(std::string why) { return Status::Error(ErrorKind::kNotSupportedError, std::move(why)); }

// A VP8 key frame codes each macroblock's luma and chroma modes in its first
// partition with fixed probabilities (RFC 6386 11.2-11.4), at least 1.76
// bits per macroblock; 1.5 leaves room for the coder's rounding.
constexpr uint64_t kVp8MinHalfBitsPerMacroblock = 3;

// libvpx allocates for the size a header declares before it decodes
// anything (and before FFmpeg's max_pixels applies): sizes beyond the
// limits, and VP8 key frames too short for the size they declare (a 1 KB
// chunk declaring 16383x16383 cost 900 MB), fail here instead. (FFmpeg's
// VP8 decoder allocates as it decodes, but gets the same checks, which keep
// to what any decoder of the chunk would see.)
Status CheckDeclaredSize(const std::string& family, const uint8_t* data, size_t size) {
  const auto error = [](std::string why) { return Status::Error(ErrorKind::kEncodingError, std::move(why)); };
  if (family == "vp9") {
    const FrameSize s = Vp9DeclaredSize(data, size);
    if (!WithinFrameLimits(s.width, s.height)) {
      return error("The chunk declares a " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                   " frame; frames must be " + FrameLimitText() + ".");
    }
  } else if (family == "vp8") {
    const std::optional<Vp8KeyFrame> key = ReadVp8KeyFrame(data, size);
    if (!key) return Status::Ok();
    const uint64_t macroblocks = uint64_t{(key->size.width + 15) / 16} * ((key->size.height + 15) / 16);
    const uint64_t available = size - 10;  // after the frame tag, start code and size
    if (key->first_partition_bytes > available) {
      return error("The VP8 key frame is cut short: its first partition has " +
                   std::to_string(key->first_partition_bytes) + " bytes, the chunk " + std::to_string(available) +
                   " after its header.");
    }
    if (uint64_t{key->first_partition_bytes} * 16 < macroblocks * kVp8MinHalfBitsPerMacroblock) {
      return error("The VP8 key frame declares " + std::to_string(key->size.width) + "x" +
                   std::to_string(key->size.height) + " (" + std::to_string(macroblocks) +
                   " macroblocks), more than its " + std::to_string(key->first_partition_bytes) +
                   "-byte first partition can code.");
    }
  }
  return Status::Ok();
}

}  // namespace

Status VideoDecoderEngine::Configure(const Config& config, Emitter& emit) {
  // Frames the old decoder still holds (reordering, frame threads) belong
  // to chunks decoded before this configure(): deliver them, as a flush
  // would. Corrupt data found only now ends with the old decoder.
  if (ctx_) (void)Flush(emit);
  Reset();
  if (!WithinFrameLimits(config.coded_width, config.coded_height)) {
    return Unsupported("A coded size of " + std::to_string(config.coded_width) + "x" +
                       std::to_string(config.coded_height) + " is beyond what this decoder accepts (" +
                       FrameLimitText() + ").");
  }
  const AVCodec* codec = FindVideoDecoder(config.family);
  if (!codec) return Unsupported("No decoder for " + config.family + " in this FFmpeg build.");
  if (!DecodesProfile(codec, config.profile)) {
    return Unsupported(std::string("The ") + codec->name + " decoder cannot decode profile " +
                       std::to_string(config.profile) + ".");
  }
  // Only AVC and HEVC use a description (avcC/hvcC); the other registrations
  // say it is not used, so it is ignored rather than handed to the decoder.
  const bool hevc = config.family == "hevc";
  const bool uses_description = config.family == "h264" || hevc;
  int length_size = 0;
  if (uses_description && !config.description.empty()) {
    const char* record = hevc ? "HEVCDecoderConfigurationRecord (hvcC)" : "AVCDecoderConfigurationRecord (avcC)";
    if (config.description.size() > kMaxDescriptionBytes) {
      return Unsupported(std::string("The description is ") + std::to_string(config.description.size()) +
                         " bytes; an " + record + " of at most " + std::to_string(kMaxDescriptionBytes) +
                         " bytes is accepted.");
    }
    std::string why;
    const uint8_t* d = config.description.data();
    const size_t n = config.description.size();
    length_size = hevc ? HvcCLengthSize(d, n, &why) : AvcCLengthSize(d, n, &why);
    if (length_size == 0) return Unsupported(std::string("The description is not a valid ") + record + ": " + why + ".");
  }
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  if (uses_description && !config.description.empty()) {
    ctx->extradata = static_cast<uint8_t*>(av_mallocz(config.description.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!ctx->extradata) throw std::bad_alloc();
    std::memcpy(ctx->extradata, config.description.data(), config.description.size());
    ctx->extradata_size = static_cast<int>(config.description.size());
  }
  ctx->pkt_timebase = AVRational{1, 1000000};
  ctx->width = static_cast<int>(config.coded_width);
  ctx->height = static_cast<int>(config.coded_height);
  // Cropping is reported as the visible rect instead of applied, so coded
  // size and visibleRect are what the stream says.
  ctx->apply_cropping = 0;
  // Corrupt input must surface as EncodingError rather than as concealed,
  // garbage frames; checksums a stream carries (HEVC picture hash SEI) are
  // verified.
  ctx->err_recognition = AV_EF_EXPLODE | AV_EF_CRCCHECK;
  // Frame threads add a frame of latency per thread; latency-sensitive users
  // get slice threads only.
  ctx->thread_count = config.threads;
  ctx->thread_type = config.optimize_for_latency ? FF_THREAD_SLICE : (FF_THREAD_FRAME | FF_THREAD_SLICE);
  if (config.optimize_for_latency) ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
  AVDictionary* opts = nullptr;
  av_dict_set_int(&opts, "max_pixels", static_cast<int64_t>(kMaxPixels), 0);
  if (config.optimize_for_latency && std::strcmp(codec->name, "libdav1d") == 0) {
    av_dict_set_int(&opts, "max_frame_delay", 1, 0);
  }
  const int err = avcodec_open2(ctx.get(), codec, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    return Unsupported(std::string("The ") + codec->name + " decoder rejected the configuration: " + AvErrorText(err) +
                       ".");
  }
  family_ = config.family;
  length_size_ = length_size;
  ctx_ = std::move(ctx);
  scratch_ = AllocFrame();
  return Status::Ok();
}

Status VideoDecoderEngine::Process(Work& work, Emitter& emit) {
  ClearLastLogError();
  AVPacket* pkt = work.packet.get();
  if (Status s = CheckChunk(work); !s.ok()) return s;
  if (length_size_ > 0 && !SplitLengthPrefixed(pkt->data, static_cast<size_t>(pkt->size), length_size_, nullptr)) {
    // FFmpeg skips what does not parse; with a description the chunk must be
    // NAL units with lengths of the size the description gives.
    return Status::Error(ErrorKind::kEncodingError,
                         "The chunk is not NAL units with " + std::to_string(length_size_) +
                             "-byte lengths, as its description says: a length runs past the end.");
  }
  if (family_ == "av1" && !SplitAv1Obus(pkt->data, static_cast<size_t>(pkt->size), nullptr)) {
    // dav1d ignores the forbidden bit, and so took random bytes for an OBU
    // of a reserved type: a chunk that decoded to nothing, unreported.
    return Status::Error(ErrorKind::kEncodingError,
                         "The chunk is not AV1 OBUs: a header has its forbidden bit set, or a size runs past the end.");
  }
  if (Status s = CheckDeclaredSize(family_, pkt->data, static_cast<size_t>(pkt->size)); !s.ok()) return s;
  if (durations_.size() >= kMaxTrackedDurations) durations_.erase(durations_.begin());
  durations_.emplace(pkt->pts, work.duration);
  return SendPacket(ctx_.get(), pkt, [&] { return Receive(emit); });
}

Status VideoDecoderEngine::Flush(Emitter& emit) {
  Status s = DrainDecoder(ctx_.get(), [&] { return Receive(emit); });
  durations_.clear();
  return s;
}

void VideoDecoderEngine::Reset() {
  ctx_.reset();
  family_.clear();
  length_size_ = 0;
  durations_.clear();
}

Status VideoDecoderEngine::Receive(Emitter& emit) {
  return ReceiveFrames(ctx_.get(), scratch_.get(), [&](FramePtr frame) { return Deliver(std::move(frame), emit); });
}

Status VideoDecoderEngine::Deliver(FramePtr frame, Emitter& emit) {
  DecodedVideo out;
  // The chunk's own timestamp: FFmpeg carries each packet's pts to the
  // picture it holds. best_effort_timestamp would switch to the packets'
  // order (our dts) once pts looked non-monotonic, as chunks timestamped in
  // decode order are.
  out.timestamp = frame->pts != AV_NOPTS_VALUE ? frame->pts : frame->best_effort_timestamp;
  if (auto it = durations_.find(out.timestamp); it != durations_.end()) {
    out.duration = it->second;
    durations_.erase(it);
  }
  const bool full_range = IsFullRange(*frame);
  std::optional<PixelFormat> format = ToSpecFormat(frame, /*gray_as_rgb=*/false, sws_);
  if (!format) {
    return Status::Error(ErrorKind::kEncodingError, std::string("Decoded frames in ") +
                                                        av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format)) +
                                                        " cannot be converted.");
  }
  const uint64_t w = static_cast<uint64_t>(frame->width);
  const uint64_t h = static_cast<uint64_t>(frame->height);
  Rect visible{frame->crop_left, frame->crop_top, w - frame->crop_left - frame->crop_right,
               h - frame->crop_top - frame->crop_bottom};
  if (frame->crop_left + frame->crop_right >= w || frame->crop_top + frame->crop_bottom >= h) visible = Rect{0, 0, w, h};
  // The spec needs the rect's origin on a chroma sample; widen it if not.
  const uint64_t ax = PlaneSubsampleX(*format, 1), ay = PlaneSubsampleY(*format, 1);
  if (Info(*format).planes > 1) {
    visible.width += visible.x % ax;
    visible.x -= visible.x % ax;
    visible.height += visible.y % ay;
    visible.y -= visible.y % ay;
  }
  out.visible = visible;
  out.display_width = static_cast<uint32_t>(visible.width);
  out.display_height = static_cast<uint32_t>(visible.height);
  const AVRational sar = frame->sample_aspect_ratio;
  if (sar.num > 0 && sar.den > 0 && sar.num != sar.den) {
    // Pixel aspect ratio widens (or narrows) the display width.
    out.display_width = static_cast<uint32_t>(av_rescale(visible.width, sar.num, sar.den));
    if (out.display_width == 0) out.display_width = 1;
  }
  out.color.primaries = frame->color_primaries;
  out.color.transfer = frame->color_trc;
  out.color.matrix = frame->colorspace;
  if (family_ == "vp9" && out.color.primaries == AVCOL_PRI_UNSPECIFIED && out.color.transfer == AVCOL_TRC_UNSPECIFIED) {
    // A VP9 header names one colour space, which FFmpeg reports as the
    // matrix only; it stands for primaries and transfer too (as Chromium
    // and libvpx read it), so frames of a VP9 stream say all three.
    switch (out.color.matrix) {
      case AVCOL_SPC_BT709:
        out.color.primaries = AVCOL_PRI_BT709;
        out.color.transfer = AVCOL_TRC_BT709;
        break;
      case AVCOL_SPC_BT470BG:  // VP9's CS_BT_601
      case AVCOL_SPC_SMPTE170M:
        out.color.primaries = AVCOL_PRI_SMPTE170M;
        out.color.transfer = AVCOL_TRC_SMPTE170M;
        break;
      case AVCOL_SPC_RGB:  // CS_SRGB
        out.color.primaries = AVCOL_PRI_BT709;
        out.color.transfer = AVCOL_TRC_IEC61966_2_1;
        break;
      case AVCOL_SPC_BT2020_NCL:
        out.color.primaries = AVCOL_PRI_BT2020;
        break;
      default:
        break;
    }
  }
  // H.264 and HEVC infer video_full_range_flag 0 when the VUI leaves it out
  // (FFmpeg says unspecified); the other codecs' headers always say.
  if (frame->color_range != AVCOL_RANGE_UNSPECIFIED || full_range || family_ == "h264" || family_ == "hevc") {
    out.color.full_range = full_range;
  }
  out.format = *format;
  out.frame = std::move(frame);
  emit.Output(std::move(out));
  return Status::Ok();
}

}  // namespace wcn
