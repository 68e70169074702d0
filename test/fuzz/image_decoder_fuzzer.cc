// The ImageDecoder's core for every image type: the bytes arrive in a
// ByteStore in two appends (the demux thread may already be waiting for the
// second), ImageDemuxer fills the frame table on its thread, and
// ImageFrameDecoder decodes the frames of each track in order (an AVIF may
// have two), then the first again (an animation replays from its start),
// stopping at the first error as the ImageDecoder closes.
//
// Input: the type (an index into ImageType), desiredWidth and desiredHeight
// (a byte each, 0 for the image's own size), the size of the first append
// (u24), then the image bytes.
#include <memory>

#include "core/image_decoder.h"
#include "fuzz_common.h"

namespace {

constexpr uint32_t kImageTypes = 7;  // ImageType's values
constexpr uint32_t kMaxFramesDecoded = 16;
// Far above any input, below the memory libFuzzer allows a run.
constexpr uint64_t kMaxHeldBytes = 64u << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  fuzz::SetUpFFmpeg();
  fuzz::Reader in(data, size);
  ImageDecoderSettings settings;
  settings.type = static_cast<ImageType>(in.U8() % kImageTypes);
  settings.desired_width = in.U8();
  settings.desired_height = in.U8();
  const size_t first = in.U24();
  const std::vector<uint8_t> bytes = in.Rest();
  if (!ImageTypeAvailable(settings.type)) return 0;

  auto store = std::make_shared<ByteStore>(kMaxHeldBytes, "image data", "maxEncodedBytes");
  auto frames = std::make_shared<ImageFrameTable>();
  auto sink = std::make_shared<fuzz::Sink>();
  const size_t split = first < bytes.size() ? first : bytes.size();
  bool waiting;
  store->Append(bytes.data(), split, &waiting);
  ImageDemuxer demuxer(settings, store, frames, sink);
  store->Append(bytes.data() + split, bytes.size() - split, &waiting);
  store->End();
  sink->WaitClosed();

  ImageFrameDecoder decoder(settings, frames);
  uint32_t decoded = 0;
  // Track 1 exists only for an AVIF with a sequence beside its still.
  for (uint32_t track = 0; track < 2; track++) {
    for (uint32_t index = 0; index < kMaxFramesDecoded; index++) {
      DecodedVideo out;
      const Status s = decoder.Decode(track, index, &out);
      if (!s.ok()) {
        if (s.kind != ErrorKind::kRangeError) return 0;  // bad data closes the decoder
        break;                                           // past the last frame or track
      }
      fuzz::CheckVideo(out);
      if (settings.desired_width && settings.desired_height) {
        FUZZ_CHECK(out.frame->width == static_cast<int>(settings.desired_width));
        FUZZ_CHECK(out.frame->height == static_cast<int>(settings.desired_height));
      }
      decoded++;
    }
  }
  if (decoded > 1) {
    DecodedVideo again;
    if (decoder.Decode(0, 0, &again).ok()) fuzz::CheckVideo(again);
  }
  return 0;
}
