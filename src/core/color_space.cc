#include "core/color_space.h"

namespace wcn {

namespace {

template <typename T>
struct Named {
  T value;
  const char* name;
};

constexpr Named<AVColorPrimaries> kPrimaries[] = {
    {AVCOL_PRI_BT709, "bt709"},       {AVCOL_PRI_BT470BG, "bt470bg"}, {AVCOL_PRI_SMPTE170M, "smpte170m"},
    {AVCOL_PRI_BT2020, "bt2020"},     {AVCOL_PRI_SMPTE432, "smpte432"},
};
constexpr Named<AVColorTransferCharacteristic> kTransfers[] = {
    {AVCOL_TRC_BT709, "bt709"},         {AVCOL_TRC_SMPTE170M, "smpte170m"},
    {AVCOL_TRC_IEC61966_2_1, "iec61966-2-1"}, {AVCOL_TRC_LINEAR, "linear"},
    {AVCOL_TRC_SMPTE2084, "pq"},        {AVCOL_TRC_ARIB_STD_B67, "hlg"},
};
constexpr Named<AVColorSpace> kMatrices[] = {
    {AVCOL_SPC_RGB, "rgb"},           {AVCOL_SPC_BT709, "bt709"},           {AVCOL_SPC_BT470BG, "bt470bg"},
    {AVCOL_SPC_SMPTE170M, "smpte170m"}, {AVCOL_SPC_BT2020_NCL, "bt2020-ncl"},
};

template <typename T, size_t N>
const char* NameOf(const Named<T> (&table)[N], T v) {
  for (const auto& e : table) {
    if (e.value == v) return e.name;
  }
  return nullptr;
}

template <typename T, size_t N>
std::optional<T> ValueOf(const Named<T> (&table)[N], std::string_view name) {
  for (const auto& e : table) {
    if (name == e.name) return e.value;
  }
  return std::nullopt;
}

}  // namespace

const char* PrimariesName(AVColorPrimaries v) { return NameOf(kPrimaries, v); }
const char* TransferName(AVColorTransferCharacteristic v) { return NameOf(kTransfers, v); }
const char* MatrixName(AVColorSpace v) { return NameOf(kMatrices, v); }
std::optional<AVColorPrimaries> ParsePrimaries(std::string_view n) { return ValueOf(kPrimaries, n); }
std::optional<AVColorTransferCharacteristic> ParseTransfer(std::string_view n) { return ValueOf(kTransfers, n); }
std::optional<AVColorSpace> ParseMatrix(std::string_view n) { return ValueOf(kMatrices, n); }

}  // namespace wcn
