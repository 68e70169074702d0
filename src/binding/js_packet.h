// Encoded bytes from a worker to JS without a copy: a Node Buffer over the
// AVPacket's data whose finalizer frees the packet (and gives back the
// external memory it reported).
#pragma once

#include <napi.h>

#include "core/ffmpeg_raii.h"

namespace wcn {

Napi::Uint8Array PacketToJs(Napi::Env env, PacketPtr packet);

}  // namespace wcn
