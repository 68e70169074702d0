// Codec strings of the WebCodecs codec registry: parsing (null = invalid or
// unrecognised, which the codecs turn into NotSupportedError) and building
// the exact strings for what an encoder produced.
import { parseAv1, type Av1Codec } from './av1';
import { avcLevelSizeProblem, parseAvc, type AvcCodec } from './avc';
import { hevcLevelSizeProblem, parseHevc, type HevcCodec } from './hevc';
import { parseVp9, vp9CodecStringWithLevel, vp9StreamLevel, type Vp9Codec } from './vp9';

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
export { av1CodecStringFromRecord, av1CodecStringOfRecord, type Av1Codec } from './av1';
export { avcCodecString, avcCodecStringFromRecord, type AvcCodec } from './avc';
export { hevcCodecStringFromRecord, type HevcCodec } from './hevc';
export { vp9CodecString, vp9StreamLevel, type Vp9Codec } from './vp9';

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

/**
 * Why frames of this size exceed the AVC or HEVC level the codec string
 * names, or ''. Like browsers, only the frame size is held against the level
 * (Mediabunny asks for low levels at small sizes): a frame rate or bitrate
 * beyond it still encodes. Browsers hold no VP9 or AV1 level against
 * anything, and code written for them (web-platform-tests, the webm-muxer
 * and WebCodecs samples, Remotion) passes vp09.00.10.08 or av01.0.04M.08 at
 * every size; those encode, and the output's codec string names the level
 * the stream really has (encodedCodecString, the encoder's av1C).
 */
export function levelSizeProblem(parsed: VideoCodec, width: number, height: number): string {
  switch (parsed.codec) {
    case 'avc':
      return avcLevelSizeProblem(parsed, width, height);
    case 'hevc':
      return hevcLevelSizeProblem(parsed, width, height);
    default:
      return '';
  }
}

/**
 * The codec string of the encoder's output before it reports a
 * configuration record of its own (AVC, HEVC and AV1 do): for VP9, whose
 * streams signal no level, the one with the lowest level whose limits hold
 * the stream's size, its rate (the configured one, or the 30 frames per
 * second the encoders assume) and its configured bitrate.
 */
export function encodedCodecString(codec: string, parsed: VideoCodec, width: number, height: number, framerate: number, bitrate?: number): string {
  return parsed.codec === 'vp9' ? vp9CodecStringWithLevel(codec, vp9StreamLevel(width, height, framerate, bitrate)) : codec;
}
