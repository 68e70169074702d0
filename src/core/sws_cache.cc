#include "core/sws_cache.h"

#include <algorithm>
#include <thread>

namespace wcn {

int SwsColorspaceFor(AVColorSpace matrix) {
  switch (matrix) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    case AVCOL_SPC_BT470BG: return SWS_CS_ITU601;
    case AVCOL_SPC_SMPTE170M: return SWS_CS_SMPTE170M;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    default: return SWS_CS_ITU709;
  }
}

int SwsCache::ThreadsFor(int64_t pixels) {
  // Below ~1 MP the cost of waking slice threads outweighs the work.
  if (pixels < 1000000) return 1;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min<unsigned>(hw, 8));
}

SwsContext* SwsCache::Get(const SwsKey& key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key) {
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().ctx.get();
    }
  }
  SwsPtr ctx(sws_alloc_context());
  if (!ctx) return nullptr;
  av_opt_set_int(ctx.get(), "srcw", key.src_w, 0);
  av_opt_set_int(ctx.get(), "srch", key.src_h, 0);
  av_opt_set_int(ctx.get(), "src_format", key.src_format, 0);
  av_opt_set_int(ctx.get(), "dstw", key.dst_w, 0);
  av_opt_set_int(ctx.get(), "dsth", key.dst_h, 0);
  av_opt_set_int(ctx.get(), "dst_format", key.dst_format, 0);
  av_opt_set_int(ctx.get(), "sws_flags", key.flags, 0);
  av_opt_set_int(ctx.get(), "threads", ThreadsFor(static_cast<int64_t>(key.dst_w) * key.dst_h), 0);
  if (sws_init_context(ctx.get(), nullptr, nullptr) < 0) return nullptr;
  const int* coeffs = sws_getCoefficients(key.src_colorspace);
  // The same matrix both ways: only the YUV side uses it, and RGB<->RGB
  // conversions ignore it.
  sws_setColorspaceDetails(ctx.get(), coeffs, key.src_full_range, coeffs, key.dst_full_range, 0, 1 << 16, 1 << 16);
  entries_.push_front({key, std::move(ctx)});
  if (entries_.size() > capacity_) entries_.pop_back();
  return entries_.front().ctx.get();
}

}  // namespace wcn
