// Test helpers shared by the MuxEngine and DemuxEngine tests: a one-track
// video muxer streamed to bytes, and packets from bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <variant>
#include <vector>

#include "core/codec_worker.h"
#include "core/muxer.h"

namespace wcn {

// Collects what a muxer writes.
class BytesSink : public EventSink {
 public:
  void Post(WorkerEvent&& e) override {
    if (auto* b = std::get_if<MuxedBytes>(&e.output)) bytes.insert(bytes.end(), b->data.begin(), b->data.end());
  }
  std::vector<uint8_t> bytes;
};

// One 64x64 video track, fragmented: an MP4 streamed to bytes without a file.
inline MuxConfig OneVideoTrack(const std::string& format, AVCodecID codec) {
  MuxConfig config;
  config.format = format;
  config.fragmented = true;
  MuxTrackConfig track;
  track.type = AVMEDIA_TYPE_VIDEO;
  track.codec = codec;
  track.width = track.height = 64;
  config.tracks.push_back(track);
  return config;
}

inline MuxEngine::Packet MuxPacket(const uint8_t* data, size_t size, bool key, int64_t timestamp = 0) {
  MuxEngine::Packet p;
  p.packet = AllocPacket();
  if (av_new_packet(p.packet.get(), static_cast<int>(size)) < 0) throw std::bad_alloc();
  std::memcpy(p.packet->data, data, size);
  p.key = key;
  p.timestamp = timestamp;
  return p;
}

}  // namespace wcn
