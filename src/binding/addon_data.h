// Per-environment state of the addon (main thread and each worker_thread get
// their own), kept in napi instance data rather than statics.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

#include "binding/live_objects.h"
#include "core/sws_cache.h"

namespace wcn {

struct AddonData {
  Napi::FunctionReference video_frame_handle;
  Napi::FunctionReference audio_data_handle;
  // (kind, message) => Error, installed by lib/native.ts so native code throws
  // the spec's exception types without knowing how DOMException is built.
  Napi::FunctionReference error_factory;
  // Conversions done on this environment's JS thread (VideoFrame.copyTo).
  SwsCache sws_cache;
  // (lines: string[]) => void, set when util.debuglog('webcodecs') is on.
  Napi::FunctionReference log_handler;
  // Bytes of frame and sample memory this environment has reported to V8 and not yet
  // given back (src/binding/external_memory.h).
  std::shared_ptr<int64_t> reported_bytes = std::make_shared<int64_t>(0);
  // Objects alive in this environment (src/binding/live_objects.h).
  std::shared_ptr<LiveCounts> live_counts = std::make_shared<LiveCounts>();

  static AddonData& Get(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

// Hands FFmpeg's queued log lines to the log handler, if there is one.
void DeliverFfmpegLog(Napi::Env env);

}  // namespace wcn
