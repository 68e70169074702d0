#include "core/audio_channels.h"

#include <initializer_list>

namespace wcn {

namespace {

// A coded channel position and the FFmpeg position that may stand for it
// (FFmpeg labels surround pairs as side or back depending on the layout).
struct Position {
  AVChannel channel;
  AVChannel alternative = AV_CHAN_NONE;
};

using Order = std::initializer_list<Position>;

// Vorbis I 4.3.9, which Opus's mapping family 1 uses (RFC 7845 5.1.1.2).
const Order kVorbis[] = {
    {{AV_CHAN_FRONT_CENTER}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_RIGHT}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT},
     {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT},
     {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT},
     {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT}, {AV_CHAN_LOW_FREQUENCY}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_SIDE_LEFT}, {AV_CHAN_SIDE_RIGHT},
     {AV_CHAN_BACK_CENTER}, {AV_CHAN_LOW_FREQUENCY}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_SIDE_LEFT}, {AV_CHAN_SIDE_RIGHT},
     {AV_CHAN_BACK_LEFT}, {AV_CHAN_BACK_RIGHT}, {AV_CHAN_LOW_FREQUENCY}},
};

// ISO 14496-3 table 1.19, channel_configuration 1 to 6 (7 channels have no
// configuration; 8 would be configuration 7, front centre first too).
const Order kAac[] = {
    {{AV_CHAN_FRONT_CENTER}},
    {{AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}},
    {{AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}},
    {{AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_CENTER}},
    {{AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT},
     {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT}},
    {{AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_LEFT}, {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT},
     {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT}, {AV_CHAN_LOW_FREQUENCY}},
    {},
    {{AV_CHAN_FRONT_CENTER}, {AV_CHAN_FRONT_LEFT_OF_CENTER}, {AV_CHAN_FRONT_RIGHT_OF_CENTER}, {AV_CHAN_FRONT_LEFT},
     {AV_CHAN_FRONT_RIGHT}, {AV_CHAN_BACK_LEFT, AV_CHAN_SIDE_LEFT}, {AV_CHAN_BACK_RIGHT, AV_CHAN_SIDE_RIGHT},
     {AV_CHAN_LOW_FREQUENCY}},
};

}  // namespace

std::vector<int> CodedChannelMap(const std::string& codec, const AVChannelLayout& layout) {
  const int n = layout.nb_channels;
  if (n < 3 || n > 8 || layout.order == AV_CHANNEL_ORDER_UNSPEC) return {};
  const Order* orders = codec == "aac" ? kAac : (codec == "opus" || codec == "vorbis") ? kVorbis : nullptr;
  if (!orders || orders[n - 1].size() != static_cast<size_t>(n)) return {};
  std::vector<int> map;
  std::vector<bool> used(static_cast<size_t>(n));
  bool identity = true;
  for (const Position& p : orders[n - 1]) {
    int index = av_channel_layout_index_from_channel(&layout, p.channel);
    if (index < 0 && p.alternative != AV_CHAN_NONE) index = av_channel_layout_index_from_channel(&layout, p.alternative);
    if (index < 0 || used[static_cast<size_t>(index)]) return {};
    used[static_cast<size_t>(index)] = true;
    identity = identity && index == static_cast<int>(map.size());
    map.push_back(index);
  }
  if (identity) return {};
  return map;
}

std::vector<int> InverseChannelMap(const std::vector<int>& map) {
  std::vector<int> inverse(map.size());
  for (size_t k = 0; k < map.size(); k++) inverse[static_cast<size_t>(map[k])] = static_cast<int>(k);
  return inverse;
}

}  // namespace wcn
