// Hand-made HEVC parameter sets for the tests of bitstream.cc and the
// Muxer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace wcn {

// Bits written MSB first, for hand-made parameter sets.
class BitWriter {
 public:
  void Bit(uint32_t b) {
    if (bits_ % 8 == 0) bytes_.push_back(0);
    if (b) bytes_.back() |= static_cast<uint8_t>(0x80 >> (bits_ % 8));
    bits_++;
  }
  void Bits(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; i--) Bit(static_cast<uint32_t>((v >> i) & 1));
  }
  void UE(uint32_t v) {  // Exp-Golomb
    const uint64_t x = uint64_t{v} + 1;
    int len = 0;
    while ((x >> (len + 1)) != 0) len++;
    Bits(0, len);
    Bits(x, len + 1);
  }
  // rbsp_trailing_bits, then emulation prevention (00 00 0x -> 00 00 03 0x).
  std::vector<uint8_t> Nal(std::vector<uint8_t> prefix) {
    Bit(1);
    int zeros = 0;
    for (uint8_t b : bytes_) {
      if (zeros >= 2 && b <= 3) {
        prefix.push_back(3);
        zeros = 0;
      }
      prefix.push_back(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return prefix;
  }

 private:
  std::vector<uint8_t> bytes_;
  int bits_ = 0;
};

// An Annex B HEVC SPS (Main, 64x64) with two short-term reference picture
// sets (the second predicted from the first when `inter_rps`) and, when
// `long_term`, one long-term reference picture.
inline std::vector<uint8_t> HevcSps(bool long_term, uint32_t sub_layers_minus1, bool scaling_lists,
                                    bool inter_rps = false) {
  BitWriter w;
  w.Bits(0, 4);                  // sps_video_parameter_set_id
  w.Bits(sub_layers_minus1, 3);  // sps_max_sub_layers_minus1
  w.Bit(1);                      // sps_temporal_id_nesting_flag
  w.Bits(1, 8);                  // general profile space, tier, profile_idc 1
  w.Bits(0x60000000, 32);        // compatibility flags
  w.Bits(0x900000000000, 48);    // progressive, frame only; constraint flags
  w.Bits(93, 8);                 // general_level_idc
  for (uint32_t i = 0; i < sub_layers_minus1; i++) w.Bits(1, 2);  // level present, profile not
  if (sub_layers_minus1 > 0) w.Bits(0, 2 * static_cast<int>(8 - sub_layers_minus1));
  for (uint32_t i = 0; i < sub_layers_minus1; i++) w.Bits(90, 8);
  w.UE(0);  // sps_seq_parameter_set_id
  w.UE(1);  // chroma_format_idc
  w.UE(64);
  w.UE(64);
  w.Bit(0);  // conformance_window_flag
  w.UE(0);
  w.UE(0);
  w.UE(4);  // log2_max_pic_order_cnt_lsb_minus4: 8-bit POC LSBs
  w.Bit(1);  // sps_sub_layer_ordering_info_present_flag
  for (uint32_t i = 0; i <= sub_layers_minus1; i++) {
    w.UE(4);
    w.UE(2);
    w.UE(0);
  }
  for (uint32_t v : {0u, 1u, 0u, 3u, 1u, 1u}) w.UE(v);  // block sizes, transform depths
  w.Bit(scaling_lists);
  if (scaling_lists) {
    w.Bit(1);  // sps_scaling_list_data_present_flag
    for (int size_id = 0; size_id < 4; size_id++) {
      for (int matrix = 0; matrix < (size_id == 3 ? 2 : 6); matrix++) {
        w.Bit(matrix % 2);  // explicit lists for odd matrices, predicted otherwise
        if (matrix % 2 == 0) {
          w.UE(0);
          continue;
        }
        if (size_id > 1) w.UE(1);  // dc coefficient
        for (int k = 0; k < std::min(64, 1 << (4 + 2 * size_id)); k++) w.UE(k % 3);
      }
    }
  }
  w.Bit(0);  // amp_enabled_flag
  w.Bit(1);  // sample_adaptive_offset_enabled_flag
  w.Bit(0);  // pcm_enabled_flag
  w.UE(2);   // num_short_term_ref_pic_sets
  w.UE(1);   // set 0: one negative picture
  w.UE(0);
  w.UE(0);
  w.Bit(1);
  w.Bit(inter_rps);  // set 1: inter_ref_pic_set_prediction_flag
  if (inter_rps) {
    w.Bit(0);
    w.UE(0);
    w.Bit(1);  // used_by_curr_pic_flag of set 0's one picture
  } else {
    w.UE(2);  // two negative pictures
    w.UE(0);
    w.UE(0);
    w.Bit(1);
    w.UE(1);
    w.Bit(0);
  }
  w.Bit(long_term);
  if (long_term) {
    w.UE(1);       // num_long_term_ref_pics_sps
    w.Bits(5, 8);  // lt_ref_pic_poc_lsb_sps
    w.Bit(1);
  }
  w.Bit(1);  // sps_temporal_mvp_enabled_flag
  w.Bit(1);  // strong_intra_smoothing_enabled_flag
  w.Bit(0);  // vui_parameters_present_flag
  w.Bit(0);  // sps_extension_present_flag
  return w.Nal({0, 0, 0, 1, 0x42, 0x01});
}

// The SPS fuzz_bitstream found (a profile_tier_level, then zeros), on
// which FFmpeg 5.1's hvcC writer never returns.
inline std::vector<uint8_t> LoopingHevcSps() {
  std::vector<uint8_t> sps = {0, 0, 1, 0x42, 0x01, 0xb0, 0xb0, 0xb0, 0xb0, 0xb0, 0xb0, 0xb0};
  sps.insert(sps.end(), 40, 0);
  sps.insert(sps.end(), {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x02, 0x20, 0, 0, 3, 0, 0x90, 0, 0, 3, 0, 0x41, 3, 0, 0x33, 0});
  return sps;
}

}  // namespace wcn
