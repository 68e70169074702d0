// Audio codec strings of the WebCodecs codec registry (each an exact,
// case-sensitive string) and the registrations' AudioEncoderConfig extensions.
import { enforceU32, enforceU64, invalid, toBool, toDictionary, toEnum } from '../validate';

export type PcmFormat = 'u8' | 's16' | 's24' | 's32' | 'f32';

export type AudioCodec =
  | { codec: 'aac'; objectType: number; mpeg2: boolean }
  | { codec: 'opus' }
  | { codec: 'mp3' }
  | { codec: 'flac' }
  | { codec: 'vorbis' }
  | { codec: 'pcm'; format: PcmFormat }
  | { codec: 'ulaw' }
  | { codec: 'alaw' };

const EXACT: Record<string, AudioCodec> = {
  // AAC: LC, HE-AAC (SBR), HE-AAC v2 (PS), and MPEG-2 AAC LC (0x67).
  'mp4a.40.2': { codec: 'aac', objectType: 2, mpeg2: false },
  'mp4a.40.02': { codec: 'aac', objectType: 2, mpeg2: false },
  'mp4a.40.5': { codec: 'aac', objectType: 5, mpeg2: false },
  'mp4a.40.05': { codec: 'aac', objectType: 5, mpeg2: false },
  'mp4a.40.29': { codec: 'aac', objectType: 29, mpeg2: false },
  'mp4a.67': { codec: 'aac', objectType: 2, mpeg2: true },
  opus: { codec: 'opus' },
  mp3: { codec: 'mp3' },
  'mp4a.69': { codec: 'mp3' },
  'mp4a.6B': { codec: 'mp3' },
  flac: { codec: 'flac' },
  vorbis: { codec: 'vorbis' },
  'pcm-u8': { codec: 'pcm', format: 'u8' },
  'pcm-s16': { codec: 'pcm', format: 's16' },
  'pcm-s24': { codec: 'pcm', format: 's24' },
  'pcm-s32': { codec: 'pcm', format: 's32' },
  'pcm-f32': { codec: 'pcm', format: 'f32' },
  ulaw: { codec: 'ulaw' },
  alaw: { codec: 'alaw' },
};

export function parseAudioCodec(codec: string): AudioCodec | null {
  return Object.prototype.hasOwnProperty.call(EXACT, codec) ? EXACT[codec] : null;
}

/**
 * The codec name src/core understands (audio_decoder.cc, audio_encoder.cc):
 * "aac", "opus", "mp3", "flac", "vorbis", "pcm-<format>", "ulaw", "alaw".
 */
export function audioCodecName(c: AudioCodec): string {
  return c.codec === 'pcm' ? `pcm-${c.format}` : c.codec;
}

// --- AudioEncoderConfig extensions of the registrations ---------------------

export type OpusBitstreamFormat = 'opus' | 'ogg';
export type OpusSignal = 'auto' | 'music' | 'voice';
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';
export type AacBitstreamFormat = 'aac' | 'adts';

export interface OpusEncoderConfig {
  format?: OpusBitstreamFormat;
  signal?: OpusSignal;
  application?: OpusApplication;
  frameDuration?: number;
  complexity?: number;
  packetlossperc?: number;
  useinbandfec?: boolean;
  usedtx?: boolean;
}

export interface AacEncoderConfig {
  format?: AacBitstreamFormat;
}

export interface FlacEncoderConfig {
  blockSize?: number;
  compressLevel?: number;
}

const OPUS_FORMATS = ['opus', 'ogg'] as const;
const OPUS_SIGNALS = ['auto', 'music', 'voice'] as const;
const OPUS_APPLICATIONS = ['voip', 'audio', 'lowdelay'] as const;
const AAC_FORMATS = ['aac', 'adts'] as const;
// Opus frame durations in microseconds (RFC 6716 frames; 80 to 120 ms are
// multi-frame packets of libopus 1.2+).
const OPUS_FRAME_DURATIONS = [2500, 5000, 10000, 20000, 40000, 60000, 80000, 100000, 120000];
// The registration leaves the default complexity to the platform: 9 on desktops.
const OPUS_DEFAULT_COMPLEXITY = 9;

/** OpusEncoderConfig, converted and checked ("valid OpusEncoderConfig"); every member filled in. */
export function parseOpusEncoderConfig(value: unknown, field: string): Required<OpusEncoderConfig> {
  const d = toDictionary<OpusEncoderConfig>(value, field);
  // Members in WebIDL's lexicographic order.
  const application = d.application === undefined ? 'audio' : toEnum(d.application, OPUS_APPLICATIONS, `${field}.application`);
  const complexity = d.complexity === undefined ? OPUS_DEFAULT_COMPLEXITY : enforceU32(d.complexity, `${field}.complexity`);
  const format = d.format === undefined ? 'opus' : toEnum(d.format, OPUS_FORMATS, `${field}.format`);
  const frameDuration = d.frameDuration === undefined ? 20000 : enforceU64(d.frameDuration, `${field}.frameDuration`);
  const packetlossperc = d.packetlossperc === undefined ? 0 : enforceU32(d.packetlossperc, `${field}.packetlossperc`);
  const signal = d.signal === undefined ? 'auto' : toEnum(d.signal, OPUS_SIGNALS, `${field}.signal`);
  const usedtx = toBool(d.usedtx);
  const useinbandfec = toBool(d.useinbandfec);
  if (!OPUS_FRAME_DURATIONS.includes(frameDuration)) {
    throw invalid(`${field}.frameDuration`, `one of ${OPUS_FRAME_DURATIONS.join(', ')} microseconds`, frameDuration);
  }
  if (complexity > 10) throw invalid(`${field}.complexity`, 'an integer from 0 to 10', complexity);
  if (packetlossperc > 100) throw invalid(`${field}.packetlossperc`, 'a percentage from 0 to 100', packetlossperc);
  return { application, complexity, format, frameDuration, packetlossperc, signal, usedtx, useinbandfec };
}

export function parseAacEncoderConfig(value: unknown, field: string): Required<AacEncoderConfig> {
  const d = toDictionary<AacEncoderConfig>(value, field);
  return { format: d.format === undefined ? 'aac' : toEnum(d.format, AAC_FORMATS, `${field}.format`) };
}

/** FlacEncoderConfig, converted and checked ("valid FlacEncoderConfig"). */
export function parseFlacEncoderConfig(value: unknown, field: string): Required<FlacEncoderConfig> {
  const d = toDictionary<FlacEncoderConfig>(value, field);
  const blockSize = d.blockSize === undefined ? 0 : enforceU32(d.blockSize, `${field}.blockSize`);
  const compressLevel = d.compressLevel === undefined ? 5 : enforceU32(d.compressLevel, `${field}.compressLevel`);
  // FLAC block sizes are 16 to 65535 samples (RFC 9639 5.1); 0 lets the encoder choose.
  if (blockSize !== 0 && (blockSize < 16 || blockSize > 65535)) {
    throw invalid(`${field}.blockSize`, '0 or a block size from 16 to 65535', blockSize);
  }
  if (compressLevel > 8) throw invalid(`${field}.compressLevel`, 'an integer from 0 to 8', compressLevel);
  return { blockSize, compressLevel };
}
