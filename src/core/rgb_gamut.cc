#include "core/rgb_gamut.h"

#include <algorithm>
#include <cmath>

namespace wcn {

namespace {

// CIE 1931 xy of the red, green and blue primaries and the white point
// (H.273). All of them are D65, so no chromatic adaptation is needed.
struct Primaries {
  AVColorPrimaries id;
  double rx, ry, gx, gy, bx, by, wx, wy;
};

constexpr Primaries kPrimaries[] = {
    {AVCOL_PRI_BT709, 0.640, 0.330, 0.300, 0.600, 0.150, 0.060, 0.3127, 0.3290},
    {AVCOL_PRI_BT470BG, 0.640, 0.330, 0.290, 0.600, 0.150, 0.060, 0.3127, 0.3290},
    {AVCOL_PRI_SMPTE170M, 0.630, 0.340, 0.310, 0.595, 0.155, 0.070, 0.3127, 0.3290},
    {AVCOL_PRI_BT2020, 0.708, 0.292, 0.170, 0.797, 0.131, 0.046, 0.3127, 0.3290},
    {AVCOL_PRI_SMPTE432, 0.680, 0.320, 0.265, 0.690, 0.150, 0.060, 0.3127, 0.3290},
};

using Mat3 = std::array<double, 9>;

Mat3 Multiply(const Mat3& a, const Mat3& b) {
  Mat3 out{};
  for (int r = 0; r < 3; r++) {
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
    }
  }
  return out;
}

Mat3 Inverse(const Mat3& m) {
  const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
  const double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
          (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
          (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det};
}

// Linear RGB -> XYZ: the primaries' XYZ (Y = 1) scaled so that RGB 1,1,1 is
// the white point.
Mat3 RgbToXyz(const Primaries& p) {
  const Mat3 xyz = {p.rx / p.ry, p.gx / p.gy, p.bx / p.by,
                    1.0,         1.0,         1.0,
                    (1 - p.rx - p.ry) / p.ry, (1 - p.gx - p.gy) / p.gy, (1 - p.bx - p.by) / p.by};
  const Mat3 inv = Inverse(xyz);
  const double w[3] = {p.wx / p.wy, 1.0, (1 - p.wx - p.wy) / p.wy};
  Mat3 out = xyz;
  for (int c = 0; c < 3; c++) {
    const double s = inv[c * 3] * w[0] + inv[c * 3 + 1] * w[1] + inv[c * 3 + 2] * w[2];
    for (int r = 0; r < 3; r++) out[r * 3 + c] *= s;
  }
  return out;
}

const Primaries* Find(AVColorPrimaries id) {
  for (const Primaries& p : kPrimaries) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

// The sRGB curve (IEC 61966-2-1) both ways. Decoding has 256 inputs; the
// encoding table is fine enough (1/16384 of linear light) to stay within
// rounding of the exact curve even in its steep linear segment near black.
constexpr int kEncodeSteps = 16384;

const std::array<float, 256>& DecodeTable() {
  static const std::array<float, 256> table = [] {
    std::array<float, 256> t{};
    for (int v = 0; v < 256; v++) {
      const double x = v / 255.0;
      t[v] = static_cast<float>(x <= 0.04045 ? x / 12.92 : std::pow((x + 0.055) / 1.055, 2.4));
    }
    return t;
  }();
  return table;
}

const std::array<uint8_t, kEncodeSteps + 1>& EncodeTable() {
  static const std::array<uint8_t, kEncodeSteps + 1> table = [] {
    std::array<uint8_t, kEncodeSteps + 1> t{};
    for (int i = 0; i <= kEncodeSteps; i++) {
      const double l = static_cast<double>(i) / kEncodeSteps;
      const double x = l <= 0.0031308 ? l * 12.92 : 1.055 * std::pow(l, 1 / 2.4) - 0.055;
      t[i] = static_cast<uint8_t>(std::lround(std::clamp(x, 0.0, 1.0) * 255));
    }
    return t;
  }();
  return table;
}

}  // namespace

GamutTransform::GamutTransform(const std::array<double, 9>& m) {
  for (int i = 0; i < 9; i++) m_[i] = static_cast<float>(m[i]);
}

std::optional<GamutTransform> GamutTransform::Between(AVColorPrimaries from, AVColorPrimaries to) {
  const Primaries* src = Find(from);
  const Primaries* dst = Find(to);
  if (!src || !dst || src == dst) return std::nullopt;
  return GamutTransform(Multiply(Inverse(RgbToXyz(*dst)), RgbToXyz(*src)));
}

void GamutTransform::Apply(uint8_t* data, size_t stride, uint64_t width, uint64_t height, PixelFormat format) const {
  const auto& decode = DecodeTable();
  const auto& encode = EncodeTable();
  const bool bgr = format == PixelFormat::kBGRA || format == PixelFormat::kBGRX;
  const int r_at = bgr ? 2 : 0;
  const int b_at = bgr ? 0 : 2;
  auto out = [&](float l) { return encode[static_cast<int>(std::clamp(l, 0.0f, 1.0f) * kEncodeSteps + 0.5f)]; };
  for (uint64_t y = 0; y < height; y++) {
    uint8_t* px = data + y * stride;
    for (uint64_t x = 0; x < width; x++, px += 4) {
      const float r = decode[px[r_at]], g = decode[px[1]], b = decode[px[b_at]];
      px[r_at] = out(m_[0] * r + m_[1] * g + m_[2] * b);
      px[1] = out(m_[3] * r + m_[4] * g + m_[5] * b);
      px[b_at] = out(m_[6] * r + m_[7] * g + m_[8] * b);
    }
  }
}

}  // namespace wcn
