// AVIF through libavif, which FFmpeg's mov demuxer cannot replace: alpha
// auxiliary images, grids, clean aperture, rotation and mirroring, and both
// the primary image item and the image sequence of a file holding the two.
// Each is one AvifTrack, parsed on the demux thread (reads wait for bytes)
// and then decoded on the libuv pool (reads never wait: frames are decoded
// only once the byte ranges FrameEnd() names have arrived).
#pragma once

#include <avif/avif.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/codec_events.h"
#include "core/ffmpeg_raii.h"
#include "core/image_picture.h"
#include "core/image_source.h"
#include "core/status.h"
#include "core/sws_cache.h"

namespace wcn {

class AvifTrack {
 public:
  // The image sequence (`sequence`) or the primary item of the store's data.
  AvifTrack(std::shared_ptr<ByteStore> store, bool sequence);
  AvifTrack(const AvifTrack&) = delete;
  AvifTrack& operator=(const AvifTrack&) = delete;

  // Parses the container, waiting for bytes as needed.
  Status Parse();

  // The track as the ImageDecoder reports it (nothing available yet).
  ImageTrackInfo info() const;
  // How many bytes of the file frame `index` needs (the frames it depends
  // on included).
  uint64_t FrameEnd(uint32_t index) const { return frame_ends_[index]; }
  uint32_t frame_count() const { return static_cast<uint32_t>(frame_ends_.size()); }

  // From here on reads fail instead of waiting (the decode side).
  void StopWaiting() { io_.blocking = false; }
  // Decodes frame `index`, whose bytes have arrived, in pooled planes,
  // with its clean aperture as the visible rect and irot/imir as the
  // orientation (lossless RGB through `sws`). One call at a time.
  Status Decode(uint32_t index, SwsCache& sws, ImagePicture* out);

 private:
  // An avifIO over the byte store (io.data points here).
  struct Io {
    avifIO io{};
    std::shared_ptr<ByteStore> store;
    std::vector<uint8_t> buffer;  // the last read, as avifIO requires
    std::atomic<bool> blocking{true};
  };
  struct DecoderDeleter {
    void operator()(avifDecoder* d) const { avifDecoderDestroy(d); }
  };
  static avifResult Read(avifIO* io, uint32_t flags, uint64_t offset, size_t size, avifROData* out);
  Status Failure(const std::string& what, avifResult result) const;

  Io io_;
  std::unique_ptr<avifDecoder, DecoderDeleter> decoder_;  // after io_: destroyed first
  const bool sequence_;
  std::vector<uint64_t> frame_ends_;
};

}  // namespace wcn
