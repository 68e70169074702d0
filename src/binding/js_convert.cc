#include "binding/js_convert.h"

#include <cmath>

#include "binding/errors.h"

namespace wcn {

namespace {

uint64_t ReadIndex(Napi::Env env, const Napi::Value& v, const std::string& field) {
  if (!v.IsNumber()) Throw(env, ErrorKind::kTypeError, InvalidMessage(field, "a number", "a non-number"));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || d > 4294967295.0) {
    Throw(env, ErrorKind::kTypeError, InvalidMessage(field, "an integer from 0 to 4294967295", std::to_string(d)));
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
  const std::string f(field);
  return Rect{ReadIndex(v.Env(), a.Get(0u), f + ".x"), ReadIndex(v.Env(), a.Get(1u), f + ".y"),
              ReadIndex(v.Env(), a.Get(2u), f + ".width"), ReadIndex(v.Env(), a.Get(3u), f + ".height")};
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
    const std::string f = "layout[" + std::to_string(i) + "]";
    out[i].offset = ReadIndex(v.Env(), a.Get(2 * i), f + ".offset");
    out[i].stride = ReadIndex(v.Env(), a.Get(2 * i + 1), f + ".stride");
  }
  return out;
}

uint32_t ReadU32(const Napi::Value& v, const char* field) {
  return static_cast<uint32_t>(ReadIndex(v.Env(), v, field));
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
