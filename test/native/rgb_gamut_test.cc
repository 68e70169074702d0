#include "core/rgb_gamut.h"

#include <gtest/gtest.h>

#include <vector>

namespace wcn {
namespace {

std::vector<uint8_t> Pixels(std::initializer_list<std::array<uint8_t, 4>> px) {
  std::vector<uint8_t> out;
  for (const auto& p : px) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(GamutTransform, NothingToDoForTheSameOrUnnamedPrimaries) {
  EXPECT_FALSE(GamutTransform::Between(AVCOL_PRI_BT709, AVCOL_PRI_BT709));
  EXPECT_FALSE(GamutTransform::Between(AVCOL_PRI_FILM, AVCOL_PRI_BT709));
  EXPECT_FALSE(GamutTransform::Between(AVCOL_PRI_BT709, AVCOL_PRI_UNSPECIFIED));
}

TEST(GamutTransform, SrgbToDisplayP3) {
  // sRGB's primaries expressed in Display P3 (the values colour-managed
  // browsers give); white and greys are unchanged, alpha is left alone.
  std::vector<uint8_t> px = Pixels({{255, 0, 0, 7}, {0, 255, 0, 8}, {0, 0, 255, 9}, {255, 255, 255, 10}, {119, 119, 119, 11}});
  GamutTransform::Between(AVCOL_PRI_BT709, AVCOL_PRI_SMPTE432)->Apply(px.data(), px.size(), 5, 1, PixelFormat::kRGBA);
  EXPECT_EQ(px, Pixels({{234, 51, 35, 7}, {117, 251, 76, 8}, {0, 0, 245, 9}, {255, 255, 255, 10}, {119, 119, 119, 11}}));
}

TEST(GamutTransform, ClipsToTheTargetGamutAndHonoursBgrOrder) {
  // Display P3 red lies outside sRGB: it clips to sRGB red. In BGRA the red
  // byte is the third.
  std::vector<uint8_t> px = Pixels({{0, 0, 255, 255}});
  GamutTransform::Between(AVCOL_PRI_SMPTE432, AVCOL_PRI_BT709)->Apply(px.data(), 4, 1, 1, PixelFormat::kBGRA);
  EXPECT_EQ(px, Pixels({{0, 0, 255, 255}}));
  std::vector<uint8_t> green = Pixels({{0, 255, 0, 255}});
  GamutTransform::Between(AVCOL_PRI_SMPTE432, AVCOL_PRI_BT709)->Apply(green.data(), 4, 1, 1, PixelFormat::kBGRX);
  EXPECT_EQ(green, Pixels({{0, 255, 0, 255}}));
}

TEST(GamutTransform, RespectsStride) {
  // Two rows of one pixel with padding between them: the padding is untouched.
  std::vector<uint8_t> px = {255, 0, 0, 1, 0xee, 0xee, 0xee, 0xee, 255, 0, 0, 1};
  GamutTransform::Between(AVCOL_PRI_BT709, AVCOL_PRI_SMPTE432)->Apply(px.data(), 8, 1, 2, PixelFormat::kRGBX);
  EXPECT_EQ(px, (std::vector<uint8_t>{234, 51, 35, 1, 0xee, 0xee, 0xee, 0xee, 234, 51, 35, 1}));
}

}  // namespace
}  // namespace wcn
