// Header inspection of untrusted chunks: VP9 declared frame sizes (key,
// intra-only and inter frames, superframes) and the key frame checks, plus
// random input into every parser (meant to run under ASan: any read past a
// buffer is a failure).
#include "core/keyframe.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/bitstream.h"

namespace wcn {
namespace {

class Bits {
 public:
  Bits& Put(int n, uint32_t v) {
    for (int i = n - 1; i >= 0; i--) bits_.push_back((v >> i) & 1);
    return *this;
  }
  std::vector<uint8_t> Bytes(size_t tail = 8) const {
    std::vector<uint8_t> out((bits_.size() + 7) / 8 + tail, 0x5a);
    for (size_t i = 0; i < (bits_.size() + 7) / 8; i++) out[i] = 0;
    for (size_t i = 0; i < bits_.size(); i++) out[i / 8] |= bits_[i] << (7 - i % 8);
    return out;
  }

 private:
  std::vector<uint8_t> bits_;
};

// frame_marker, profile (low bit first), [reserved_zero], show_existing_frame = 0.
Bits Vp9Start(int profile) {
  Bits b;
  b.Put(2, 2).Put(1, profile & 1).Put(1, profile >> 1);
  if (profile == 3) b.Put(1, 0);
  return b.Put(1, 0);
}

std::vector<uint8_t> Vp9Key(int profile, uint32_t w, uint32_t h) {
  Bits b = Vp9Start(profile);
  b.Put(1, 0).Put(1, 1).Put(1, 0);  // KEY_FRAME, show_frame, error_resilient_mode
  b.Put(24, 0x498342);
  if (profile >= 2) b.Put(1, 0);  // ten_or_twelve_bit
  b.Put(3, 1).Put(1, 0);          // color_space BT.601, color_range
  if (profile == 1 || profile == 3) b.Put(3, 0);
  return b.Put(16, w - 1).Put(16, h - 1).Bytes();
}

TEST(Vp9DeclaredSize, KeyFramesOfEveryProfile) {
  for (int profile = 0; profile < 4; profile++) {
    const std::vector<uint8_t> f = Vp9Key(profile, 65536, 300);
    const FrameSize s = Vp9DeclaredSize(f.data(), f.size());
    EXPECT_EQ(s.width, 65536u) << profile;
    EXPECT_EQ(s.height, 300u) << profile;
    EXPECT_EQ(CheckVp9(f.data(), f.size()), KeyFrameCheck::kKey) << profile;
  }
  // An RGB key frame of profile 1 has one reserved bit instead of three.
  Bits rgb = Vp9Start(1);
  rgb.Put(3, 0b010).Put(24, 0x498342).Put(3, 7).Put(1, 0).Put(16, 99).Put(16, 49);
  const std::vector<uint8_t> f = rgb.Bytes();
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).width, 100u);
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).height, 50u);
}

TEST(Vp9DeclaredSize, IntraOnlyAndInterFrames) {
  // Intra-only (not shown), profile 0: no color_config, refresh_frame_flags.
  Bits intra = Vp9Start(0);
  intra.Put(1, 1).Put(1, 0).Put(1, 0).Put(1, 1).Put(2, 0).Put(24, 0x498342).Put(8, 0xff).Put(16, 1919).Put(16, 1079);
  std::vector<uint8_t> f = intra.Bytes();
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).width, 1920u);
  EXPECT_EQ(CheckVp9(f.data(), f.size()), KeyFrameCheck::kNotKey);
  // Inter frame sized like its first reference: nothing declared.
  Bits ref = Vp9Start(0);
  ref.Put(1, 1).Put(1, 1).Put(1, 0).Put(2, 0).Put(8, 1).Put(12, 0).Put(1, 1);
  f = ref.Bytes();
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).width, 0u);
  // Inter frame with found_ref 0, 0, 0: an explicit size.
  Bits sized = Vp9Start(0);
  sized.Put(1, 1).Put(1, 1).Put(1, 1).Put(8, 1).Put(12, 0).Put(3, 0).Put(16, 39999).Put(
      16, 39999);  // error resilient: no reset bits
  f = sized.Bytes();
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).width, 40000u);
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).height, 40000u);
  // show_existing_frame declares nothing and is no key frame.
  const std::vector<uint8_t> existing = {0x88};
  EXPECT_EQ(Vp9DeclaredSize(existing.data(), existing.size()).width, 0u);
  EXPECT_EQ(CheckVp9(existing.data(), existing.size()), KeyFrameCheck::kNotKey);
}

TEST(Vp9DeclaredSize, HeadersThatCannotBeReadDeclareNothing) {
  std::vector<uint8_t> f = Vp9Key(0, 640, 480);
  f[1] ^= 0xff;  // frame_sync_code
  EXPECT_EQ(Vp9DeclaredSize(f.data(), f.size()).width, 0u);
  const std::vector<uint8_t> whole = Vp9Key(0, 640, 480);
  for (size_t n = 0; n < 9; n++) {
    EXPECT_EQ(Vp9DeclaredSize(whole.data(), n).width, 0u) << "header cut to " << n << " bytes";
  }
  EXPECT_EQ(Vp9DeclaredSize(nullptr, 0).width, 0u);
}

TEST(Vp9DeclaredSize, TheLargestFrameOfASuperframe) {
  std::vector<uint8_t> small = Vp9Key(0, 64, 64);
  std::vector<uint8_t> big = Vp9Key(0, 20000, 20000);
  std::vector<uint8_t> super = small;
  super.insert(super.end(), big.begin(), big.end());
  const uint8_t marker = 0xc1;  // 110 00 001: 1-byte sizes, 2 frames
  super.insert(super.end(), {marker, static_cast<uint8_t>(small.size()), static_cast<uint8_t>(big.size()), marker});
  const FrameSize s = Vp9DeclaredSize(super.data(), super.size());
  EXPECT_EQ(s.width, 20000u);
  EXPECT_EQ(CheckVp9(super.data(), super.size()), KeyFrameCheck::kKey) << "the first frame is a key frame";
  // An index whose sizes run past the data is not a superframe index.
  super[super.size() - 2] = 0xff;
  EXPECT_EQ(Vp9DeclaredSize(super.data(), super.size()).width, 0u);
  EXPECT_EQ(CheckVp9(super.data(), super.size()), KeyFrameCheck::kUnknown);
}

TEST(ReadVp8KeyFrame, SizeAndFirstPartition) {
  // Frame tag: key, version 0, shown, first partition of 1234 bytes.
  const uint32_t tag = (1234u << 5) | (1u << 4);
  std::vector<uint8_t> f = {static_cast<uint8_t>(tag), static_cast<uint8_t>(tag >> 8), static_cast<uint8_t>(tag >> 16),
                            0x9d, 0x01, 0x2a, 0xff, 0xff, 0x40, 0x41};  // 16383 (scale 3) x 320 (scale 1)
  const auto k = ReadVp8KeyFrame(f.data(), f.size());
  ASSERT_TRUE(k);
  EXPECT_EQ(k->size.width, 16383u) << "the scale bits are not part of the size";
  EXPECT_EQ(k->size.height, 320u);
  EXPECT_EQ(k->first_partition_bytes, 1234u);
  EXPECT_FALSE(ReadVp8KeyFrame(f.data(), 9)) << "cut inside the header";
  f[0] |= 1;
  EXPECT_FALSE(ReadVp8KeyFrame(f.data(), f.size())) << "an interframe";
  f[0] &= ~1;
  f[4] = 0;
  EXPECT_FALSE(ReadVp8KeyFrame(f.data(), f.size())) << "no start code";
}

// An Annex B access unit: each NAL unit after a 4-byte start code.
std::vector<uint8_t> AnnexB(const std::vector<std::vector<uint8_t>>& nals) {
  std::vector<uint8_t> out;
  for (const auto& nal : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

TEST(CheckKeyFrameH264, AnIPictureAfterARecoveryPointSeiIsARandomAccessPoint) {
  // Non-IDR slices (nal_unit_type 1, nal_ref_idc 1): first_mb_in_slice 0,
  // slice_type 7 (I) or 5 (P), as Exp-Golomb codes.
  const std::vector<uint8_t> i_slice = {0x21, 0x88, 0x80};
  const std::vector<uint8_t> p_slice = {0x21, 0x98, 0x80};
  // SEI: payload type 6 (recovery point), 1 byte: recovery_frame_cnt 0,
  // exact_match, broken_link, changing_slice_group_idc, stop bit.
  const std::vector<uint8_t> recovery = {0x06, 0x06, 0x01, 0x84, 0x80};
  // SEI: payload type 5 (user data unregistered), 17 bytes, then a recovery point.
  std::vector<uint8_t> user_then_recovery = {0x06, 0x05, 0x11};
  user_then_recovery.insert(user_then_recovery.end(), 17, 0x42);
  user_then_recovery.insert(user_then_recovery.end(), {0x06, 0x01, 0x84, 0x80});
  std::vector<uint8_t> user_only = {0x06, 0x05, 0x11};
  user_only.insert(user_only.end(), 17, 0x42);
  user_only.push_back(0x80);
  const auto check = [](const std::vector<uint8_t>& au) { return CheckKeyFrame("h264", au.data(), au.size(), nullptr, 0); };
  EXPECT_EQ(check(AnnexB({recovery, i_slice})), KeyFrameCheck::kKey);
  EXPECT_EQ(check(AnnexB({user_then_recovery, i_slice})), KeyFrameCheck::kKey) << "the recovery point after another SEI message";
  EXPECT_EQ(check(AnnexB({i_slice})), KeyFrameCheck::kNotKey) << "an I picture alone: references may precede it";
  EXPECT_EQ(check(AnnexB({user_only, i_slice})), KeyFrameCheck::kNotKey);
  EXPECT_EQ(check(AnnexB({recovery, p_slice})), KeyFrameCheck::kNotKey) << "a P picture at a recovery point is a gradual refresh";
  EXPECT_EQ(check(AnnexB({{0x06, 0x06, 0x05}})), KeyFrameCheck::kUnknown) << "an SEI cut short, no slice";
}

TEST(Parsers, SurviveRandomInput) {
  std::mt19937 rng(1234);
  const char* families[] = {"h264", "hevc", "vp8", "vp9", "av1", "other"};
  for (int i = 0; i < 20000; i++) {
    // Exactly sized heap buffers, so ASan sees any read past the end.
    std::vector<uint8_t> data(rng() % 96);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng() % 4 == 0 ? (rng() % 4) : rng());
    std::vector<uint8_t> desc(rng() % 40);
    for (uint8_t& b : desc) b = static_cast<uint8_t>(rng());
    if (!desc.empty() && rng() % 2) desc[0] = 1;  // get past the version check
    const uint8_t* d = data.empty() ? nullptr : data.data();
    for (const char* family : families) {
      CheckKeyFrame(family, d, data.size(), desc.empty() ? nullptr : desc.data(), desc.size());
    }
    Vp9DeclaredSize(d, data.size());
    ReadVp8KeyFrame(d, data.size());
    AvcCLengthSize(desc.data(), desc.size());
    HvcCLengthSize(desc.data(), desc.size());
    SplitAnnexB(d, data.size());
    for (int length_size : {1, 2, 4}) {
      std::vector<NalUnit> nals;
      SplitLengthPrefixed(d, data.size(), length_size, &nals);
      TemporalLayerOfPicture(i % 2, d, data.size(), length_size, 3);
    }
    TemporalLayerOfPicture(i % 2, d, data.size(), 0, 3);
  }
  SUCCEED();
}

}  // namespace
}  // namespace wcn
