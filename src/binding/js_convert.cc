#include "binding/js_convert.h"

#include <cmath>
#include <string>

#include "binding/errors.h"

namespace wcn {

namespace {

// A member's name for error messages ("layout[1].stride"), put together
// only when one is thrown: these are read for every frame.
struct Field {
  const char* name;
  const char* member = "";
  int index = -1;
  std::string Text() const {
    return std::string(name) + (index >= 0 ? "[" + std::to_string(index) + "]" : "") + member;
  }
};

uint64_t ReadIndex(Napi::Env env, const Napi::Value& v, const Field& field) {
  if (!v.IsNumber()) Throw(env, ErrorKind::kTypeError, InvalidMessage(field.Text(), "a number", "a non-number"));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || d > 4294967295.0) {
    Throw(env, ErrorKind::kTypeError,
          InvalidMessage(field.Text(), "an integer from 0 to 4294967295", std::to_string(d)));
  }
  return static_cast<uint64_t>(d);
}

}  // namespace

PixelFormat ReadPixelFormat(const Napi::Value& v, const char* field) {
  const std::string name = ReadString(v, field);
  auto format = ParsePixelFormat(name);
  if (!format) Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage(field, "a VideoPixelFormat", "\"" + name + "\""));
  return *format;
}

std::optional<Rect> ReadRect(const Napi::Value& v, const char* field) {
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsArray()) Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage(field, "[x, y, width, height]", "a non-array"));
  Napi::Array a = v.As<Napi::Array>();
  return Rect{ReadIndex(v.Env(), a.Get(0u), {field, ".x"}), ReadIndex(v.Env(), a.Get(1u), {field, ".y"}),
              ReadIndex(v.Env(), a.Get(2u), {field, ".width"}), ReadIndex(v.Env(), a.Get(3u), {field, ".height"})};
}

std::optional<std::vector<PlaneLayout>> ReadLayout(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsArray()) Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage("layout", "an array", "a non-array"));
  Napi::Array a = v.As<Napi::Array>();
  const uint32_t n = a.Length() / 2;
  if (n > kMaxPlanes) {
    Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage("layout", "at most 4 planes", std::to_string(n)));
  }
  std::vector<PlaneLayout> out(n);
  for (uint32_t i = 0; i < n; i++) {
    const int index = static_cast<int>(i);
    out[i].offset = ReadIndex(v.Env(), a.Get(2 * i), {"layout", ".offset", index});
    out[i].stride = ReadIndex(v.Env(), a.Get(2 * i + 1), {"layout", ".stride", index});
  }
  return out;
}

uint32_t ReadU32(const Napi::Value& v, const char* field) {
  return static_cast<uint32_t>(ReadIndex(v.Env(), v, {field}));
}

std::string ReadString(const Napi::Value& v, const char* field) {
  if (!v.IsString()) Throw(v.Env(), ErrorKind::kTypeError, InvalidMessage(field, "a string", "a non-string"));
  return v.As<Napi::String>().Utf8Value();
}

int ReadOptionalInt(const Napi::Object& o, const char* key, int fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : fallback;
}

Napi::Array RectToArray(Napi::Env env, const Rect& r) {
  Napi::Array a = Napi::Array::New(env, 4);
  a.Set(0u, Napi::Number::New(env, static_cast<double>(r.x)));
  a.Set(1u, Napi::Number::New(env, static_cast<double>(r.y)));
  a.Set(2u, Napi::Number::New(env, static_cast<double>(r.width)));
  a.Set(3u, Napi::Number::New(env, static_cast<double>(r.height)));
  return a;
}

}  // namespace wcn
