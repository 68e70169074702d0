// ICC profiles: which VideoColorSpace values a profile names, and the
// conversion to sRGB keeping alpha.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/frame_copy.h"
#include "core/icc_color.h"

namespace wcn {
namespace {

// A matrix/curve profile of these primaries (D65) and one curve, as bytes.
std::vector<uint8_t> ProfileBytes(const cmsCIExyYTRIPLE& primaries, cmsToneCurve* curve) {
  const cmsCIExyY d65{0.3127, 0.3290, 1};
  cmsToneCurve* curves[3] = {curve, curve, curve};
  IccProfilePtr p(cmsCreateRGBProfile(&d65, &primaries, curves));
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(p.get(), nullptr, &size);
  std::vector<uint8_t> bytes(size);
  cmsSaveProfileToMem(p.get(), bytes.data(), &size);
  return bytes;
}

cmsToneCurve* SrgbCurve() {
  const cmsFloat64Number params[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
  return cmsBuildParametricToneCurve(nullptr, 4, params);
}

constexpr cmsCIExyYTRIPLE kP3{{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}};
constexpr cmsCIExyYTRIPLE kBt2020{{0.708, 0.292, 1}, {0.170, 0.797, 1}, {0.131, 0.046, 1}};
constexpr cmsCIExyYTRIPLE kAdobe{{0.64, 0.33, 1}, {0.21, 0.71, 1}, {0.15, 0.06, 1}};

TEST(IccProfile, NamesKnownPrimariesAndCurves) {
  cmsToneCurve* srgb = SrgbCurve();
  cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
  cmsToneCurve* gamma22 = cmsBuildGamma(nullptr, 2.2);
  struct Case {
    std::vector<uint8_t> bytes;
    AVColorPrimaries primaries;
    AVColorTransferCharacteristic transfer;
  };
  const Case cases[] = {
      {ProfileBytes(kP3, srgb), AVCOL_PRI_SMPTE432, AVCOL_TRC_IEC61966_2_1},
      {ProfileBytes(kBt2020, linear), AVCOL_PRI_BT2020, AVCOL_TRC_LINEAR},
      {ProfileBytes(kAdobe, gamma22), AVCOL_PRI_UNSPECIFIED, AVCOL_TRC_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    auto profile = IccProfile::Read(c.bytes.data(), c.bytes.size());
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->primaries(), c.primaries);
    EXPECT_EQ(profile->transfer(), c.transfer);
    EXPECT_FALSE(profile->is_srgb());
  }
  cmsFreeToneCurve(srgb);
  cmsFreeToneCurve(linear);
  cmsFreeToneCurve(gamma22);

  IccProfilePtr builtin(cmsCreate_sRGBProfile());
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(builtin.get(), nullptr, &size);
  std::vector<uint8_t> bytes(size);
  cmsSaveProfileToMem(builtin.get(), bytes.data(), &size);
  EXPECT_TRUE(IccProfile::Read(bytes.data(), bytes.size())->is_srgb());
}

TEST(IccProfile, RejectsWhatBrowsersIgnore) {
  const std::vector<uint8_t> garbage(300, 7);
  EXPECT_FALSE(IccProfile::Read(garbage.data(), garbage.size()));
  cmsToneCurve* curve = cmsBuildGamma(nullptr, 2.2);
  IccProfilePtr gray(cmsCreateGrayProfile(cmsD50_xyY(), curve));
  cmsFreeToneCurve(curve);
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(gray.get(), nullptr, &size);
  std::vector<uint8_t> bytes(size);
  cmsSaveProfileToMem(gray.get(), bytes.data(), &size);
  EXPECT_FALSE(IccProfile::Read(bytes.data(), bytes.size()));
}

TEST(IccConverter, P3ToSrgbKeepsGreyAndAlpha) {
  cmsToneCurve* srgb = SrgbCurve();
  const std::vector<uint8_t> bytes = ProfileBytes(kP3, srgb);
  cmsFreeToneCurve(srgb);
  auto profile = IccProfile::Read(bytes.data(), bytes.size());
  ASSERT_TRUE(profile);
  FramePtr frame = AllocatePooledFrame(PixelFormat::kRGBA, 2, 1);
  const uint8_t pixels[8] = {128, 128, 128, 10, 0, 255, 0, 200};  // grey, P3 green
  std::copy(pixels, pixels + 8, frame->data[0]);
  PixelFormat format = PixelFormat::kRGBA;
  SwsCache sws;
  IccConverter converter;
  ASSERT_TRUE(converter.ToSrgb(*profile, &frame, &format, sws));
  EXPECT_EQ(format, PixelFormat::kRGBA);
  const uint8_t* out = frame->data[0];
  for (int c = 0; c < 3; c++) EXPECT_NEAR(out[c], 128, 1);
  EXPECT_EQ(out[3], 10);
  // P3's green lies outside sRGB: red goes negative (clipped), green stays full.
  EXPECT_EQ(out[4], 0);
  EXPECT_EQ(out[5], 255);
  EXPECT_EQ(out[7], 200);
  EXPECT_EQ(frame->color_primaries, AVCOL_PRI_BT709);
  EXPECT_EQ(frame->color_trc, AVCOL_TRC_IEC61966_2_1);
}

}  // namespace
}  // namespace wcn
