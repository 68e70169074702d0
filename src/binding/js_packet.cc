#include "binding/js_packet.h"

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

}  // namespace wcn
