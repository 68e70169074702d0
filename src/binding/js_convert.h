// Reading the flat values lib/ passes to native calls. lib/ has already
// validated them with spec messages; these checks keep native code safe if it
// is called some other way.
#pragma once

#include <napi.h>

#include <optional>
#include <string>
#include <vector>

#include "core/frame_layout.h"
#include "core/pixel_format.h"

namespace wcn {

PixelFormat ReadPixelFormat(const Napi::Value& v, const char* field);
// [x, y, width, height] of non-negative integers, or nullopt for undefined/null.
std::optional<Rect> ReadRect(const Napi::Value& v, const char* field);
// [offset0, stride0, offset1, stride1, ...], or nullopt for undefined/null.
std::optional<std::vector<PlaneLayout>> ReadLayout(const Napi::Value& v);
uint32_t ReadU32(const Napi::Value& v, const char* field);
std::string ReadString(const Napi::Value& v, const char* field);
// o[key] as an int when it is a number, else `fallback`.
int ReadOptionalInt(const Napi::Object& o, const char* key, int fallback);
Napi::Array RectToArray(Napi::Env env, const Rect& r);

}  // namespace wcn
