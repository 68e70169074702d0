#include "binding/js_color.h"

#include "core/color_space.h"

namespace wcn {

namespace {

Napi::Value NameOrNull(Napi::Env env, const char* name) {
  return name ? Napi::String::New(env, name) : env.Null();
}

std::string Member(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

}  // namespace

Napi::Object ColorToJs(Napi::Env env, const ColorInfo& color) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("primaries", NameOrNull(env, PrimariesName(color.primaries)));
  o.Set("transfer", NameOrNull(env, TransferName(color.transfer)));
  o.Set("matrix", NameOrNull(env, MatrixName(color.matrix)));
  o.Set("fullRange", color.full_range ? Napi::Boolean::New(env, *color.full_range) : env.Null());
  return o;
}

ColorInfo ColorFromJs(const Napi::Value& value) {
  ColorInfo c;
  if (!value.IsObject()) return c;
  Napi::Object o = value.As<Napi::Object>();
  c.primaries = ParsePrimaries(Member(o, "primaries")).value_or(AVCOL_PRI_UNSPECIFIED);
  c.transfer = ParseTransfer(Member(o, "transfer")).value_or(AVCOL_TRC_UNSPECIFIED);
  c.matrix = ParseMatrix(Member(o, "matrix")).value_or(AVCOL_SPC_UNSPECIFIED);
  Napi::Value fr = o.Get("fullRange");
  if (fr.IsBoolean()) c.full_range = fr.As<Napi::Boolean>().Value();
  return c;
}

}  // namespace wcn
