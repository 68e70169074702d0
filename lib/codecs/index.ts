// Codec strings of the WebCodecs codec registry: parsing (null = invalid or
// unrecognised, which the codecs turn into NotSupportedError) and building
// the exact strings for what an encoder produced.
import { parseAv1, type Av1Codec } from './av1';
import { parseAvc, type AvcCodec } from './avc';
import { parseHevc, type HevcCodec } from './hevc';
import { parseVp9, type Vp9Codec } from './vp9';

export {
  audioCodecName,
  parseAacEncoderConfig,
  parseAudioCodec,
  parseFlacEncoderConfig,
  parseOpusEncoderConfig,
  type AacBitstreamFormat,
  type AacEncoderConfig,
  type AudioCodec,
  type FlacEncoderConfig,
  type OpusApplication,
  type OpusBitstreamFormat,
  type OpusEncoderConfig,
  type OpusSignal,
  type PcmFormat,
} from './audio';
export { av1CodecStringFromRecord, type Av1Codec } from './av1';
export { avcCodecString, avcCodecStringFromRecord, avcLevelMaxFrameMacroblocks, type AvcCodec } from './avc';
export { hevcCodecStringFromRecord, type HevcCodec } from './hevc';
export { vp9CodecString, vp9LevelFor, type Vp9Codec } from './vp9';

export type VideoCodec = AvcCodec | HevcCodec | { codec: 'vp8' } | Vp9Codec | Av1Codec;

export function parseVideoCodec(codec: string): VideoCodec | null {
  if (codec === 'vp8') return { codec: 'vp8' };
  if (codec.startsWith('avc')) return parseAvc(codec);
  if (codec.startsWith('hev') || codec.startsWith('hvc')) return parseHevc(codec);
  if (codec.startsWith('vp09')) return parseVp9(codec);
  if (codec.startsWith('av01')) return parseAv1(codec);
  return null;
}

/** The native codec family ("h264", "hevc", "vp8", "vp9", "av1") of a parsed codec string. */
export function videoCodecFamily(parsed: VideoCodec): string {
  return parsed.codec === 'avc' ? 'h264' : parsed.codec;
}

/**
 * The profile a codec string names, as FFmpeg numbers it (profile_idc for
 * AVC and HEVC, the profile for VP9 and AV1), or -1 (VP8 has none).
 */
export function videoCodecProfile(parsed: VideoCodec): number {
  switch (parsed.codec) {
    case 'avc':
    case 'hevc':
      return parsed.profileIdc;
    case 'vp9':
    case 'av1':
      return parsed.profile;
    default:
      return -1;
  }
}
