#include "binding/js_packet.h"

#include <cstring>
#include <memory>
#include <string>

#include "binding/errors.h"
#include "binding/live_objects.h"
#include "core/frame_pool.h"
#include "core/limits.h"

namespace wcn {

namespace {

// Bytes handed to JS without a copy: `owner` keeps them alive until the
// Buffer is collected; the external memory and the live count go with it.
template <typename Owner>
struct HandedOut {
  Owner owner;
  LiveObject live;
  int64_t size;
};

template <typename Owner>
Napi::Uint8Array HandOut(Napi::Env env, uint8_t* data, size_t size, Owner owner) {
  const auto bytes = static_cast<int64_t>(size);
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  auto held = std::make_unique<HandedOut<Owner>>(
      HandedOut<Owner>{std::move(owner), LiveObject(env, LiveKind::kChunkBuffer), bytes});
  Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(
      env, data, size,
      [](Napi::Env e, uint8_t*, HandedOut<Owner>* h) {
        std::unique_ptr<HandedOut<Owner>> gone(h);
        Napi::MemoryManagement::AdjustExternalMemory(e, -gone->size);
      },
      held.get());
  held.release();  // the finalizer above owns it now
  return buffer;
}

}  // namespace

Napi::Uint8Array PacketToJs(Napi::Env env, PacketPtr packet) {
  if (packet->size == 0 || !packet->data) return Napi::Uint8Array::New(env, 0);
  uint8_t* data = packet->data;
  const size_t size = static_cast<size_t>(packet->size);
  return HandOut(env, data, size, std::move(packet));
}

Napi::Uint8Array VectorToJs(Napi::Env env, std::vector<uint8_t>&& bytes) {
  if (bytes.empty()) return Napi::Uint8Array::New(env, 0);
  uint8_t* data = bytes.data();  // a moved vector keeps its buffer
  const size_t size = bytes.size();
  return HandOut(env, data, size, std::move(bytes));
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
