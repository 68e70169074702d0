// The spec's VideoColorSpace enums and FFmpeg's colour properties.
#pragma once

#include <optional>
#include <string_view>

#include "core/ffmpeg.h"

namespace wcn {

// Spec name for an FFmpeg value, or null when the spec has no such value.
const char* PrimariesName(AVColorPrimaries v);
const char* TransferName(AVColorTransferCharacteristic v);
const char* MatrixName(AVColorSpace v);

std::optional<AVColorPrimaries> ParsePrimaries(std::string_view name);
std::optional<AVColorTransferCharacteristic> ParseTransfer(std::string_view name);
std::optional<AVColorSpace> ParseMatrix(std::string_view name);

}  // namespace wcn
