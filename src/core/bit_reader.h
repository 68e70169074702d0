// A bounds-checked MSB-first bit reader for codec headers. Reading past the
// end sets failed() and returns zeros instead of touching memory. For H.264
// and HEVC RBSP it skips emulation-prevention bytes (00 00 03).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wcn {

class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size, bool skip_emulation = true)
      : data_(data), size_(size), skip_emulation_(skip_emulation) {}

  uint32_t ReadBit() {
    if (bit_ == 0 && !NextByte()) return 0;
    bit_--;
    return (current_ >> bit_) & 1;
  }

  uint32_t ReadBits(int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 1) | ReadBit();
    return v;
  }

  // Unsigned Exp-Golomb, capped at 31 leading zeros.
  uint32_t ReadUE() {
    int zeros = 0;
    while (ReadBit() == 0) {
      if (failed_ || ++zeros > 31) {
        failed_ = true;
        return 0;
      }
    }
    if (zeros == 0) return 0;
    return ((1u << zeros) - 1) + ReadBits(zeros);
  }

  bool failed() const { return failed_; }

 private:
  bool NextByte() {
    if (pos_ >= size_) {
      failed_ = true;
      return false;
    }
    if (skip_emulation_ && zeros_ >= 2 && data_[pos_] == 3) {
      zeros_ = 0;
      if (++pos_ >= size_) {
        failed_ = true;
        return false;
      }
    }
    current_ = data_[pos_++];
    zeros_ = current_ == 0 ? zeros_ + 1 : 0;
    bit_ = 8;
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  bool skip_emulation_;
  size_t pos_ = 0;
  uint32_t current_ = 0;
  int bit_ = 0;
  int zeros_ = 0;
  bool failed_ = false;
};

}  // namespace wcn
