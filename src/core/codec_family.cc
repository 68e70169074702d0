#include "core/codec_family.h"

namespace wcn {

namespace {

struct Family {
  AVCodecID id;
  const char* name;
};

// PCM in the registry is little-endian (pcm_codec_registration).
constexpr Family kFamilies[] = {
    {AV_CODEC_ID_H264, "h264"},       {AV_CODEC_ID_HEVC, "hevc"},         {AV_CODEC_ID_VP8, "vp8"},
    {AV_CODEC_ID_VP9, "vp9"},         {AV_CODEC_ID_AV1, "av1"},           {AV_CODEC_ID_AAC, "aac"},
    {AV_CODEC_ID_OPUS, "opus"},       {AV_CODEC_ID_MP3, "mp3"},           {AV_CODEC_ID_FLAC, "flac"},
    {AV_CODEC_ID_VORBIS, "vorbis"},   {AV_CODEC_ID_PCM_U8, "pcm-u8"},     {AV_CODEC_ID_PCM_S16LE, "pcm-s16"},
    {AV_CODEC_ID_PCM_S24LE, "pcm-s24"}, {AV_CODEC_ID_PCM_S32LE, "pcm-s32"}, {AV_CODEC_ID_PCM_F32LE, "pcm-f32"},
    {AV_CODEC_ID_PCM_MULAW, "ulaw"},  {AV_CODEC_ID_PCM_ALAW, "alaw"},
};

}  // namespace

const char* CodecFamily(AVCodecID id) {
  for (const Family& f : kFamilies) {
    if (f.id == id) return f.name;
  }
  return "";
}

AVCodecID CodecIdForFamily(std::string_view family) {
  for (const Family& f : kFamilies) {
    if (family == f.name) return f.id;
  }
  return AV_CODEC_ID_NONE;
}

}  // namespace wcn
