#include "core/audio_codec_data.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/audio_channels.h"
#include "core/audio_frame.h"

namespace wcn {
namespace {

std::vector<uint8_t> VorbisHeader(uint8_t type, size_t size) {
  std::vector<uint8_t> h(size, 0xab);
  h[0] = type;
  std::memcpy(h.data() + 1, "vorbis", 6);
  return h;
}

TEST(VorbisExtradata, AcceptsBothXiphForms) {
  const auto id = VorbisHeader(1, 30), comment = VorbisHeader(3, 300), setup = VorbisHeader(5, 600);
  // FFmpeg/Matroska: count - 1, laced sizes of the first two (300 = 255 + 45).
  std::vector<uint8_t> ffmpeg{2, 30, 255, 45};
  // The registration's page_segments + segment table of all three (600 = 2*255 + 90).
  std::vector<uint8_t> ogg{6, 30, 255, 45, 255, 255, 90};
  for (auto* form : {&ffmpeg, &ogg}) {
    for (const auto* h : {&id, &comment, &setup}) form->insert(form->end(), h->begin(), h->end());
  }
  auto a = VorbisExtradata(ffmpeg.data(), ffmpeg.size());
  auto b = VorbisExtradata(ogg.data(), ogg.size());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, ffmpeg);
  EXPECT_EQ(*b, ffmpeg);
  // A header of the wrong type, or sizes that do not add up.
  std::vector<uint8_t> bad = ffmpeg;
  bad[4] = 2;
  EXPECT_FALSE(VorbisExtradata(bad.data(), bad.size()));
  std::vector<uint8_t> short_table{6, 30, 255};
  EXPECT_FALSE(VorbisExtradata(short_table.data(), short_table.size()));
}

TEST(FlacDescription, WrapsStreamInfo) {
  std::vector<uint8_t> info(34, 7);
  const auto d = FlacDescription(info.data(), info.size());
  ASSERT_EQ(d.size(), 42u);
  EXPECT_EQ(std::memcmp(d.data(), "fLaC", 4), 0);
  EXPECT_EQ(d[4], 0x80);  // last block, STREAMINFO
  EXPECT_EQ(d[7], 34);
  EXPECT_TRUE(IsFlacDescription(d.data(), d.size()));
  EXPECT_FALSE(IsFlacDescription(info.data(), info.size()));
}

TEST(OpusHead, ParsesPreSkipAndMapping) {
  std::vector<uint8_t> head{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0};
  auto h = ParseOpusHead(head.data(), head.size());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->channels, 2);
  EXPECT_EQ(h->pre_skip, 312);
  head[18] = 1;  // family 1 needs the mapping table
  EXPECT_FALSE(ParseOpusHead(head.data(), head.size()));
}

TEST(OpusPacket, SamplesFromTheTocByte) {
  const auto samples = [](std::vector<uint8_t> packet) { return OpusPacketSamples(packet.data(), packet.size()); };
  // config << 3 | frame count code.
  EXPECT_EQ(samples({0 << 3}), 480);                 // SILK NB 10 ms
  EXPECT_EQ(samples({3 << 3}), 2880);                // SILK NB 60 ms
  EXPECT_EQ(samples({(11 << 3) | 1}), 5760);         // SILK WB 60 ms, two frames
  EXPECT_EQ(samples({13 << 3}), 960);                // hybrid SWB 20 ms
  EXPECT_EQ(samples({16 << 3}), 120);                // CELT NB 2.5 ms
  EXPECT_EQ(samples({(31 << 3) | 2}), 1920);         // CELT FB 20 ms, two frames of different sizes
  EXPECT_EQ(samples({(28 << 3) | 3, 0x80 | 5}), 600);  // CELT FB 2.5 ms, five frames (VBR flag set)
  EXPECT_EQ(samples({(28 << 3) | 3}), 0);            // code 3 without its frame count byte
  EXPECT_EQ(samples({}), 0);
}

TEST(Adts, HeaderFields) {
  uint8_t h[7];
  ASSERT_TRUE(WriteAdtsHeader(h, 2, AacSampleRateIndex(44100), 2, 100, false));
  EXPECT_EQ(h[0], 0xff);
  EXPECT_EQ(h[1], 0xf1);
  EXPECT_EQ(h[2], (1 << 6) | (4 << 2));  // AAC LC, 44.1 kHz
  const int length = ((h[3] & 3) << 11) | (h[4] << 3) | (h[5] >> 5);
  EXPECT_EQ(length, 107);
  EXPECT_EQ((h[3] >> 6) | ((h[2] & 1) << 2), 2);  // channel configuration
  ASSERT_TRUE(WriteAdtsHeader(h, 2, 3, 8, 10, true));
  EXPECT_EQ(h[1], 0xf9);  // MPEG-2
  EXPECT_FALSE(WriteAdtsHeader(h, 2, 3, 7, 10, false)) << "7 channels have no configuration";
  EXPECT_FALSE(WriteAdtsHeader(h, 2, 3, 2, 9000, false)) << "too long for ADTS";
  EXPECT_EQ(AacSampleRateIndex(11000), -1);
}

TEST(Adts, WholeAndTruncatedFrames) {
  // Two frames of 20 and 30 bytes, headers written by WriteAdtsHeader.
  std::vector<uint8_t> two(50, 0);
  ASSERT_TRUE(WriteAdtsHeader(two.data(), 2, 4, 2, 13, false));
  ASSERT_TRUE(WriteAdtsHeader(two.data() + 20, 2, 4, 2, 23, false));
  EXPECT_TRUE(AdtsFramesComplete(two.data(), two.size()));
  EXPECT_TRUE(AdtsFramesComplete(two.data(), 20));
  EXPECT_FALSE(AdtsFramesComplete(two.data(), 49)) << "the second frame cut";
  EXPECT_FALSE(AdtsFramesComplete(two.data(), 19)) << "the first frame cut";
  for (size_t n : {size_t{1}, size_t{2}, size_t{6}}) EXPECT_FALSE(AdtsFramesComplete(two.data(), n)) << n << "-byte header";
  two[4] = two[5] = 0;  // frame_length 0: no room even for the header
  two[3] &= 0xfc;
  EXPECT_FALSE(AdtsFramesComplete(two.data(), two.size()));
  const uint8_t raw[4] = {0x21, 0x10, 0x04, 0x60};
  EXPECT_TRUE(AdtsFramesComplete(raw, sizeof raw)) << "not ADTS: left to the decoder";
}

TEST(MpegAudio, WholeAndTruncatedFrames) {
  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 144 * 128000 / 44100 = 417 bytes.
  std::vector<uint8_t> two(834, 0);
  for (size_t at : {size_t{0}, size_t{417}}) {
    two[at] = 0xff;
    two[at + 1] = 0xfb;
    two[at + 2] = 0x90;
  }
  EXPECT_TRUE(MpegAudioFramesComplete(two.data(), two.size()));
  EXPECT_TRUE(MpegAudioFramesComplete(two.data(), 417));
  EXPECT_FALSE(MpegAudioFramesComplete(two.data(), 416));
  EXPECT_FALSE(MpegAudioFramesComplete(two.data(), 600));
  // MPEG-2 Layer III, 64 kbit/s, 22.05 kHz, padded: 72 * 64000 / 22050 + 1 = 209.
  std::vector<uint8_t> m2(209, 0);
  m2[0] = 0xff;
  m2[1] = 0xf3;
  m2[2] = 0x82;
  EXPECT_TRUE(MpegAudioFramesComplete(m2.data(), m2.size()));
  EXPECT_FALSE(MpegAudioFramesComplete(m2.data(), 208));
  const uint8_t garbage[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_TRUE(MpegAudioFramesComplete(garbage, sizeof garbage)) << "not a header: left to the decoder";
}

TEST(ChannelOrder, CodedPositionsInFfmpegLayouts) {
  const AVChannelLayout back51 = AV_CHANNEL_LAYOUT_5POINT1_BACK;  // FL FR FC LFE BL BR
  EXPECT_EQ(CodedChannelMap("aac", back51), (std::vector<int>{2, 0, 1, 4, 5, 3}));
  EXPECT_EQ(CodedChannelMap("vorbis", back51), (std::vector<int>{0, 2, 1, 4, 5, 3}));
  const AVChannelLayout side51 = AV_CHANNEL_LAYOUT_5POINT1;
  EXPECT_EQ(CodedChannelMap("opus", side51), (std::vector<int>{0, 2, 1, 4, 5, 3}));
  EXPECT_TRUE(CodedChannelMap("flac", back51).empty()) << "FLAC codes FFmpeg's (WAVE) order";
  EXPECT_TRUE(CodedChannelMap("aac", AVChannelLayout(AV_CHANNEL_LAYOUT_STEREO)).empty());
  EXPECT_TRUE(CodedChannelMap("opus", AVChannelLayout(AV_CHANNEL_LAYOUT_QUAD)).empty()) << "the same order";
  AVChannelLayout unspec{};
  unspec.order = AV_CHANNEL_ORDER_UNSPEC;
  unspec.nb_channels = 6;
  EXPECT_TRUE(CodedChannelMap("aac", unspec).empty());
  EXPECT_EQ(InverseChannelMap({2, 0, 1, 4, 5, 3}), (std::vector<int>{1, 2, 0, 5, 3, 4}));
}

TEST(SamplesToMicros, RoundsDownWithoutDrift) {
  EXPECT_EQ(SamplesToMicros(1024, 44100), 23219);
  EXPECT_EQ(SamplesToMicros(int64_t{44100} * 3600, 44100), 3600000000);
  EXPECT_EQ(SamplesToMicros(int64_t{1024} * 155039, 44100), (int64_t{1024} * 155039 * 1000000) / 44100);
  EXPECT_EQ(SamplesToMicros(-312, 48000), -6500);
  EXPECT_EQ(SamplesToMicros(-1, 44100), -23) << "negative positions round down too";
}

}  // namespace
}  // namespace wcn
