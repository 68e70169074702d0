// The registry's codec families as FFmpeg codec IDs, both ways: what the
// Demuxer reports for a stream and what the Muxer writes for a track.
#pragma once

#include <string_view>

#include "core/ffmpeg.h"

namespace wcn {

// "h264", "hevc", "vp8", "vp9", "av1", "aac", "opus", "mp3", "flac",
// "vorbis", "pcm-u8", "pcm-s16", "pcm-s24", "pcm-s32", "pcm-f32", "ulaw",
// "alaw"; empty for a codec WebCodecs has no registration for.
const char* CodecFamily(AVCodecID id);

// AV_CODEC_ID_NONE for an unknown family.
AVCodecID CodecIdForFamily(std::string_view family);

}  // namespace wcn
