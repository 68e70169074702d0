#include "core/video_decoder.h"

#include <cstring>

#include "core/decode_loop.h"
#include "core/frame_copy.h"
#include "core/log.h"
#include "core/limits.h"

namespace wcn {

namespace {

// Bound on remembered durations, in case a decoder drops frames silently.
constexpr size_t kMaxTrackedDurations = 1024;

// The spec format closest to an FFmpeg format that has none, so every
// decoded frame has a usable VideoPixelFormat.
PixelFormat NearestFormat(AVPixelFormat av) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(av);
  if (!d) return PixelFormat::kI420;
  const bool alpha = d->flags & AV_PIX_FMT_FLAG_ALPHA;
  if (d->flags & AV_PIX_FMT_FLAG_RGB) return alpha ? PixelFormat::kRGBA : PixelFormat::kRGBX;
  const int depth = d->comp[0].depth;
  const bool h_sub = d->log2_chroma_w > 0;
  const bool v_sub = d->log2_chroma_h > 0;
  using P = PixelFormat;
  // Rows: 4:2:0, 4:2:2, 4:4:4 (grey and others map to 4:2:0).
  static constexpr P kTable[3][3][2] = {
      {{P::kI420, P::kI420A}, {P::kI420P10, P::kI420AP10}, {P::kI420P12, P::kI420AP12}},
      {{P::kI422, P::kI422A}, {P::kI422P10, P::kI422AP10}, {P::kI422P12, P::kI422AP12}},
      {{P::kI444, P::kI444A}, {P::kI444P10, P::kI444AP10}, {P::kI444P12, P::kI444AP12}},
  };
  const int layout = d->nb_components < 3 ? 0 : (h_sub && v_sub) ? 0 : h_sub ? 1 : 2;
  const int bits = depth <= 8 ? 0 : depth <= 10 ? 1 : 2;
  P p = kTable[layout][bits][alpha ? 1 : 0];
  // I420AP12 has no FFmpeg layout to convert into; keep 12-bit opaque.
  if (Info(p).av == AV_PIX_FMT_NONE) p = Info(p).opaque;
  return p;
}

}  // namespace

const AVCodec* FindVideoDecoder(const std::string& family) {
  if (family == "h264") return avcodec_find_decoder(AV_CODEC_ID_H264);
  if (family == "hevc") return avcodec_find_decoder(AV_CODEC_ID_HEVC);
  if (family == "vp8") return avcodec_find_decoder(AV_CODEC_ID_VP8);
  if (family == "vp9") return avcodec_find_decoder(AV_CODEC_ID_VP9);
  if (family == "av1") {
    // dav1d is the fastest AV1 decoder; FFmpeg's own needs hardware.
    for (const char* name : {"libdav1d", "libaom-av1"}) {
      if (const AVCodec* c = avcodec_find_decoder_by_name(name)) return c;
    }
  }
  return nullptr;
}

Status VideoDecoderEngine::Configure(const Config& config, Emitter&) {
  Reset();
  const AVCodec* codec = FindVideoDecoder(config.family);
  if (!codec) {
    return Status::Error(ErrorKind::kNotSupportedError, "No decoder for " + config.family + " in this FFmpeg build.");
  }
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  if (!config.description.empty()) {
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
  // garbage frames.
  ctx->err_recognition = AV_EF_EXPLODE;
  // Frame threads add a frame of latency per thread; latency-sensitive users
  // get slice threads only.
  ctx->thread_count = 0;
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
    return Status::Error(ErrorKind::kNotSupportedError,
                         std::string("The ") + codec->name + " decoder rejected the configuration: " + AvErrorText(err) + ".");
  }
  ctx_ = std::move(ctx);
  scratch_ = AllocFrame();
  return Status::Ok();
}

Status VideoDecoderEngine::Process(Work& work, Emitter& emit) {
  ClearLastLogError();
  AVPacket* pkt = work.packet.get();
  if (pkt->size == 0) {
    // An empty packet would mean end-of-stream to FFmpeg.
    return Status::Error(ErrorKind::kEncodingError, "Empty chunk: a chunk must carry encoded data.");
  }
  if (pkt->duration > 0) {
    if (durations_.size() >= kMaxTrackedDurations) durations_.erase(durations_.begin());
    durations_[pkt->pts] = pkt->duration;
  }
  return SendPacket(ctx_.get(), pkt, [&] { return Receive(emit); });
}

Status VideoDecoderEngine::Flush(Emitter& emit) {
  Status s = DrainDecoder(ctx_.get(), [&] { return Receive(emit); });
  durations_.clear();
  return s;
}

void VideoDecoderEngine::Reset() {
  ctx_.reset();
  durations_.clear();
}

Status VideoDecoderEngine::Receive(Emitter& emit) {
  return ReceiveFrames(ctx_.get(), scratch_.get(), [&](FramePtr frame) { return Deliver(std::move(frame), emit); });
}

Status VideoDecoderEngine::Deliver(FramePtr frame, Emitter& emit) {
  DecodedVideo out;
  out.timestamp = frame->best_effort_timestamp != AV_NOPTS_VALUE ? frame->best_effort_timestamp : frame->pts;
  if (auto it = durations_.find(out.timestamp); it != durations_.end()) {
    out.duration = it->second;
    durations_.erase(it);
  }
  const auto avfmt = static_cast<AVPixelFormat>(frame->format);
  std::optional<PixelFormat> format = FromAVPixelFormat(avfmt);
  const bool full_range = frame->color_range == AVCOL_RANGE_JPEG || avfmt == AV_PIX_FMT_YUVJ420P ||
                          avfmt == AV_PIX_FMT_YUVJ422P || avfmt == AV_PIX_FMT_YUVJ444P;
  if (!format) {
    // No spec format with this layout (grey, 9-bit, planar RGB...): convert
    // once into the nearest one, from the pool.
    const PixelFormat target = NearestFormat(avfmt);
    FramePtr converted = AllocatePooledFrame(target, frame->width, frame->height);
    const SwsKey key{frame->width, frame->height, frame->width, frame->height, avfmt, Info(target).av,
                     SwsColorspaceFor(frame->colorspace), full_range, full_range, SWS_BICUBIC};
    SwsContext* sws = sws_.Get(key);
    if (!sws || sws_scale_frame(sws, converted.get(), frame.get()) < 0) {
      return Status::Error(ErrorKind::kEncodingError,
                           std::string("Decoded frames in ") + av_get_pix_fmt_name(avfmt) + " cannot be converted.");
    }
    av_frame_copy_props(converted.get(), frame.get());
    frame = std::move(converted);
    format = target;
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
  if (frame->color_range != AVCOL_RANGE_UNSPECIFIED || full_range) out.color.full_range = full_range;
  out.format = *format;
  out.frame = std::move(frame);
  emit.Output(std::move(out));
  return Status::Ok();
}

}  // namespace wcn
