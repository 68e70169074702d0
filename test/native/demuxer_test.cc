// DemuxEngine on a hostile container: a fragmented MP4 whose trun boxes
// declare 60 million samples in a few bytes. FFmpeg 5.1's MP4 demuxer
// sizes its index from that count without holding it against the box; with
// the process-wide allocation limit the addon installs (limits.h) the read
// fails with ENOMEM instead.
#include "core/demuxer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/limits.h"
#include "mux_fixture.h"

namespace wcn {
namespace {

// Four VP9 chunks (their bytes do not matter to the container) in a
// fragmented MP4 written by our Muxer.
std::vector<uint8_t> FragmentedMp4() {
  BytesSink sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  MuxEngine muxer;
  EXPECT_TRUE(muxer.Configure(OneVideoTrack("mp4", AV_CODEC_ID_VP9), emit).ok());
  const std::vector<uint8_t> bytes(32, 0x55);
  for (int i = 0; i < 4; i++) {
    MuxEngine::Packet p = MuxPacket(bytes.data(), bytes.size(), i == 0, i * 33333);
    p.duration = 33333;
    EXPECT_TRUE(muxer.Process(p, emit).ok());
  }
  EXPECT_TRUE(muxer.Flush(emit).ok());
  return sink.bytes;
}

// Found by fuzz_demuxer (a 4 KB input that took 2.7 GB).
TEST(DemuxEngine, ATrunDeclaringMillionsOfSamplesFailsInsteadOfTakingGigabytes) {
  InstallAllocationLimit();
  std::vector<uint8_t> file = FragmentedMp4();
  int patched = 0;
  for (size_t i = 4; i + 12 <= file.size(); i++) {
    if (std::memcmp(&file[i], "trun", 4) != 0) continue;
    // sample_count follows the version and flags: 60 million samples,
    // 1.4 GB of index entries (past INT_MAX FFmpeg refuses by itself).
    const uint8_t count[4] = {0x03, 0x93, 0x87, 0x00};
    std::memcpy(&file[i + 8], count, 4);
    patched++;
  }
  ASSERT_GT(patched, 0);

  BytesSink sink;
  uint64_t generation = 0;
  Emitter emit(&sink, &generation);
  DemuxSource source;
  source.store = std::make_shared<ByteStore>(uint64_t{1} << 30, "input", "maxBufferedBytes");
  bool waiting;
  ASSERT_TRUE(source.store->Append(file.data(), file.size(), &waiting).ok());
  source.store->End();
  DemuxEngine demuxer;
  Status s = demuxer.Configure(source, emit);
  for (int batch = 0; s.ok() && batch < 8; batch++) {
    DemuxEngine::Work read = DemuxEngine::Read{64, 1u << 20};
    s = demuxer.Process(read, emit);
  }
  EXPECT_EQ(s.kind, ErrorKind::kEncodingError);
  EXPECT_NE(s.message.find(AvErrorText(AVERROR(ENOMEM))), std::string::npos) << s.message;
}

}  // namespace
}  // namespace wcn
