// MuxEngine on chunks a caller may pass: an HEVC stream whose parameter
// sets FFmpeg's hvcC writer would loop on forever fails with EncodingError
// instead of hanging the Muxer's thread in the container header.
#include "core/muxer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hevc_sps.h"
#include "mux_fixture.h"

namespace wcn {
namespace {

Status MuxFirstChunk(const std::string& format, const std::vector<uint8_t>& chunk) {
  BytesSink sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  MuxEngine engine;
  EXPECT_TRUE(engine.Configure(OneVideoTrack(format, AV_CODEC_ID_HEVC), emit).ok());
  MuxEngine::Packet packet = MuxPacket(chunk.data(), chunk.size(), true);
  return engine.Process(packet, emit);
}

// Found by fuzz_bitstream (FFmpeg 5.1's ff_isom_write_hvcc, which both
// containers call when the header is written).
TEST(MuxEngine, RefusesHevcParameterSetsTheHvcCWriterLoopsOn) {
  for (const char* format : {"matroska", "mp4"}) {
    for (const std::vector<uint8_t>& sps : {LoopingHevcSps(), HevcSps(true, 0, false)}) {
      // FFmpeg takes parameter sets from a chunk that has a VPS and an SPS.
      std::vector<uint8_t> chunk = {0, 0, 0, 1, 0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01, 0x60, 0, 0, 3, 0, 0x90, 0, 0, 3, 0, 0, 3, 0, 0x5d, 0x95, 0x98, 0x09};
      chunk.insert(chunk.end(), sps.begin(), sps.end());
      const Status s = MuxFirstChunk(format, chunk);
      EXPECT_EQ(s.kind, ErrorKind::kEncodingError) << format;
      EXPECT_NE(s.message.find("long-term reference pictures"), std::string::npos) << format << ": " << s.message;
    }
  }
}

}  // namespace
}  // namespace wcn
