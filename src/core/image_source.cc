#include "core/image_source.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace wcn {

Status ByteStore::QuotaError(uint64_t wanted) const {
  return Status::Error(ErrorKind::kQuotaExceededError,
                       "The " + what_ + " would hold " + std::to_string(wanted) + " bytes, more than the limit of " +
                           std::to_string(max_bytes_) + " bytes (" + limit_ + ").");
}

Status ByteStore::Add(Chunk chunk, bool* reader_was_waiting) {
  *reader_was_waiting = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ || complete_ || chunk.size == 0) return Status::Ok();
    if (held_ + chunk.size > max_bytes_) return QuotaError(held_ + chunk.size);
    chunk.start = received_;
    received_ += chunk.size;
    held_ += chunk.size;
    chunks_.push_back(std::move(chunk));
    *reader_was_waiting = waiting_;
    waiting_ = false;
  }
  arrived_.notify_all();
  return Status::Ok();
}

Status ByteStore::Append(const uint8_t* data, size_t size, bool* reader_was_waiting) {
  // Padded as FFmpeg's packets are, so a still's only chunk can become its packet.
  BufferRefPtr buf(av_buffer_alloc(size + AV_INPUT_BUFFER_PADDING_SIZE));
  if (!buf) throw std::bad_alloc();
  if (size > 0) std::memcpy(buf->data, data, size);  // an empty chunk may have no pointer
  std::memset(buf->data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  const uint8_t* bytes = buf->data;
  return Add(Chunk{0, bytes, size, std::move(buf)}, reader_was_waiting);
}

Status ByteStore::AppendBorrowed(const uint8_t* data, size_t size, bool* reader_was_waiting) {
  return Add(Chunk{0, data, size, {}}, reader_was_waiting);
}

bool ByteStore::End() {
  bool was_waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    complete_ = true;
    was_waiting = waiting_;
    waiting_ = false;
  }
  arrived_.notify_all();
  return was_waiting;
}

bool ByteStore::Close() {
  bool was_waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    chunks_.clear();
    was_waiting = waiting_;
    waiting_ = false;
  }
  arrived_.notify_all();
  return was_waiting;
}

bool ByteStore::WaitLocked(std::unique_lock<std::mutex>& lock, uint64_t end) {
  while (!closed_ && !complete_ && received_ < end) {
    waiting_ = true;
    if (on_wait_) {
      lock.unlock();
      on_wait_();
      lock.lock();
      // Data may have come while unlocked; only wait if still short.
      if (closed_ || complete_ || received_ >= end) break;
    }
    arrived_.wait(lock, [&] { return closed_ || complete_ || received_ >= end || !waiting_; });
  }
  waiting_ = false;
  return !closed_ && received_ >= end;
}

bool ByteStore::WaitFor(uint64_t end) {
  std::unique_lock<std::mutex> lock(mutex_);
  return WaitLocked(lock, end);
}

int64_t ByteStore::Read(uint64_t pos, uint8_t* dst, size_t size, bool block) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (closed_) return -1;
  // Another thread may read without blocking while the reader waits: only
  // a blocking read may touch the waiting state.
  if (!block) {
    if (received_ <= pos) return 0;
  } else if (!WaitLocked(lock, pos + 1)) {
    return closed_ ? -1 : 0;
  }
  if (chunks_.empty() || pos < chunks_.front().start) return -1;
  // Chunks are few (stream chunks, or one buffer), and reads mostly hit
  // the first ones; a binary search keeps long streams cheap too.
  auto it = std::upper_bound(chunks_.begin(), chunks_.end(), pos,
                             [](uint64_t p, const Chunk& c) { return p < c.start; });
  --it;
  size_t copied = 0;
  for (; it != chunks_.end() && copied < size; ++it) {
    const uint64_t offset = pos + copied - it->start;
    const size_t n = std::min<size_t>(size - copied, it->size - offset);
    std::memcpy(dst + copied, it->data + offset, n);
    copied += n;
  }
  return static_cast<int64_t>(copied);
}

void ByteStore::ReleaseBefore(uint64_t pos) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (!chunks_.empty() && chunks_.front().start + chunks_.front().size <= pos) {
    held_ -= chunks_.front().size;
    chunks_.pop_front();
  }
}

bool ByteStore::TakeAll(PacketPtr* out) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || (!chunks_.empty() && chunks_.front().start != 0)) return false;
  PacketPtr pkt = AllocPacket();
  if (chunks_.size() == 1 && chunks_.front().owned) {
    Chunk& c = chunks_.front();
    pkt->buf = c.owned.release();
    pkt->data = pkt->buf->data;
    pkt->size = static_cast<int>(c.size);
  } else {
    if (av_new_packet(pkt.get(), static_cast<int>(received_)) < 0) throw std::bad_alloc();
    for (const Chunk& c : chunks_) std::memcpy(pkt->data + c.start, c.data, c.size);
  }
  chunks_.clear();
  *out = std::move(pkt);
  return true;
}

Status ByteStore::Charge(int64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes > 0 && held_ + static_cast<uint64_t>(bytes) > max_bytes_) return QuotaError(held_ + bytes);
  held_ = static_cast<uint64_t>(static_cast<int64_t>(held_) + bytes);
  return Status::Ok();
}

uint64_t ByteStore::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

bool ByteStore::complete() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return complete_;
}

bool ByteStore::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

namespace {
constexpr int kAvioBufferSize = 32 * 1024;
}  // namespace

StoreReader::StoreReader(ByteStore* store, bool seekable) : store_(store) {
  auto* buffer = static_cast<uint8_t*>(av_malloc(kAvioBufferSize));
  if (!buffer) throw std::bad_alloc();
  AVIOContext* pb =
      avio_alloc_context(buffer, kAvioBufferSize, 0, this, &ReadPacket, nullptr, seekable ? &Seek : nullptr);
  if (!pb) {
    av_free(buffer);
    throw std::bad_alloc();
  }
  avio_.reset(pb);
}

int StoreReader::ReadPacket(void* opaque, uint8_t* buf, int size) {
  auto* self = static_cast<StoreReader*>(opaque);
  const int64_t n = self->store_->Read(self->pos_, buf, static_cast<size_t>(size), self->blocking_);
  if (n < 0) return AVERROR_EXIT;
  if (n == 0) return AVERROR_EOF;
  self->pos_ += static_cast<uint64_t>(n);
  return static_cast<int>(n);
}

int64_t StoreReader::Seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<StoreReader*>(opaque);
  whence &= ~AVSEEK_FORCE;
  // The size is known only once the data is complete.
  if (whence == AVSEEK_SIZE) return self->store_->complete() ? static_cast<int64_t>(self->store_->received()) : -1;
  int64_t target;
  switch (whence) {
    case SEEK_SET: target = offset; break;
    case SEEK_CUR: target = static_cast<int64_t>(self->pos_) + offset; break;
    case SEEK_END:
      if (!self->store_->complete()) return AVERROR(ENOSYS);
      target = static_cast<int64_t>(self->store_->received()) + offset;
      break;
    default: return AVERROR(EINVAL);
  }
  if (target < 0) return AVERROR(EINVAL);
  self->pos_ = static_cast<uint64_t>(target);
  return target;
}

}  // namespace wcn
