#include "core/image_decoder.h"


#include <algorithm>
#include <limits>
#include <numeric>

#include "core/frame_copy.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/worker_thread.h"

namespace wcn {

namespace {

constexpr AVRational kMicroseconds{1, 1000000};
// Bytes kept before the packet being demuxed, for FFmpeg's seeks back.
constexpr int64_t kSeekBackMargin = 64 * 1024;

std::string TypeText(ImageType type) { return ImageTypeName(type); }

Status BadData(const std::string& message) { return Status::Error(ErrorKind::kEncodingError, message); }

const char* DemuxerName(ImageType type) {
  switch (type) {
    case ImageType::kPng: return "apng";
    case ImageType::kGif: return "gif";
    case ImageType::kIco: return "ico";
    default: return "";
  }
}

// The decoder of a single-image format, whose one frame is the whole file.
AVCodecID StillCodec(ImageType type) {
  switch (type) {
    case ImageType::kJpeg: return AV_CODEC_ID_MJPEG;
    case ImageType::kPng: return AV_CODEC_ID_PNG;
    case ImageType::kWebp: return AV_CODEC_ID_WEBP;
    case ImageType::kBmp: return AV_CODEC_ID_BMP;
    default: return AV_CODEC_ID_NONE;
  }
}

CodecParamsPtr CopyParams(const AVCodecParameters* src) {
  CodecParamsPtr p(avcodec_parameters_alloc());
  if (!p || avcodec_parameters_copy(p.get(), src) < 0) throw std::bad_alloc();
  return p;
}

}  // namespace

// --- ImageFrameTable ---------------------------------------------------------

void ImageFrameTable::SetStreams(std::vector<CodecParamsPtr> streams, bool sequential, uint32_t webp_width,
                                 uint32_t webp_height) {
  std::lock_guard<std::mutex> lock(mutex_);
  streams_ = std::move(streams);
  sequential_ = sequential;
  webp_width_ = webp_width;
  webp_height_ = webp_height;
}

uint32_t ImageFrameTable::Put(uint32_t index, Frame frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (frames_.size() <= index) frames_.resize(size_t{index} + 1);
  frames_[index] = std::move(frame);
  while (available_ < frames_.size() && frames_[available_].packet) available_++;
  return available_;
}

bool ImageFrameTable::Get(uint32_t index, Frame* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (index >= frames_.size() || !frames_[index].packet) return false;
  const Frame& f = frames_[index];
  out->packet = AllocPacket();
  if (av_packet_ref(out->packet.get(), f.packet.get()) < 0) throw std::bad_alloc();
  out->stream = f.stream;
  out->timestamp = f.timestamp;
  out->duration = f.duration;
  out->webp = f.webp;
  out->orientation = f.orientation;
  return true;
}

const AVCodecParameters* ImageFrameTable::stream(int index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return index >= 0 && static_cast<size_t>(index) < streams_.size() ? streams_[index].get() : nullptr;
}

bool ImageFrameTable::sequential() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sequential_;
}

uint32_t ImageFrameTable::webp_width() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return webp_width_;
}

uint32_t ImageFrameTable::webp_height() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return webp_height_;
}

void ImageFrameTable::SetAvifTracks(std::vector<std::shared_ptr<AvifTrack>> tracks) {
  std::lock_guard<std::mutex> lock(mutex_);
  avif_tracks_ = std::move(tracks);
}

std::shared_ptr<AvifTrack> ImageFrameTable::avif_track(uint32_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return index < avif_tracks_.size() ? avif_tracks_[index] : nullptr;
}

// --- ImageDemuxer --------------------------------------------------------------

ImageDemuxer::ImageDemuxer(ImageDecoderSettings settings, std::shared_ptr<ByteStore> store,
                           std::shared_ptr<ImageFrameTable> frames, std::shared_ptr<EventSink> sink)
    : settings_(settings), store_(std::move(store)), frames_(std::move(frames)), sink_(std::move(sink)) {
  // Each wait for bytes completes the one unit of work the binding expects
  // from this thread; an append that wakes it expects another.
  store_->set_on_wait([this] { OnWait(); });
  thread_ = std::thread([this] { Run(); });
}

ImageDemuxer::~ImageDemuxer() {
  // Wakes a thread still waiting for bytes; a finished one leaves the store
  // as it is (AVIF decodes go on reading it).
  if (!finished_) store_->Close();
  if (thread_.joinable()) thread_.join();
}

void ImageDemuxer::Run() {
  StartWorkerThread("wcn-image");
  Status status;
  try {
    status = Demux();
  } catch (const std::bad_alloc&) {
    status = Status::Error(ErrorKind::kEncodingError, "Out of memory while reading the image.");
  }
  if (!status.ok() && !store_->closed()) {
    WorkerEvent e{WorkerEvent::Type::kError, 0};
    e.status = std::move(status);
    sink_->Post(std::move(e));
  }
  // Frames hold their own packets; only libavif reads the bytes again.
  if (settings_.type != ImageType::kAvif) store_->Close();
  finished_ = true;
  sink_->Post(WorkerEvent{WorkerEvent::Type::kClosed, 0});
}

void ImageDemuxer::Post(ImageDemuxEvent::Kind kind, std::string malformed) {
  WorkerEvent e{WorkerEvent::Type::kOutput, 0};
  ImageDemuxEvent ev;
  ev.kind = kind;
  ev.tracks = tracks_;
  ev.primary = primary_;
  ev.malformed = std::move(malformed);
  e.output = std::move(ev);
  sink_->Post(std::move(e));
}

void ImageDemuxer::OnWait() {
  if (pending_track_) {
    ImageTrackInfo track = *pending_track_;
    pending_track_.reset();
    Establish({track});
  }
  sink_->Post(WorkerEvent{WorkerEvent::Type::kDone, 0});
}

void ImageDemuxer::Establish(std::vector<ImageTrackInfo> tracks, uint32_t primary) {
  tracks_ = std::move(tracks);
  primary_ = primary;
  established_ = true;
  Post(ImageDemuxEvent::Kind::kTracks);
}

Status ImageDemuxer::Demux() {
  ImageHeader header;
  if (Status s = ProbeHeader(&header); !s.ok() || store_->closed()) return s;
  if (settings_.type == ImageType::kWebp && header.animated) return DemuxWebpAnimation(header);
  if (settings_.type == ImageType::kAvif) return DemuxAvif(header);
  if (StillCodec(settings_.type) != AV_CODEC_ID_NONE && !header.animated) return ReadStill();
  return DemuxWithFFmpeg(header);
}

Status ImageDemuxer::ProbeHeader(ImageHeader* header) {
  std::vector<uint8_t> prefix;
  for (;;) {
    const size_t have = static_cast<size_t>(std::min<uint64_t>(store_->received(), kMaxProbeBytes));
    if (have > prefix.size()) {
      const size_t old = prefix.size();
      prefix.resize(have);
      if (store_->Read(old, prefix.data() + old, have - old) != static_cast<int64_t>(have - old)) return Status::Ok();
    }
    switch (ProbeImageHeader(settings_.type, prefix.data(), prefix.size(), header)) {
      case ProbeResult::kDone: return Status::Ok();
      case ProbeResult::kInvalid:
        return BadData("The data is not a " + TypeText(settings_.type) + " image: its header does not match.");
      case ProbeResult::kNeedMore: break;
    }
    if (prefix.size() >= kMaxProbeBytes) {
      // Metadata this long before the first image: decode it as a still.
      *header = ImageHeader{};
      return Status::Ok();
    }
    if (!store_->WaitFor(prefix.size() + 1)) {
      if (store_->closed()) return Status::Ok();
      return BadData("The " + TypeText(settings_.type) + " data ended inside its header (" +
                     std::to_string(prefix.size()) + " bytes).");
    }
  }
}

Status ImageDemuxer::DemuxWithFFmpeg(const ImageHeader& header) {
  const ImageType type = settings_.type;
  StoreReader reader(store_.get());
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  raw->pb = reader.avio();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVDictionary* opts = nullptr;
  // Report the file's own delays; FFmpeg otherwise turns short ones into 100 ms.
  if (type == ImageType::kGif) av_dict_set(&opts, "min_delay", "0", 0);
  // FFmpeg's GIF demuxer walks the whole file in its header to count the
  // frames (then seeks back to the start), which would wait for a stream's
  // end; let that walk stop at the bytes received so far. Our probe has
  // seen the header itself arrive.
  reader.set_blocking(type != ImageType::kGif);
  ClearLastLogError();
  const int open_err = avformat_open_input(&raw, nullptr, av_find_input_format(DemuxerName(type)), &opts);
  av_dict_free(&opts);
  reader.set_blocking(true);
  InputContextPtr fmt(raw);
  if (store_->closed()) return Status::Ok();
  if (open_err < 0) return CodecFailure(("The data is not a valid " + TypeText(type) + " image").c_str(), open_err);
  if (fmt->nb_streams == 0) return BadData("The " + TypeText(type) + " data holds no image.");

  // Which streams hold frames, and the frame index of each stream's first
  // packet. An icon's images are ordered largest first, as browsers pick them.
  std::vector<int> first_frame(fmt->nb_streams, -1);
  if (type == ImageType::kIco) {
    std::vector<int> order(fmt->nb_streams);
    std::iota(order.begin(), order.end(), 0);
    auto area = [&](int s) { return int64_t{fmt->streams[s]->codecpar->width} * fmt->streams[s]->codecpar->height; };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return area(a) > area(b); });
    for (size_t rank = 0; rank < order.size(); rank++) first_frame[order[rank]] = static_cast<int>(rank);
  } else {
    first_frame[0] = 0;
  }
  for (unsigned i = 0; i < fmt->nb_streams; i++) {
    if (first_frame[i] < 0) fmt->streams[i]->discard = AVDISCARD_ALL;
  }

  ImageTrackInfo track;
  bool establish_now = true;
  switch (type) {
    case ImageType::kGif:
      // Animated if it says how to loop; otherwise once a second frame shows.
      track.animated = header.repetition_count.has_value();
      track.repetition_count = header.repetition_count.value_or(0);
      establish_now = track.animated;
      break;
    case ImageType::kPng:
      track.animated = header.animated;
      track.repetition_count = header.repetition_count.value_or(0);
      break;
    case ImageType::kIco: track.frame_count = fmt->nb_streams; break;
    default: break;
  }
  const bool sequence = type == ImageType::kGif || track.animated;
  if (!sequence && type != ImageType::kIco) track.frame_count = 1;
  std::vector<CodecParamsPtr> params;
  for (unsigned i = 0; i < fmt->nb_streams; i++) params.push_back(CopyParams(fmt->streams[i]->codecpar));
  frames_->SetStreams(std::move(params), sequence, 0, 0);
  if (establish_now) {
    if (sequence) {
      pending_track_ = track;
    } else {
      Establish({track});
    }
  }

  // Formats read strictly forwards give back the bytes of frames they
  // have demuxed; ICO (a directory) may seek back.
  const bool release_consumed = type == ImageType::kGif || (type == ImageType::kPng && header.animated);
  std::vector<int> packets_seen(fmt->nb_streams, 0);
  uint32_t next_index = 0, available = 0;
  int64_t first_pts = AV_NOPTS_VALUE, running = 0;
  std::string malformed;
  PacketPtr pkt = AllocPacket();
  for (;;) {
    ClearLastLogError();
    const int err = av_read_frame(fmt.get(), pkt.get());
    if (store_->closed()) return Status::Ok();
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      malformed = CodecFailure(("Reading the " + TypeText(type) + " data failed").c_str(), err).message;
      break;
    }
    const int s = pkt->stream_index;
    if (first_frame[s] < 0 || (!sequence && packets_seen[s] > 0)) {
      av_packet_unref(pkt.get());
      continue;
    }
    if (Status q = store_->Charge(pkt->size); !q.ok()) return q;
    ImageFrameTable::Frame frame;
    frame.stream = s;
    uint32_t index;
    if (sequence) {
      index = next_index++;
      const AVRational tb = fmt->streams[s]->time_base;
      const int64_t duration = pkt->duration > 0 ? av_rescale_q(pkt->duration, tb, kMicroseconds) : 0;
      if (pkt->pts != AV_NOPTS_VALUE) {
        if (first_pts == AV_NOPTS_VALUE) first_pts = pkt->pts;
        frame.timestamp = av_rescale_q(pkt->pts - first_pts, tb, kMicroseconds);
      } else {
        frame.timestamp = running;
      }
      running = frame.timestamp + duration;
      if (pkt->duration > 0 || type == ImageType::kGif) frame.duration = duration;
    } else {
      index = static_cast<uint32_t>(first_frame[s]);
    }
    packets_seen[s]++;
    const int64_t pos = pkt->pos;
    frame.packet = std::move(pkt);
    pkt = AllocPacket();
    available = frames_->Put(index, std::move(frame));
    // AVIO re-reads a little before a packet when the demuxer seeks back to
    // its start; keep a margin of that much.
    if (release_consumed && pos > kSeekBackMargin) store_->ReleaseBefore(static_cast<uint64_t>(pos - kSeekBackMargin));
    if (pending_track_) {
      pending_track_->frame_count = available;
      pending_track_->available = available;
    } else if (!established_ && available >= 2) {
      track.animated = true;
      track.frame_count = available;
      track.available = available;
      Establish({track});
    }
    // An icon's images become available together at the end.
    if (established_ && type != ImageType::kIco) {
      if (sequence) tracks_[0].frame_count = available;
      tracks_[0].available = available;
      Post(ImageDemuxEvent::Kind::kFrames);
    }
  }
  if (available == 0) {
    return BadData(malformed.empty() ? "The " + TypeText(type) + " data holds no complete image." : malformed);
  }
  if (sequence) track.frame_count = available;
  track.available = available;
  pending_track_.reset();
  if (!established_) Establish({track});
  tracks_[0] = track;
  Post(ImageDemuxEvent::Kind::kEnd, std::move(malformed));
  return Status::Ok();
}

Status ImageDemuxer::ReadStill() {
  // FFmpeg's image pipe demuxers only find the end of the file too; the
  // bytes move from the store into the frame's packet.
  std::vector<CodecParamsPtr> params;
  params.push_back(CodecParamsPtr(avcodec_parameters_alloc()));
  if (!params[0]) throw std::bad_alloc();
  params[0]->codec_type = AVMEDIA_TYPE_VIDEO;
  params[0]->codec_id = StillCodec(settings_.type);
  frames_->SetStreams(std::move(params), false, 0, 0);
  ImageTrackInfo track;
  track.frame_count = 1;
  Establish({track});
  store_->WaitFor(std::numeric_limits<uint64_t>::max());
  if (store_->closed()) return Status::Ok();
  if (store_->received() > static_cast<uint64_t>(std::numeric_limits<int>::max() - AV_INPUT_BUFFER_PADDING_SIZE)) {
    return BadData("The " + TypeText(settings_.type) + " data is too large for one image.");
  }
  ImageFrameTable::Frame frame;
  if (!store_->TakeAll(&frame.packet)) return Status::Ok();  // closed
  StillInfo info = InspectStill(settings_.type, frame.packet->data, static_cast<size_t>(frame.packet->size));
  if (!info.truncated.empty()) {
    // Not enough data, and the data is complete: decode() gives RangeError.
    tracks_[0].truncated = std::move(info.truncated);
    Post(ImageDemuxEvent::Kind::kEnd);
    return Status::Ok();
  }
  frame.orientation = OrientationFromExif(info.exif_orientation);
  tracks_[0].available = frames_->Put(0, std::move(frame));
  Post(ImageDemuxEvent::Kind::kEnd);
  return Status::Ok();
}

Status ImageDemuxer::DemuxWebpAnimation(const ImageHeader& header) {
  StoreReader reader(store_.get());
  AVIOContext* pb = reader.avio();
  avio_skip(pb, 12);  // RIFF size WEBP
  std::vector<CodecParamsPtr> params;
  params.push_back(CodecParamsPtr(avcodec_parameters_alloc()));
  if (!params[0]) throw std::bad_alloc();
  params[0]->codec_type = AVMEDIA_TYPE_VIDEO;
  params[0]->codec_id = AV_CODEC_ID_WEBP;
  frames_->SetStreams(std::move(params), true, header.canvas_width, header.canvas_height);
  ImageTrackInfo track;
  track.animated = true;
  track.repetition_count = header.repetition_count.value_or(0);
  Establish({track});

  uint32_t available = 0;
  int64_t running = 0;
  std::string malformed;
  for (;;) {
    PacketPtr pkt;
    WebpFrameInfo info;
    const int err = ReadWebpAnimationFrame(pb, header.canvas_width, header.canvas_height, &pkt, &info);
    if (store_->closed()) return Status::Ok();
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      malformed = "The animated WebP data is malformed after frame " + std::to_string(available) + ".";
      break;
    }
    if (Status q = store_->Charge(pkt->size); !q.ok()) return q;
    ImageFrameTable::Frame frame;
    frame.packet = std::move(pkt);
    frame.timestamp = running;
    frame.duration = int64_t{info.duration_ms} * 1000;
    frame.webp = info;
    running += *frame.duration;
    available = frames_->Put(available, std::move(frame));
    // The reader never seeks back; what it has read past is no longer needed.
    store_->ReleaseBefore(static_cast<uint64_t>(avio_tell(pb)));
    tracks_[0].frame_count = available;
    tracks_[0].available = available;
    Post(ImageDemuxEvent::Kind::kFrames);
  }
  if (available == 0) return BadData(malformed.empty() ? "The animated WebP data holds no frame." : malformed);
  Post(ImageDemuxEvent::Kind::kEnd, std::move(malformed));
  return Status::Ok();
}

Status ImageDemuxer::DemuxAvif(const ImageHeader& header) {
  // The primary item first, then the sequence, which is the primary track
  // when there is one (as Chromium selects it).
  std::vector<std::shared_ptr<AvifTrack>> tracks;
  Status failure;
  for (bool sequence : {false, true}) {
    if (!(sequence ? header.animated : header.avif_item)) continue;
    auto track = std::make_shared<AvifTrack>(store_, sequence);
    Status s = track->Parse();
    if (store_->closed()) return Status::Ok();
    if (s.ok()) {
      tracks.push_back(std::move(track));
    } else if (failure.ok()) {
      failure = std::move(s);
    }
  }
  // A file whose item or sequence is broken still shows the other one.
  if (tracks.empty()) return failure;
  std::vector<ImageTrackInfo> infos;
  for (const auto& t : tracks) {
    t->StopWaiting();
    infos.push_back(t->info());
  }
  frames_->SetAvifTracks(tracks);
  Establish(std::move(infos), static_cast<uint32_t>(tracks.size() - 1));

  // Each frame can be decoded once the bytes its samples (and those it
  // depends on) end at have arrived.
  for (;;) {
    const uint64_t received = store_->received();
    uint64_t next = std::numeric_limits<uint64_t>::max();
    bool changed = false;
    for (size_t t = 0; t < tracks.size(); t++) {
      ImageTrackInfo& info = tracks_[t];
      while (info.available < info.frame_count && tracks[t]->FrameEnd(info.available) <= received) {
        info.available++;
        changed = true;
      }
      if (info.available < info.frame_count) next = std::min(next, tracks[t]->FrameEnd(info.available));
    }
    if (next == std::numeric_limits<uint64_t>::max()) break;
    if (changed) Post(ImageDemuxEvent::Kind::kFrames);
    if (!store_->WaitFor(next)) {
      if (store_->closed()) return Status::Ok();
      // Complete, and short of the next frame's data.
      for (size_t t = 0; t < tracks.size(); t++) {
        ImageTrackInfo& info = tracks_[t];
        if (info.available == info.frame_count) continue;
        info.truncated = "The AVIF data (" + std::to_string(store_->received()) + " bytes) ends before frame " +
                         std::to_string(info.available) + "'s data does (" +
                         std::to_string(tracks[t]->FrameEnd(info.available)) + " bytes needed).";
      }
      break;
    }
  }
  Post(ImageDemuxEvent::Kind::kEnd);
  return Status::Ok();
}

// --- ImageFrameDecoder ---------------------------------------------------------

Status ImageFrameDecoder::Open(int stream) {
  ctx_.reset();
  ctx_drained_ = false;
  sent_ = 0;
  outputs_ = 0;
  webp_info_.clear();
  const AVCodecParameters* par = frames_->stream(stream);
  if (!par) return BadData("The image frame refers to a missing stream.");
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) {
    return Status::Error(ErrorKind::kNotSupportedError,
                         std::string("This FFmpeg build has no decoder for ") + avcodec_get_name(par->codec_id) + ".");
  }
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  if (avcodec_parameters_to_context(ctx.get(), par) < 0) throw std::bad_alloc();
  // Corrupt data must fail, not come out as concealed garbage.
  ctx->err_recognition = AV_EF_EXPLODE;
  // One frame out per packet: frame threads would hold frames back.
  ctx->thread_count = 1;
  AVDictionary* opts = nullptr;
  av_dict_set_int(&opts, "max_pixels", static_cast<int64_t>(kMaxPixels), 0);
  const int err = avcodec_open2(ctx.get(), codec, &opts);
  av_dict_free(&opts);
  if (err < 0) return CodecFailure("Opening the image decoder failed", err);
  ctx_ = std::move(ctx);
  return Status::Ok();
}

Status ImageFrameDecoder::Receive(FramePtr* out) {
  FramePtr frame = AllocFrame();
  const int err = avcodec_receive_frame(ctx_.get(), frame.get());
  if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
  if (err < 0) return CodecFailure("Decoding the image failed", err);
  if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
    return BadData("The decoder found corrupt data in the image.");
  }
  *out = std::move(frame);
  return Status::Ok();
}

Status ImageFrameDecoder::CheckPngFrame(const ImageFrameTable::Frame& f) const {
  const AVCodecParameters* par = frames_->stream(f.stream);
  if (par->codec_id != AV_CODEC_ID_PNG && par->codec_id != AV_CODEC_ID_APNG) return Status::Ok();
  // A still's packet is the whole file; APNG's IHDR is in the extradata.
  const AVPacket& pkt = *f.packet;
  const bool still = !par->extradata;
  const std::string why = PngFrameOverclaims(still ? pkt.data : par->extradata,
                                             static_cast<size_t>(still ? pkt.size : par->extradata_size), pkt.data,
                                             static_cast<size_t>(pkt.size));
  return why.empty() ? Status::Ok() : BadData(why);
}

Status ImageFrameDecoder::DecodeOutputs(uint32_t index, FramePtr* out) {
  // Decoders may hold frames back: feed packets, or the end of the stream
  // once none is left, until output number `index` comes out.
  while (outputs_ <= index) {
    ImageFrameTable::Frame f;
    const bool have_packet = !ctx_drained_ && frames_->Get(sent_, &f);
    if (have_packet) {
      if (Status s = CheckPngFrame(f); !s.ok()) return s;
      const int err = avcodec_send_packet(ctx_.get(), f.packet.get());
      if (err < 0) return CodecFailure("Decoding the image failed", err);
      sent_++;
      if (frames_->webp_width() > 0) webp_info_.push_back(f.webp);
    } else if (!ctx_drained_) {
      ctx_drained_ = true;
      avcodec_send_packet(ctx_.get(), nullptr);
    }
    for (;;) {
      FramePtr frame;
      if (Status s = Receive(&frame); !s.ok()) return s;
      if (!frame) break;
      if (frames_->webp_width() > 0) {
        if (Status c = Composite(&frame, webp_info_[outputs_]); !c.ok()) return c;
        if (outputs_ == index) frame = compositor_.Snapshot();
      }
      if (outputs_ == index) *out = std::move(frame);
      outputs_++;
      if (outputs_ > index) break;
    }
    if (!have_packet && outputs_ <= index) return BadData("The image data produced no picture for this frame.");
  }
  return Status::Ok();
}

Status ImageFrameDecoder::Composite(FramePtr* frame, const WebpFrameInfo& info) {
  AVFrame* src = frame->get();
  if (static_cast<uint32_t>(src->width) != info.width || static_cast<uint32_t>(src->height) != info.height) {
    return BadData("An animated WebP frame's size differs from its ANMF header.");
  }
  FramePtr rgba = AllocatePooledFrame(PixelFormat::kRGBA, info.width, info.height);
  // Lossy WebP is BT.601 limited range by definition; RGB is full range.
  if (!SwsConvert(*src, rgba.get(), SWS_CS_ITU601, false, true, sws_)) {
    return BadData(std::string("A WebP frame in ") + av_get_pix_fmt_name(static_cast<AVPixelFormat>(src->format)) +
                   " cannot be converted to RGBA.");
  }
  compositor_.Draw(rgba->data[0], rgba->linesize[0], info);
  return Status::Ok();
}

Status ImageFrameDecoder::DecodeInSequence(uint32_t index, FramePtr* out) {
  if (index < outputs_ || !ctx_) {
    // Frames build on earlier ones: start again from the first.
    if (Status s = Open(0); !s.ok()) return s;
    if (frames_->webp_width() > 0) {
      if (Status s = compositor_.Reset(frames_->webp_width(), frames_->webp_height()); !s.ok()) return s;
    }
  }
  Status s = DecodeOutputs(index, out);
  if (!s.ok()) ctx_.reset();
  return s;
}

Status ImageFrameDecoder::Decode(uint32_t track, uint32_t index, DecodedVideo* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  ClearLastLogError();
  ImagePicture picture;
  if (std::shared_ptr<AvifTrack> avif = frames_->avif_track(track)) {
    if (Status s = avif->Decode(index, sws_, &picture); !s.ok()) return s;
  } else if (track != 0) {
    return Status::Error(ErrorKind::kRangeError, "The image has no track " + std::to_string(track) + ".");
  } else if (Status s = DecodeWithFFmpeg(index, &picture); !s.ok()) {
    return s;
  }
  return Finish(std::move(picture), out);
}

Status ImageFrameDecoder::DecodeWithFFmpeg(uint32_t index, ImagePicture* out) {
  ImageFrameTable::Frame entry;
  if (!frames_->Get(index, &entry)) {
    return Status::Error(ErrorKind::kRangeError, "Frame " + std::to_string(index) + " has not arrived.");
  }
  FramePtr frame;
  if (frames_->sequential()) {
    if (Status s = DecodeInSequence(index, &frame); !s.ok()) return s;
  } else {
    // Stills and icon images stand alone: a decoder for this one packet.
    if (Status s = Open(entry.stream); !s.ok()) return s;
    sent_ = index;
    outputs_ = index;
    ctx_drained_ = false;
    Status s = DecodeOutputs(index, &frame);
    ctx_.reset();
    if (!s.ok()) return s;
  }
  std::optional<PixelFormat> format = ToSpecFormat(frame, /*gray_as_rgb=*/true, sws_);
  if (!format) {
    return BadData(std::string("Decoded images in ") + av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format)) +
                   " cannot be converted.");
  }
  // Odd sizes of subsampled formats still start the visible rect at 0,0.
  out->visible = Rect{0, 0, static_cast<uint64_t>(frame->width), static_cast<uint64_t>(frame->height)};
  out->frame = std::move(frame);
  out->format = *format;
  out->orientation = entry.orientation;
  out->timestamp = entry.timestamp;
  out->duration = entry.duration;
  return Status::Ok();
}

Status ImageFrameDecoder::Finish(ImagePicture picture, DecodedVideo* out) {
  FramePtr frame = std::move(picture.frame);
  PixelFormat format = picture.format;
  Rect visible = picture.visible;
  // An ICC profile is converted to sRGB ("default"), or describes the
  // samples ("none", or a profile lcms2 cannot transform from).
  std::unique_ptr<IccProfile> profile;
  if (const AVFrameSideData* icc = av_frame_get_side_data(frame.get(), AV_FRAME_DATA_ICC_PROFILE)) {
    profile = IccProfile::Read(icc->data, icc->size);
  }
  const bool converted =
      profile && settings_.convert_color && !profile->is_srgb() && icc_.ToSrgb(*profile, &frame, &format, sws_);
  if (profile && !converted) {
    frame->color_primaries = profile->primaries();
    frame->color_trc = profile->transfer();
  } else if (!profile && !Info(format).yuv && frame->color_primaries == AVCOL_PRI_UNSPECIFIED &&
             frame->color_trc == AVCOL_TRC_UNSPECIFIED) {
    // Untagged RGB images are sRGB, as browsers take them.
    frame->color_primaries = AVCOL_PRI_BT709;
    frame->color_trc = AVCOL_TRC_IEC61966_2_1;
  }
  const bool full_range = !Info(format).yuv || IsFullRange(*frame);
  // The desired size is the displayed one: a quarter turn swaps it. Formats
  // FFmpeg has no layout for (I420AP12) keep their size: the spec makes
  // scaling best effort.
  const bool turned = picture.orientation.quarter_turn();
  const uint32_t dw = turned ? settings_.desired_height : settings_.desired_width;
  const uint32_t dh = turned ? settings_.desired_width : settings_.desired_height;
  if (dw > 0 && dh > 0 && Info(format).av != AV_PIX_FMT_NONE && (visible.width != dw || visible.height != dh)) {
    FramePtr scaled = AllocatePooledFrame(format, dw, dh);
    if (!SwsConvert(*CropView(*frame, format, visible), scaled.get(), SwsColorspaceFor(frame->colorspace), full_range,
                    full_range, sws_)) {
      return BadData("Scaling the image to the desired size failed.");
    }
    av_frame_copy_props(scaled.get(), frame.get());
    frame = std::move(scaled);
    visible = Rect{0, 0, dw, dh};
  }
  out->visible = visible;
  // Display size is the oriented size (the spec's "Create a VideoFrame").
  out->display_width = static_cast<uint32_t>(turned ? visible.height : visible.width);
  out->display_height = static_cast<uint32_t>(turned ? visible.width : visible.height);
  out->timestamp = picture.timestamp;
  out->duration = picture.duration;
  out->color.primaries = frame->color_primaries;
  out->color.transfer = frame->color_trc;
  out->color.matrix = frame->colorspace;
  out->color.full_range = full_range;
  out->rotation = picture.orientation.rotation;
  out->flip = picture.orientation.flip;
  out->format = format;
  out->frame = std::move(frame);
  return Status::Ok();
}

}  // namespace wcn
