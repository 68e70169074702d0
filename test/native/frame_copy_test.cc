#include "core/frame_copy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "core/frame_pool.h"

namespace wcn {
namespace {

std::vector<uint8_t> Sequence(size_t n) {
  std::vector<uint8_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(FrameCopy, RoundTripsTightI420) {
  const auto src = Sequence(6 * 4 + 2 * (3 * 2));
  CombinedLayout layout;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 6, 4}, PixelFormat::kI420, nullptr, &layout).ok());
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kI420, 6, 4, src.data(), layout);
  EXPECT_EQ(frame->linesize[0] % kStrideAlign, 0);
  std::vector<uint8_t> out(layout.allocation_size);
  CopyFrameTo(*frame, layout, out.data());
  EXPECT_EQ(out, src);
}

TEST(FrameCopy, CopiesSubRectWithCustomLayout) {
  const auto src = Sequence(2 * 4 * 4);  // RGBA, 2 pixels (8 bytes) per row, 4 rows
  CombinedLayout full;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 2, 4}, PixelFormat::kRGBA, nullptr, &full).ok());
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kRGBA, 2, 4, src.data(), full);
  std::vector<PlaneLayout> custom = {{3, 10}};
  CombinedLayout sub;
  ASSERT_TRUE(ComputeLayout(Rect{1, 1, 1, 2}, PixelFormat::kRGBA, &custom, &sub).ok());
  std::vector<uint8_t> out(sub.allocation_size, 0xee);
  CopyFrameTo(*frame, sub, out.data());
  // Row 1, pixel 1 is bytes 12..15; row 2, pixel 1 is bytes 20..23.
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 3, out.begin() + 7), std::vector<uint8_t>({12, 13, 14, 15}));
  EXPECT_EQ(std::vector<uint8_t>(out.begin() + 13, out.begin() + 17), std::vector<uint8_t>({20, 21, 22, 23}));
  EXPECT_EQ(out[0], 0xee) << "bytes before the plane offset are untouched";
  EXPECT_EQ(out[7], 0xee) << "stride padding is untouched";
}

TEST(FrameCopy, ZeroesSamplesOutsideTheGivenRect) {
  // Only the 2x2 rect at (2, 2) of a 4x4 I444 frame is given.
  const std::vector<uint8_t> src(2 * 2 * 3, 0x7f);
  CombinedLayout layout;
  ASSERT_TRUE(ComputeLayout(Rect{2, 2, 2, 2}, PixelFormat::kI444, nullptr, &layout).ok());
  // Dirty the pool first so stale bytes would show.
  {
    FramePtr dirty = AllocatePooledFrame(PixelFormat::kI444, 4, 4);
    for (int p = 0; p < 3; p++) std::memset(dirty->data[p], 0xab, dirty->linesize[p] * 4);
  }
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kI444, 4, 4, src.data(), layout);
  for (int p = 0; p < 3; p++) {
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        const uint8_t want = (x >= 2 && y >= 2) ? 0x7f : 0;
        EXPECT_EQ(frame->data[p][y * frame->linesize[p] + x], want) << "plane " << p << " at " << x << "," << y;
      }
    }
  }
}

TEST(FrameCopy, CloneSharesPlanesAndReleasesOnLastUnref) {
  const auto src = Sequence(64 * 64 * 4);
  CombinedLayout layout;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, 64, 64}, PixelFormat::kBGRA, nullptr, &layout).ok());
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kBGRA, 64, 64, src.data(), layout);
  const size_t size = frame->buf[0]->size;
  auto in_use = [&] {
    for (const PoolStats& s : PoolRegistry::Instance().Report().pools) {
      if (s.buffer_size == size) return s.in_use;
    }
    return uint64_t{0};
  };
  const uint64_t before = in_use();
  FramePtr clone = RefFrame(frame.get());
  EXPECT_EQ(clone->data[0], frame->data[0]) << "a clone shares the pixels";
  EXPECT_EQ(av_buffer_get_ref_count(frame->buf[0]), 2);
  EXPECT_EQ(in_use(), before) << "cloning takes no buffer";
  frame.reset();
  EXPECT_EQ(in_use(), before) << "still referenced by the clone";
  clone.reset();
  EXPECT_EQ(in_use(), before - 1) << "returned to the pool on the last unref";
}

TEST(FrameConvert, I420ToRgbaMatchesReferenceForGrey) {
  // Mid-grey in limited range (Y=126, U=V=128) is RGB 127/128 with BT.709.
  const int w = 64, h = 32;
  std::vector<uint8_t> src(w * h + 2 * (w / 2) * (h / 2), 128);
  std::fill(src.begin(), src.begin() + w * h, 126);
  CombinedLayout in;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, PixelFormat::kI420, nullptr, &in).ok());
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kI420, w, h, src.data(), in);
  CombinedLayout out;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, PixelFormat::kRGBA, nullptr, &out).ok());
  std::vector<uint8_t> rgba(out.allocation_size);
  SwsCache cache;
  ASSERT_TRUE(ConvertFrameTo(*frame, PixelFormat::kI420, Rect{0, 0, w, h}, ColorParams{}, PixelFormat::kRGBA, out,
                             rgba.data(), cache)
                  .ok());
  for (size_t i = 0; i < rgba.size(); i += 4) {
    EXPECT_NEAR(rgba[i], 127, 1);
    EXPECT_NEAR(rgba[i + 1], 127, 1);
    EXPECT_NEAR(rgba[i + 2], 127, 1);
    ASSERT_EQ(rgba[i + 3], 255);
  }
}

TEST(FrameConvert, NeverWritesPastTheDestination) {
  // swscale writes whole SIMD blocks; rows that are not a multiple of the
  // block go through staging. Guard bytes after an exact-size destination
  // must survive for every width, source format and RGB target.
  const PixelFormat sources[] = {PixelFormat::kI420, PixelFormat::kNV12, PixelFormat::kI444, PixelFormat::kI420P10,
                                 PixelFormat::kI420A, PixelFormat::kI422P12, PixelFormat::kRGBA, PixelFormat::kBGRX};
  const PixelFormat targets[] = {PixelFormat::kRGBA, PixelFormat::kBGRX};
  SwsCache cache;
  for (PixelFormat sf : sources) {
    for (PixelFormat tf : targets) {
      for (uint64_t w : {2, 6, 14, 30, 32, 34, 64, 96, 1922}) {
        const uint64_t h = 6;
        CombinedLayout in;
        ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, sf, nullptr, &in).ok());
        std::vector<uint8_t> src(in.allocation_size, 100);
        FramePtr frame = CreateFrameFromBuffer(sf, w, h, src.data(), in);
        CombinedLayout out;
        ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, tf, nullptr, &out).ok());
        std::vector<uint8_t> dst(out.allocation_size + 256, 0x5a);
        ASSERT_TRUE(ConvertFrameTo(*frame, sf, Rect{0, 0, w, h}, ColorParams{}, tf, out, dst.data(), cache).ok());
        for (size_t i = out.allocation_size; i < dst.size(); i++) {
          ASSERT_EQ(dst[i], 0x5a) << Info(sf).name << "->" << Info(tf).name << " width " << w << " byte " << i;
        }
      }
    }
  }
}

TEST(FrameConvert, Rgbx12BitAlphaFromOwnPlanes) {
  // I420AP12 has no FFmpeg layout: alpha comes from our own plane, scaled to 8 bits.
  const int w = 32, h = 2;
  CombinedLayout in;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, PixelFormat::kI420AP12, nullptr, &in).ok());
  std::vector<uint8_t> src(in.allocation_size, 0);
  auto* y = reinterpret_cast<uint16_t*>(src.data() + in.plane[0].destination_offset);
  auto* u = reinterpret_cast<uint16_t*>(src.data() + in.plane[1].destination_offset);
  auto* v = reinterpret_cast<uint16_t*>(src.data() + in.plane[2].destination_offset);
  auto* a = reinterpret_cast<uint16_t*>(src.data() + in.plane[3].destination_offset);
  for (int i = 0; i < w * h; i++) {
    y[i] = 2048;
    a[i] = i % 2 ? 4095 : 0;
  }
  for (int i = 0; i < (w / 2) * (h / 2); i++) u[i] = v[i] = 2048;
  FramePtr frame = CreateFrameFromBuffer(PixelFormat::kI420AP12, w, h, src.data(), in);
  CombinedLayout out;
  ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, PixelFormat::kBGRA, nullptr, &out).ok());
  std::vector<uint8_t> bgra(out.allocation_size);
  SwsCache cache;
  ASSERT_TRUE(ConvertFrameTo(*frame, PixelFormat::kI420AP12, Rect{0, 0, w, h}, ColorParams{}, PixelFormat::kBGRA, out,
                             bgra.data(), cache)
                  .ok());
  for (int i = 0; i < w * h; i++) EXPECT_EQ(bgra[i * 4 + 3], i % 2 ? 255 : 0) << i;
}

TEST(FrameConvert, OpaqueTargetsNeverShowSourceAlpha) {
  // RGBX/BGRX are opaque: X must be 0xFF whatever alpha (or X junk) the
  // source carries, for YUV-with-alpha and RGB sources alike.
  const uint64_t w = 40, h = 4;  // 40: not a whole SIMD block, exercises staging
  const PixelFormat sources[] = {PixelFormat::kI420A, PixelFormat::kI444AP10, PixelFormat::kI420AP12,
                                 PixelFormat::kRGBA, PixelFormat::kBGRX};
  SwsCache cache;
  for (PixelFormat sf : sources) {
    CombinedLayout in;
    ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, sf, nullptr, &in).ok());
    std::vector<uint8_t> src(in.allocation_size, 0x21);  // alpha (or X) far from opaque
    FramePtr frame = CreateFrameFromBuffer(sf, w, h, src.data(), in);
    for (PixelFormat tf : {PixelFormat::kRGBX, PixelFormat::kBGRX}) {
      CombinedLayout out;
      ASSERT_TRUE(ComputeLayout(Rect{0, 0, w, h}, tf, nullptr, &out).ok());
      std::vector<uint8_t> dst(out.allocation_size, 0);
      ASSERT_TRUE(ConvertFrameTo(*frame, sf, Rect{0, 0, w, h}, ColorParams{}, tf, out, dst.data(), cache).ok());
      for (size_t i = 3; i < dst.size(); i += 4) {
        ASSERT_EQ(dst[i], 255) << Info(sf).name << "->" << Info(tf).name << " pixel " << i / 4;
      }
    }
  }
}

}  // namespace
}  // namespace wcn
