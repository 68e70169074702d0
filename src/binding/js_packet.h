// Encoded bytes between JS and FFmpeg packets: chunks handed to decoders
// (one copy, within the chunk size limit) and encoder output handed to JS
// without a copy.
#pragma once

#include <napi.h>

#include <cstdint>
#include <vector>

#include "core/decode_loop.h"
#include "core/ffmpeg_raii.h"

namespace wcn {

// A Node Buffer over the AVPacket's data whose finalizer frees the packet
// (and gives back the external memory it reported).
Napi::Uint8Array PacketToJs(Napi::Env env, PacketPtr packet);

// `bytes` as a Node Buffer that owns them (no copy).
Napi::Uint8Array VectorToJs(Napi::Env env, std::vector<uint8_t>&& bytes);

// A packet of `data`'s bytes (one copy) with pts = dts = `timestamp`, for
// chunks lib/ hands to native code.
PacketPtr PacketFromJs(const Napi::Value& data, int64_t timestamp, const char* what);

// A copy of `bytes` as a Uint8Array (descriptions and configuration records).
Napi::Uint8Array BytesToJs(Napi::Env env, const std::vector<uint8_t>& bytes);

// decode(data: Uint8Array, timestamp, duration (-1 = none), key, ...): the
// chunk as a packet with pts = timestamp in microseconds. A chunk past the
// size limit is not copied; decoding it fails (CheckChunk).
DecodeWork ReadDecodeWork(const Napi::CallbackInfo& info);

// A config's optional description (a Uint8Array lib/ copied). False when
// there is none.
bool ReadDescription(const Napi::Value& value, std::vector<uint8_t>* out);

}  // namespace wcn
