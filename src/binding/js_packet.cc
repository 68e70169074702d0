#include "binding/js_packet.h"

#include <cstring>
#include <memory>
#include <string>

#include "binding/errors.h"
#include "core/frame_pool.h"
#include "core/limits.h"

namespace wcn {

Napi::Uint8Array PacketToJs(Napi::Env env, PacketPtr packet) {
  const size_t size = static_cast<size_t>(packet->size);
  uint8_t* data = packet->data;
  if (size == 0 || !data) return Napi::Uint8Array::New(env, 0);
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(size));
  AVPacket* raw = packet.release();  // owned by the buffer from here on
  Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(
      env, data, size,
      [](Napi::Env e, uint8_t*, AVPacket* pkt) {
        Napi::MemoryManagement::AdjustExternalMemory(e, -static_cast<int64_t>(pkt->size));
        PacketPtr owned(pkt);
      },
      raw);
  return buffer;
}

Napi::Uint8Array VectorToJs(Napi::Env env, std::vector<uint8_t>&& bytes) {
  if (bytes.empty()) return Napi::Uint8Array::New(env, 0);
  auto owned = std::make_unique<std::vector<uint8_t>>(std::move(bytes));
  uint8_t* data = owned->data();
  const size_t size = owned->size();
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(size));
  return Napi::Buffer<uint8_t>::New(
      env, data, size,
      [](Napi::Env e, uint8_t*, std::vector<uint8_t>* v) {
        Napi::MemoryManagement::AdjustExternalMemory(e, -static_cast<int64_t>(v->size()));
        std::unique_ptr<std::vector<uint8_t>> gone(v);
      },
      owned.release());
}

PacketPtr PacketFromJs(const Napi::Value& value, int64_t timestamp, const char* what) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray()) Throw(env, ErrorKind::kTypeError, std::string(what) + " expects chunk bytes.");
  Napi::Uint8Array data = value.As<Napi::Uint8Array>();
  if (data.ByteLength() > kMaxChunkBytes) {
    Throw(env, ErrorKind::kRangeError,
          "The chunk is " + std::to_string(data.ByteLength()) + " bytes; at most " + std::to_string(kMaxChunkBytes) +
              " bytes are accepted.");
  }
  PacketPtr pkt = PooledPacketCopy(data.Data(), data.ByteLength());
  pkt->pts = pkt->dts = timestamp;
  return pkt;
}

Napi::Uint8Array BytesToJs(Napi::Env env, const std::vector<uint8_t>& bytes) {
  Napi::Uint8Array out = Napi::Uint8Array::New(env, bytes.size());
  if (!bytes.empty()) std::memcpy(out.Data(), bytes.data(), bytes.size());
  return out;
}

DecodeWork ReadDecodeWork(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) Throw(env, ErrorKind::kTypeError, "decode() expects chunk bytes.");
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  const int64_t timestamp = info[1].As<Napi::Number>().Int64Value();
  DecodeWork work;
  if (data.ByteLength() > kMaxChunkBytes) {
    work.packet = AllocPacket();
    work.oversized_bytes = data.ByteLength();  // not copied: decoding it fails
    work.packet->pts = work.packet->dts = timestamp;
  } else {
    work.packet = PacketFromJs(data, timestamp, "decode()");
  }
  AVPacket* pkt = work.packet.get();
  const double duration = info[2].As<Napi::Number>().DoubleValue();
  if (duration >= 0) work.duration = static_cast<int64_t>(duration);
  pkt->duration = work.duration.value_or(0);
  if (info[3].ToBoolean()) pkt->flags |= AV_PKT_FLAG_KEY;
  return work;
}

bool ReadDescription(const Napi::Value& value, std::vector<uint8_t>* out) {
  if (!value.IsTypedArray()) return false;
  // Copied whatever its size: the engines report one beyond the limit as
  // unsupported.
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  out->assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  return true;
}

}  // namespace wcn
