// H.264 / HEVC stream formats: NAL units in Annex B (start codes) or
// length-prefixed form, the avcC/hvcC configuration records, and the few
// header fields the codecs need (temporal layer of a picture). Every read is
// bounds-checked: these run on untrusted chunks and descriptions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ffmpeg_raii.h"

namespace wcn {

struct NalUnit {
  const uint8_t* data;
  size_t size;
};

// Splits Annex B data at its 3- or 4-byte start codes. Trailing zero bytes
// of a NAL unit (padding before the next start code) are not part of it.
std::vector<NalUnit> SplitAnnexB(const uint8_t* data, size_t size);

// Splits length-prefixed data (length_size 1, 2 or 4) into `out`, or only
// checks it when `out` is null. False when a length runs past the end.
bool SplitLengthPrefixed(const uint8_t* data, size_t size, int length_size, std::vector<NalUnit>* out);

struct Av1Obu {
  int type;
  const uint8_t* payload;
  size_t size;
};

// Splits an AV1 temporal unit (low-overhead format: OBUs with sizes; one
// without a size runs to the end) into `out`, or only checks it when `out`
// is null. False when a header has its forbidden bit set or is cut short,
// or a size runs past the end.
bool SplitAv1Obus(const uint8_t* data, size_t size, std::vector<Av1Obu>* out);

// Rewrites an Annex B packet with 4-byte length prefixes: in place, without
// a copy, when every NAL unit follows a 4-byte start code and the packet is
// writable; otherwise into a new packet (one copy). False when there is no
// start code.
bool AnnexBToLengthPrefixed(PacketPtr* pkt);

// The configuration record FFmpeg's MP4 muxer writes for a stream with this
// extradata: avcC for H.264 and hvcC for HEVC (Annex B SPS/PPS, or
// VPS/SPS/PPS, which FFmpeg's decoder must accept first), av1C for AV1 (the
// sequence header OBU). Empty when FFmpeg cannot build one from the data.
std::vector<uint8_t> BuildConfigRecord(AVCodecID codec, const uint8_t* extradata, size_t size);

// Whether FFmpeg's hvcC writer (ff_isom_write_hvcc: BuildConfigRecord, and
// the MP4 and Matroska muxers) can read the HEVC parameter sets in this
// extradata. Up to at least FFmpeg 5.1 it reads num_long_term_ref_pics_sps
// again on every turn of its loop over them, a loop that may never end, so
// Annex B data with an SPS that has long-term reference pictures is
// refused, and so is one that predicts a reference picture set from
// another or ends before saying (where the writer's reading cannot be
// followed); an hvcC record is copied as it is, and is writable.
bool HevcHvcCWritable(const uint8_t* extradata, size_t size);

// Validates an AVCDecoderConfigurationRecord (avcC, ISO/IEC 14496-15
// 5.3.3.1) or HEVCDecoderConfigurationRecord (hvcC, 8.3.3.1): version 1, a
// NAL length size of 1, 2 or 4, and every parameter set array and NAL unit
// inside the record with the NAL unit types the record says. Returns the NAL
// length size, or 0 with the reason in `why` (when given).
int AvcCLengthSize(const uint8_t* record, size_t size, std::string* why = nullptr);
int HvcCLengthSize(const uint8_t* record, size_t size, std::string* why = nullptr);

// The slice_type of an H.264 slice NAL unit (type 1 or 5) modulo 5: 0 P,
// 1 B, 2 I, 3 SP, 4 SI; -1 when its header cannot be read.
int H264SliceType(const NalUnit& nal);

// The temporal layer of an AVC/HEVC picture our encoder produced with a
// fixed B structure (see video_encoder_setup.cc): I/P -> 0, referenced B ->
// 1, unreferenced B -> layers - 1. HEVC uses the NAL header's TemporalId.
// `length_size` 0 means Annex B.
int TemporalLayerOfPicture(bool hevc, const uint8_t* data, size_t size, int length_size, int layers);

}  // namespace wcn
