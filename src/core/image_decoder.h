// The ImageDecoder's core. A demux thread per decoder runs FFmpeg's image
// demuxer (or the animated WebP reader) over the bytes received so far,
// blocking when it needs bytes that have not arrived, and fills a table of
// frames; decodes (one at a time, on the libuv pool) turn table entries into
// frames, replaying earlier frames where a format composites them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/avif_image.h"
#include "core/codec_events.h"
#include "core/icc_color.h"
#include "core/ffmpeg_raii.h"
#include "core/image_probe.h"
#include "core/image_source.h"
#include "core/image_still.h"
#include "core/sws_cache.h"
#include "core/webp_anim.h"

namespace wcn {

struct ImageDecoderSettings {
  ImageType type = ImageType::kPng;
  // 0 x 0: the image's own size.
  uint32_t desired_width = 0;
  uint32_t desired_height = 0;
  // colorSpaceConversion "default": images with an ICC profile become sRGB.
  bool convert_color = true;
};

// Demuxed frames: written by the demux thread, read by decodes.
class ImageFrameTable {
 public:
  struct Frame {
    PacketPtr packet;  // null until the frame's data has arrived
    int stream = 0;
    int64_t timestamp = 0;  // microseconds
    std::optional<int64_t> duration;
    WebpFrameInfo webp;
    ImageOrientation orientation;
  };

  // Set once by the demux thread before the track is reported.
  void SetStreams(std::vector<CodecParamsPtr> streams, bool sequential, uint32_t webp_width, uint32_t webp_height);
  // Stores frame `index`; returns how many leading frames are available.
  uint32_t Put(uint32_t index, Frame frame);

  // A frame with a new reference to its packet; false when it has not arrived.
  bool Get(uint32_t index, Frame* out) const;
  const AVCodecParameters* stream(int index) const;
  // Frames build on the ones before them (animations).
  bool sequential() const;
  // Non-zero for an animated WebP, whose frames are composited here.
  uint32_t webp_width() const;
  uint32_t webp_height() const;

  // AVIF: libavif reads the frames itself, one AvifTrack per track.
  void SetAvifTracks(std::vector<std::shared_ptr<AvifTrack>> tracks);
  std::shared_ptr<AvifTrack> avif_track(uint32_t index) const;

 private:
  mutable std::mutex mutex_;
  std::vector<CodecParamsPtr> streams_;
  std::vector<Frame> frames_;
  uint32_t available_ = 0;
  bool sequential_ = false;
  uint32_t webp_width_ = 0, webp_height_ = 0;
  std::vector<std::shared_ptr<AvifTrack>> avif_tracks_;
};

// Runs the demuxer on its own thread from construction. Once it ends, the
// store is closed unless AVIF decodes still read it. Reports through
// `sink`: kOutput events carrying ImageDemuxEvent, kError for bad data or
// the memory cap, kDone each time it waits for bytes that have not arrived
// (so the event loop is not held open by a stalled stream), and kClosed
// when the thread ends.
class ImageDemuxer {
 public:
  ImageDemuxer(ImageDecoderSettings settings, std::shared_ptr<ByteStore> store,
               std::shared_ptr<ImageFrameTable> frames, std::shared_ptr<EventSink> sink);
  // Closes the store if the thread is still running (ending any wait) and
  // joins it.
  ~ImageDemuxer();
  ImageDemuxer(const ImageDemuxer&) = delete;
  ImageDemuxer& operator=(const ImageDemuxer&) = delete;

 private:
  void Run();
  Status Demux();
  Status ProbeHeader(ImageHeader* header);
  Status DemuxWithFFmpeg(const ImageHeader& header);
  Status ReadStill();
  Status DemuxWebpAnimation(const ImageHeader& header);
  Status DemuxAvif(const ImageHeader& header);
  // Reports the tracks (track 0 for every format but AVIF).
  void Establish(std::vector<ImageTrackInfo> tracks, uint32_t primary = 0);
  // Before the demuxer waits for bytes: a track known but not yet reported
  // is reported with the frames counted so far.
  void OnWait();
  void Post(ImageDemuxEvent::Kind kind, std::string malformed = {});

  ImageDecoderSettings settings_;
  std::shared_ptr<ByteStore> store_;
  std::shared_ptr<ImageFrameTable> frames_;
  std::shared_ptr<EventSink> sink_;
  std::vector<ImageTrackInfo> tracks_;
  uint32_t primary_ = 0;
  bool established_ = false;
  // A sequence's track, reported once the bytes at hand are demuxed: ready
  // then says how many frames they hold (a whole GIF given at once: all).
  std::optional<ImageTrackInfo> pending_track_;
  std::atomic<bool> finished_{false};
  std::thread thread_;  // last: starts after everything above exists
};

// Decodes frames of the table; one call at a time.
class ImageFrameDecoder {
 public:
  ImageFrameDecoder(ImageDecoderSettings settings, std::shared_ptr<ImageFrameTable> frames)
      : settings_(settings), frames_(std::move(frames)) {}

  // Frame `index` of track `track`, which must have arrived, as a
  // VideoFrame's contents.
  Status Decode(uint32_t track, uint32_t index, DecodedVideo* out);

 private:
  Status Open(int stream);
  Status Receive(FramePtr* out);
  // Decodes until output number `index` of the open decoder appears.
  Status DecodeOutputs(uint32_t index, FramePtr* out);
  // PNG and APNG frames whose data cannot hold their pixels: EncodingError.
  Status CheckPngFrame(const ImageFrameTable::Frame& f) const;
  Status DecodeInSequence(uint32_t index, FramePtr* out);
  Status Composite(FramePtr* frame, const WebpFrameInfo& info);
  Status DecodeWithFFmpeg(uint32_t index, ImagePicture* out);
  Status Finish(ImagePicture picture, DecodedVideo* out);

  ImageDecoderSettings settings_;
  std::shared_ptr<ImageFrameTable> frames_;
  std::mutex mutex_;
  CodecContextPtr ctx_;
  bool ctx_drained_ = false;  // sent the end of the stream
  uint32_t sent_ = 0;         // the next frame to send
  uint32_t outputs_ = 0;      // the frame the next output is
  std::vector<WebpFrameInfo> webp_info_;  // of frames sent, for compositing
  WebpCompositor compositor_;
  IccConverter icc_;
  SwsCache sws_;
};

}  // namespace wcn
