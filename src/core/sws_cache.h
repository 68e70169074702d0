// A small cache of configured SwsContexts. Building one (and, when threaded,
// its slice threads) costs far more than a conversion of a small frame, so
// callers that convert repeatedly keep a cache; each cache belongs to one
// thread at a time.
#pragma once

#include <cstdint>
#include <list>

#include "core/ffmpeg_raii.h"

namespace wcn {

struct SwsKey {
  int src_w, src_h, dst_w, dst_h;
  AVPixelFormat src_format, dst_format;
  int src_colorspace;  // SWS_CS_* of the YUV side
  bool src_full_range, dst_full_range;
  int flags;
  bool operator==(const SwsKey&) const = default;
};

class SwsCache {
 public:
  explicit SwsCache(size_t capacity = 4) : capacity_(capacity) {}
  // A context for `key`, or null when swscale cannot do the conversion.
  SwsContext* Get(const SwsKey& key);

  // Threads worth using for a conversion of this many output pixels.
  static int ThreadsFor(int64_t pixels);

 private:
  struct Entry {
    SwsKey key;
    SwsPtr ctx;
  };
  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
};

// The SWS_CS_* constant for an FFmpeg matrix (colour space) value.
int SwsColorspaceFor(AVColorSpace matrix);

}  // namespace wcn
