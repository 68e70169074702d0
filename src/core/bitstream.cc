#include "core/bitstream.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

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
    if (len > 0 && out) out->push_back(NalUnit{data + pos, len});
    pos += len;
  }
  return true;
}

namespace {

// AV1 leb128, at most 8 bytes.
bool ReadLeb128(const uint8_t* data, size_t size, size_t* pos, uint64_t* value) {
  *value = 0;
  for (int i = 0; i < 8; i++) {
    if (*pos >= size) return false;
    const uint8_t b = data[(*pos)++];
    *value |= uint64_t{b & 0x7fu} << (7 * i);
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

bool SplitAv1Obus(const uint8_t* data, size_t size, std::vector<Av1Obu>* out) {
  size_t pos = 0;
  while (pos < size) {
    const uint8_t header = data[pos++];
    if (header & 0x80) return false;  // obu_forbidden_bit
    if (header & 4) pos++;            // obu_extension_header
    uint64_t obu_size = 0;
    if (header & 2) {
      if (!ReadLeb128(data, size, &pos, &obu_size)) return false;
    } else if (pos <= size) {
      obu_size = size - pos;
    }
    if (pos > size || obu_size > size - pos) return false;
    if (out) out->push_back(Av1Obu{(header >> 3) & 0xf, data + pos, static_cast<size_t>(obu_size)});
    pos += obu_size;
  }
  return true;
}

bool AnnexBToLengthPrefixed(PacketPtr* pkt) {
  AVPacket& in = **pkt;
  const std::vector<NalUnit> nals = SplitAnnexB(in.data, static_cast<size_t>(in.size));
  if (nals.empty()) return false;
  size_t size = 0;
  bool same_layout = true;  // every NAL unit right after a 4-byte start code, nothing between
  for (const NalUnit& nal : nals) {
    same_layout = same_layout && nal.data == in.data + size + 4;
    size += 4 + nal.size;
  }
  uint8_t* out = in.data;
  PacketPtr copy;
  if (!same_layout || !in.buf || !av_buffer_is_writable(in.buf)) {
    copy = AllocPacket();
    if (av_new_packet(copy.get(), static_cast<int>(size)) < 0) throw std::bad_alloc();
    out = copy->data;
  }
  for (const NalUnit& nal : nals) {
    const size_t n = nal.size;
    out[0] = static_cast<uint8_t>(n >> 24);
    out[1] = static_cast<uint8_t>(n >> 16);
    out[2] = static_cast<uint8_t>(n >> 8);
    out[3] = static_cast<uint8_t>(n);
    if (copy) std::memcpy(out + 4, nal.data, n);
    out += 4 + n;
  }
  if (copy) {
    av_packet_copy_props(copy.get(), &in);
    *pkt = std::move(copy);
  } else {
    av_shrink_packet(&in, static_cast<int>(size));  // drops trailing zero bytes
  }
  return true;
}

namespace {

// HEVC's limit on short-term reference picture sets in an SPS, which
// FFmpeg's hvcC writer enforces.
constexpr uint32_t kMaxShortTermRefPicSets = 64;

// Reads an HEVC SPS (after its 2-byte NAL unit header) as FFmpeg's hvcC
// writer does, up to long_term_ref_pics_present_flag, and returns the flag;
// nullopt when the data ends, breaks a limit the writer checks before it,
// or predicts a reference picture set from another.
std::optional<bool> HevcSpsLongTermRefs(const uint8_t* rbsp, size_t size) {
  BitReader br(rbsp, size);
  br.ReadBits(4);  // sps_video_parameter_set_id
  const uint32_t sub_layers = br.ReadBits(3);  // sps_max_sub_layers_minus1
  br.ReadBit();    // sps_temporal_id_nesting_flag
  // profile_tier_level(1, sps_max_sub_layers_minus1): 96 bits of general
  // profile, tier and level, then the sub-layers'.
  for (int i = 0; i < 3; i++) br.ReadBits(32);
  bool profile_present[8] = {}, level_present[8] = {};
  for (uint32_t i = 0; i < sub_layers; i++) {
    profile_present[i] = br.ReadBit();
    level_present[i] = br.ReadBit();
  }
  if (sub_layers > 0) br.ReadBits(2 * static_cast<int>(8 - sub_layers));
  for (uint32_t i = 0; i < sub_layers; i++) {
    if (profile_present[i]) {  // 88 bits
      br.ReadBits(32);
      br.ReadBits(32);
      br.ReadBits(24);
    }
    if (level_present[i]) br.ReadBits(8);
  }
  br.ReadUE();                         // sps_seq_parameter_set_id
  if (br.ReadUE() == 3) br.ReadBit();  // chroma_format_idc, separate_colour_plane_flag
  br.ReadUE();                         // pic_width_in_luma_samples
  br.ReadUE();                         // pic_height_in_luma_samples
  if (br.ReadBit()) {                  // conformance_window_flag: four offsets
    for (int i = 0; i < 4; i++) br.ReadUE();
  }
  for (int i = 0; i < 3; i++) br.ReadUE();  // bit depths, log2_max_pic_order_cnt_lsb_minus4
  for (uint32_t i = br.ReadBit() ? 0 : sub_layers; i <= sub_layers; i++) {
    for (int k = 0; k < 3; k++) br.ReadUE();  // sub-layer ordering info
  }
  for (int i = 0; i < 6; i++) br.ReadUE();  // coding and transform block sizes and depths
  if (br.ReadBit() && br.ReadBit()) {      // scaling_list_enabled_flag, sps_scaling_list_data_present_flag
    for (int size_id = 0; size_id < 4; size_id++) {
      for (int matrix = 0; matrix < (size_id == 3 ? 2 : 6); matrix++) {
        if (!br.ReadBit()) {
          br.ReadUE();  // scaling_list_pred_matrix_id_delta
          continue;
        }
        const int coefficients = std::min(64, 1 << (4 + (size_id << 1)));
        if (size_id > 1) br.ReadUE();  // scaling_list_dc_coef_minus8 (an se(v) is as long)
        for (int k = 0; k < coefficients && !br.failed(); k++) br.ReadUE();
      }
    }
  }
  br.ReadBits(2);      // amp_enabled_flag, sample_adaptive_offset_enabled_flag
  if (br.ReadBit()) {  // pcm_enabled_flag
    br.ReadBits(8);
    br.ReadUE();
    br.ReadUE();
    br.ReadBit();
  }
  const uint32_t sets = br.ReadUE();  // num_short_term_ref_pic_sets
  if (br.failed() || sets > kMaxShortTermRefPicSets) return std::nullopt;
  for (uint32_t i = 0; i < sets && !br.failed(); i++) {
    // A set predicted from the one before: FFmpeg versions disagree on how
    // many of its flags the writer reads, so the rest of the SPS cannot be
    // located (x265 codes every set explicitly).
    if (i > 0 && br.ReadBit()) return std::nullopt;  // inter_ref_pic_set_prediction_flag
    const uint64_t pics = uint64_t{br.ReadUE()} + br.ReadUE();  // negative and positive
    for (uint64_t j = 0; j < pics && !br.failed(); j++) {
      br.ReadUE();   // delta_poc_sX_minus1
      br.ReadBit();  // used_by_curr_pic_sX_flag
    }
  }
  const bool long_term = br.ReadBit();  // long_term_ref_pics_present_flag
  if (br.failed()) return std::nullopt;
  return long_term;
}

// Whether FFmpeg's decoder accepts the parameter sets, strictly. Its
// parsers bound every count; the MP4 writer's do not all: an HEVC SPS whose
// reference picture set declared 2^32 pictures kept it reading past the
// end for over a minute (FFmpeg 5.1).
bool DecoderAcceptsParameterSets(AVCodecID codec, const uint8_t* extradata, size_t size) {
  const AVCodec* decoder = avcodec_find_decoder(codec);
  if (!decoder) return false;
  CodecContextPtr ctx(avcodec_alloc_context3(decoder));
  if (!ctx) throw std::bad_alloc();
  ctx->extradata = static_cast<uint8_t*>(av_mallocz(size + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!ctx->extradata) throw std::bad_alloc();
  std::memcpy(ctx->extradata, extradata, size);
  ctx->extradata_size = static_cast<int>(size);
  ctx->err_recognition = AV_EF_EXPLODE;
  ctx->thread_count = 1;
  return avcodec_open2(ctx.get(), decoder, nullptr) >= 0;
}

}  // namespace

bool HevcHvcCWritable(const uint8_t* extradata, size_t size) {
  if (size == 0 || extradata[0] == 1) return true;  // nothing to parse, or a record copied as it is
  for (const NalUnit& nal : SplitAnnexB(extradata, size)) {
    if (nal.size < 2 || ((nal.data[0] >> 1) & 0x3f) != 33) continue;  // not an SPS
    const std::optional<bool> long_term = HevcSpsLongTermRefs(nal.data + 2, nal.size - 2);
    if (!long_term || *long_term) return false;
  }
  return true;
}

std::vector<uint8_t> BuildConfigRecord(AVCodecID codec, const uint8_t* extradata, size_t size) {
  if (size == 0) return {};  // nothing to build from (and no bytes to copy)
  if ((codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC) && !DecoderAcceptsParameterSets(codec, extradata, size)) {
    return {};
  }
  if (codec == AV_CODEC_ID_HEVC && !HevcHvcCWritable(extradata, size)) return {};
  // The MP4 muxer's record writer is FFmpeg's own, well-tested one; with
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
  std::memcpy(st->codecpar->extradata, extradata, size);
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
  const char* fourcc = codec == AV_CODEC_ID_HEVC ? "hvcC" : codec == AV_CODEC_ID_AV1 ? "av1C" : "avcC";
  for (int i = 4; len > 0 && i + 4 <= len; i++) {
    if (std::memcmp(buf + i, fourcc, 4) != 0) continue;
    const uint32_t box = (uint32_t{buf[i - 4]} << 24) | (uint32_t{buf[i - 3]} << 16) | (uint32_t{buf[i - 2]} << 8) |
                         uint32_t{buf[i - 1]};
    if (box < 8 || i - 4 + static_cast<int64_t>(box) > len) return {};
    return std::vector<uint8_t>(buf + i + 4, buf + i - 4 + box);
  }
  return {};
}

namespace {

// Reads a configuration record front to back; every read is bounds-checked
// and the first failure is remembered as the reason.
class RecordReader {
 public:
  RecordReader(const uint8_t* data, size_t size, std::string* why) : data_(data), size_(size), why_(why) {}

  bool Read(size_t bytes, uint32_t* value, const char* what) {
    if (size_ - pos_ < bytes) return Fail(std::string("it ends inside ") + what);
    *value = 0;
    for (size_t i = 0; i < bytes; i++) *value = (*value << 8) | data_[pos_++];
    return true;
  }

  // A 16-bit length and the NAL unit it prefixes, whose type (read with
  // `type_of`) must be `type`.
  bool ReadNal(const char* what, size_t index, uint32_t type, size_t header_bytes,
               uint32_t (*type_of)(const uint8_t*)) {
    const std::string name = std::string(what) + " " + std::to_string(index);
    uint32_t length = 0;
    if (!Read(2, &length, (name + "'s length").c_str())) return false;
    if (length < header_bytes)
      return Fail(name + " is " + std::to_string(length) + " bytes, shorter than a NAL unit header");
    if (size_ - pos_ < length) {
      return Fail(name + " declares " + std::to_string(length) + " bytes but " + std::to_string(size_ - pos_) +
                  " remain");
    }
    const uint32_t actual = type_of(data_ + pos_);
    if (actual != type) {
      return Fail(name + " is a NAL unit of type " + std::to_string(actual) + ", expected " + std::to_string(type));
    }
    pos_ += length;
    return true;
  }

  bool Fail(const std::string& reason) {
    if (why_) *why_ = reason;
    return false;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string* why_;
};

uint32_t AvcNalType(const uint8_t* nal) { return nal[0] & 0x1f; }
uint32_t HevcNalType(const uint8_t* nal) { return (nal[0] >> 1) & 0x3f; }

// lengthSizeMinusOne may be 0, 1 or 3 (ISO/IEC 14496-15); 2 is reserved.
// Returns 0 (and the reason) for 2.
int LengthSize(uint32_t byte, RecordReader& r) {
  const int length_size = static_cast<int>(byte & 3) + 1;
  if (length_size != 3) return length_size;
  r.Fail("its NAL length size is 3 bytes, expected 1, 2 or 4");
  return 0;
}

bool ReadVersion(RecordReader& r) {
  uint32_t version = 0;
  if (!r.Read(1, &version, "the version")) return false;
  return version == 1 || r.Fail("its version is " + std::to_string(version) + ", expected 1");
}

}  // namespace

int AvcCLengthSize(const uint8_t* record, size_t size, std::string* why) {
  RecordReader r(record, size, why);
  uint32_t indication = 0, length_byte = 0, count = 0;
  if (!ReadVersion(r) || !r.Read(3, &indication, "the profile and level") ||
      !r.Read(1, &length_byte, "the NAL length size")) {
    return 0;
  }
  const int length_size = LengthSize(length_byte, r);
  if (!length_size || !r.Read(1, &count, "the SPS count")) return 0;
  for (uint32_t i = 0; i < (count & 0x1f); i++) {
    if (!r.ReadNal("SPS", i, 7, 1, AvcNalType)) return 0;
  }
  if (!r.Read(1, &count, "the PPS count")) return 0;
  for (uint32_t i = 0; i < count; i++) {
    if (!r.ReadNal("PPS", i, 8, 1, AvcNalType)) return 0;
  }
  // What follows (the High profile extension) is not needed to decode.
  return length_size;
}

int HvcCLengthSize(const uint8_t* record, size_t size, std::string* why) {
  RecordReader r(record, size, why);
  uint32_t skipped = 0, length_byte = 0, arrays = 0;
  if (!ReadVersion(r)) return 0;
  // Profile, tier, level, constraint and format fields (bytes 1-20).
  for (int i = 0; i < 5; i++) {
    if (!r.Read(4, &skipped, "the profile, tier and level fields")) return 0;
  }
  if (!r.Read(1, &length_byte, "the NAL length size")) return 0;
  const int length_size = LengthSize(length_byte, r);
  if (!length_size || !r.Read(1, &arrays, "the array count")) return 0;
  for (uint32_t a = 0; a < arrays; a++) {
    uint32_t type = 0, count = 0;
    const std::string name = "array " + std::to_string(a);
    if (!r.Read(1, &type, (name + "'s NAL unit type").c_str()) ||
        !r.Read(2, &count, (name + "'s NAL unit count").c_str())) {
      return 0;
    }
    for (uint32_t i = 0; i < count; i++) {
      if (!r.ReadNal((name + " NAL unit").c_str(), i, type & 0x3f, 2, HevcNalType)) return 0;
    }
  }
  return length_size;
}

int H264SliceType(const NalUnit& nal) {
  BitReader br(nal.data + 1, nal.size - 1);
  br.ReadUE();  // first_mb_in_slice
  const uint32_t slice_type = br.ReadUE() % 5;
  return br.failed() ? -1 : static_cast<int>(slice_type);
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
      const int temporal_id = (nal.data[1] & 7) - 1;
      // Not a slice, or the forbidden nuh_temporal_id_plus1 of 0.
      if (type > 31 || temporal_id < 0) continue;
      return std::min(layers - 1, temporal_id);
    }
    const int type = nal.data[0] & 0x1f;
    if (type != 1 && type != 5) continue;
    if (type == 5) return 0;
    const int ref_idc = (nal.data[0] >> 5) & 3;
    if (H264SliceType(nal) != 1) return 0;  // I and P pictures are the base layer
    return ref_idc != 0 ? 1 : layers - 1;
  }
  return 0;
}

}  // namespace wcn
