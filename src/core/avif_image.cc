#include "core/avif_image.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <thread>

#include "core/frame_copy.h"
#include "core/limits.h"

namespace wcn {

namespace {

constexpr int64_t kMicroseconds = 1000000;

// The spec format for libavif's planes (monochrome as 4:2:0 with neutral
// chroma), or nullopt for depths it has none for.
std::optional<PixelFormat> FormatFor(const avifImage& img, bool alpha) {
  using P = PixelFormat;
  static constexpr P kFormats[3][3][2] = {
      {{P::kI420, P::kI420A}, {P::kI420P10, P::kI420AP10}, {P::kI420P12, P::kI420AP12}},
      {{P::kI422, P::kI422A}, {P::kI422P10, P::kI422AP10}, {P::kI422P12, P::kI422AP12}},
      {{P::kI444, P::kI444A}, {P::kI444P10, P::kI444AP10}, {P::kI444P12, P::kI444AP12}},
  };
  int layout;
  switch (img.yuvFormat) {
    case AVIF_PIXEL_FORMAT_YUV420:
    case AVIF_PIXEL_FORMAT_YUV400: layout = 0; break;
    case AVIF_PIXEL_FORMAT_YUV422: layout = 1; break;
    case AVIF_PIXEL_FORMAT_YUV444: layout = 2; break;
    default: return std::nullopt;
  }
  const int depth = img.depth == 8 ? 0 : img.depth == 10 ? 1 : img.depth == 12 ? 2 : -1;
  if (depth < 0) return std::nullopt;
  return kFormats[layout][depth][alpha ? 1 : 0];
}

// Copies libavif's planes into the frame's pooled ones.
void CopyPlanes(const avifImage& img, PixelFormat format, bool alpha, AVFrame* frame) {
  const uint32_t w = img.width, h = img.height;
  const bool mono = img.yuvFormat == AVIF_PIXEL_FORMAT_YUV400;
  for (int p = 0; p < 3; p++) {
    const size_t row_bytes = PlaneRowBytes(format, p, w), rows = PlaneRows(format, p, h);
    if (p == 0 || !mono) {
      CopyPlane(frame->data[p], frame->linesize[p], img.yuvPlanes[p], img.yuvRowBytes[p], row_bytes, rows);
      continue;
    }
    // Monochrome: chroma at its midpoint leaves the colour grey.
    for (size_t r = 0; r < rows; r++) {
      uint8_t* row = frame->data[p] + r * frame->linesize[p];
      if (img.depth == 8) {
        std::memset(row, 128, row_bytes);
      } else {
        std::fill_n(reinterpret_cast<uint16_t*>(row), row_bytes / 2, static_cast<uint16_t>(1u << (img.depth - 1)));
      }
    }
  }
  if (alpha) {
    CopyPlane(frame->data[3], frame->linesize[3], img.alphaPlane, img.alphaRowBytes, PlaneRowBytes(format, 3, w),
              PlaneRows(format, 3, h));
  }
}

// irot (anti-clockwise quarter turns) then imir (mode 1 mirrors left to
// right, mode 0 top to bottom, which is a left-right mirror after a half
// turn), as rotate clockwise then mirror.
ImageOrientation OrientationOf(const avifImage& img) {
  ImageOrientation o;
  if (img.transformFlags & AVIF_TRANSFORM_IROT) o.rotation = (4 - img.irot.angle % 4) % 4 * 90;
  if (img.transformFlags & AVIF_TRANSFORM_IMIR) {
    o.flip = true;
    if (img.imir.mode == 0) o.rotation = (o.rotation + 180) % 360;
  }
  return o;
}

// The clean aperture as a visible rect, when it is valid and starts on a
// sample of every plane (the spec's visibleRect alignment).
Rect VisibleRectOf(const avifImage& img, PixelFormat format) {
  Rect whole{0, 0, img.width, img.height};
  if (!(img.transformFlags & AVIF_TRANSFORM_CLAP)) return whole;
  avifCropRect crop;
  avifDiagnostics diag;
  if (!avifCropRectConvertCleanApertureBox(&crop, &img.clap, img.width, img.height, img.yuvFormat, &diag)) {
    return whole;
  }
  const PixelFormatInfo& info = Info(format);
  if (crop.x % (1u << info.chroma_shift_x) != 0 || crop.y % (1u << info.chroma_shift_y) != 0) return whole;
  return Rect{crop.x, crop.y, crop.width, crop.height};
}

}  // namespace

AvifTrack::AvifTrack(std::shared_ptr<ByteStore> store, bool sequence) : sequence_(sequence) {
  io_.store = std::move(store);
  io_.io.read = &Read;
  io_.io.sizeHint = io_.store->max_bytes();
  io_.io.data = &io_;
}

avifResult AvifTrack::Read(avifIO* io, uint32_t, uint64_t offset, size_t size, avifROData* out) {
  auto* self = static_cast<Io*>(io->data);
  ByteStore& store = *self->store;
  const uint64_t end = offset + std::min<uint64_t>(size, std::numeric_limits<uint64_t>::max() - offset);
  if (self->blocking) store.WaitFor(end);
  if (store.closed()) return AVIF_RESULT_IO_ERROR;
  const bool complete = store.complete();
  const uint64_t received = store.received();
  if (offset > received) return complete ? AVIF_RESULT_IO_ERROR : AVIF_RESULT_WAITING_ON_IO;
  if (end > received && !complete) return AVIF_RESULT_WAITING_ON_IO;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(size, received - offset));
  self->buffer.resize(n);
  if (n > 0 && store.Read(offset, self->buffer.data(), n, false) != static_cast<int64_t>(n)) {
    return AVIF_RESULT_IO_ERROR;
  }
  out->data = self->buffer.data();
  out->size = n;
  return AVIF_RESULT_OK;
}

Status AvifTrack::Failure(const std::string& what, avifResult result) const {
  std::string message = what + ": " + avifResultToString(result);
  if (decoder_ && decoder_->diag.error[0] != '\0') message += std::string(" (") + decoder_->diag.error + ")";
  return Status::Error(ErrorKind::kEncodingError, message + ".");
}

Status AvifTrack::Parse() {
  decoder_.reset(avifDecoderCreate());
  if (!decoder_) throw std::bad_alloc();
  decoder_->maxThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  decoder_->imageSizeLimit = static_cast<uint32_t>(kMaxPixels);
  decoder_->imageDimensionLimit = kMaxDimension;
  // Files browsers display (a missing pixi, an odd clap) decode here too.
  decoder_->strictFlags = AVIF_STRICT_DISABLED;
  // Orientation comes from irot/imir; metadata payloads at the end of a
  // file would only hold the parse up.
  decoder_->ignoreExif = AVIF_TRUE;
  decoder_->ignoreXMP = AVIF_TRUE;
  const char* what = sequence_ ? "image sequence" : "primary image";
  avifResult r = avifDecoderSetSource(decoder_.get(), sequence_ ? AVIF_DECODER_SOURCE_TRACKS : AVIF_DECODER_SOURCE_PRIMARY_ITEM);
  if (r == AVIF_RESULT_OK) {
    avifDecoderSetIO(decoder_.get(), &io_.io);
    r = avifDecoderParse(decoder_.get());
  }
  if (r != AVIF_RESULT_OK) return Failure(std::string("Reading the AVIF ") + what + " failed", r);
  if (decoder_->imageCount <= 0) {
    return Status::Error(ErrorKind::kEncodingError, std::string("The AVIF ") + what + " holds no image.");
  }
  for (int i = 0; i < decoder_->imageCount; i++) {
    avifExtent extent;
    r = avifDecoderNthImageMaxExtent(decoder_.get(), static_cast<uint32_t>(i), &extent);
    if (r != AVIF_RESULT_OK) return Failure(std::string("Locating the AVIF ") + what + "'s data failed", r);
    // A size of 0: the data came with the container (an idat box).
    frame_ends_.push_back(extent.size == 0 ? 0 : extent.offset + extent.size);
  }
  return Status::Ok();
}

ImageTrackInfo AvifTrack::info() const {
  ImageTrackInfo t;
  t.frame_count = frame_count();
  t.animated = sequence_ && t.frame_count > 1;
  // libavif does not read the edit list's loop flag; browsers loop
  // sequences without one forever.
  t.repetition_count = t.animated ? std::numeric_limits<double>::infinity() : 0;
  return t;
}

Status AvifTrack::Decode(uint32_t index, SwsCache& sws, ImagePicture* out) {
  avifResult r = avifDecoderNthImage(decoder_.get(), index);
  if (r == AVIF_RESULT_WAITING_ON_IO) {
    return Status::Error(ErrorKind::kRangeError, "Frame " + std::to_string(index) + " has not arrived.");
  }
  if (r != AVIF_RESULT_OK) return Failure("Decoding the AVIF image failed", r);
  const avifImage& img = *decoder_->image;
  const bool alpha = img.alphaPlane != nullptr;
  const std::optional<PixelFormat> format = FormatFor(img, alpha);
  if (!format || img.width == 0 || img.height == 0) {
    return Status::Error(ErrorKind::kEncodingError, "The AVIF image has a layout (" + std::to_string(img.depth) +
                                                        "-bit) no VideoPixelFormat describes.");
  }
  FramePtr frame = AllocatePooledFrame(*format, img.width, img.height);
  CopyPlanes(img, *format, alpha, frame.get());
  out->format = *format;
  if (img.matrixCoefficients == AVIF_MATRIX_COEFFICIENTS_IDENTITY && img.yuvFormat == AVIF_PIXEL_FORMAT_YUV444) {
    // Y, U and V are G, B and R (lossless files): read the planes as
    // FFmpeg's GBR layout of the same depth and convert to RGBA/RGBX.
    static constexpr AVPixelFormat kGbr[3][2] = {{AV_PIX_FMT_GBRP, AV_PIX_FMT_GBRAP},
                                                 {AV_PIX_FMT_GBRP10, AV_PIX_FMT_GBRAP10},
                                                 {AV_PIX_FMT_GBRP12, AV_PIX_FMT_GBRAP12}};
    frame->format = kGbr[Info(*format).bit_depth == 8 ? 0 : Info(*format).bit_depth == 10 ? 1 : 2][alpha ? 1 : 0];
    const std::optional<PixelFormat> rgb = ToSpecFormat(frame, /*gray_as_rgb=*/true, sws);
    if (!rgb) return Status::Error(ErrorKind::kEncodingError, "The lossless AVIF image cannot be converted to RGB.");
    out->format = *rgb;
  }
  // CICP code points are FFmpeg's enum values.
  frame->color_primaries = static_cast<AVColorPrimaries>(img.colorPrimaries);
  frame->color_trc = static_cast<AVColorTransferCharacteristic>(img.transferCharacteristics);
  frame->colorspace = static_cast<AVColorSpace>(img.matrixCoefficients);
  frame->color_range = img.yuvRange == AVIF_RANGE_FULL ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  if (img.icc.size > 0) {
    AVFrameSideData* icc = av_frame_new_side_data(frame.get(), AV_FRAME_DATA_ICC_PROFILE, img.icc.size);
    if (!icc) throw std::bad_alloc();
    std::memcpy(icc->data, img.icc.data, img.icc.size);
  }
  out->visible = VisibleRectOf(img, out->format);
  out->orientation = OrientationOf(img);
  out->timestamp = 0;
  out->duration.reset();
  if (sequence_ && decoder_->imageTiming.timescale > 0) {
    const avifImageTiming& t = decoder_->imageTiming;
    out->timestamp = av_rescale(static_cast<int64_t>(t.ptsInTimescales), kMicroseconds, static_cast<int64_t>(t.timescale));
    out->duration = av_rescale(static_cast<int64_t>(t.durationInTimescales), kMicroseconds, static_cast<int64_t>(t.timescale));
  }
  out->frame = std::move(frame);
  return Status::Ok();
}

}  // namespace wcn
