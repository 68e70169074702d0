#include "core/icc_color.h"

#include <array>
#include <cmath>

#include "core/frame_copy.h"
#include "core/immortal.h"

namespace wcn {

namespace {

using Colorants = std::array<cmsCIEXYZ, 3>;

struct KnownPrimaries {
  AVColorPrimaries id;
  cmsCIExyYTRIPLE xy;
};

// The VideoColorPrimaries values, all with a D65 white.
constexpr KnownPrimaries kKnownPrimaries[] = {
    {AVCOL_PRI_BT709, {{0.64, 0.33, 1}, {0.30, 0.60, 1}, {0.15, 0.06, 1}}},
    {AVCOL_PRI_BT470BG, {{0.64, 0.33, 1}, {0.29, 0.60, 1}, {0.15, 0.06, 1}}},
    {AVCOL_PRI_SMPTE170M, {{0.630, 0.340, 1}, {0.310, 0.595, 1}, {0.155, 0.070, 1}}},
    {AVCOL_PRI_BT2020, {{0.708, 0.292, 1}, {0.170, 0.797, 1}, {0.131, 0.046, 1}}},
    {AVCOL_PRI_SMPTE432, {{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}}},
};
constexpr cmsCIExyY kD65{0.3127, 0.3290, 1};
// Profiles from different makers round their adapted colorants apart by
// about 1e-4; distinct primaries differ by far more than this.
constexpr double kColorantTolerance = 0.002;
// sRGB's curve and gamma 2.2 differ by 0.003 and more in the shadows.
constexpr double kCurveTolerance = 0.0015;

bool ReadColorants(cmsHPROFILE profile, Colorants* out) {
  const cmsTagSignature tags[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
  for (int i = 0; i < 3; i++) {
    const auto* xyz = static_cast<const cmsCIEXYZ*>(cmsReadTag(profile, tags[i]));
    if (!xyz) return false;
    (*out)[i] = *xyz;
  }
  return true;
}

// The D50-adapted colorants a matrix profile of each known set of
// primaries holds, computed once by lcms2 itself.
using KnownColorantList = std::vector<std::pair<AVColorPrimaries, Colorants>>;

// Built once; image decodes on libuv's pool may read it while the process exits.
struct KnownColorantTable {
  KnownColorantList list = [] {
    KnownColorantList out;
    cmsToneCurve* linear = cmsBuildGamma(nullptr, 1.0);
    cmsToneCurve* curves[3] = {linear, linear, linear};
    for (const KnownPrimaries& k : kKnownPrimaries) {
      IccProfilePtr p(cmsCreateRGBProfile(&kD65, &k.xy, curves));
      Colorants c;
      if (p && ReadColorants(p.get(), &c)) out.emplace_back(k.id, c);
    }
    cmsFreeToneCurve(linear);
    return out;
  }();
};

const KnownColorantList& KnownColorants() { return Immortal<KnownColorantTable>().list; }

AVColorPrimaries MatchPrimaries(cmsHPROFILE profile) {
  Colorants c;
  if (!ReadColorants(profile, &c)) return AVCOL_PRI_UNSPECIFIED;
  for (const auto& [id, known] : KnownColorants()) {
    bool near = true;
    for (int i = 0; i < 3 && near; i++) {
      near = std::fabs(c[i].X - known[i].X) < kColorantTolerance && std::fabs(c[i].Y - known[i].Y) < kColorantTolerance &&
             std::fabs(c[i].Z - known[i].Z) < kColorantTolerance;
    }
    if (near) return id;
  }
  return AVCOL_PRI_UNSPECIFIED;
}

double SrgbCurve(double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); }

AVColorTransferCharacteristic MatchTransfer(cmsHPROFILE profile) {
  const cmsTagSignature tags[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
  bool srgb = true, linear = true;
  for (cmsTagSignature tag : tags) {
    const auto* curve = static_cast<const cmsToneCurve*>(cmsReadTag(profile, tag));
    if (!curve) return AVCOL_TRC_UNSPECIFIED;
    for (int i = 0; i <= 32; i++) {
      const double v = i / 32.0;
      const double y = cmsEvalToneCurveFloat(curve, static_cast<cmsFloat32Number>(v));
      srgb = srgb && std::fabs(y - SrgbCurve(v)) < kCurveTolerance;
      linear = linear && std::fabs(y - v) < kCurveTolerance;
    }
  }
  return srgb ? AVCOL_TRC_IEC61966_2_1 : linear ? AVCOL_TRC_LINEAR : AVCOL_TRC_UNSPECIFIED;
}

}  // namespace

std::unique_ptr<IccProfile> IccProfile::Read(const uint8_t* data, size_t size) {
  auto profile = std::make_unique<IccProfile>();
  profile->handle_.reset(cmsOpenProfileFromMem(data, static_cast<cmsUInt32Number>(size)));
  cmsHPROFILE h = profile->handle_.get();
  if (!h || cmsGetColorSpace(h) != cmsSigRgbData) return nullptr;
  const cmsProfileClassSignature cls = cmsGetDeviceClass(h);
  if (cls != cmsSigDisplayClass && cls != cmsSigInputClass && cls != cmsSigColorSpaceClass && cls != cmsSigOutputClass) {
    return nullptr;
  }
  profile->bytes_.assign(data, data + size);
  if (cmsIsMatrixShaper(h)) {
    profile->primaries_ = MatchPrimaries(h);
    profile->transfer_ = MatchTransfer(h);
  }
  return profile;
}

bool IccConverter::ToSrgb(const IccProfile& profile, FramePtr* frame, PixelFormat* format, SwsCache& sws) {
  const PixelFormatInfo& info = Info(*format);
  if (info.av == AV_PIX_FMT_NONE) return false;
  const PixelFormat target = info.alpha ? PixelFormat::kRGBA : PixelFormat::kRGBX;
  const AVFrame& src = **frame;
  FramePtr out = AllocatePooledFrame(target, src.width, src.height);
  const uint8_t* in = src.data[0];
  int in_stride = src.linesize[0];
  uint32_t input_type = TYPE_RGBA_8;
  if (*format == PixelFormat::kBGRA || *format == PixelFormat::kBGRX) {
    input_type = TYPE_BGRA_8;
  } else if (info.yuv) {
    // Profiles describe RGB: convert with the frame's matrix first, then
    // transform in place.
    if (!SwsConvert(src, out.get(), SwsColorspaceFor(src.colorspace), IsFullRange(src), true, sws)) return false;
    in = out->data[0];
    in_stride = out->linesize[0];
  }
  if (!transform_ || input_type_ != input_type || profile_bytes_ != profile.bytes()) {
    IccProfilePtr srgb(cmsCreate_sRGBProfile());
    if (!srgb) throw std::bad_alloc();
    transform_.reset(cmsCreateTransform(profile.handle_.get(), input_type, srgb.get(), TYPE_RGBA_8, INTENT_PERCEPTUAL,
                                        cmsFLAGS_COPY_ALPHA));
    profile_bytes_ = profile.bytes();
    input_type_ = input_type;
  }
  if (!transform_) return false;
  cmsDoTransformLineStride(transform_.get(), in, out->data[0], static_cast<cmsUInt32Number>(src.width),
                           static_cast<cmsUInt32Number>(src.height), static_cast<cmsUInt32Number>(in_stride),
                           static_cast<cmsUInt32Number>(out->linesize[0]), 0, 0);
  out->color_primaries = AVCOL_PRI_BT709;
  out->color_trc = AVCOL_TRC_IEC61966_2_1;
  out->colorspace = AVCOL_SPC_RGB;
  out->color_range = AVCOL_RANGE_JPEG;
  *frame = std::move(out);
  *format = target;
  return true;
}

}  // namespace wcn
