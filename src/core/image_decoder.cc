#include "core/image_decoder.h"


#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "core/frame_copy.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/video_decoder.h"
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
    case ImageType::kAvif: return "mov";
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

// --- ImageDemuxer --------------------------------------------------------------

ImageDemuxer::ImageDemuxer(ImageDecoderSettings settings, std::shared_ptr<ByteStore> store,
                           std::shared_ptr<ImageFrameTable> frames, std::shared_ptr<EventSink> sink)
    : settings_(settings), store_(std::move(store)), frames_(std::move(frames)), sink_(std::move(sink)) {
  // Each wait for bytes completes the one unit of work the binding expects
  // from this thread; an append that wakes it expects another.
  store_->set_on_wait([sink = sink_.get()] { sink->Post(WorkerEvent{WorkerEvent::Type::kDone, 0}); });
  thread_ = std::thread([this] { Run(); });
}

ImageDemuxer::~ImageDemuxer() {
  store_->Close();
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
  sink_->Post(WorkerEvent{WorkerEvent::Type::kClosed, 0});
}

void ImageDemuxer::Post(ImageDemuxEvent::Kind kind, uint32_t available, std::string malformed) {
  WorkerEvent e{WorkerEvent::Type::kOutput, 0};
  ImageDemuxEvent ev;
  ev.kind = kind;
  ev.track = track_;
  ev.available = available;
  ev.malformed = std::move(malformed);
  e.output = std::move(ev);
  sink_->Post(std::move(e));
}

void ImageDemuxer::Establish(const ImageTrackInfo& track) {
  track_ = track;
  established_ = true;
  Post(ImageDemuxEvent::Kind::kTracks, 0);
}

Status ImageDemuxer::Demux() {
  ImageHeader header;
  if (Status s = ProbeHeader(&header); !s.ok() || store_->closed()) return s;
  if (settings_.type == ImageType::kWebp && header.animated) return DemuxWebpAnimation(header);
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
  int selected = 0;
  if (type == ImageType::kAvif) {
    selected = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (selected < 0) return BadData("The AVIF data holds no image item or image sequence.");
  }
  if (type == ImageType::kIco) {
    std::vector<int> order(fmt->nb_streams);
    std::iota(order.begin(), order.end(), 0);
    auto area = [&](int s) { return int64_t{fmt->streams[s]->codecpar->width} * fmt->streams[s]->codecpar->height; };
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return area(a) > area(b); });
    for (size_t rank = 0; rank < order.size(); rank++) first_frame[order[rank]] = static_cast<int>(rank);
  } else {
    first_frame[selected] = 0;
  }
  for (unsigned i = 0; i < fmt->nb_streams; i++) {
    if (first_frame[i] < 0) fmt->streams[i]->discard = AVDISCARD_ALL;
  }

  ImageTrackInfo track;
  bool establish_now = true;
  const AVStream* main = fmt->streams[selected];
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
    case ImageType::kAvif:
      track.animated = main->nb_frames > 1;
      // FFmpeg does not read the edit list's loop flag; browsers loop
      // sequences without one forever.
      track.repetition_count = track.animated ? std::numeric_limits<double>::infinity() : 0;
      break;
    case ImageType::kIco: track.frame_count = fmt->nb_streams; break;
    default: break;
  }
  const bool sequence = type == ImageType::kGif || track.animated;
  if (!sequence && type != ImageType::kIco) track.frame_count = 1;
  std::vector<CodecParamsPtr> params;
  for (unsigned i = 0; i < fmt->nb_streams; i++) params.push_back(CopyParams(fmt->streams[i]->codecpar));
  frames_->SetStreams(std::move(params), sequence, 0, 0);
  if (establish_now) Establish(track);

  // Formats read strictly forwards give back the bytes of frames they
  // have demuxed; AVIF (sample tables) and ICO (a directory) may seek back.
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
    if (!established_ && available >= 2) {
      track.animated = true;
      Establish(track);
    }
    if (sequence) track_.frame_count = available;
    // An icon's images become available together at the end.
    if (established_ && type != ImageType::kIco) Post(ImageDemuxEvent::Kind::kFrames, available);
  }
  if (available == 0) {
    return BadData(malformed.empty() ? "The " + TypeText(type) + " data holds no complete image." : malformed);
  }
  if (sequence) track.frame_count = available;
  if (!established_) Establish(track);
  track_.frame_count = track.frame_count;
  Post(ImageDemuxEvent::Kind::kEnd, available, std::move(malformed));
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
  Establish(track);
  store_->WaitFor(std::numeric_limits<uint64_t>::max());
  if (store_->closed()) return Status::Ok();
  const uint64_t size = store_->received();
  if (size > static_cast<uint64_t>(std::numeric_limits<int>::max() - AV_INPUT_BUFFER_PADDING_SIZE)) {
    return BadData("The " + TypeText(settings_.type) + " data is too large for one image.");
  }
  if (Status q = store_->Charge(static_cast<int64_t>(size)); !q.ok()) return q;
  ImageFrameTable::Frame frame;
  frame.packet = AllocPacket();
  if (av_new_packet(frame.packet.get(), static_cast<int>(size)) < 0) throw std::bad_alloc();
  if (store_->Read(0, frame.packet->data, size) != static_cast<int64_t>(size)) return Status::Ok();  // closed
  store_->ReleaseBefore(size);
  const uint32_t available = frames_->Put(0, std::move(frame));
  Post(ImageDemuxEvent::Kind::kEnd, available);
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
  Establish(track);

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
    track_.frame_count = available;
    Post(ImageDemuxEvent::Kind::kFrames, available);
  }
  if (available == 0) return BadData(malformed.empty() ? "The animated WebP data holds no frame." : malformed);
  Post(ImageDemuxEvent::Kind::kEnd, available, std::move(malformed));
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
  const AVCodec* codec = par->codec_id == AV_CODEC_ID_AV1 ? FindVideoDecoder("av1") : avcodec_find_decoder(par->codec_id);
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
  // dav1d too: with its worker threads, FFmpeg 5.1's wrapper could report
  // the end of the stream while the last pictures were still being
  // decoded, and a frame of a sequence came out as "no picture".
  if (std::strcmp(codec->name, "libdav1d") == 0) av_dict_set_int(&opts, "max_frame_delay", 1, 0);
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

Status ImageFrameDecoder::DecodeOutputs(uint32_t index, FramePtr* out) {
  // Decoders may hold frames back (dav1d works asynchronously): feed
  // packets, or the end of the stream once none is left, until output
  // number `index` comes out.
  while (outputs_ <= index) {
    ImageFrameTable::Frame f;
    const bool have_packet = !ctx_drained_ && frames_->Get(sent_, &f);
    if (have_packet) {
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
  const auto av = static_cast<AVPixelFormat>(src->format);
  // Lossy WebP is BT.601 limited range by definition; RGB is full range.
  const SwsKey key{src->width, src->height, src->width, src->height, av, AV_PIX_FMT_RGBA, SWS_CS_ITU601,
                   false, true, SWS_BICUBIC};
  SwsContext* sws = sws_.Get(key);
  if (!sws || sws_scale_frame(sws, rgba.get(), src) < 0) {
    return BadData(std::string("A WebP frame in ") + av_get_pix_fmt_name(av) + " cannot be converted to RGBA.");
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

Status ImageFrameDecoder::Decode(uint32_t index, DecodedVideo* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  ClearLastLogError();
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
  return Finish(std::move(frame), entry, out);
}

Status ImageFrameDecoder::Finish(FramePtr frame, const ImageFrameTable::Frame& entry, DecodedVideo* out) {
  std::optional<PixelFormat> format = ToSpecFormat(frame, /*gray_as_rgb=*/true, sws_);
  if (!format) {
    return BadData(std::string("Decoded images in ") + av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format)) +
                   " cannot be converted.");
  }
  const bool full_range = !Info(*format).yuv || IsFullRange(*frame);
  const uint32_t dw = settings_.desired_width, dh = settings_.desired_height;
  if (dw > 0 && dh > 0 && (static_cast<uint32_t>(frame->width) != dw || static_cast<uint32_t>(frame->height) != dh)) {
    FramePtr scaled = AllocatePooledFrame(*format, dw, dh);
    const AVPixelFormat av = Info(*format).av;
    const SwsKey key{frame->width, frame->height, static_cast<int>(dw), static_cast<int>(dh), av, av,
                     SwsColorspaceFor(frame->colorspace), full_range, full_range, SWS_BICUBIC};
    SwsContext* sws = sws_.Get(key);
    if (!sws || sws_scale_frame(sws, scaled.get(), frame.get()) < 0) {
      return BadData("Scaling the image to the desired size failed.");
    }
    av_frame_copy_props(scaled.get(), frame.get());
    frame = std::move(scaled);
  }
  // Odd sizes of subsampled formats still start the visible rect at 0,0.
  out->visible = Rect{0, 0, static_cast<uint64_t>(frame->width), static_cast<uint64_t>(frame->height)};
  out->display_width = static_cast<uint32_t>(frame->width);
  out->display_height = static_cast<uint32_t>(frame->height);
  out->timestamp = entry.timestamp;
  out->duration = entry.duration;
  out->color.primaries = frame->color_primaries;
  out->color.transfer = frame->color_trc;
  out->color.matrix = frame->colorspace;
  out->color.full_range = full_range;
  out->format = *format;
  out->frame = std::move(frame);
  return Status::Ok();
}

}  // namespace wcn
