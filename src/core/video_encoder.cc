#include "core/video_encoder.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "core/bitstream.h"
#include "core/frame_copy.h"
#include "core/log.h"
#include "core/worker_thread.h"

namespace wcn {

namespace {

// SVT-AV1 (1.4) is not safe to open and close from several threads at once
// (crashes in svt_av1_enc_init_handle were seen with one encoder opening while
// others closed), so its setup and teardown take turns across the process.
std::mutex g_svt_lifecycle;

bool IsSvt(const AVCodec* codec) { return codec && std::strcmp(codec->name, "libsvtav1") == 0; }

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

// libvpx's predefined patterns (ts_layering_mode 2 and 3): the temporal
// layer of each frame of a period, restarting at every key frame.
int VpxLayer(int layers, int index) {
  static constexpr int kTwo[] = {0, 1};
  static constexpr int kThree[] = {0, 2, 1, 2};
  return layers == 2 ? kTwo[index % 2] : kThree[index % 4];
}

// x264 and x265 add the offset of a region of interest covering the whole
// frame to every macroblock's QP; FFmpeg scales it by the QP range.
void AddQuantizerOffset(AVFrame* frame, int offset, int bit_depth) {
  AVFrameSideData* sd = av_frame_new_side_data(frame, AV_FRAME_DATA_REGIONS_OF_INTEREST, sizeof(AVRegionOfInterest));
  if (!sd) throw std::bad_alloc();
  *reinterpret_cast<AVRegionOfInterest*>(sd->data) = AVRegionOfInterest{
      sizeof(AVRegionOfInterest), 0, frame->height, 0, frame->width, AVRational{offset, 51 + 6 * (bit_depth - 8)}};
}

// `prefix` followed by the packet's bytes, in a new packet (one copy).
PacketPtr Prefixed(const uint8_t* prefix, size_t prefix_size, const AVPacket& pkt) {
  PacketPtr out = AllocPacket();
  if (av_new_packet(out.get(), static_cast<int>(prefix_size) + pkt.size) < 0) throw std::bad_alloc();
  std::memcpy(out->data, prefix, prefix_size);
  std::memcpy(out->data + prefix_size, pkt.data, static_cast<size_t>(pkt.size));
  av_packet_copy_props(out.get(), &pkt);
  return out;
}

}  // namespace

Status VideoEncoderEngine::Configure(const Config& config, Emitter& emit) {
  // Outputs still inside the previous encoder belong before the new
  // configuration takes effect.
  if (Status s = Drain(emit); !s.ok()) return s;
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
  config_sent_ = false;
  headers_.clear();
  record_.clear();
  AVDictionary* opts = nullptr;
  open_quantizer_ = config_.rate_mode == RateMode::kQuantizer ? OpeningQuantizer(config_, quantizer_) : -1;
  Status s = SetUpVideoEncoder(config_, open_quantizer_, &codec_, &ctx_, &opts, &input_format_);
  if (!s.ok()) {
    av_dict_free(&opts);
    return s;
  }
  ctx_->color_primaries = color_.primaries;
  ctx_->color_trc = color_.transfer;
  ctx_->colorspace = color_.matrix;
  ctx_->color_range = color_.full_range.value_or(false) ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  ClearLastLogError();
  int err;
  {
    std::unique_lock<std::mutex> lock(g_svt_lifecycle, std::defer_lock);
    if (IsSvt(codec_)) lock.lock();
    err = avcodec_open2(ctx_.get(), codec_, &opts);
  }
  DemoteRealtimeCodecThreads();
  av_dict_free(&opts);
  if (err < 0) {
    ctx_.reset();
    std::string why = AvErrorText(err);
    if (std::string detail = LastLogError(); !detail.empty()) why += " (" + detail + ")";
    return Status::Error(ErrorKind::kNotSupportedError, std::string(codec_->name) + " rejected the configuration: " + why + ".");
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
  drained_ = false;
  frames_sent_ = 0;
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
    if (work.quantizer >= 0) quantizer_ = work.quantizer;
    if (OpeningQuantizer(config_, quantizer_) != open_quantizer_) {
      // libvpx, SVT-AV1 and libaom (and x264 entering or leaving lossless)
      // fix the quantizer when they open: finish this encoder, open another,
      // which starts with a key frame.
      if (Status s = Drain(emit); !s.ok()) return s;
      needs_open_ = true;
    }
  }
  if (work.key_frame && frames_sent_ > 0 && !drained_ && IsSvt(codec_)) {
    // SVT-AV1 (1.4) ignores key frame requests; a fresh encoder starts with
    // one, so finish this one and open another.
    if (Status s = Drain(emit); !s.ok()) return s;
  }
  if (needs_open_) {
    // The configuration was supported when configure() opened the encoder:
    // failing to restart it now is an encoding failure.
    if (Status s = Open(); !s.ok()) return Status::Error(ErrorKind::kEncodingError, s.message);
  }
  FramePtr input;
  if (Status s = Prepare(work, &input); !s.ok()) return s;
  if (config_.rate_mode == RateMode::kQuantizer && quantizer_ != open_quantizer_) {
    AddQuantizerOffset(input.get(), quantizer_ - open_quantizer_, config_.bit_depth);
  }
  input->pts = next_pts_++;
  int layer = -1;
  if (config_.temporal_layers > 1 && (config_.family == "vp8" || config_.family == "vp9")) {
    if (work.key_frame || frames_sent_ == 0) temporal_index_ = 0;
    layer = VpxLayer(config_.temporal_layers, temporal_index_++);
  }
  timing_[input->pts] = Timing{work.timestamp, work.duration, layer};
  input->pict_type = work.key_frame ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  const int err = avcodec_send_frame(ctx_.get(), input.get());
  if (err < 0) return CodecFailure("Encoding failed", err);
  frames_sent_++;
  // The encoder holds what it still needs; our references go now, so the
  // planes are back in their pools before the chunks reach JS (which may
  // build the next frame at once).
  input.reset();
  work.frame.reset();
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
  // Nothing to drain (and SVT-AV1 never answers end-of-stream without a frame).
  if (!ctx_ || drained_ || frames_sent_ == 0) return Status::Ok();
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
  drained_ = true;
  needs_open_ = true;
  timing_.clear();
  return Status::Ok();
}

Status VideoEncoderEngine::Flush(Emitter& emit) { return Drain(emit); }

void VideoEncoderEngine::CloseEncoder() {
  if (!ctx_) return;
  if (!IsSvt(codec_)) {
    ctx_.reset();
    return;
  }
  if (!drained_) {
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
  std::lock_guard<std::mutex> lock(g_svt_lifecycle);
  ctx_.reset();
}

void VideoEncoderEngine::Reset() {
  CloseEncoder();
  superframe_.reset();
  timing_.clear();
  config_sent_ = false;
  needs_open_ = false;
  drained_ = false;
  color_known_ = false;
  next_pts_ = 0;
}

void VideoEncoderEngine::SetHeaders(const uint8_t* data, size_t size) {
  if (headers_.size() == size && std::equal(headers_.begin(), headers_.end(), data)) return;
  headers_.assign(data, data + size);
  // avcC, hvcC or av1C (whose seq_level_idx the output's codec string carries).
  const bool has_record = config_.family == "h264" || config_.family == "hevc" || config_.family == "av1";
  std::vector<uint8_t> record = has_record ? BuildConfigRecord(ctx_->codec_id, data, size) : std::vector<uint8_t>{};
  if (record == record_) return;
  record_ = std::move(record);
  config_sent_ = false;  // a new decoderConfig goes with the next chunk
}

Status VideoEncoderEngine::EmitPacket(PacketPtr pkt, Emitter& emit) {
  EncodedChunkOutput out;
  if (auto it = timing_.find(pkt->pts); it != timing_.end()) {
    out.timestamp = it->second.timestamp;
    out.duration = it->second.duration;
    out.temporal_layer = it->second.temporal_layer;
    timing_.erase(it);
  }
  out.key = pkt->flags & AV_PKT_FLAG_KEY;
  const bool parameter_sets = config_.family == "h264" || config_.family == "hevc";
  // The stream's headers are the encoder's extradata, or (libaom) the side
  // data of the first packet.
  size_t side_size = 0;
  if (const uint8_t* side = av_packet_get_side_data(pkt.get(), AV_PKT_DATA_NEW_EXTRADATA, &side_size)) {
    SetHeaders(side, side_size);
  } else if (headers_.empty() && ctx_->extradata_size > 0) {
    SetHeaders(ctx_->extradata, static_cast<size_t>(ctx_->extradata_size));
  }
  if (config_.keep_alpha) out.alpha = AlphaFrom(*pkt);
  if (config_.temporal_layers > 1 && (config_.family == "h264" || config_.family == "hevc")) {
    out.temporal_layer = TemporalLayerOfPicture(config_.family == "hevc", pkt->data, static_cast<size_t>(pkt->size), 0,
                                                config_.temporal_layers);
  }

  if (parameter_sets) {
    if (record_.empty()) {
      return Status::Error(ErrorKind::kEncodingError, "The encoder produced no usable parameter sets.");
    }
    if (config_.annexb) {
      // In-band parameter sets on every key frame, so each is a random access point.
      if (out.key) pkt = Prefixed(headers_.data(), headers_.size(), *pkt);
    } else if (!AnnexBToLengthPrefixed(&pkt)) {
      return Status::Error(ErrorKind::kEncodingError, "The encoder produced a chunk without start codes.");
    }
  }
  // Sent with the first chunk of an open encoder and when the headers
  // change (the colour only changes when the encoder reopens).
  if (!config_sent_) {
    config_sent_ = true;
    EncodedStreamConfig stream;
    stream.color = color_;
    stream.record = record_;
    if (parameter_sets && !config_.annexb) stream.description = record_;
    out.config = std::move(stream);
  }
  out.packet = std::move(pkt);
  emit.Output(std::move(out));
  return Status::Ok();
}

}  // namespace wcn
