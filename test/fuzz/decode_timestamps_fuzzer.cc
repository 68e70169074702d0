// The Muxer's DecodeTimestamps with any reorder depth a stream can declare
// and any chunk timestamps and durations WebCodecs allows (|t| < 2^53).
// Every packet gets exactly one decode timestamp, in arrival order, and
// decode timestamps strictly increase.
//
// Input: the depth, then per packet a pts and a duration (8 bytes each).
#include <vector>

#include "core/muxer.h"
#include "fuzz_common.h"

namespace {

constexpr uint64_t kSafe = (uint64_t{1} << 53) - 1;  // Number.MAX_SAFE_INTEGER
constexpr uint32_t kMaxDepth = 32;                   // beyond H.264's and HEVC's 16

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::Reader in(data, size);
  DecodeTimestamps dts(static_cast<int>(in.U8() % (kMaxDepth + 1)));
  std::vector<int64_t> sent;
  std::vector<DecodeTimestamps::Stamped> stamped;
  const auto take = [&](std::vector<DecodeTimestamps::Stamped> out) {
    stamped.insert(stamped.end(), out.begin(), out.end());
  };
  while (in.remaining() > 0) {
    const int64_t pts = static_cast<int64_t>(in.U64() % (2 * kSafe + 1)) - static_cast<int64_t>(kSafe);
    const int64_t duration = static_cast<int64_t>(in.U64() % (kSafe + 1));
    sent.push_back(pts);
    take(dts.Add(pts, duration));
  }
  take(dts.Finish());
  FUZZ_CHECK(stamped.size() == sent.size());
  for (size_t i = 0; i < stamped.size(); i++) {
    FUZZ_CHECK(stamped[i].pts == sent[i]);
    if (i > 0) FUZZ_CHECK(stamped[i].dts > stamped[i - 1].dts);
  }
  return 0;
}
