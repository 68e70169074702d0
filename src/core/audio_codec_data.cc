#include "core/audio_codec_data.h"

#include <array>
#include <cstring>

namespace wcn {

namespace {

constexpr uint8_t kFlacMagic[4] = {'f', 'L', 'a', 'C'};
constexpr size_t kStreamInfoSize = 34;

// A Vorbis header packet of `type` (1 identification, 3 comment, 5 setup).
bool IsVorbisHeader(const uint8_t* p, size_t size, uint8_t type) {
  return size >= 7 && p[0] == type && std::memcmp(p + 1, "vorbis", 6) == 0;
}

void AppendLacing(std::vector<uint8_t>* out, size_t size) {
  for (; size >= 255; size -= 255) out->push_back(255);
  out->push_back(static_cast<uint8_t>(size));
}

// Reads one Xiph-laced size starting at *pos; false when the lacing runs off the end.
bool ReadLacing(const uint8_t* data, size_t end, size_t* pos, size_t* size) {
  *size = 0;
  while (*pos < end) {
    const uint8_t v = data[(*pos)++];
    *size += v;
    if (v < 255) return true;
  }
  return false;
}

}  // namespace

bool IsFlacDescription(const uint8_t* data, size_t size) {
  if (size < 8 + kStreamInfoSize || std::memcmp(data, kFlacMagic, 4) != 0) return false;
  const uint8_t type = data[4] & 0x7f;
  const size_t length = (size_t{data[5]} << 16) | (size_t{data[6]} << 8) | data[7];
  return type == 0 && length == kStreamInfoSize;
}

std::vector<uint8_t> FlacDescription(const uint8_t* streaminfo, size_t size) {
  std::vector<uint8_t> out(kFlacMagic, kFlacMagic + 4);
  out.push_back(0x80);  // last metadata block, type 0 (STREAMINFO)
  out.push_back(static_cast<uint8_t>(size >> 16));
  out.push_back(static_cast<uint8_t>(size >> 8));
  out.push_back(static_cast<uint8_t>(size));
  out.insert(out.end(), streaminfo, streaminfo + size);
  return out;
}

std::optional<std::vector<uint8_t>> VorbisExtradata(const uint8_t* data, size_t size) {
  if (size < 3) return std::nullopt;
  std::array<size_t, 3> sizes{};
  size_t pos = 1;
  if (data[0] == 2) {
    // FFmpeg/Matroska: the first two sizes are laced, the third is the rest.
    if (!ReadLacing(data, size, &pos, &sizes[0]) || !ReadLacing(data, size, &pos, &sizes[1])) return std::nullopt;
    if (sizes[0] + sizes[1] > size - pos) return std::nullopt;
    sizes[2] = size - pos - sizes[0] - sizes[1];
  } else {
    // page_segments, then a segment table lacing all three packets.
    const size_t table_end = 1 + size_t{data[0]};
    if (table_end > size) return std::nullopt;
    for (size_t& s : sizes) {
      if (!ReadLacing(data, table_end, &pos, &s)) return std::nullopt;
    }
    if (pos != table_end || sizes[0] + sizes[1] + sizes[2] != size - pos) return std::nullopt;
  }
  const uint8_t* p = data + pos;
  if (!IsVorbisHeader(p, sizes[0], 1) || !IsVorbisHeader(p + sizes[0], sizes[1], 3) ||
      !IsVorbisHeader(p + sizes[0] + sizes[1], sizes[2], 5)) {
    return std::nullopt;
  }
  std::vector<uint8_t> out{2};
  AppendLacing(&out, sizes[0]);
  AppendLacing(&out, sizes[1]);
  out.insert(out.end(), p, p + sizes[0] + sizes[1] + sizes[2]);
  return out;
}

std::optional<OpusHead> ParseOpusHead(const uint8_t* data, size_t size) {
  if (size < 19 || std::memcmp(data, "OpusHead", 8) != 0) return std::nullopt;
  OpusHead head;
  head.channels = data[9];
  head.pre_skip = data[10] | (data[11] << 8);
  head.mapping_family = data[18];
  if (head.channels == 0) return std::nullopt;
  // Families other than 0 carry stream counts and a channel mapping table.
  if (head.mapping_family != 0 && size < 21 + static_cast<size_t>(head.channels)) return std::nullopt;
  return head;
}

int OpusPacketSamples(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int config = data[0] >> 3;
  // Frame durations: SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.
  int frame = 0;
  if (config < 12) {
    frame = (config & 3) == 3 ? 2880 : 480 << (config & 3);
  } else if (config < 16) {
    frame = 480 << (config & 1);
  } else {
    frame = 120 << (config & 3);
  }
  // Frame count code: one frame, two (equal or not), or an arbitrary count.
  const int code = data[0] & 3;
  if (code < 3) return frame * (code == 0 ? 1 : 2);
  if (size < 2) return 0;
  return frame * (data[1] & 0x3f);
}

bool MpegAudioFramesComplete(const uint8_t* data, size_t size) {
  // kbit/s by [MPEG-1?][layer - 1][index] (ISO 11172-3, 13818-3).
  static constexpr int kBitrates[2][3][15] = {
      {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
       {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
       {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
      {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
       {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
       {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
  };
  static constexpr int kRates[3] = {44100, 48000, 32000};
  size_t pos = 0;
  while (pos + 4 <= size) {
    const uint8_t* h = data + pos;
    if (h[0] != 0xff || (h[1] & 0xe0) != 0xe0) return true;  // not a header: the decoder judges
    const int version = (h[1] >> 3) & 3;  // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
    const int layer = 4 - ((h[1] >> 1) & 3);
    const int bitrate_index = h[2] >> 4;
    const int rate_index = (h[2] >> 2) & 3;
    if (version == 1 || layer == 4 || bitrate_index == 15 || rate_index == 3) return true;
    if (bitrate_index == 0) return true;  // free format
    const bool mpeg1 = version == 3;
    const int rate = kRates[rate_index] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
    const int bitrate = kBitrates[mpeg1][layer - 1][bitrate_index] * 1000;
    const int padding = (h[2] >> 1) & 1;
    const size_t length = layer == 1 ? static_cast<size_t>((12 * bitrate / rate + padding) * 4)
                                     : static_cast<size_t>((layer == 3 && !mpeg1 ? 72 : 144) * bitrate / rate + padding);
    if (pos + length > size) return false;
    pos += length;
  }
  return true;  // whole frames, perhaps with a few stray bytes the decoder skips
}

bool AdtsFramesComplete(const uint8_t* data, size_t size) {
  size_t pos = 0;
  while (pos < size) {
    const uint8_t* h = data + pos;
    if (h[0] != 0xff) return true;
    if (size - pos < 2) return false;
    if ((h[1] & 0xf6) != 0xf0) return true;  // not the 12-bit sync word and layer 0
    if (size - pos < 7) return false;
    const size_t length = (static_cast<size_t>(h[3] & 3) << 11) | (static_cast<size_t>(h[4]) << 3) | (h[5] >> 5);
    if (length < 7 || pos + length > size) return false;
    pos += length;
  }
  return true;
}

int AacSampleRateIndex(int sample_rate) {
  static constexpr int kRates[] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                   22050, 16000, 12000, 11025, 8000,  7350};
  for (int i = 0; i < 13; i++) {
    if (kRates[i] == sample_rate) return i;
  }
  return -1;
}

bool WriteAdtsHeader(uint8_t out[7], int object_type, int sample_rate_index, int channels, size_t payload, bool mpeg2) {
  const size_t length = payload + 7;
  // channel_configuration 1-6 are 1-6 channels, 7 is 7.1 (8 channels).
  const int config = channels >= 1 && channels <= 6 ? channels : channels == 8 ? 7 : -1;
  if (length > 0x1fff || config < 0 || object_type < 1 || object_type > 4 || sample_rate_index < 0) return false;
  out[0] = 0xff;
  out[1] = static_cast<uint8_t>(0xf1 | (mpeg2 ? 0x08 : 0));  // sync, ID, layer 0, no CRC
  out[2] = static_cast<uint8_t>(((object_type - 1) << 6) | (sample_rate_index << 2) | (config >> 2));
  out[3] = static_cast<uint8_t>(((config & 3) << 6) | (length >> 11));
  out[4] = static_cast<uint8_t>(length >> 3);
  out[5] = static_cast<uint8_t>(((length & 7) << 5) | 0x1f);  // buffer fullness 0x7ff: variable rate
  out[6] = 0xfc;                                              // ... and one raw data block
  return true;
}

}  // namespace wcn
