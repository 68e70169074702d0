#include "core/video_encoder.h"

#include <cstring>

#include "core/bitstream.h"
#include "core/frame_copy.h"
#include "core/log.h"

namespace wcn {

namespace {

// Used in quantizer mode until a frame brings its own quantizer.
int DefaultQuantizer(const std::string& family) { return family == "h264" || family == "hevc" ? 26 : 32; }

bool SameColor(const ColorInfo& a, const ColorInfo& b) {
  return a.primaries == b.primaries && a.transfer == b.transfer && a.matrix == b.matrix &&
         a.full_range == b.full_range;
}

// Bytes of `side` (a Matroska BlockAdditional) after its 8-byte BlockAddID:
// libvpx's encoding of the alpha plane.
PacketPtr AlphaFrom(const AVPacket& pkt) {
  size_t size = 0;
  const uint8_t* side = av_packet_get_side_data(&pkt, AV_PKT_DATA_MATROSKA_BLOCKADDITIONAL, &size);
  if (!side || size <= 8) return nullptr;
  PacketPtr alpha = AllocPacket();
  if (av_new_packet(alpha.get(), static_cast<int>(size - 8)) < 0) throw std::bad_alloc();
  std::memcpy(alpha->data, side + 8, size - 8);
  return alpha;
}

// The temporal layer of an output chunk (only with temporalLayers > 1).
int TemporalLayerOf(const std::string& family, const AVPacket& pkt, int layers) {
  if (family == "vp8" || family == "vp9") {
    // libvpx cycles through ts_layer_id by frame: 0,1 or 0,2,1,2.
    static constexpr int kTwo[] = {0, 1};
    static constexpr int kThree[] = {0, 2, 1, 2};
    const int64_t n = pkt.pts < 0 ? 0 : pkt.pts;
    return layers == 2 ? kTwo[n % 2] : kThree[n % 4];
  }
  return TemporalLayerOfPicture(family == "hevc", pkt.data, static_cast<size_t>(pkt.size), 0, layers);
}

PacketPtr PacketFrom(const std::vector<uint8_t>& bytes) {
  PacketPtr pkt = AllocPacket();
  if (av_new_packet(pkt.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
  std::memcpy(pkt->data, bytes.data(), bytes.size());
  return pkt;
}

}  // namespace

Status VideoEncoderEngine::Configure(const Config& config, Emitter& emit) {
  // Outputs still inside the previous encoder belong before the new
  // configuration takes effect.
  if (ctx_ && !needs_open_) {
    if (Status s = Drain(emit); !s.ok()) return s;
  }
  Reset();
  config_ = config;
  quantizer_ = config.rate_mode == RateMode::kQuantizer ? DefaultQuantizer(config.family) : -1;
  // Until the first frame says otherwise, the stream is tagged BT.709.
  color_ = ColorInfo{AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709, false};
  scratch_ = AllocPacket();
  return Open();
}

Status VideoEncoderEngine::Open() {
  CloseEncoder();
  superframe_.reset();
  sent_config_.reset();
  AVDictionary* opts = nullptr;
  Status s = SetUpVideoEncoder(config_, &codec_, &ctx_, &opts, &input_format_);
  if (!s.ok()) {
    av_dict_free(&opts);
    return s;
  }
  ctx_->color_primaries = color_.primaries;
  ctx_->color_trc = color_.transfer;
  ctx_->colorspace = color_.matrix;
  ctx_->color_range = color_.full_range.value_or(false) ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  if (quantizer_ >= 0) {
    // A fixed quantizer for the whole frame range.
    if (config_.family == "h264") {
      av_dict_set_int(&opts, "qp", quantizer_, 0);
    } else if (config_.family == "hevc") {
      std::string params;
      if (AVDictionaryEntry* e = av_dict_get(opts, "x265-params", nullptr, 0)) params = std::string(e->value) + ":";
      av_dict_set(&opts, "x265-params", (params + "qp=" + std::to_string(quantizer_)).c_str(), 0);
    } else if (std::string(codec_->name) == "libsvtav1") {
      av_dict_set_int(&opts, "qp", quantizer_, 0);
    } else {
      ctx_->qmin = ctx_->qmax = quantizer_;
    }
  }
  const int err = avcodec_open2(ctx_.get(), codec_, &opts);
  av_dict_free(&opts);
  if (err < 0) {
    ctx_.reset();
    return Status::Error(ErrorKind::kNotSupportedError, std::string(codec_->name) +
                                                            " rejected the configuration: " + AvErrorText(err) + ".");
  }
  if (config_.family == "vp9") {
    const AVBitStreamFilter* bsf = av_bsf_get_by_name("vp9_superframe");
    AVBSFContext* raw = nullptr;
    if (!bsf || av_bsf_alloc(bsf, &raw) < 0) throw std::bad_alloc();
    superframe_.reset(raw);
    avcodec_parameters_from_context(superframe_->par_in, ctx_.get());
    superframe_->time_base_in = ctx_->time_base;
    if (av_bsf_init(superframe_.get()) < 0) superframe_.reset();
  }
  needs_open_ = false;
  frames_sent_ = 0;
  return Status::Ok();
}

Status VideoEncoderEngine::SetQuantizer(int quantizer) {
  if (quantizer == quantizer_) return Status::Ok();
  quantizer_ = quantizer;
  if (config_.family == "h264") {
    // libx264 reconfigures itself when its qp option changes between frames.
    av_opt_set_int(ctx_->priv_data, "qp", quantizer, 0);
    return Status::Ok();
  }
  // The other wrappers fix the quantizer when they open.
  needs_open_ = true;
  return Status::Ok();
}

Status VideoEncoderEngine::Process(Work& work, Emitter& emit) {
  ClearLastLogError();
  if (!ctx_) return Status::Error(ErrorKind::kInvalidStateError, "The encoder is not configured.");
  // The stream is tagged with the colour space of the frames it carries,
  // which the libraries write into the headers when they open.
  ColorInfo color = work.color;
  if (!Info(work.format).yuv) color = ColorInfo{AVCOL_PRI_BT709, AVCOL_TRC_BT709, AVCOL_SPC_BT709, false};
  if (!color_known_) {
    color_known_ = true;
    if (!SameColor(color, color_)) {
      color_ = color;
      needs_open_ = true;
    }
  }
  if (config_.rate_mode == RateMode::kQuantizer) {
    const int q = work.quantizer >= 0 ? work.quantizer : quantizer_;
    if (q != quantizer_) {
      if (config_.family != "h264" && ctx_ && !needs_open_) {
        if (Status s = Drain(emit); !s.ok()) return s;
      }
      if (Status s = SetQuantizer(q); !s.ok()) return s;
    }
  }
  if (work.key_frame && frames_sent_ > 0 && !needs_open_ && std::string(codec_->name) == "libsvtav1") {
    // SVT-AV1 (1.4) ignores key frame requests; a fresh encoder starts with
    // one, so finish this one and open another.
    if (Status s = Drain(emit); !s.ok()) return s;
  }
  if (needs_open_) {
    if (Status s = Open(); !s.ok()) return s;
  }
  FramePtr input;
  if (Status s = Prepare(work, &input); !s.ok()) return s;
  input->pts = next_pts_++;
  timing_[input->pts] = Timing{work.timestamp, work.duration};
  input->pict_type = work.key_frame ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  const int err = avcodec_send_frame(ctx_.get(), input.get());
  if (err < 0) return CodecFailure("Encoding failed", err);
  frames_sent_++;
  return Receive(emit);
}

Status VideoEncoderEngine::Prepare(Work& work, FramePtr* out) {
  const AVFrame& src = *work.frame;
  const PixelFormatInfo& info = Info(work.format);
  // Formats FFmpeg lacks (I420AP12) are read through their opaque layout.
  const AVPixelFormat src_av = info.av != AV_PIX_FMT_NONE ? info.av : Info(info.opaque).av;
  const Rect& v = work.visible;
  const bool same_size = v.width == config_.width && v.height == config_.height;
  // Dropping alpha keeps the first three planes as they are.
  const bool opaque_view = !config_.keep_alpha && Info(info.opaque).av == input_format_;
  if (same_size && (src_av == input_format_ || opaque_view)) {
    // The frame's own planes, cropped to the visible rect: no copy.
    FramePtr view = RefFrame(&src);
    view->format = input_format_;
    view->width = static_cast<int>(v.width);
    view->height = static_cast<int>(v.height);
    for (int p = 0; p < Info(work.format).planes && p < 4; p++) {
      if (!view->data[p]) continue;
      view->data[p] += (v.y / PlaneSubsampleY(work.format, p)) * src.linesize[p] +
                       (v.x / PlaneSubsampleX(work.format, p)) * PlaneSampleBytes(work.format, p);
    }
    if (!config_.keep_alpha || !(av_pix_fmt_desc_get(input_format_)->flags & AV_PIX_FMT_FLAG_ALPHA)) {
      view->data[3] = nullptr;
      view->linesize[3] = 0;
    }
    *out = std::move(view);
    return Status::Ok();
  }
  // Convert (and scale) into a pooled frame of the encoder's format.
  const std::optional<PixelFormat> target = FromAVPixelFormat(input_format_);
  FramePtr converted = AllocatePooledFrame(*target, config_.width, config_.height);
  FramePtr view = RefFrame(&src);
  view->format = src_av;
  view->width = static_cast<int>(v.width);
  view->height = static_cast<int>(v.height);
  for (int p = 0; p < info.planes; p++) {
    view->data[p] += (v.y / PlaneSubsampleY(work.format, p)) * src.linesize[p] +
                     (v.x / PlaneSubsampleX(work.format, p)) * PlaneSampleBytes(work.format, p);
  }
  // RGB input becomes BT.709 limited range; YUV input keeps its matrix.
  const AVColorSpace matrix = info.yuv ? work.color.matrix : AVCOL_SPC_BT709;
  const bool src_full = info.yuv ? work.color.full_range.value_or(false) : true;
  const SwsKey key{view->width, view->height, static_cast<int>(config_.width), static_cast<int>(config_.height),
                   src_av, input_format_, SwsColorspaceFor(matrix), src_full, info.yuv ? src_full : false,
                   SWS_BICUBIC};
  SwsContext* sws = sws_.Get(key);
  if (!sws) {
    return Status::Error(ErrorKind::kNotSupportedError, std::string("Frames in ") + info.name +
                                                            " cannot be converted for this encoder.");
  }
  const int err = sws_scale_frame(sws, converted.get(), view.get());
  if (err < 0) return CodecFailure("Converting the frame for the encoder failed", err);
  *out = std::move(converted);
  return Status::Ok();
}

Status VideoEncoderEngine::Receive(Emitter& emit) {
  for (;;) {
    int err = avcodec_receive_packet(ctx_.get(), scratch_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
    if (err < 0) return CodecFailure("Encoding failed", err);
    PacketPtr pkt = AllocPacket();
    av_packet_move_ref(pkt.get(), scratch_.get());
    if (!superframe_) {
      if (Status s = EmitPacket(std::move(pkt), emit); !s.ok()) return s;
      continue;
    }
    if ((err = av_bsf_send_packet(superframe_.get(), pkt.get())) < 0) return CodecFailure("Encoding failed", err);
    while ((err = av_bsf_receive_packet(superframe_.get(), scratch_.get())) >= 0) {
      PacketPtr merged = AllocPacket();
      av_packet_move_ref(merged.get(), scratch_.get());
      if (Status s = EmitPacket(std::move(merged), emit); !s.ok()) return s;
    }
    if (err != AVERROR(EAGAIN) && err != AVERROR_EOF) return CodecFailure("Encoding failed", err);
  }
  return Status::Ok();
}

Status VideoEncoderEngine::Drain(Emitter& emit) {
  // Nothing to drain; SVT-AV1 never answers end-of-stream without a frame.
  if (frames_sent_ == 0) return Status::Ok();
  int err = avcodec_send_frame(ctx_.get(), nullptr);
  if (err < 0 && err != AVERROR_EOF) return CodecFailure("Flushing the encoder failed", err);
  if (Status s = Receive(emit); !s.ok()) return s;
  if (superframe_) {
    av_bsf_send_packet(superframe_.get(), nullptr);
    while (av_bsf_receive_packet(superframe_.get(), scratch_.get()) >= 0) {
      PacketPtr merged = AllocPacket();
      av_packet_move_ref(merged.get(), scratch_.get());
      if (Status s = EmitPacket(std::move(merged), emit); !s.ok()) return s;
    }
  }
  // A drained encoder takes no more frames; the next one reopens it.
  needs_open_ = true;
  timing_.clear();
  return Status::Ok();
}

Status VideoEncoderEngine::Flush(Emitter& emit) {
  if (!ctx_ || needs_open_) return Status::Ok();
  return Drain(emit);
}

void VideoEncoderEngine::CloseEncoder() {
  if (ctx_ && !needs_open_ && std::string(codec_->name) == "libsvtav1") {
    // SVT-AV1 (1.4) hangs when freed before end-of-stream, and never answers
    // end-of-stream when it has seen no frame; give it one, then drain it.
    // What comes out belongs to the configuration being dropped.
    if (frames_sent_ == 0) {
      FramePtr blank = AllocatePooledFrame(*FromAVPixelFormat(input_format_), config_.width, config_.height);
      for (int p = 0; p < 4 && blank->buf[p]; p++) std::memset(blank->buf[p]->data, 0, blank->buf[p]->size);
      blank->pts = 0;
      avcodec_send_frame(ctx_.get(), blank.get());
    }
    if (avcodec_send_frame(ctx_.get(), nullptr) >= 0) {
      while (avcodec_receive_packet(ctx_.get(), scratch_.get()) >= 0) av_packet_unref(scratch_.get());
    }
  }
  ctx_.reset();
}

void VideoEncoderEngine::Reset() {
  CloseEncoder();
  superframe_.reset();
  timing_.clear();
  sent_config_.reset();
  needs_open_ = false;
  color_known_ = false;
  next_pts_ = 0;
}

Status VideoEncoderEngine::EmitPacket(PacketPtr pkt, Emitter& emit) {
  EncodedChunkOutput out;
  if (auto it = timing_.find(pkt->pts); it != timing_.end()) {
    out.timestamp = it->second.timestamp;
    out.duration = it->second.duration;
    timing_.erase(it);
  }
  out.key = pkt->flags & AV_PKT_FLAG_KEY;
  const bool parameter_sets = config_.family == "h264" || config_.family == "hevc";
  const uint8_t* extradata = ctx_->extradata;
  const size_t extradata_size = static_cast<size_t>(ctx_->extradata_size);
  if (config_.keep_alpha) out.alpha = AlphaFrom(*pkt);
  if (config_.temporal_layers > 1) out.temporal_layer = TemporalLayerOf(config_.family, *pkt, config_.temporal_layers);

  EncodedStreamConfig stream;
  stream.color = color_;
  if (parameter_sets) {
    stream.record = BuildConfigRecord(ctx_->codec_id, extradata, extradata_size);
    if (stream.record.empty()) {
      return Status::Error(ErrorKind::kEncodingError, "The encoder produced no usable parameter sets.");
    }
    if (!config_.annexb) stream.description = stream.record;
    std::vector<uint8_t> bytes;
    if (config_.annexb) {
      // In-band parameter sets on every key frame, so each is a random access point.
      if (out.key) {
        bytes.assign(extradata, extradata + extradata_size);
        bytes.insert(bytes.end(), pkt->data, pkt->data + pkt->size);
        pkt = PacketFrom(bytes);
      }
    } else {
      if (!AnnexBToLengthPrefixed(pkt->data, static_cast<size_t>(pkt->size), &bytes)) {
        return Status::Error(ErrorKind::kEncodingError, "The encoder produced a chunk without start codes.");
      }
      pkt = PacketFrom(bytes);
    }
  } else if (config_.family == "av1" && extradata_size > 0) {
    stream.record.assign(extradata, extradata + extradata_size);
  }
  if (!sent_config_ || !(*sent_config_ == stream)) {
    sent_config_ = stream;
    out.config = std::move(stream);
  }
  out.packet = std::move(pkt);
  emit.Output(std::move(out));
  return Status::Ok();
}

}  // namespace wcn
