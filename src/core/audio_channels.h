// Channel order. The spec reorders nothing: an AudioData's channels are the
// bitstream's channels in coded order, both ways. FFmpeg's AAC, Vorbis and
// Opus coders instead work in FFmpeg's order (by channel position) and
// reorder to and from their bitstreams' orders themselves, so the engines
// undo that: these maps say where each coded channel sits in an FFmpeg
// layout.
#pragma once

#include <string>
#include <vector>

#include "core/ffmpeg.h"

namespace wcn {

// For codec (lib/codecs/audio.ts names) and an FFmpeg layout of a decoder's
// output or an encoder's input: map[k] = the index in `layout` of coded
// channel k. Empty when the orders agree (FLAC, MP3, PCM, mono, stereo) or
// the layout does not hold the codec's channels.
std::vector<int> CodedChannelMap(const std::string& codec, const AVChannelLayout& layout);

// The inverse permutation: inverse[map[k]] = k.
std::vector<int> InverseChannelMap(const std::vector<int>& map);

}  // namespace wcn
