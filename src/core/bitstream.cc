#include "core/bitstream.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/bit_reader.h"
#include "core/ffmpeg_raii.h"

namespace wcn {

namespace {

// Position of the next 00 00 01 at or after `from`, or `size`.
size_t FindStartCode(const uint8_t* data, size_t size, size_t from) {
  for (size_t i = from; i + 2 < size; i++) {
    if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return i;
  }
  return size;
}

struct FormatContextDeleter {
  void operator()(AVFormatContext* oc) const {
    if (oc->pb) {
      uint8_t* buf = nullptr;
      avio_close_dyn_buf(oc->pb, &buf);
      av_free(buf);
    }
    avformat_free_context(oc);
  }
};

}  // namespace

std::vector<NalUnit> SplitAnnexB(const uint8_t* data, size_t size) {
  std::vector<NalUnit> nals;
  size_t start = FindStartCode(data, size, 0);
  while (start < size) {
    const size_t begin = start + 3;
    const size_t next = FindStartCode(data, size, begin);
    size_t end = next;
    // Zero bytes before the next start code (its leading zero, or trailing
    // padding) belong to no NAL unit.
    while (end > begin && data[end - 1] == 0) end--;
    if (end > begin) nals.push_back(NalUnit{data + begin, end - begin});
    start = next;
  }
  return nals;
}

bool SplitLengthPrefixed(const uint8_t* data, size_t size, int length_size, std::vector<NalUnit>* out) {
  if (length_size != 1 && length_size != 2 && length_size != 4) return false;
  size_t pos = 0;
  while (pos < size) {
    if (size - pos < static_cast<size_t>(length_size)) return false;
    size_t len = 0;
    for (int i = 0; i < length_size; i++) len = (len << 8) | data[pos + i];
    pos += length_size;
    if (len > size - pos) return false;
    if (len > 0) out->push_back(NalUnit{data + pos, len});
    pos += len;
  }
  return true;
}

bool AnnexBToLengthPrefixed(const uint8_t* data, size_t size, std::vector<uint8_t>* out) {
  const std::vector<NalUnit> nals = SplitAnnexB(data, size);
  if (nals.empty()) return false;
  out->clear();
  for (const NalUnit& nal : nals) {
    const uint32_t n = static_cast<uint32_t>(nal.size);
    const uint8_t len[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                            static_cast<uint8_t>(n)};
    out->insert(out->end(), len, len + 4);
    out->insert(out->end(), nal.data, nal.data + nal.size);
  }
  return true;
}

std::vector<uint8_t> BuildConfigRecord(AVCodecID codec, const uint8_t* annexb, size_t size) {
  // The MP4 muxer's avcC/hvcC writer is FFmpeg's own, well-tested one; with
  // an empty moov it writes the record as soon as the header is written.
  AVFormatContext* raw = nullptr;
  if (avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr) < 0 || !raw) return {};
  std::unique_ptr<AVFormatContext, FormatContextDeleter> oc(raw);
  AVStream* st = avformat_new_stream(oc.get(), nullptr);
  if (!st) return {};
  st->time_base = AVRational{1, 90000};
  st->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  st->codecpar->codec_id = codec;
  st->codecpar->width = 16;
  st->codecpar->height = 16;
  st->codecpar->extradata = static_cast<uint8_t*>(av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!st->codecpar->extradata) throw std::bad_alloc();
  std::memcpy(st->codecpar->extradata, annexb, size);
  st->codecpar->extradata_size = static_cast<int>(size);
  if (avio_open_dyn_buf(&oc->pb) < 0) return {};
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "movflags", "empty_moov+frag_keyframe", 0);
  const int err = avformat_write_header(oc.get(), &opts);
  av_dict_free(&opts);
  if (err < 0) return {};
  uint8_t* buf = nullptr;
  const int len = avio_close_dyn_buf(oc->pb, &buf);
  oc->pb = nullptr;
  std::unique_ptr<uint8_t, AvFreeDeleter> owned(buf);
  const char* fourcc = codec == AV_CODEC_ID_HEVC ? "hvcC" : "avcC";
  for (int i = 4; len > 0 && i + 4 <= len; i++) {
    if (std::memcmp(buf + i, fourcc, 4) != 0) continue;
    const uint32_t box = (uint32_t{buf[i - 4]} << 24) | (uint32_t{buf[i - 3]} << 16) | (uint32_t{buf[i - 2]} << 8) |
                         uint32_t{buf[i - 1]};
    if (box < 8 || i - 4 + static_cast<int64_t>(box) > len) return {};
    return std::vector<uint8_t>(buf + i + 4, buf + i - 4 + box);
  }
  return {};
}

int AvcCLengthSize(const uint8_t* record, size_t size) {
  if (size < 7 || record[0] != 1) return 0;
  return (record[4] & 3) + 1;
}

int HvcCLengthSize(const uint8_t* record, size_t size) {
  if (size < 23 || record[0] != 1) return 0;
  return (record[21] & 3) + 1;
}

int TemporalLayerOfPicture(bool hevc, const uint8_t* data, size_t size, int length_size, int layers) {
  std::vector<NalUnit> nals;
  if (length_size == 0) {
    nals = SplitAnnexB(data, size);
  } else if (!SplitLengthPrefixed(data, size, length_size, &nals)) {
    return 0;
  }
  for (const NalUnit& nal : nals) {
    if (hevc) {
      if (nal.size < 2) continue;
      const int type = (nal.data[0] >> 1) & 0x3f;
      if (type > 31) continue;  // not a slice
      return std::min(layers - 1, (nal.data[1] & 7) - 1);
    }
    const int type = nal.data[0] & 0x1f;
    if (type != 1 && type != 5) continue;
    if (type == 5) return 0;
    const int ref_idc = (nal.data[0] >> 5) & 3;
    BitReader br(nal.data + 1, nal.size - 1);
    br.ReadUE();  // first_mb_in_slice
    const uint32_t slice_type = br.ReadUE() % 5;
    if (br.failed() || slice_type != 1) return 0;  // I and P pictures are the base layer
    return ref_idc != 0 ? 1 : layers - 1;
  }
  return 0;
}

}  // namespace wcn
