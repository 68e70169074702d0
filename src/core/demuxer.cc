#include "core/demuxer.h"

#include <cmath>
#include <cstring>

#include "core/audio_codec_data.h"
#include "core/bitstream.h"
#include "core/codec_family.h"
#include "core/codec_worker.h"
#include "core/limits.h"
#include "core/log.h"

namespace wcn {

namespace {

constexpr AVRational kMicroseconds{1, 1000000};

int64_t ToMicros(int64_t value, AVRational time_base) {
  return av_rescale_q(value, time_base, kMicroseconds);
}

// The audio object type of an AudioSpecificConfig (ISO 14496-3 1.6.2.1),
// 0 when it is too short.
int AacObjectType(const uint8_t* asc, size_t size) {
  if (size < 1) return 0;
  const int aot = asc[0] >> 3;
  if (aot != 31) return aot;
  if (size < 2) return 0;
  return 32 + (((asc[0] & 7) << 3) | (asc[1] >> 5));
}

// VP9's chromaSubsampling code for a pixel format: 4:2:0 is stored as
// "colocated with luma" (1), the vp09 codec string's default.
int Vp9ChromaSubsampling(const AVPixFmtDescriptor* desc) {
  if (!desc) return -1;
  if (desc->log2_chroma_w == 1 && desc->log2_chroma_h == 1) return 1;
  if (desc->log2_chroma_w == 1 && desc->log2_chroma_h == 0) return 2;
  if (desc->log2_chroma_w == 0 && desc->log2_chroma_h == 0) return 3;
  return -1;
}

const int32_t* DisplayMatrix(const AVStream& stream) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
  const AVPacketSideData* sd = av_packet_side_data_get(stream.codecpar->coded_side_data,
                                                       stream.codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
  return sd && sd->size >= 9 * 4 ? reinterpret_cast<const int32_t*>(sd->data) : nullptr;
#else
  size_t size = 0;
  const uint8_t* data = av_stream_get_side_data(&stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  return data && size >= 9 * 4 ? reinterpret_cast<const int32_t*>(data) : nullptr;
#endif
}

// A display matrix as the spec's orientation: a horizontal flip (a matrix
// with a negative determinant), then a clockwise rotation by a multiple of
// 90 degrees.
void Orientation(const int32_t* matrix, int* rotation, bool* flip) {
  int32_t m[9];
  std::memcpy(m, matrix, sizeof m);
  *flip = static_cast<int64_t>(m[0]) * m[4] - static_cast<int64_t>(m[1]) * m[3] < 0;
  if (*flip) av_display_matrix_flip(m, 1, 0);
  const double degrees = -av_display_rotation_get(m);  // FFmpeg's angle is counter-clockwise
  if (std::isnan(degrees)) {
    *rotation = 0;
    return;
  }
  *rotation = ((static_cast<int>(std::lround(degrees / 90.0)) % 4 + 4) % 4) * 90;
}

void DescribeVideo(const AVStream& stream, const AVCodecParameters& par, DemuxTrack* t) {
  t->width = static_cast<uint32_t>(std::max(par.width, 0));
  t->height = static_cast<uint32_t>(std::max(par.height, 0));
  AVRational sar = stream.sample_aspect_ratio.num > 0 ? stream.sample_aspect_ratio : par.sample_aspect_ratio;
  t->display_width = t->width;
  t->display_height = t->height;
  if (sar.num > 0 && sar.den > 0 && sar.num != sar.den) {
    // The exact ratio, not a rounded width: a copy keeps the aspect as it was.
    int num = 0, den = 0;
    av_reduce(&num, &den, static_cast<int64_t>(t->width) * sar.num, static_cast<int64_t>(t->height) * sar.den, INT32_MAX);
    t->display_width = static_cast<uint32_t>(num);
    t->display_height = static_cast<uint32_t>(den);
  }
  if (const int32_t* m = DisplayMatrix(stream)) Orientation(m, &t->rotation, &t->flip);
  t->color.primaries = par.color_primaries;
  t->color.transfer = par.color_trc;
  t->color.matrix = par.color_space;
  if (par.color_range == AVCOL_RANGE_JPEG) t->color.full_range = true;
  if (par.color_range == AVCOL_RANGE_MPEG) t->color.full_range = false;
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par.format));
  if (desc) t->bit_depth = desc->comp[0].depth;
  t->chroma_subsampling = Vp9ChromaSubsampling(desc);
  const AVRational rate = stream.avg_frame_rate.num > 0 ? stream.avg_frame_rate : stream.r_frame_rate;
  if (rate.num > 0 && rate.den > 0) t->frame_rate = av_q2d(rate);

  const uint8_t* extra = par.extradata;
  const size_t extra_size = par.extradata ? static_cast<size_t>(par.extradata_size) : 0;
  switch (par.codec_id) {
    case AV_CODEC_ID_H264:
    case AV_CODEC_ID_HEVC:
      if (extra_size >= 7 && extra[0] == 1) {
        // An avcC/hvcC record: chunks are length-prefixed NAL units.
        t->record.assign(extra, extra + extra_size);
        t->description = t->record;
      } else if (extra_size > 0) {
        // Annex B parameter sets: chunks carry start codes, no description.
        t->record = BuildConfigRecord(par.codec_id, extra, extra_size);
      }
      break;
    case AV_CODEC_ID_AV1:
      // av1C (marker and version bits set) or a sequence header OBU.
      if (extra_size >= 4 && extra[0] == 0x81) {
        t->record.assign(extra, extra + extra_size);
      } else if (extra_size > 0) {
        t->record = BuildConfigRecord(par.codec_id, extra, extra_size);
      }
      break;
    default: break;
  }
}

void DescribeAudio(const AVCodecParameters& par, DemuxTrack* t) {
  t->sample_rate = static_cast<uint32_t>(std::max(par.sample_rate, 0));
  t->channels = static_cast<uint32_t>(std::max(par.ch_layout.nb_channels, 0));
  const uint8_t* extra = par.extradata;
  const size_t extra_size = par.extradata ? static_cast<size_t>(par.extradata_size) : 0;
  switch (par.codec_id) {
    case AV_CODEC_ID_AAC:
      if (extra_size > 0) {
        // Raw AAC frames and their AudioSpecificConfig.
        t->description.assign(extra, extra + extra_size);
        t->aac_object_type = AacObjectType(extra, extra_size);
      } else if (par.profile >= 0 && par.profile < 128) {
        // ADTS frames (no description); FFmpeg's AAC profile is the object type - 1.
        t->aac_object_type = par.profile + 1;
      }
      break;
    case AV_CODEC_ID_FLAC: {
      // FFmpeg keeps the bare 34-byte STREAMINFO (or, from some muxers, the
      // whole "fLaC" header).
      if (IsFlacDescription(extra, extra_size)) {
        t->description.assign(extra, extra + extra_size);
      } else if (extra_size >= 34) {
        t->description = FlacDescription(extra, 34);
      }
      break;
    }
    case AV_CODEC_ID_OPUS:
    case AV_CODEC_ID_VORBIS:
      // OpusHead; the Vorbis headers in Xiph lacing.
      if (extra_size > 0) t->description.assign(extra, extra + extra_size);
      break;
    default: break;
  }
}

// Opus's pre-skip in the stream's time base (0 for other codecs). FFmpeg's
// demuxers place an Opus stream's first packet that far before zero (the
// samples its decoder drops); a WebCodecs chunk is stamped with its first
// sample after them, as encoders stamp theirs and decoders output them.
int64_t OpusPreSkip(const AVStream& st) {
  const AVCodecParameters& par = *st.codecpar;
  if (par.codec_id != AV_CODEC_ID_OPUS || !par.extradata) return 0;
  const auto head = ParseOpusHead(par.extradata, static_cast<size_t>(par.extradata_size));
  return head ? av_rescale_q(head->pre_skip, AVRational{1, 48000}, st.time_base) : 0;
}

// An MP4/MOV read from a stream whose index (moov) came after the media:
// the reader is past the samples the index points at.
bool MediaBehindReader(AVFormatContext* input) {
  if (std::strncmp(input->iformat->name, "mov,", 4) != 0) return false;
  const int64_t position = avio_tell(input->pb);
  for (unsigned i = 0; i < input->nb_streams; i++) {
    AVStream* st = input->streams[i];
    if (avformat_index_get_entries_count(st) > 0 && avformat_index_get_entry(st, 0)->pos < position) return true;
  }
  return false;
}

}  // namespace

DemuxTrack DescribeStream(const AVStream& stream) {
  const AVCodecParameters& par = *stream.codecpar;
  DemuxTrack t;
  t.index = stream.index;
  const char* kind = av_get_media_type_string(par.codec_type);
  t.kind = kind ? kind : "unknown";
  t.codec = CodecFamily(par.codec_id);
  t.ffmpeg_codec = avcodec_get_name(par.codec_id);
  t.profile = par.profile;
  t.level = par.level;
  if (par.codec_type == AVMEDIA_TYPE_VIDEO) DescribeVideo(stream, par, &t);
  if (par.codec_type == AVMEDIA_TYPE_AUDIO) DescribeAudio(par, &t);
  if (stream.duration != AV_NOPTS_VALUE) t.duration = ToMicros(stream.duration, stream.time_base);
  if (stream.start_time != AV_NOPTS_VALUE) {
    // Chunks of an Opus stream start after its pre-skip (see OpusPreSkip).
    // FFmpeg's MP4 and Matroska demuxers give the first packet's time, the
    // pre-skip before zero; its Ogg demuxer gives the time after it.
    const int64_t start = stream.start_time < 0 ? stream.start_time + OpusPreSkip(stream) : stream.start_time;
    t.start = ToMicros(start, stream.time_base);
  }
  t.frames = std::max<int64_t>(stream.nb_frames, 0);
  t.bitrate = std::max<int64_t>(par.bit_rate, 0);
  if (const AVDictionaryEntry* lang = av_dict_get(stream.metadata, "language", nullptr, 0)) t.language = lang->value;
  return t;
}

void DemuxEngine::Reset() {
  input_.reset();  // before the reader: the format context reads through it
  reader_.reset();
  source_ = DemuxSource{};
  next_ts_.clear();
  ended_ = false;
}

Status DemuxEngine::Configure(const DemuxSource& source, Emitter& emit) {
  Reset();
  source_ = source;
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  // Packets without a presentation timestamp get one from the decode
  // timestamps that follow, where the container has them (ReadBatch
  // stamps packets that have neither).
  raw->flags |= AVFMT_FLAG_GENPTS;
  std::string url;
  AVDictionary* opts = nullptr;
  if (source.store) {
    reader_ = std::make_unique<StoreReader>(source.store.get(), !source.sequential);
    raw->pb = reader_->avio();
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  } else {
    // Only local files: a path must never reach FFmpeg's network protocols.
    url = "file:" + source.path;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
  }
  const AVInputFormat* format = nullptr;
  if (!source.format.empty()) {
    format = av_find_input_format(source.format.c_str());
    if (!format) {
      av_dict_free(&opts);
      avformat_free_context(raw);
      return Status::Error(ErrorKind::kNotSupportedError,
                           "Unknown container format \"" + source.format + "\": FFmpeg has no demuxer by that name.");
    }
  }
  ClearLastLogError();
  int err = avformat_open_input(&raw, url.c_str(), format, &opts);  // frees `raw` on failure
  av_dict_free(&opts);
  if (err < 0) {
    if (err == AVERROR_INVALIDDATA) {
      return Status::Error(ErrorKind::kNotSupportedError,
                           "The input is not in a container format FFmpeg can read (" + AvErrorText(err) + ").");
    }
    return CodecFailure("Opening the input failed", err);
  }
  input_.reset(raw);
  if (source.sequential && MediaBehindReader(input_.get())) {
    return Status::Error(ErrorKind::kNotSupportedError,
                         "This MP4/MOV has its index (moov) after the media: a stream is read once, front to back, so "
                         "the media has gone by when the index says where it is. Open it from a path or a Buffer, or "
                         "write it with fast start (index first).");
  }

  // Stream analysis decodes a few frames: keep hostile sizes from allocating.
  std::vector<AVDictionary*> stream_opts(input_->nb_streams, nullptr);
  for (AVDictionary*& d : stream_opts) av_dict_set_int(&d, "max_pixels", static_cast<int64_t>(kMaxPixels), 0);
  err = avformat_find_stream_info(input_.get(), stream_opts.empty() ? nullptr : stream_opts.data());
  for (AVDictionary*& d : stream_opts) av_dict_free(&d);
  if (err < 0) return CodecFailure("Reading the container's stream information failed", err);

  DemuxHeader header;
  header.format = input_->iformat->name;
  header.format_long = input_->iformat->long_name ? input_->iformat->long_name : "";
  if (input_->duration != AV_NOPTS_VALUE) header.duration = input_->duration;  // AV_TIME_BASE is microseconds
  if (input_->start_time != AV_NOPTS_VALUE) header.start = input_->start_time;
  header.bitrate = std::max<int64_t>(input_->bit_rate, 0);
  next_ts_.assign(input_->nb_streams, 0);
  for (unsigned i = 0; i < input_->nb_streams; i++) header.tracks.push_back(DescribeStream(*input_->streams[i]));
  emit.Output(std::move(header));
  return Status::Ok();
}

Status DemuxEngine::Process(Work& work, Emitter& emit) {
  if (!input_) return Status::Error(ErrorKind::kInvalidStateError, "The demuxer is not open.");
  if (auto* read = std::get_if<Read>(&work)) return ReadBatch(*read, emit);
  if (auto* seek = std::get_if<Seek>(&work)) return SeekTo(seek->timestamp);
  const auto& select = std::get<Select>(work);
  for (unsigned i = 0; i < input_->nb_streams; i++) input_->streams[i]->discard = AVDISCARD_ALL;
  for (int index : select.tracks) {
    if (index >= 0 && static_cast<unsigned>(index) < input_->nb_streams) {
      input_->streams[index]->discard = AVDISCARD_DEFAULT;
    }
  }
  return Status::Ok();
}

Status DemuxEngine::ReadBatch(const Read& read, Emitter& emit) {
  uint32_t packets = 0;
  uint64_t bytes = 0;
  while (!ended_ && packets < read.max_packets && bytes < read.max_bytes) {
    PacketPtr pkt = AllocPacket();
    ClearLastLogError();
    const int err = av_read_frame(input_.get(), pkt.get());
    if (source_.sequential) ReleaseConsumed();
    if (err == AVERROR_EOF) {
      ended_ = true;
      emit.Output(DemuxedPacket{});
      break;
    }
    if (err < 0) return CodecFailure("Reading the input failed", err);
    const AVStream* st = input_->streams[pkt->stream_index];
    // An empty packet carries nothing to decode (and means "drain" to a
    // decoder). Packets FFmpeg read while probing come back even for
    // streams since deselected.
    if (pkt->size == 0 || st->discard == AVDISCARD_ALL) continue;
    // Raw streams (Annex B) have neither timestamp: packets follow each
    // other by their durations, from zero, as the CLI counts them.
    if (static_cast<size_t>(pkt->stream_index) >= next_ts_.size()) next_ts_.resize(input_->nb_streams, 0);
    int64_t& next = next_ts_[static_cast<size_t>(pkt->stream_index)];
    const int64_t ts = pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts != AV_NOPTS_VALUE ? pkt->dts : next;
    next = (pkt->dts != AV_NOPTS_VALUE ? pkt->dts : ts) + std::max<int64_t>(pkt->duration, 0);
    DemuxedPacket out;
    out.track = pkt->stream_index;
    out.key = (pkt->flags & AV_PKT_FLAG_KEY) != 0;
    out.timestamp = ToMicros(ts + OpusPreSkip(*st), st->time_base);
    if (pkt->duration > 0) out.duration = ToMicros(pkt->duration, st->time_base);
    packets++;
    bytes += static_cast<uint64_t>(pkt->size);
    out.packet = std::move(pkt);
    emit.Output(std::move(out));
  }
  return Status::Ok();
}

Status DemuxEngine::SeekTo(int64_t timestamp) {
  if (source_.sequential) {
    return Status::Error(ErrorKind::kNotSupportedError,
                         "This input is a stream, read once from front to back: seeking needs a file path or a "
                         "Buffer.");
  }
  ClearLastLogError();
  // The last key frame at or before the time; failing that (a time before
  // the first key frame), the first one after it. The time goes into the
  // default (video) stream's time base rounded down: FFmpeg's own rescaling
  // rounds to nearest, which can land on a key frame just after the time.
  const int stream = av_find_default_stream_index(input_.get());
  if (stream < 0) return Status::Error(ErrorKind::kNotSupportedError, "This input has no stream to seek in.");
  const int64_t ts = av_rescale_q_rnd(timestamp, kMicroseconds, input_->streams[stream]->time_base, AV_ROUND_DOWN);
  int err = avformat_seek_file(input_.get(), stream, INT64_MIN, ts, ts, 0);
  if (err < 0) err = avformat_seek_file(input_.get(), stream, INT64_MIN, ts, INT64_MAX, 0);
  if (err < 0) return CodecFailure("Seeking failed", err);
  ended_ = false;
  return Status::Ok();
}

void DemuxEngine::ReleaseConsumed() {
  // FFmpeg reads a sequential input forwards only: whatever it has taken
  // into its own buffer is never read from the store again.
  source_.store->ReleaseBefore(reader_->position());
}

}  // namespace wcn
