#include "core/keyframe.h"

#include <span>
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


// The VP9 uncompressed header (VP9 bitstream specification 6.2) up to the
// frame size.
struct Vp9Header {
  bool read = false;  // frame_marker, profile and frame type were read
  bool show_existing = false;
  bool key = false;
  FrameSize size;  // 0x0 unless the header gives the size explicitly
};

// color_config() (6.2.2) for `profile`; only skips its bits.
void SkipVp9ColorConfig(BitReader& br, uint32_t profile) {
  if (profile >= 2) br.ReadBit();  // ten_or_twelve_bit
  const uint32_t color_space = br.ReadBits(3);
  const bool subsampling_bits = profile == 1 || profile == 3;
  if (color_space != 7) {  // not CS_RGB
    br.ReadBit();          // color_range
    if (subsampling_bits) br.ReadBits(3);  // subsampling_x, subsampling_y, reserved_zero
  } else if (subsampling_bits) {
    br.ReadBit();  // reserved_zero
  }
}

Vp9Header ReadVp9Header(const uint8_t* data, size_t size) {
  Vp9Header h;
  BitReader br(data, size, false);
  if (br.ReadBits(2) != 2) return h;  // frame_marker
  const uint32_t profile = br.ReadBit() | (br.ReadBit() << 1);
  if (profile == 3) br.ReadBit();  // reserved_zero
  h.show_existing = br.ReadBit();
  if (!h.show_existing) h.key = br.ReadBit() == 0;  // frame_type: KEY_FRAME is 0
  h.read = !br.failed();
  if (!h.read || h.show_existing) return h;
  const bool show_frame = br.ReadBit();
  const bool error_resilient = br.ReadBit();
  const bool intra_only = !h.key && !show_frame && br.ReadBit();
  if (!h.key && !error_resilient) br.ReadBits(2);  // reset_frame_context
  if (h.key || intra_only) {
    if (br.ReadBits(24) != 0x498342) return h;  // frame_sync_code
    // Intra-only frames of profile 0 have no color_config().
    if (h.key || profile > 0) SkipVp9ColorConfig(br, profile);
    if (!h.key) br.ReadBits(8);  // refresh_frame_flags
  } else {
    br.ReadBits(8);   // refresh_frame_flags
    br.ReadBits(12);  // ref_frame_idx[3] and ref_frame_sign_bias[3]
    for (int i = 0; i < 3; i++) {
      if (br.ReadBit()) return h;  // found_ref: sized like a reference
    }
  }
  const uint32_t width = br.ReadBits(16) + 1;
  const uint32_t height = br.ReadBits(16) + 1;
  if (!br.failed()) h.size = FrameSize{width, height};
  return h;
}

// The frames of a VP9 chunk: those listed by a superframe index, or the
// chunk itself.
std::vector<std::span<const uint8_t>> Vp9Frames(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  // A superframe ends with an index: marker 110mmmss, frame sizes, marker.
  const uint8_t marker = data[size - 1];
  if ((marker & 0xe0) == 0xc0) {
    const size_t frames = (marker & 7) + 1;
    const size_t bytes = ((marker >> 3) & 3) + 1;
    const size_t index = 2 + bytes * frames;
    if (size >= index && data[size - index] == marker) {
      std::vector<std::span<const uint8_t>> out;
      size_t pos = 0;
      for (size_t f = 0; f < frames; f++) {
        size_t frame_size = 0;
        for (size_t i = 0; i < bytes; i++) frame_size |= size_t{data[size - index + 1 + f * bytes + i]} << (8 * i);
        if (frame_size == 0 || frame_size > size - index - pos) return {};
        out.emplace_back(data + pos, frame_size);
        pos += frame_size;
      }
      return out;
    }
  }
  return {std::span<const uint8_t>(data, size)};
}

}  // namespace

// Whether an H.264 SEI NAL unit carries a recovery point (payload type 6).
bool HasRecoveryPoint(const NalUnit& sei) {
  BitReader br(sei.data + 1, sei.size - 1);
  for (;;) {
    uint32_t type = 0, size = 0, byte;
    do {
      byte = br.ReadBits(8);
      type += byte;
    } while (byte == 0xff && !br.failed());
    do {
      byte = br.ReadBits(8);
      size += byte;
    } while (byte == 0xff && !br.failed());
    if (br.failed()) return false;
    if (type == 6) return true;
    for (uint32_t i = 0; i < size && !br.failed(); i++) br.ReadBits(8);
  }
}

// An IDR picture, or an I picture after a recovery point SEI (an open-GOP
// random access point, which H.264 streams from x264's open-gop and many
// broadcast encoders start at; decoding can begin there).
KeyFrameCheck CheckH264(const uint8_t* data, size_t size, int length_size) {
  std::vector<NalUnit> nals;
  if (!Nals(data, size, length_size, &nals)) return KeyFrameCheck::kUnknown;
  bool slice = false;
  bool recovery_point = false;
  for (const NalUnit& nal : nals) {
    const int type = nal.data[0] & 0x1f;
    if (type == 5) return KeyFrameCheck::kKey;
    if (type == 6 && HasRecoveryPoint(nal)) recovery_point = true;
    if (type == 1) {
      if (!slice && recovery_point) {
        const int slice_type = H264SliceType(nal);
        if (slice_type == 2 || slice_type == 4) return KeyFrameCheck::kKey;  // I or SI
      }
      slice = true;
    }
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

std::optional<Vp8KeyFrame> ReadVp8KeyFrame(const uint8_t* data, size_t size) {
  // 3-byte frame tag (key bit, version, show_frame, 19-bit first partition
  // size), start code, then 14-bit width and height each under 2 scale bits.
  if (size < 10 || (data[0] & 1) || data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a) return std::nullopt;
  Vp8KeyFrame k;
  k.first_partition_bytes = (data[0] | (data[1] << 8) | (data[2] << 16)) >> 5;
  k.size.width = (data[6] | (data[7] << 8)) & 0x3fff;
  k.size.height = (data[8] | (data[9] << 8)) & 0x3fff;
  return k;
}

KeyFrameCheck CheckVp9(const uint8_t* data, size_t size) {
  const std::vector<std::span<const uint8_t>> frames = Vp9Frames(data, size);
  if (frames.empty()) return KeyFrameCheck::kUnknown;
  const Vp9Header h = ReadVp9Header(frames[0].data(), frames[0].size());
  if (!h.read) return KeyFrameCheck::kUnknown;
  return h.key && !h.show_existing ? KeyFrameCheck::kKey : KeyFrameCheck::kNotKey;
}

FrameSize Vp9DeclaredSize(const uint8_t* data, size_t size) {
  FrameSize largest;
  for (const std::span<const uint8_t>& frame : Vp9Frames(data, size)) {
    const FrameSize s = ReadVp9Header(frame.data(), frame.size()).size;
    if (uint64_t{s.width} * s.height > uint64_t{largest.width} * largest.height) largest = s;
  }
  return largest;
}

KeyFrameCheck CheckAv1(const uint8_t* data, size_t size) {
  std::vector<Av1Obu> obus;
  if (!SplitAv1Obus(data, size, &obus)) return KeyFrameCheck::kUnknown;
  bool reduced_still_picture = false;
  for (const Av1Obu& obu : obus) {
    if (obu.type == 1 && obu.size > 0) {
      // seq_profile(3) still_picture(1) reduced_still_picture_header(1)
      reduced_still_picture = (obu.payload[0] >> 3) & 1;
    } else if ((obu.type == 3 || obu.type == 6) && obu.size > 0) {
      if (reduced_still_picture) return KeyFrameCheck::kKey;
      BitReader br(obu.payload, obu.size, false);
      if (br.ReadBit()) return KeyFrameCheck::kNotKey;  // show_existing_frame
      const uint32_t frame_type = br.ReadBits(2);
      if (br.failed()) return KeyFrameCheck::kUnknown;
      return frame_type == 0 ? KeyFrameCheck::kKey : KeyFrameCheck::kNotKey;
    }
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
