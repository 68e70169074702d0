#include "core/keyframe.h"

#include <vector>

#include "core/bit_reader.h"
#include "core/bitstream.h"

namespace wcn {

namespace {

bool Nals(const uint8_t* data, size_t size, int length_size, std::vector<NalUnit>* nals) {
  if (length_size == 0) {
    *nals = SplitAnnexB(data, size);
    return true;
  }
  return SplitLengthPrefixed(data, size, length_size, nals);
}

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

KeyFrameCheck Vp9Frame(const uint8_t* data, size_t size) {
  if (size == 0) return KeyFrameCheck::kUnknown;
  BitReader br(data, size, false);
  if (br.ReadBits(2) != 2) return KeyFrameCheck::kUnknown;  // frame_marker
  const uint32_t profile = br.ReadBit() | (br.ReadBit() << 1);
  if (profile == 3) br.ReadBit();  // reserved_zero
  if (br.ReadBit()) return KeyFrameCheck::kNotKey;  // show_existing_frame
  const uint32_t frame_type = br.ReadBit();
  if (br.failed()) return KeyFrameCheck::kUnknown;
  return frame_type == 0 ? KeyFrameCheck::kKey : KeyFrameCheck::kNotKey;
}

}  // namespace

KeyFrameCheck CheckH264(const uint8_t* data, size_t size, int length_size) {
  std::vector<NalUnit> nals;
  if (!Nals(data, size, length_size, &nals)) return KeyFrameCheck::kUnknown;
  bool slice = false;
  for (const NalUnit& nal : nals) {
    const int type = nal.data[0] & 0x1f;
    if (type == 5) return KeyFrameCheck::kKey;
    if (type == 1) slice = true;
  }
  return slice ? KeyFrameCheck::kNotKey : KeyFrameCheck::kUnknown;
}

KeyFrameCheck CheckHevc(const uint8_t* data, size_t size, int length_size) {
  std::vector<NalUnit> nals;
  if (!Nals(data, size, length_size, &nals)) return KeyFrameCheck::kUnknown;
  bool slice = false;
  for (const NalUnit& nal : nals) {
    const int type = (nal.data[0] >> 1) & 0x3f;
    if (type >= 16 && type <= 23) return KeyFrameCheck::kKey;  // IRAP
    if (type <= 9) slice = true;
  }
  return slice ? KeyFrameCheck::kNotKey : KeyFrameCheck::kUnknown;
}

KeyFrameCheck CheckVp8(const uint8_t* data, size_t size) {
  if (size < 3) return KeyFrameCheck::kUnknown;
  if (data[0] & 1) return KeyFrameCheck::kNotKey;  // frame tag: 1 = interframe
  // A key frame carries the start code 9d 01 2a after the 3-byte tag.
  if (size >= 6 && data[3] == 0x9d && data[4] == 0x01 && data[5] == 0x2a) return KeyFrameCheck::kKey;
  return KeyFrameCheck::kUnknown;
}

KeyFrameCheck CheckVp9(const uint8_t* data, size_t size) {
  if (size == 0) return KeyFrameCheck::kUnknown;
  // A superframe ends with an index: marker 110mmmss, frame sizes, marker.
  const uint8_t marker = data[size - 1];
  if ((marker & 0xe0) == 0xc0) {
    const size_t frames = (marker & 7) + 1;
    const size_t bytes = ((marker >> 3) & 3) + 1;
    const size_t index = 2 + bytes * frames;
    if (size >= index && data[size - index] == marker) {
      size_t first = 0;
      for (size_t i = 0; i < bytes; i++) first |= size_t{data[size - index + 1 + i]} << (8 * i);
      if (first == 0 || first > size - index) return KeyFrameCheck::kUnknown;
      return Vp9Frame(data, first);
    }
  }
  return Vp9Frame(data, size);
}

KeyFrameCheck CheckAv1(const uint8_t* data, size_t size) {
  bool reduced_still_picture = false;
  size_t pos = 0;
  while (pos < size) {
    const uint8_t header = data[pos++];
    if (header & 0x80) return KeyFrameCheck::kUnknown;  // forbidden bit
    const int type = (header >> 3) & 0xf;
    if (header & 4) pos++;  // extension
    uint64_t obu_size = size - pos;
    if (header & 2) {
      if (!ReadLeb128(data, size, &pos, &obu_size)) return KeyFrameCheck::kUnknown;
    }
    if (pos > size || obu_size > size - pos) return KeyFrameCheck::kUnknown;
    const uint8_t* obu = data + pos;
    if (type == 1 && obu_size > 0) {
      // seq_profile(3) still_picture(1) reduced_still_picture_header(1)
      reduced_still_picture = (obu[0] >> 3) & 1;
    } else if ((type == 3 || type == 6) && obu_size > 0) {
      if (reduced_still_picture) return KeyFrameCheck::kKey;
      BitReader br(obu, obu_size, false);
      if (br.ReadBit()) return KeyFrameCheck::kNotKey;  // show_existing_frame
      const uint32_t frame_type = br.ReadBits(2);
      if (br.failed()) return KeyFrameCheck::kUnknown;
      return frame_type == 0 ? KeyFrameCheck::kKey : KeyFrameCheck::kNotKey;
    }
    pos += obu_size;
  }
  return KeyFrameCheck::kUnknown;
}

KeyFrameCheck CheckKeyFrame(const std::string& family, const uint8_t* data, size_t size, const uint8_t* description,
                            size_t description_size) {
  if (family == "h264" || family == "hevc") {
    const bool hevc = family == "hevc";
    int length_size = 0;
    if (description) {
      length_size = hevc ? HvcCLengthSize(description, description_size) : AvcCLengthSize(description, description_size);
      if (length_size == 0) return KeyFrameCheck::kUnknown;  // the decoder will reject the description
    }
    return hevc ? CheckHevc(data, size, length_size) : CheckH264(data, size, length_size);
  }
  if (family == "vp8") return CheckVp8(data, size);
  if (family == "vp9") return CheckVp9(data, size);
  if (family == "av1") return CheckAv1(data, size);
  return KeyFrameCheck::kUnknown;
}

}  // namespace wcn
