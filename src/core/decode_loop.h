// The packet side of FFmpeg's decode API, shared by the audio and video
// decoder engines: `receive()` drains the decoder's outputs and returns a
// Status.
#pragma once

#include <optional>
#include <string>

#include "core/ffmpeg_raii.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/status.h"

namespace wcn {

// One decode() call: the chunk's bytes as a packet (pts = timestamp in
// microseconds, duration, key flag).
struct DecodeWork {
  PacketPtr packet;
  std::optional<int64_t> duration;  // the chunk's duration, which may be 0, if it has one
  // Size of a chunk beyond kMaxChunkBytes, which was not copied (packet is
  // empty); decoding it fails.
  size_t oversized_bytes = 0;
};

// What no decoder may be given: an oversized chunk, or an empty one (an
// empty packet means end-of-stream to FFmpeg). EncodingError, as the spec
// has decode() itself throw only for state and key frame errors.
inline Status CheckChunk(const DecodeWork& work) {
  if (work.oversized_bytes) {
    return Status::Error(ErrorKind::kEncodingError, "The chunk is " + std::to_string(work.oversized_bytes) +
                                                        " bytes; chunks of at most " + std::to_string(kMaxChunkBytes) +
                                                        " bytes are decoded.");
  }
  if (work.packet->size == 0) {
    return Status::Error(ErrorKind::kEncodingError, "Empty chunk: a chunk must carry encoded data.");
  }
  return Status::Ok();
}

// Takes every frame the decoder has ready (moved out of `scratch`) and
// hands it to `deliver(FramePtr)`; frames the decoder flags as corrupt end
// decoding with EncodingError rather than reaching the caller.
template <typename Deliver>
Status ReceiveFrames(AVCodecContext* ctx, AVFrame* scratch, Deliver&& deliver) {
  for (;;) {
    const int err = avcodec_receive_frame(ctx, scratch);
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
    if (err < 0) return CodecFailure("Decoding failed", err);
    FramePtr frame = AllocFrame();
    av_frame_move_ref(frame.get(), scratch);
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
      return Status::Error(ErrorKind::kEncodingError, "The decoder found corrupt data in the chunk.");
    }
    if (Status s = deliver(std::move(frame)); !s.ok()) return s;
  }
}

// Sends a packet, draining outputs first whenever the decoder is full.
// Once the decoder has taken its own reference, ours is dropped, so a
// pooled chunk buffer the decoder is done with is back in its pool before
// the outputs reach JS (which may decode the next chunk at once).
template <typename Receive>
Status SendPacket(AVCodecContext* ctx, AVPacket* pkt, Receive&& receive) {
  int err = avcodec_send_packet(ctx, pkt);
  while (err == AVERROR(EAGAIN)) {
    if (Status s = receive(); !s.ok()) return s;
    err = avcodec_send_packet(ctx, pkt);
  }
  if (err < 0) return CodecFailure("Decoding failed", err);
  av_packet_unref(pkt);
  return receive();
}

// flush(): every pending output, then back to accepting input (a flushed
// codec keeps decoding).
template <typename Receive>
Status DrainDecoder(AVCodecContext* ctx, Receive&& receive) {
  const int err = avcodec_send_packet(ctx, nullptr);
  if (err < 0 && err != AVERROR_EOF) return CodecFailure("Flushing the decoder failed", err);
  Status s = receive();
  avcodec_flush_buffers(ctx);
  return s;
}

}  // namespace wcn
