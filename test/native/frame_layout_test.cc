#include "core/frame_layout.h"

#include <gtest/gtest.h>

#include <limits>

namespace wcn {
namespace {

TEST(FrameLayout, TightI420) {
  CombinedLayout l;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 4, 2}, PixelFormat::kI420, nullptr, &l).ok());
  EXPECT_EQ(l.planes, 3);
  EXPECT_EQ(l.allocation_size, 12u);
  EXPECT_EQ(l.plane[0].destination_offset, 0u);
  EXPECT_EQ(l.plane[0].destination_stride, 4u);
  EXPECT_EQ(l.plane[1].destination_offset, 8u);
  EXPECT_EQ(l.plane[1].destination_stride, 2u);
  EXPECT_EQ(l.plane[2].destination_offset, 10u);
  EXPECT_EQ(l.plane[1].source_height, 1u);
}

TEST(FrameLayout, OddSizesRoundChromaUp) {
  CombinedLayout l;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 5, 3}, PixelFormat::kI420, nullptr, &l).ok());
  EXPECT_EQ(l.plane[1].source_width_bytes, 3u);
  EXPECT_EQ(l.plane[1].source_height, 2u);
  EXPECT_EQ(l.allocation_size, 15u + 6u + 6u);
}

TEST(FrameLayout, SampleBytesPerFormat) {
  CombinedLayout l;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 8, 4}, PixelFormat::kI420P10, nullptr, &l).ok());
  EXPECT_EQ(l.plane[0].destination_stride, 16u);
  EXPECT_EQ(l.plane[1].destination_stride, 8u);
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 8, 4}, PixelFormat::kNV12, nullptr, &l).ok());
  EXPECT_EQ(l.planes, 2);
  EXPECT_EQ(l.plane[1].destination_stride, 8u);
  EXPECT_EQ(l.plane[1].source_height, 2u);
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 8, 4}, PixelFormat::kRGBA, nullptr, &l).ok());
  EXPECT_EQ(l.planes, 1);
  EXPECT_EQ(l.allocation_size, 128u);
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 8, 4}, PixelFormat::kI422AP12, nullptr, &l).ok());
  EXPECT_EQ(l.planes, 4);
  EXPECT_EQ(l.plane[1].destination_stride, 8u);
  EXPECT_EQ(l.plane[1].source_height, 4u);
  EXPECT_EQ(l.plane[3].destination_stride, 16u);
}

TEST(FrameLayout, RectOffsetsInBytes) {
  CombinedLayout l;
  ASSERT_TRUE(ComputeLayout(Rect{2, 2, 4, 2}, PixelFormat::kI420P10, nullptr, &l).ok());
  EXPECT_EQ(l.plane[0].source_left_bytes, 4u);
  EXPECT_EQ(l.plane[0].source_top, 2u);
  EXPECT_EQ(l.plane[1].source_left_bytes, 2u);
  EXPECT_EQ(l.plane[1].source_top, 1u);
}

TEST(FrameLayout, ExplicitLayoutAndReorderedPlanes) {
  std::vector<PlaneLayout> layout = {{100, 8}, {0, 4}, {50, 4}};
  CombinedLayout l;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l).ok());
  EXPECT_EQ(l.allocation_size, 132u);  // plane 0 ends last: 100 + 8 * 4
}

TEST(FrameLayout, RejectsWrongPlaneCount) {
  std::vector<PlaneLayout> layout = {{0, 4}};
  CombinedLayout l;
  Status s = ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l);
  EXPECT_EQ(s.kind, ErrorKind::kTypeError);
  EXPECT_NE(s.message.find("3 plane layouts"), std::string::npos) << s.message;
}

TEST(FrameLayout, RejectsShortStride) {
  std::vector<PlaneLayout> layout = {{0, 3}, {100, 2}, {200, 2}};
  CombinedLayout l;
  EXPECT_EQ(ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l).kind, ErrorKind::kTypeError);
}

TEST(FrameLayout, RejectsOverlap) {
  std::vector<PlaneLayout> layout = {{0, 4}, {8, 2}, {20, 2}};  // plane 0 spans 0..16
  CombinedLayout l;
  Status s = ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l);
  EXPECT_EQ(s.kind, ErrorKind::kTypeError);
  EXPECT_NE(s.message.find("overlap"), std::string::npos) << s.message;
}

TEST(FrameLayout, AdjacentPlanesDoNotOverlap) {
  std::vector<PlaneLayout> layout = {{0, 4}, {16, 2}, {20, 2}};
  CombinedLayout l;
  EXPECT_TRUE(ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l).ok());
}

TEST(FrameLayout, RejectsPlaneEndBeyondUnsignedLong) {
  const uint64_t max = std::numeric_limits<uint32_t>::max();
  std::vector<PlaneLayout> layout = {{max - 10, 4}, {0, 2}, {8, 2}};
  CombinedLayout l;
  EXPECT_EQ(ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &layout, &l).kind, ErrorKind::kTypeError);
  // A huge stride times the height overflows 32 bits.
  std::vector<PlaneLayout> big = {{0, max}, {0, 2}, {8, 2}};
  EXPECT_EQ(ComputeLayout(Rect{0, 0, 4, 4}, PixelFormat::kI420, &big, &l).kind, ErrorKind::kTypeError);
}

TEST(FrameLayout, RejectsRectMembersBeyondUnsignedLong) {
  CombinedLayout l;
  EXPECT_EQ(ComputeLayout(Rect{0, 0, 1ull << 33, 2}, PixelFormat::kRGBA, nullptr, &l).kind, ErrorKind::kTypeError);
  // 65536 x 65536 RGBA is 16 GiB: past unsigned long, so a TypeError.
  EXPECT_EQ(ComputeLayout(Rect{0, 0, 65536, 65536}, PixelFormat::kRGBA, nullptr, &l).kind, ErrorKind::kTypeError);
}

TEST(ParseVisibleRect, DefaultWhenNoOverride) {
  Rect out;
  ASSERT_TRUE(ParseVisibleRect(Rect{0, 0, 4, 2}, std::nullopt, 4, 2, PixelFormat::kI420, "rect", &out).ok());
  EXPECT_EQ(out.width, 4u);
}

TEST(ParseVisibleRect, Errors) {
  Rect out;
  const Rect def{0, 0, 8, 8};
  EXPECT_EQ(ParseVisibleRect(def, Rect{0, 0, 0, 2}, 8, 8, PixelFormat::kI420, "rect", &out).kind, ErrorKind::kTypeError);
  EXPECT_EQ(ParseVisibleRect(def, Rect{4, 0, 6, 2}, 8, 8, PixelFormat::kI420, "rect", &out).kind, ErrorKind::kTypeError);
  EXPECT_EQ(ParseVisibleRect(def, Rect{0, 4, 2, 6}, 8, 8, PixelFormat::kI420, "rect", &out).kind, ErrorKind::kTypeError);
  EXPECT_EQ(ParseVisibleRect(def, Rect{1, 0, 2, 2}, 8, 8, PixelFormat::kI420, "rect", &out).kind, ErrorKind::kTypeError);
  EXPECT_EQ(ParseVisibleRect(def, Rect{0, 1, 2, 2}, 8, 8, PixelFormat::kI420, "rect", &out).kind, ErrorKind::kTypeError);
  // 4:2:2 only needs even x; 4:4:4 and RGB accept any offset.
  EXPECT_TRUE(ParseVisibleRect(def, Rect{2, 1, 2, 2}, 8, 8, PixelFormat::kI422, "rect", &out).ok());
  EXPECT_TRUE(ParseVisibleRect(def, Rect{1, 1, 2, 2}, 8, 8, PixelFormat::kI444, "rect", &out).ok());
  EXPECT_TRUE(ParseVisibleRect(def, Rect{3, 5, 2, 2}, 8, 8, PixelFormat::kRGBA, "rect", &out).ok());
}

TEST(ParseVisibleRect, MessagesNameTheRectTheCallerGave) {
  Rect out;
  const Rect def{0, 0, 8, 8};
  const Status bounds = ParseVisibleRect(def, Rect{4, 0, 6, 2}, 8, 8, PixelFormat::kI420, "Options.rect", &out);
  EXPECT_EQ(bounds.message, "Invalid Options.rect; expected x + width <= codedWidth (8), received 10.");
  const Status aligned = ParseVisibleRect(def, Rect{1, 0, 2, 2}, 8, 8, PixelFormat::kI420, "Options.rect", &out);
  EXPECT_EQ(aligned.message,
            "Invalid Options.rect; expected x and y aligned to the chroma subsampling of I420, received x=1, y=0.");
  // Without an override the frame's own visible rect is what is wrong.
  const Status own = ParseVisibleRect(Rect{1, 0, 2, 2}, std::nullopt, 8, 8, PixelFormat::kI420, "Options.rect", &out);
  EXPECT_NE(own.message.find("Invalid visibleRect;"), std::string::npos) << own.message;
}

TEST(ParseVisibleRect, MisalignedDefaultRectFails) {
  // The default rect is checked too (a frame whose visible rect is odd).
  Rect out;
  EXPECT_EQ(ParseVisibleRect(Rect{1, 1, 2, 2}, std::nullopt, 8, 8, PixelFormat::kNV12, "rect", &out).kind,
            ErrorKind::kTypeError);
}

TEST(PixelFormat, TableIsConsistent) {
  for (int i = 0; i < kPixelFormatCount; i++) {
    const auto f = static_cast<PixelFormat>(i);
    const PixelFormatInfo& info = Info(f);
    ASSERT_EQ(ParsePixelFormat(info.name), f) << info.name;
    EXPECT_FALSE(Info(info.opaque).alpha) << info.name;
    if (info.av != AV_PIX_FMT_NONE) {
      // Our plane count matches FFmpeg's for the same layout.
      EXPECT_EQ(av_pix_fmt_count_planes(info.av), info.planes) << info.name;
      EXPECT_EQ(FromAVPixelFormat(info.av), f) << info.name;
    }
  }
  EXPECT_FALSE(ParsePixelFormat("i420").has_value());
  EXPECT_EQ(FromAVPixelFormat(AV_PIX_FMT_YUVJ420P), PixelFormat::kI420);
}

}  // namespace
}  // namespace wcn
