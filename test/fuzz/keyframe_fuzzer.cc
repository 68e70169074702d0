// keyframe.cc on untrusted chunks, as decode() calls it on the JS thread:
// the key frame check of every family (AVC/HEVC with a description's NAL
// length size or Annex B) and the VP9 frame sizes video_decoder.cc holds
// against the limits. They must read nothing outside the chunk.
//
// Input: the description (a packer chunk, given for AVC/HEVC), then the
// chunk.
#include <string>

#include "core/keyframe.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::Reader in(data, size);
  const std::vector<uint8_t> description = in.Chunk();
  const std::vector<uint8_t> chunk = in.Rest();
  for (const char* family : {"h264", "hevc", "vp8", "vp9", "av1"}) {
    CheckKeyFrame(family, chunk.data(), chunk.size(), description.data(), description.size());
    CheckKeyFrame(family, chunk.data(), chunk.size(), nullptr, 0);
  }
  Vp9DeclaredSize(chunk.data(), chunk.size());
  return 0;
}
