#include "core/muxer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/audio_codec_data.h"
#include "core/bitstream.h"
#include "core/codec_family.h"
#include "core/codec_worker.h"
#include "core/image_source.h"
#include "core/log.h"

namespace wcn {

namespace {

constexpr AVRational kMicroseconds{1, 1000000};
constexpr int kWriteBufferSize = 256 * 1024;
// H.264's largest decoded picture buffer: the deepest reordering a stream
// can declare, assumed when a stream does not say.
constexpr int kMaxReorderDepth = 16;

// MP4 and QuickTime: one muxer, whose options are the movflags.
bool IsMp4Family(const AVOutputFormat* format) {
  return std::strcmp(format->name, "mp4") == 0 || std::strcmp(format->name, "mov") == 0;
}

Status Unsupported(const std::string& message) { return Status::Error(ErrorKind::kNotSupportedError, message); }
Status BadData(const std::string& message) { return Status::Error(ErrorKind::kEncodingError, message); }

std::string TrackName(size_t index) { return "track " + std::to_string(index); }

// Extradata as FFmpeg owns it: av_malloc'ed, zero-padded; null when empty.
uint8_t* PaddedCopy(const std::vector<uint8_t>& bytes, int* size) {
  *size = static_cast<int>(bytes.size());
  if (bytes.empty()) return nullptr;
  auto* data = static_cast<uint8_t*>(av_mallocz(bytes.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!data) throw std::bad_alloc();
  std::memcpy(data, bytes.data(), bytes.size());
  return data;
}

// What the containers store for a registration's description: FLAC's bare
// STREAMINFO, Vorbis headers in FFmpeg's Xiph form, everything else as is.
std::vector<uint8_t> ContainerExtradata(const MuxTrackConfig& t) {
  const std::vector<uint8_t>& d = t.description;
  if (t.codec == AV_CODEC_ID_FLAC && IsFlacDescription(d.data(), d.size())) {
    return std::vector<uint8_t>(d.begin() + 8, d.begin() + 8 + 34);  // "fLaC", block header, STREAMINFO
  }
  if (t.codec == AV_CODEC_ID_VORBIS && !d.empty()) {
    if (auto xiph = VorbisExtradata(d.data(), d.size())) return *xiph;
  }
  return d;
}

AVPixelFormat VideoPixelFormat(const MuxTrackConfig& t) {
  // Only what the muxers read (VP9's vpcC): bit depth and chroma layout.
  const bool high = t.bit_depth > 8;
  switch (t.chroma_subsampling) {
    case 2: return high ? (t.bit_depth > 10 ? AV_PIX_FMT_YUV422P12 : AV_PIX_FMT_YUV422P10) : AV_PIX_FMT_YUV422P;
    case 3: return high ? (t.bit_depth > 10 ? AV_PIX_FMT_YUV444P12 : AV_PIX_FMT_YUV444P10) : AV_PIX_FMT_YUV444P;
    default: return high ? (t.bit_depth > 10 ? AV_PIX_FMT_YUV420P12 : AV_PIX_FMT_YUV420P10) : AV_PIX_FMT_YUV420P;
  }
}

void SetDisplayMatrix(AVStream* st, int rotation, bool flip) {
  int32_t m[9];
  av_display_rotation_set(m, -rotation);  // FFmpeg's angle is counter-clockwise
  if (flip) av_display_matrix_flip(m, 1, 0);
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
  AVPacketSideData* sd = av_packet_side_data_new(&st->codecpar->coded_side_data, &st->codecpar->nb_coded_side_data,
                                                 AV_PKT_DATA_DISPLAYMATRIX, sizeof m, 0);
  uint8_t* data = sd ? sd->data : nullptr;
#else
  uint8_t* data = av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, sizeof m);
#endif
  if (!data) throw std::bad_alloc();
  std::memcpy(data, m, sizeof m);
}

// The parameter sets (H.264/HEVC) or sequence header (AV1) in a key frame,
// as extradata, through FFmpeg's extract_extradata filter.
std::vector<uint8_t> ExtractExtradata(AVCodecID codec, const AVPacket& packet) {
  const AVBitStreamFilter* filter = av_bsf_get_by_name("extract_extradata");
  AVBSFContext* raw = nullptr;
  if (!filter || av_bsf_alloc(filter, &raw) < 0) throw std::bad_alloc();
  BsfPtr bsf(raw);
  bsf->par_in->codec_id = codec;
  bsf->par_in->codec_type = AVMEDIA_TYPE_VIDEO;
  if (av_bsf_init(bsf.get()) < 0) return {};
  PacketPtr in = AllocPacket();
  if (av_packet_ref(in.get(), &packet) < 0) throw std::bad_alloc();
  if (av_bsf_send_packet(bsf.get(), in.get()) < 0) return {};
  PacketPtr out = AllocPacket();
  if (av_bsf_receive_packet(bsf.get(), out.get()) < 0) return {};
  size_t size = 0;
  const uint8_t* data = av_packet_get_side_data(out.get(), AV_PKT_DATA_NEW_EXTRADATA, &size);
  return data ? std::vector<uint8_t>(data, data + size) : std::vector<uint8_t>{};
}

// How many frames an H.264/HEVC stream reorders, as FFmpeg's decoder reads
// it from the sequence parameters while decoding the first key frame (the
// level's largest picture buffer when the stream does not say).
int ReorderDepth(AVCodecID codec, const std::vector<uint8_t>& extradata, const AVPacket& key) {
  const AVCodec* decoder = avcodec_find_decoder(codec);
  if (!decoder) return kMaxReorderDepth;
  CodecContextPtr ctx(avcodec_alloc_context3(decoder));
  if (!ctx) throw std::bad_alloc();
  ctx->strict_std_compliance = FF_COMPLIANCE_STRICT;
  ctx->thread_count = 1;
  ctx->extradata = PaddedCopy(extradata, &ctx->extradata_size);
  if (avcodec_open2(ctx.get(), decoder, nullptr) < 0) return kMaxReorderDepth;
  if (avcodec_send_packet(ctx.get(), &key) < 0) return kMaxReorderDepth;
  FramePtr frame = AllocFrame();
  while (avcodec_receive_frame(ctx.get(), frame.get()) >= 0) av_frame_unref(frame.get());
  return std::clamp(ctx->has_b_frames, 0, kMaxReorderDepth);
}

// An Opus packet that decodes to more samples than its chunk lasts (the
// stream's last, padded to a whole frame): the excess is end trimming for
// the muxer (Matroska's DiscardPadding), in `sample_rate` units.
void MarkOpusPadding(AVPacket* p, int64_t duration, int sample_rate) {
  const int64_t decoded = OpusPacketSamples(p->data, static_cast<size_t>(p->size));
  const int64_t lasts = av_rescale(duration, 48000, 1000000);
  if (decoded <= lasts) return;
  uint8_t* sd = av_packet_new_side_data(p, AV_PKT_DATA_SKIP_SAMPLES, 10);
  if (!sd) throw std::bad_alloc();
  const auto padding = static_cast<uint32_t>(av_rescale(decoded - lasts, sample_rate, 48000));
  std::memset(sd, 0, 10);  // no samples skipped at the start, reasons 0
  for (int i = 0; i < 4; i++) sd[4 + i] = static_cast<uint8_t>(padding >> (8 * i));
}

}  // namespace

// --- DecodeTimestamps -----------------------------------------------------------

std::vector<DecodeTimestamps::Stamped> DecodeTimestamps::Add(int64_t pts, int64_t duration) {
  if (warm_) {
    pending_.push(pts);
    int64_t dts = pending_.top();
    pending_.pop();
    // Equal presentation timestamps would give equal decode timestamps.
    dts = std::max(dts, last_dts_ == INT64_MIN ? dts : last_dts_ + 1);
    last_dts_ = dts;
    return {{pts, dts}};
  }
  warmup_.push_back(pts);
  if (duration > 0) interval_ = interval_ > 0 ? std::min(interval_, duration) : duration;
  if (static_cast<int>(warmup_.size()) <= depth_) return {};
  return Release(false);
}

std::vector<DecodeTimestamps::Stamped> DecodeTimestamps::Finish() {
  std::vector<Stamped> out = warm_ ? std::vector<Stamped>{} : Release(true);
  while (!pending_.empty()) pending_.pop();
  return out;
}

std::vector<DecodeTimestamps::Stamped> DecodeTimestamps::Release(bool finishing) {
  warm_ = true;
  std::vector<Stamped> out;
  if (warmup_.empty()) return out;
  std::vector<int64_t> sorted = warmup_;
  std::sort(sorted.begin(), sorted.end());
  const int n = static_cast<int>(sorted.size());
  // The packets that come before the first presentation timestamp in
  // decode order (at most depth of them) are spaced one interval apart.
  const int lead = std::min(depth_, n - 1 + (finishing ? 0 : 1));
  int64_t interval = interval_;
  if (interval <= 0) {
    for (int i = 1; i < n; i++) {
      const int64_t gap = sorted[i] - sorted[i - 1];
      if (gap > 0 && (interval <= 0 || gap < interval)) interval = gap;
    }
  }
  if (interval <= 0) interval = 1;
  for (int64_t p : warmup_) pending_.push(p);
  for (int i = 0; i < n; i++) {
    int64_t dts;
    if (i < lead) {
      dts = sorted.front() - static_cast<int64_t>(lead - i) * interval;
    } else {
      dts = pending_.top();
      pending_.pop();
    }
    dts = std::max(dts, last_dts_ == INT64_MIN ? dts : last_dts_ + 1);
    last_dts_ = dts;
    out.push_back({warmup_[static_cast<size_t>(i)], dts});
  }
  warmup_.clear();
  return out;
}

// --- MuxEngine --------------------------------------------------------------------

MuxEngine::~MuxEngine() { Reset(); }

void MuxEngine::CloseOutput() {
  if (!output_) return;
  AVIOContext* pb = output_->pb;
  output_->pb = nullptr;
  if (config_.path.empty()) {
    AvioPtr owned(pb);  // our write context and its buffer
  } else {
    avio_closep(&pb);
  }
  output_.reset();
}

void MuxEngine::Reset() {
  emit_ = nullptr;  // an abandoned file's last bytes go nowhere
  CloseOutput();
  tracks_.clear();
  header_written_ = false;
  finished_ = false;
  write_error_ = Status::Ok();
}

int MuxEngine::WriteBytes(void* opaque, AvioWriteBuffer buf, int size) {
  auto* self = static_cast<MuxEngine*>(opaque);
  if (self->emit_ && size > 0) self->emit_->Output(MuxedBytes{std::vector<uint8_t>(buf, buf + size)});
  return size;
}

Status MuxEngine::Configure(const MuxConfig& config, Emitter& emit) {
  Reset();
  emit_ = &emit;
  config_ = config;
  const AVOutputFormat* format = av_guess_format(config.format.c_str(), nullptr, nullptr);
  if (!format) return Unsupported("Unknown container format \"" + config.format + "\".");
  if (config.path.empty() && IsMp4Family(format) && !config.fragmented) {
    return Unsupported("A non-fragmented " + config.format +
                       " file is written with seeks back (its index comes last): it needs a file target.");
  }
  if (config.tracks.empty()) return Unsupported("A file needs at least one track.");

  AVFormatContext* raw = nullptr;
  const std::string url = config.path.empty() ? std::string() : "file:" + config.path;
  if (avformat_alloc_output_context2(&raw, format, nullptr, url.empty() ? nullptr : url.c_str()) < 0 || !raw) {
    throw std::bad_alloc();
  }
  output_ = {raw, [](AVFormatContext* f) { avformat_free_context(f); }};

  for (size_t i = 0; i < config.tracks.size(); i++) {
    const MuxTrackConfig& t = config.tracks[i];
    if (t.codec == AV_CODEC_ID_NONE) return Unsupported(TrackName(i) + ": the codec has no container mapping.");
    if (avformat_query_codec(format, t.codec, FF_COMPLIANCE_NORMAL) == 0) {
      return Unsupported(TrackName(i) + ": the " + config.format + " container cannot hold " +
                         avcodec_get_name(t.codec) + ".");
    }
    Track track;
    track.config = t;
    track.config.description = ContainerExtradata(t);
    const bool needs_first_packet =
        t.codec == AV_CODEC_ID_H264 || t.codec == AV_CODEC_ID_HEVC ||
        (t.codec == AV_CODEC_ID_AV1 && t.description.empty()) || (t.codec == AV_CODEC_ID_AAC && t.description.empty());
    track.ready = !needs_first_packet;
    if (track.ready) track.dts = std::make_unique<DecodeTimestamps>(0);
    tracks_.push_back(std::move(track));
  }

  if (config.path.empty()) {
    auto* buffer = static_cast<uint8_t*>(av_malloc(kWriteBufferSize));
    if (!buffer) throw std::bad_alloc();
    AVIOContext* pb = avio_alloc_context(buffer, kWriteBufferSize, 1, this, nullptr, &WriteBytes, nullptr);
    if (!pb) {
      av_free(buffer);
      throw std::bad_alloc();
    }
    output_->pb = pb;
    output_->flags |= AVFMT_FLAG_CUSTOM_IO;
  } else {
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    ClearLastLogError();
    const int err = avio_open2(&output_->pb, url.c_str(), AVIO_FLAG_WRITE, nullptr, &opts);
    av_dict_free(&opts);
    if (err < 0) return CodecFailure("Opening the output file failed", err);
  }
  return Status::Ok();
}

Status MuxEngine::Prepare(Track& track, const Packet& first) {
  MuxTrackConfig& c = track.config;
  const size_t index = static_cast<size_t>(&track - tracks_.data());
  if (c.codec == AV_CODEC_ID_AAC && c.description.empty()) {
    // ADTS frames: strip the headers, and take the AudioSpecificConfig from
    // the first of them.
    const AVBitStreamFilter* filter = av_bsf_get_by_name("aac_adtstoasc");
    AVBSFContext* raw = nullptr;
    if (!filter || av_bsf_alloc(filter, &raw) < 0) throw std::bad_alloc();
    track.bsf.reset(raw);
    track.bsf->par_in->codec_id = AV_CODEC_ID_AAC;
    track.bsf->par_in->codec_type = AVMEDIA_TYPE_AUDIO;
    if (av_bsf_init(track.bsf.get()) < 0) return BadData(TrackName(index) + ": the AAC filter failed to start.");
  }
  if (c.codec == AV_CODEC_ID_H264 || c.codec == AV_CODEC_ID_HEVC || c.codec == AV_CODEC_ID_AV1) {
    if (c.description.empty()) {
      c.description = ExtractExtradata(c.codec, *first.packet);
      if (c.description.empty()) {
        return BadData(TrackName(index) + ": the first chunk carries no " +
                       (c.codec == AV_CODEC_ID_AV1 ? std::string("sequence header") : std::string("parameter sets")) +
                       " and the track has no description; a stream without a description must start with them.");
      }
    }
    if (c.codec == AV_CODEC_ID_HEVC && !HevcHvcCWritable(c.description.data(), c.description.size())) {
      return BadData(TrackName(index) +
                     ": the HEVC sequence parameter set has long-term reference pictures (or predicted reference "
                     "picture sets, or is cut short), which FFmpeg's hvcC writer may loop on forever; give the track "
                     "an hvcC description.");
    }
    const int depth = c.codec == AV_CODEC_ID_AV1 ? 0 : ReorderDepth(c.codec, c.description, *first.packet);
    track.dts = std::make_unique<DecodeTimestamps>(depth);
  }
  if (!track.dts) track.dts = std::make_unique<DecodeTimestamps>(0);
  return Status::Ok();
}

Status MuxEngine::AddStream(Track& track) {
  const MuxTrackConfig& c = track.config;
  AVStream* st = avformat_new_stream(output_.get(), nullptr);
  if (!st) throw std::bad_alloc();
  AVCodecParameters* par = st->codecpar;
  par->codec_type = c.type;
  par->codec_id = c.codec;
  par->extradata = PaddedCopy(c.description, &par->extradata_size);
  if (c.type == AVMEDIA_TYPE_VIDEO) {
    par->width = static_cast<int>(c.width);
    par->height = static_cast<int>(c.height);
    par->format = VideoPixelFormat(c);
    par->profile = c.profile;
    par->level = c.level;
    if (c.display_width && c.display_height && (c.display_width != c.width || c.display_height != c.height)) {
      av_reduce(&par->sample_aspect_ratio.num, &par->sample_aspect_ratio.den,
                static_cast<int64_t>(c.display_width) * c.height, static_cast<int64_t>(c.display_height) * c.width,
                INT32_MAX);
      st->sample_aspect_ratio = par->sample_aspect_ratio;
    }
    par->color_primaries = c.color.primaries;
    par->color_trc = c.color.transfer;
    par->color_space = c.color.matrix;
    if (c.color.full_range) par->color_range = *c.color.full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    if (c.rotation != 0 || c.flip) SetDisplayMatrix(st, c.rotation, c.flip);
    if (c.frame_rate > 0) st->avg_frame_rate = av_d2q(c.frame_rate, 1 << 20);
    st->time_base = kMicroseconds;
  } else {
    par->sample_rate = static_cast<int>(c.sample_rate);
    av_channel_layout_default(&par->ch_layout, static_cast<int>(c.channels));
    if (c.codec == AV_CODEC_ID_OPUS) {
      // The pre-skip: Matroska's CodecDelay; in MP4 an edit list, which
      // FFmpeg writes for packets that start before zero (as its own Opus
      // encoder's do).
      if (auto head = ParseOpusHead(c.description.data(), c.description.size())) {
        par->initial_padding = head->pre_skip;
        if (IsMp4Family(output_->oformat)) track.pre_skip_shift = head->pre_skip;
      }
    }
    st->time_base = AVRational{1, static_cast<int>(c.sample_rate)};
  }
  track.stream = st;
  return Status::Ok();
}

Status MuxEngine::WriteHeader(bool finishing) {
  for (Track& t : tracks_) {
    // Finalizing before every track had a chunk: the empty ones are left out.
    if (t.ready && (t.received || !finishing)) {
      if (Status s = AddStream(t); !s.ok()) return s;
    }
  }
  if (output_->nb_streams == 0) return BadData("No chunks were added: there is nothing to write.");
  AVDictionary* opts = nullptr;
  std::string movflags;
  if (config_.fragmented) {
    // delay_moov: the index waits for the first fragment, so it knows where
    // each track starts and writes the edit lists (B-frames' decode
    // timestamps before zero, priming, pre-skip); without them FFmpeg moved
    // each such track to start at zero, out of step with the others.
    movflags = "+frag_keyframe+empty_moov+delay_moov+default_base_moof";
    if (config_.fragment_duration > 0) av_dict_set_int(&opts, "frag_duration", config_.fragment_duration, 0);
  } else if (config_.fast_start) {
    movflags = "+faststart";
  }
  if (!movflags.empty() && IsMp4Family(output_->oformat)) av_dict_set(&opts, "movflags", movflags.c_str(), 0);
  ClearLastLogError();
  const int err = avformat_write_header(output_.get(), &opts);
  av_dict_free(&opts);
  if (err < 0) {
    if (err != AVERROR_EXPERIMENTAL && err != AVERROR_PATCHWELCOME && err != AVERROR(EINVAL)) {
      return CodecFailure("Writing the file header failed", err);
    }
    // Codecs FFmpeg refuses only here (VP8, AV1 and FLAC in MOV, FLAC in
    // MP4 as experimental): the tracks are not supported, and the file
    // opened for them stays empty, so it goes.
    Status s = CodecFailure(("The " + config_.format + " container cannot hold these tracks").c_str(), err);
    s.kind = ErrorKind::kNotSupportedError;
    CloseOutput();
    if (!config_.path.empty()) std::remove(config_.path.c_str());
    return s;
  }
  header_written_ = true;
  for (Track& t : tracks_) {
    std::deque<Packet> held;
    held.swap(t.held);
    for (Packet& p : held) {
      if (Status s = Submit(t, std::move(p)); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status MuxEngine::Process(Packet& packet, Emitter& emit) {
  emit_ = &emit;
  if (finished_ || !output_) return Status::Error(ErrorKind::kInvalidStateError, "The file is already finalized.");
  if (packet.track < 0 || static_cast<size_t>(packet.track) >= tracks_.size()) {
    return Status::Error(ErrorKind::kTypeError, "No track " + std::to_string(packet.track) + " in this file.");
  }
  Track& track = tracks_[static_cast<size_t>(packet.track)];
  if (!track.received) {
    track.received = true;
    if (Status s = Prepare(track, packet); !s.ok()) return s;
  }
  if (track.bsf) {
    if (av_bsf_send_packet(track.bsf.get(), packet.packet.get()) < 0 ||
        av_bsf_receive_packet(track.bsf.get(), packet.packet.get()) < 0) {
      return BadData(TrackName(static_cast<size_t>(packet.track)) + ": the chunk is not an ADTS frame.");
    }
    if (!track.ready) {
      const AVCodecParameters* out = track.bsf->par_out;
      track.config.description.assign(out->extradata, out->extradata + out->extradata_size);
    }
  }
  track.ready = true;
  if (header_written_) return Submit(track, std::move(packet));
  track.held.push_back(std::move(packet));
  const bool all_ready = std::all_of(tracks_.begin(), tracks_.end(), [](const Track& t) { return t.ready; });
  return all_ready ? WriteHeader(false) : Status::Ok();
}

Status MuxEngine::Submit(Track& track, Packet packet) {
  const int64_t pts = packet.timestamp;
  const int64_t duration = packet.duration.value_or(0);
  track.held.push_back(std::move(packet));
  return WriteStamped(track, track.dts->Add(pts, duration));
}

Status MuxEngine::WriteStamped(Track& track, const std::vector<DecodeTimestamps::Stamped>& stamped) {
  for (const DecodeTimestamps::Stamped& s : stamped) {
    Packet p = std::move(track.held.front());
    track.held.pop_front();
    p.timestamp = std::max(p.timestamp, s.dts);  // only moves when presentation times repeat
    if (Status st = Write(track, p, s.dts); !st.ok()) return st;
  }
  return Status::Ok();
}

Status MuxEngine::Write(Track& track, Packet& packet, int64_t dts) {
  AVPacket* p = packet.packet.get();
  const AVRational tb = track.stream->time_base;
  const int64_t shift = av_rescale_q(track.pre_skip_shift, AVRational{1, 48000}, tb);
  p->stream_index = track.stream->index;
  p->pts = av_rescale_q(packet.timestamp, kMicroseconds, tb) - shift;
  p->dts = av_rescale_q(dts, kMicroseconds, tb) - shift;
  p->duration = packet.duration ? av_rescale_q(*packet.duration, kMicroseconds, tb) : 0;
  if (track.config.codec == AV_CODEC_ID_OPUS && packet.duration) {
    MarkOpusPadding(p, *packet.duration, track.stream->codecpar->sample_rate);
  }
  if (packet.key) p->flags |= AV_PKT_FLAG_KEY;
  ClearLastLogError();
  const int err = av_interleaved_write_frame(output_.get(), p);
  if (err < 0) return CodecFailure("Writing a chunk failed", err);
  return Status::Ok();
}

Status MuxEngine::Flush(Emitter& emit) {
  emit_ = &emit;
  if (finished_ || !output_) return Status::Error(ErrorKind::kInvalidStateError, "The file is already finalized.");
  if (!header_written_) {
    if (Status s = WriteHeader(true); !s.ok()) return s;
  }
  for (Track& t : tracks_) {
    if (!t.stream) continue;
    if (Status s = WriteStamped(t, t.dts->Finish()); !s.ok()) return s;
  }
  ClearLastLogError();
  const int err = av_write_trailer(output_.get());
  if (err < 0) return CodecFailure("Finishing the file failed", err);
  if (output_->pb) avio_flush(output_->pb);
  CloseOutput();
  finished_ = true;
  return Status::Ok();
}

}  // namespace wcn
