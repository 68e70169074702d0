// Colour properties between FFmpeg values and the JS shape lib/ uses
// ({primaries, transfer, matrix, fullRange}, members null when unknown).
#pragma once

#include <napi.h>

#include "core/codec_events.h"

namespace wcn {

Napi::Object ColorToJs(Napi::Env env, const ColorInfo& color);
ColorInfo ColorFromJs(const Napi::Value& value);

}  // namespace wcn
