// AVIF through libavif over the byte store: an image libavif encodes here
// (alpha, rotation) decodes back with its planes, orientation and alpha;
// missing bytes are reported, never waited for, on the decode side.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/avif_image.h"
#include "core/frame_copy.h"

namespace wcn {
namespace {

struct ImageDeleter {
  void operator()(avifImage* i) const { avifImageDestroy(i); }
};
struct EncoderDeleter {
  void operator()(avifEncoder* e) const { avifEncoderDestroy(e); }
};

constexpr uint32_t kSize = 16;
constexpr uint8_t kAlpha = 200;

// A 16x16 4:2:0 image with a luma ramp, flat chroma, constant alpha (coded
// losslessly) and an anti-clockwise quarter turn.
std::vector<uint8_t> EncodeAvif() {
  std::unique_ptr<avifImage, ImageDeleter> img(avifImageCreate(kSize, kSize, 8, AVIF_PIXEL_FORMAT_YUV420));
  EXPECT_EQ(avifImageAllocatePlanes(img.get(), AVIF_PLANES_ALL), AVIF_RESULT_OK);
  for (uint32_t y = 0; y < kSize; y++) {
    for (uint32_t x = 0; x < kSize; x++) img->yuvPlanes[0][y * img->yuvRowBytes[0] + x] = static_cast<uint8_t>(16 + 12 * x);
    for (uint32_t x = 0; x < kSize; x++) img->alphaPlane[y * img->alphaRowBytes + x] = kAlpha;
  }
  for (int p = 1; p < 3; p++) {
    for (uint32_t y = 0; y < kSize / 2; y++) std::fill_n(img->yuvPlanes[p] + y * img->yuvRowBytes[p], kSize / 2, 128);
  }
  img->transformFlags = AVIF_TRANSFORM_IROT;
  img->irot.angle = 1;
  std::unique_ptr<avifEncoder, EncoderDeleter> enc(avifEncoderCreate());
  enc->speed = AVIF_SPEED_FASTEST;
  enc->minQuantizerAlpha = enc->maxQuantizerAlpha = AVIF_QUANTIZER_LOSSLESS;
  avifRWData out = AVIF_DATA_EMPTY;
  EXPECT_EQ(avifEncoderWrite(enc.get(), img.get(), &out), AVIF_RESULT_OK);
  std::vector<uint8_t> bytes(out.data, out.data + out.size);
  avifRWDataFree(&out);
  return bytes;
}

TEST(AvifTrack, DecodesPlanesAlphaAndOrientation) {
  const std::vector<uint8_t> avif = EncodeAvif();
  auto store = std::make_shared<ByteStore>(1 << 20, "test data", "the test's cap");
  bool woke;
  ASSERT_TRUE(store->Append(avif.data(), avif.size(), &woke).ok());
  store->End();
  AvifTrack track(store, /*sequence=*/false);
  ASSERT_TRUE(track.Parse().ok());
  ASSERT_EQ(track.frame_count(), 1u);
  EXPECT_FALSE(track.info().animated);
  EXPECT_LE(track.FrameEnd(0), avif.size());
  track.StopWaiting();
  SwsCache sws;
  ImagePicture picture;
  ASSERT_TRUE(track.Decode(0, sws, &picture).ok());
  EXPECT_EQ(picture.format, PixelFormat::kI420A);
  EXPECT_EQ(picture.orientation, (ImageOrientation{270, false}));
  EXPECT_EQ(picture.visible.width, kSize);
  const AVFrame& f = *picture.frame;
  for (uint32_t x = 0; x < kSize; x++) EXPECT_NEAR(f.data[0][x], 16 + 12 * x, 6) << x;
  for (uint32_t y = 0; y < kSize; y++) {
    for (uint32_t x = 0; x < kSize; x++) ASSERT_EQ(f.data[3][y * f.linesize[3] + x], kAlpha);
  }
  // The sequence source of a still-only file does not parse.
  AvifTrack sequence(store, /*sequence=*/true);
  EXPECT_FALSE(sequence.Parse().ok());
}

TEST(AvifTrack, MissingBytesAreReportedNotAwaited) {
  const std::vector<uint8_t> avif = EncodeAvif();
  auto store = std::make_shared<ByteStore>(1 << 20, "test data", "the test's cap");
  AvifTrack track(store, false);
  // The container (ftyp, meta) comes first; the image data is last.
  const size_t head = static_cast<size_t>(avif.size() - 40);
  bool woke;
  ASSERT_TRUE(store->Append(avif.data(), head, &woke).ok());
  ASSERT_TRUE(track.Parse().ok());
  ASSERT_GT(track.FrameEnd(0), head);
  track.StopWaiting();
  SwsCache sws;
  ImagePicture picture;
  const Status pending = track.Decode(0, sws, &picture);
  EXPECT_EQ(pending.kind, ErrorKind::kRangeError);
  // Complete without the rest: a libavif error, not a wait.
  store->End();
  EXPECT_FALSE(track.Decode(0, sws, &picture).ok());
}

}  // namespace
}  // namespace wcn
