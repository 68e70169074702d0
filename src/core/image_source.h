// The encoded bytes of an ImageDecoder ([[encoded data]]), received on the JS
// thread and read by the image's demux thread. Reads past what has arrived
// block until more bytes come, the data is complete, or the store is closed,
// so FFmpeg's demuxers can parse a stream that is still arriving as if it
// were a file. Bytes the demuxer has consumed are released when the format
// never seeks back, which keeps a long stream's memory bounded by what the
// frames themselves need.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ffmpeg_raii.h"
#include "core/status.h"

namespace wcn {

class ByteStore {
 public:
  // `max_bytes` caps the bytes held at once (this store plus whatever the
  // caller charges with Charge()); errors name the data (`what`) and the
  // option that sets the cap (`limit`).
  ByteStore(uint64_t max_bytes, std::string what, std::string limit)
      : max_bytes_(max_bytes), what_(std::move(what)), limit_(std::move(limit)) {}

  // JS thread. Append() copies; AppendBorrowed() reads memory the caller
  // keeps alive and unchanged until the store is closed. Both return
  // whether the reader was waiting for data (it is awake again now), or a
  // QuotaExceededError when the cap would be passed.
  Status Append(const uint8_t* data, size_t size, bool* reader_was_waiting);
  Status AppendBorrowed(const uint8_t* data, size_t size, bool* reader_was_waiting);
  // No more bytes will come.
  bool End();
  // Wakes the reader for good: reads fail from now on. Returns whether the
  // reader was waiting for data.
  bool Close();

  // Reader thread. Copies up to `size` bytes at `pos`. Returns the count,
  // 0 at the end of complete data, or -1 once closed (or when `pos` was
  // released). Blocks while no byte at `pos` has arrived.
  // With `block` false, returns 0 instead of waiting (safe from a second
  // thread while the reader waits).
  int64_t Read(uint64_t pos, uint8_t* dst, size_t size, bool block = true);
  // Blocks until `end` bytes have arrived (true), or the data is complete
  // with fewer, or the store is closed (false).
  bool WaitFor(uint64_t end);
  // Drops stored chunks that end at or before `pos`.
  void ReleaseBefore(uint64_t pos);
  // Once the data is complete: moves every byte into one packet (with
  // FFmpeg's padding) and empties the store; the bytes stay counted against
  // the cap as the packet's. A single copied-in chunk becomes the packet
  // without a copy; borrowed or several chunks are copied once. False when
  // the store was closed or bytes were released.
  bool TakeAll(PacketPtr* out);
  // Adjusts the bytes held outside the store (demuxed packets) against the
  // cap; fails without changing anything when the cap would be passed.
  Status Charge(int64_t bytes);

  uint64_t max_bytes() const { return max_bytes_; }
  uint64_t received() const;
  bool complete() const;
  bool closed() const;
  // Called on the reader thread (under no lock) before it blocks for data.
  void set_on_wait(std::function<void()> on_wait) { on_wait_ = std::move(on_wait); }

 private:
  struct Chunk {
    uint64_t start;
    const uint8_t* data;
    size_t size;
    BufferRefPtr owned;  // null when borrowed; padded for FFmpeg
  };
  Status Add(Chunk chunk, bool* reader_was_waiting);
  Status QuotaError(uint64_t wanted) const;
  bool WaitLocked(std::unique_lock<std::mutex>& lock, uint64_t end);

  const uint64_t max_bytes_;
  const std::string what_;
  const std::string limit_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Chunk> chunks_;
  uint64_t received_ = 0;
  uint64_t held_ = 0;  // stored chunks + charged bytes
  bool complete_ = false;
  bool closed_ = false;
  bool waiting_ = false;
  std::function<void()> on_wait_;
};

struct AvioDeleter {
  void operator()(AVIOContext* pb) const {
    if (pb) av_freep(&pb->buffer);
    avio_context_free(&pb);
  }
};
using AvioPtr = std::unique_ptr<AVIOContext, AvioDeleter>;

// An AVIOContext over a store; reads block as ByteStore::Read does and fail
// with AVERROR_EXIT once the store is closed. Without `seekable`, FFmpeg
// reads it front to back as it reads a pipe.
class StoreReader {
 public:
  explicit StoreReader(ByteStore* store, bool seekable = true);
  AVIOContext* avio() const { return avio_.get(); }
  // Bytes handed to FFmpeg so far (the next read starts here).
  uint64_t position() const { return pos_; }
  // Non-blocking: reads past the bytes received so far see the end of data.
  void set_blocking(bool blocking) { blocking_ = blocking; }

 private:
  static int ReadPacket(void* opaque, uint8_t* buf, int size);
  static int64_t Seek(void* opaque, int64_t offset, int whence);

  ByteStore* store_;
  uint64_t pos_ = 0;
  bool blocking_ = true;
  AvioPtr avio_;
};

}  // namespace wcn
