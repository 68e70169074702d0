// Configuration record validation (avcC/hvcC), NAL splitting and Annex B
// to length-prefixed conversion, on data built by hand: every way a record
// can lie about its own layout.
#include "core/bitstream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "hevc_sps.h"

namespace wcn {
namespace {

// 01 42 00 1f ff e1 | SPS: 00 04 67 42 00 1f | 01 | PPS: 00 02 68 ce
std::vector<uint8_t> AvcC() {
  return {0x01, 0x42, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x42, 0x00, 0x1f, 0x01, 0x00, 0x02, 0x68, 0xce};
}

// Version 1, 20 bytes of profile/tier/level/format fields, 4-byte lengths,
// then VPS, SPS and PPS arrays of one 2-byte NAL unit each.
std::vector<uint8_t> HvcC() {
  std::vector<uint8_t> r = {0x01};
  r.insert(r.end(), 20, 0x00);
  r.push_back(0xf3);  // ... lengthSizeMinusOne = 3
  r.push_back(3);     // numOfArrays
  for (uint8_t type : {32, 33, 34}) {
    r.insert(r.end(),
             {static_cast<uint8_t>(0x80 | type), 0x00, 0x01, 0x00, 0x02, static_cast<uint8_t>(type << 1), 0x01});
  }
  return r;
}

int Avc(const std::vector<uint8_t>& r, std::string* why) { return AvcCLengthSize(r.data(), r.size(), why); }
int Hevc(const std::vector<uint8_t>& r, std::string* why) { return HvcCLengthSize(r.data(), r.size(), why); }

struct Case {
  const char* name;
  std::vector<uint8_t> record;
  const char* reason;
};

// `valid` with byte `at` set to `value`.
std::vector<uint8_t> Edit(std::vector<uint8_t> valid, size_t at, uint8_t value) {
  valid[at] = value;
  return valid;
}

// Each case is rejected with its reason, and so is every prefix of `valid`
// (no record ends cleanly before its last parameter set).
void ExpectRejected(int (*parse)(const std::vector<uint8_t>&, std::string*), const std::vector<Case>& cases,
                    const std::vector<uint8_t>& valid) {
  for (const Case& c : cases) {
    std::string why;
    EXPECT_EQ(parse(c.record, &why), 0) << c.name;
    EXPECT_NE(why.find(c.reason), std::string::npos) << c.name << ": " << why;
  }
  for (size_t n = 0; n < valid.size(); n++) {
    EXPECT_EQ(parse(std::vector<uint8_t>(valid.begin(), valid.begin() + static_cast<long>(n)), nullptr), 0)
        << n << " bytes";
  }
}

TEST(AvcC, AcceptsAWellFormedRecordAndReportsItsLengthSize) {
  std::string why;
  EXPECT_EQ(Avc(AvcC(), &why), 4) << why;
  for (uint8_t bits : {0, 1}) {
    std::vector<uint8_t> r = AvcC();
    r[4] = 0xfc | bits;
    EXPECT_EQ(Avc(r, &why), bits + 1);
  }
  std::vector<uint8_t> trailing = AvcC();
  trailing.insert(trailing.end(), {0xfd, 0xf8, 0xf8, 0x00});  // High profile extension
  EXPECT_EQ(Avc(trailing, &why), 4);
  EXPECT_EQ(AvcCLengthSize(AvcC().data(), AvcC().size()), 4) << "the reason is optional";
}

TEST(AvcC, RejectsRecordsThatLieAboutTheirLayout) {
  std::vector<uint8_t> cut = AvcC();
  cut.resize(12);
  const std::vector<Case> cases = {
      {"empty", {}, "ends inside the version"},
      {"version 0", Edit(AvcC(), 0, 0), "its version is 0, expected 1"},
      {"3-byte lengths", Edit(AvcC(), 4, 0xfe), "NAL length size is 3 bytes"},
      {"31 SPS declared", Edit(AvcC(), 5, 0xff), "SPS 1 declares 256 bytes but 3 remain"},
      {"SPS length beyond the record", Edit(AvcC(), 7, 0xff), "SPS 0 declares 255 bytes but 9 remain"},
      {"zero-length SPS", Edit(AvcC(), 7, 0x00), "SPS 0 is 0 bytes"},
      {"SPS slot holding a slice", Edit(AvcC(), 8, 0x65), "SPS 0 is a NAL unit of type 5, expected 7"},
      {"255 PPS declared", Edit(AvcC(), 12, 0xff), "ends inside PPS 1's length"},
      {"PPS slot holding an SPS", Edit(AvcC(), 15, 0x67), "PPS 0 is a NAL unit of type 7, expected 8"},
      {"cut before the PPS count", cut, "ends inside the PPS count"},
  };
  ExpectRejected(Avc, cases, AvcC());
}

TEST(HvcC, AcceptsAWellFormedRecord) {
  std::string why;
  EXPECT_EQ(Hevc(HvcC(), &why), 4) << why;
  std::vector<uint8_t> two = HvcC();
  two[21] = 0xf1;
  EXPECT_EQ(Hevc(two, &why), 2);
  std::vector<uint8_t> none = HvcC();
  none.resize(23);
  none[22] = 0;
  EXPECT_EQ(Hevc(none, &why), 4) << "a record may carry no parameter sets";
}

TEST(HvcC, RejectsRecordsThatLieAboutTheirLayout) {
  const std::vector<Case> cases = {
      {"version 2", Edit(HvcC(), 0, 2), "its version is 2"},
      {"3-byte lengths", Edit(HvcC(), 21, 0xf2), "NAL length size is 3 bytes"},
      {"255 arrays", Edit(HvcC(), 22, 0xff), "ends inside array 3's NAL unit type"},
      {"255 NAL units in an array", Edit(HvcC(), 25, 0xff), "array 0 NAL unit 1 declares"},
      {"NAL length beyond the record", Edit(HvcC(), 27, 0x40), "array 0 NAL unit 0 declares 64 bytes"},
      {"1-byte NAL unit", Edit(HvcC(), 27, 0x01), "shorter than a NAL unit header"},
      {"array type disagreeing with its NAL unit", Edit(HvcC(), 23, 0x80 | 33),
       "is a NAL unit of type 32, expected 33"},
  };
  ExpectRejected(Hevc, cases, HvcC());
}

TEST(SplitLengthPrefixed, ChecksWithoutCollecting) {
  const std::vector<uint8_t> ok = {0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x41};
  std::vector<NalUnit> nals;
  EXPECT_TRUE(SplitLengthPrefixed(ok.data(), ok.size(), 4, &nals));
  EXPECT_EQ(nals.size(), 2u);
  EXPECT_TRUE(SplitLengthPrefixed(ok.data(), ok.size(), 4, nullptr));
  EXPECT_FALSE(SplitLengthPrefixed(ok.data(), ok.size() - 1, 4, nullptr)) << "last NAL cut short";
  EXPECT_FALSE(SplitLengthPrefixed(ok.data(), 2, 4, nullptr)) << "a partial length";
  EXPECT_FALSE(SplitLengthPrefixed(ok.data(), ok.size(), 3, nullptr)) << "3-byte lengths are not a format";
}

TEST(SplitAv1Obus, SizedOBUsAndALastOneWithoutASize) {
  // Temporal delimiter (sized, empty), padding with an extension byte (sized,
  // 2 bytes), then a reserved-type OBU without a size running to the end.
  const std::vector<uint8_t> tu = {0x12, 0x00, 0x7e, 0x00, 0x02, 0xaa, 0xbb, 0x68, 1, 2, 3};
  std::vector<Av1Obu> obus;
  ASSERT_TRUE(SplitAv1Obus(tu.data(), tu.size(), &obus));
  ASSERT_EQ(obus.size(), 3u);
  EXPECT_EQ(obus[0].type, 2);
  EXPECT_EQ(obus[0].size, 0u);
  EXPECT_EQ(obus[1].type, 15);
  EXPECT_EQ(obus[1].size, 2u);
  EXPECT_EQ(obus[1].payload[0], 0xaa);
  EXPECT_EQ(obus[2].type, 13);
  EXPECT_EQ(obus[2].size, 3u);
  EXPECT_TRUE(SplitAv1Obus(tu.data(), tu.size(), nullptr));
  EXPECT_TRUE(SplitAv1Obus(nullptr, 0, nullptr)) << "no OBUs";
}

TEST(SplitAv1Obus, RejectsForbiddenBitsAndSizesPastTheEnd) {
  const std::vector<uint8_t> forbidden = {0xed, 1, 2, 3};
  EXPECT_FALSE(SplitAv1Obus(forbidden.data(), forbidden.size(), nullptr));
  const std::vector<uint8_t> overrun = {0x12, 0x05, 1, 2};
  EXPECT_FALSE(SplitAv1Obus(overrun.data(), overrun.size(), nullptr));
  const std::vector<uint8_t> cut_leb128 = {0x12, 0x80};
  EXPECT_FALSE(SplitAv1Obus(cut_leb128.data(), cut_leb128.size(), nullptr));
  const std::vector<uint8_t> cut_extension = {0x7e};
  EXPECT_FALSE(SplitAv1Obus(cut_extension.data(), cut_extension.size(), nullptr));
}

PacketPtr PacketOf(const std::vector<uint8_t>& bytes) {
  PacketPtr pkt = AllocPacket();
  if (av_new_packet(pkt.get(), static_cast<int>(bytes.size())) < 0) throw std::bad_alloc();
  std::memcpy(pkt->data, bytes.data(), bytes.size());
  pkt->pts = 42;
  return pkt;
}

std::vector<uint8_t> BytesOf(const AVPacket& pkt) { return std::vector<uint8_t>(pkt.data, pkt.data + pkt.size); }

TEST(AnnexBToLengthPrefixed, RewritesFourByteStartCodesInPlace) {
  PacketPtr pkt = PacketOf({0, 0, 0, 1, 0x65, 0xaa, 0xbb, 0, 0, 0, 1, 0x41, 0xcc, 0, 0});
  const uint8_t* data = pkt->data;
  ASSERT_TRUE(AnnexBToLengthPrefixed(&pkt));
  EXPECT_EQ(pkt->data, data) << "no copy";
  EXPECT_EQ(BytesOf(*pkt), (std::vector<uint8_t>{0, 0, 0, 3, 0x65, 0xaa, 0xbb, 0, 0, 0, 2, 0x41, 0xcc}));
}

TEST(AnnexBToLengthPrefixed, CopiesOnceWhenTheLayoutChangesOrTheBytesAreShared) {
  // A 3-byte start code makes the output one byte longer.
  PacketPtr short_code = PacketOf({0, 0, 0, 1, 0x65, 0xaa, 0, 0, 1, 0x41, 0xcc});
  ASSERT_TRUE(AnnexBToLengthPrefixed(&short_code));
  EXPECT_EQ(BytesOf(*short_code), (std::vector<uint8_t>{0, 0, 0, 2, 0x65, 0xaa, 0, 0, 0, 2, 0x41, 0xcc}));
  EXPECT_EQ(short_code->pts, 42);
  // Bytes another packet references stay as they are.
  PacketPtr pkt = PacketOf({0, 0, 0, 1, 0x65, 0xaa});
  PacketPtr other = AllocPacket();
  ASSERT_GE(av_packet_ref(other.get(), pkt.get()), 0);
  ASSERT_TRUE(AnnexBToLengthPrefixed(&pkt));
  EXPECT_EQ(BytesOf(*pkt), (std::vector<uint8_t>{0, 0, 0, 2, 0x65, 0xaa}));
  EXPECT_EQ(BytesOf(*other), (std::vector<uint8_t>{0, 0, 0, 1, 0x65, 0xaa}));
}

TEST(AnnexBToLengthPrefixed, RefusesDataWithoutStartCodes) {
  PacketPtr pkt = PacketOf({0, 0, 0, 2, 0x65, 0xaa});
  EXPECT_FALSE(AnnexBToLengthPrefixed(&pkt));
}

bool Writable(const std::vector<uint8_t>& d) { return HevcHvcCWritable(d.data(), d.size()); }

// Found by fuzz_bitstream: FFmpeg's hvcC writer (up to at least 5.1) reads
// num_long_term_ref_pics_sps again on every turn of its loop, which ends
// or not depending on the bits that follow (it never does on
// LoopingHevcSps()); the Demuxer (codec strings of Annex B HEVC) and the
// Muxer (MP4/Matroska headers) would hang in it. Every SPS with long-term
// pictures is refused.
TEST(HevcHvcCWritable, RefusesSpsWithLongTermPictures) {
  for (uint32_t sub_layers : {0u, 2u, 6u}) {
    for (bool scaling : {false, true}) {
      EXPECT_TRUE(Writable(HevcSps(false, sub_layers, scaling))) << sub_layers << " " << scaling;
      EXPECT_FALSE(Writable(HevcSps(true, sub_layers, scaling))) << sub_layers << " " << scaling;
    }
  }
  // Found by fuzz_bitstream too: FFmpeg versions differ on how many flags
  // of a predicted reference picture set the writer reads, so the flag
  // after such sets cannot be located.
  EXPECT_FALSE(Writable(HevcSps(false, 0, false, true)));
  // An SPS cut before the flag cannot be judged: the writer would read
  // past its end.
  std::vector<uint8_t> cut = HevcSps(false, 0, true);
  cut.resize(cut.size() / 2);
  EXPECT_FALSE(Writable(cut));
  // Records are copied as they are; empty data has no SPS.
  EXPECT_TRUE(Writable(HvcC()));
  EXPECT_TRUE(Writable({}));
}

TEST(BuildConfigRecord, NoRecordFromAnSpsTheWriterWouldLoopOn) {
  const std::vector<uint8_t> sps = LoopingHevcSps();
  EXPECT_FALSE(Writable(sps));
  EXPECT_TRUE(BuildConfigRecord(AV_CODEC_ID_HEVC, sps.data(), sps.size()).empty());
  std::vector<uint8_t> long_term = HevcSps(true, 0, false);
  EXPECT_TRUE(BuildConfigRecord(AV_CODEC_ID_HEVC, long_term.data(), long_term.size()).empty());
}

// Found by fuzz_bitstream under UBSan: empty extradata was copied from a
// null pointer. There is no record to build from nothing.
TEST(BuildConfigRecord, NothingFromNoExtradata) {
  for (AVCodecID codec : {AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_AV1}) {
    EXPECT_TRUE(BuildConfigRecord(codec, nullptr, 0).empty()) << avcodec_get_name(codec);
  }
}

// Found by fuzz_bitstream: an HEVC NAL unit with nuh_temporal_id_plus1 = 0
// (forbidden) came out as layer -1, which means "no temporal layering".
TEST(TemporalLayerOfPicture, SkipsHevcNalUnitsWithTheForbiddenTemporalId) {
  // TRAIL_R slices: TemporalId + 1 of 0, then of 3.
  const std::vector<uint8_t> forbidden = {0, 0, 1, 0x02, 0x00, 0xaa};
  const std::vector<uint8_t> then_valid = {0, 0, 1, 0x02, 0x00, 0xaa, 0, 0, 1, 0x02, 0x03, 0xbb};
  EXPECT_EQ(TemporalLayerOfPicture(true, forbidden.data(), forbidden.size(), 0, 3), 0);
  EXPECT_EQ(TemporalLayerOfPicture(true, then_valid.data(), then_valid.size(), 0, 3), 2);
  EXPECT_EQ(TemporalLayerOfPicture(true, then_valid.data(), then_valid.size(), 0, 2), 1);
}

}  // namespace
}  // namespace wcn
