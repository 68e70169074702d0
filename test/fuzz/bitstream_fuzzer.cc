// bitstream.cc on untrusted bytes: avcC/hvcC validation (a record accepted
// is one FFmpeg then reads: its NAL length size and parameter sets), Annex B
// and length-prefixed splitting (every NAL unit inside the data), the
// Annex B to length-prefixed rewrite (the same NAL units, 4-byte lengths),
// temporal layers, and the configuration records FFmpeg's MP4 writer builds.
//
// Input: a byte of options (length size, layer count, record codec), then
// the data every parser reads.
#include <cstring>

#include "core/bitstream.h"
#include "fuzz_common.h"

namespace {

using namespace wcn;

bool Inside(const NalUnit& nal, const uint8_t* data, size_t size) {
  return nal.size > 0 && nal.data >= data && nal.data + nal.size <= data + size;
}

constexpr AVCodecID kRecordCodecs[] = {AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_AV1};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  const uint32_t options = in.U8();
  const std::vector<uint8_t> bytes = in.Rest();
  const uint8_t* d = bytes.data();
  const size_t n = bytes.size();

  const int avc = AvcCLengthSize(d, n);
  const int hevc = HvcCLengthSize(d, n);
  FUZZ_CHECK(avc == 0 || avc == 1 || avc == 2 || avc == 4);
  FUZZ_CHECK(hevc == 0 || hevc == 1 || hevc == 2 || hevc == 4);

  const std::vector<NalUnit> annexb = SplitAnnexB(d, n);
  for (const NalUnit& nal : annexb) FUZZ_CHECK(Inside(nal, d, n));
  const int length_size = (options & 3) == 3 ? 4 : static_cast<int>(options & 3) + 1;
  std::vector<NalUnit> prefixed;
  if (SplitLengthPrefixed(d, n, length_size, &prefixed)) {
    for (const NalUnit& nal : prefixed) FUZZ_CHECK(Inside(nal, d, n));
  }

  PacketPtr pkt = fuzz::Packet(bytes);
  if (AnnexBToLengthPrefixed(&pkt)) {
    std::vector<NalUnit> rewritten;
    FUZZ_CHECK(SplitLengthPrefixed(pkt->data, static_cast<size_t>(pkt->size), 4, &rewritten));
    FUZZ_CHECK(rewritten.size() == annexb.size());
    for (size_t i = 0; i < annexb.size(); i++) {
      FUZZ_CHECK(rewritten[i].size == annexb[i].size);
      FUZZ_CHECK(std::memcmp(rewritten[i].data, annexb[i].data, annexb[i].size) == 0);
    }
  } else {
    FUZZ_CHECK(annexb.empty());
  }

  const int layers = static_cast<int>((options >> 2) & 1) + 2;  // L1T2 or L1T3, the modes with layers
  const bool hevc_picture = options & 16;
  const int layer = TemporalLayerOfPicture(hevc_picture, d, n, (options & 32) ? length_size : 0, layers);
  FUZZ_CHECK(layer >= 0 && layer < layers);

  if (options & 64) BuildConfigRecord(kRecordCodecs[(options >> 7) + (hevc_picture ? 1 : 0)], d, n);
  return 0;
}
