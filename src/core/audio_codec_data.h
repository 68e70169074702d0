// The codec-specific bytes of the audio registrations: descriptions
// (AudioDecoderConfig.description) and AAC's ADTS framing, parsed for the
// decoders and built for the encoders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wcn {

// FLAC: "fLaC" then a STREAMINFO metadata block (then optionally others).
bool IsFlacDescription(const uint8_t* data, size_t size);
// The description for an encoder's 34-byte STREAMINFO: "fLaC", a last-block
// header of type STREAMINFO, the block.
std::vector<uint8_t> FlacDescription(const uint8_t* streaminfo, size_t size);

// Vorbis: the three header packets in Xiph extradata form. The registration's
// wording (Ogg page_segments + segment_table, all three packets laced) and
// the Matroska/FFmpeg form (packet count - 1, then the laced sizes of the
// first two) are both accepted; the result is FFmpeg's form. nullopt when
// the bytes are not three Vorbis headers (identification, comment, setup).
std::optional<std::vector<uint8_t>> VorbisExtradata(const uint8_t* data, size_t size);

// Opus: the identification header of RFC 7845 section 5.1.
struct OpusHead {
  int channels = 0;
  int pre_skip = 0;  // in 48 kHz samples
  int mapping_family = 0;
};
std::optional<OpusHead> ParseOpusHead(const uint8_t* data, size_t size);
// The 48 kHz samples an Opus packet decodes to, from its TOC byte and frame
// count (RFC 6716 section 3.1); 0 for an empty or malformed packet.
int OpusPacketSamples(const uint8_t* data, size_t size);

// MPEG audio (MP3): whether `size` bytes hold whole frames, walking the
// frame headers (free-format frames, whose length the header does not
// give, end the walk). False when a frame runs past the end: a truncated
// chunk FFmpeg's decoder would otherwise decode without complaint.
bool MpegAudioFramesComplete(const uint8_t* data, size_t size);

// AAC in ADTS format: whether `size` bytes hold whole ADTS frames, by the
// frame_length of their headers (ISO 14496-3 1.A.3.2). False when a header
// or a frame runs past the end; bytes that are not an ADTS header end the
// walk (the decoder judges them). FFmpeg's decoder drops a cut header
// without a word.
bool AdtsFramesComplete(const uint8_t* data, size_t size);

// FLAC: the smallest possible frame (a 6-byte header, one 2-byte constant
// subframe, the CRC-16); FFmpeg's decoder silently drops shorter packets.
inline constexpr size_t kMinFlacFrameBytes = 10;

// AAC: the index of a sampling frequency in ISO 14496-3's table, or -1.
int AacSampleRateIndex(int sample_rate);
// The 7-byte ADTS header (no CRC) of a raw AAC frame of `payload` bytes.
// `mpeg2` sets the ID bit (MPEG-2 AAC, "mp4a.67"). False when the frame is
// too large for ADTS or the channel count has no channel_configuration.
bool WriteAdtsHeader(uint8_t out[7], int object_type, int sample_rate_index, int channels, size_t payload, bool mpeg2);

}  // namespace wcn
