// audio_codec_data.cc on untrusted bytes: the FLAC, Vorbis and Opus
// description parsers and the MP3 and ADTS framing walks that
// audio_decoder.cc runs on every chunk. A Vorbis description accepted comes
// out as FFmpeg's Xiph extradata, which the same parser accepts again.
//
// Input: the bytes every parser reads.
#include "core/audio_codec_data.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wcn;
  IsFlacDescription(data, size);
  if (const auto xiph = VorbisExtradata(data, size)) {
    const auto again = VorbisExtradata(xiph->data(), xiph->size());
    FUZZ_CHECK(again && *again == *xiph);
  }
  if (const auto head = ParseOpusHead(data, size)) FUZZ_CHECK(head->channels > 0 && head->pre_skip >= 0);
  MpegAudioFramesComplete(data, size);
  AdtsFramesComplete(data, size);
  return 0;
}
