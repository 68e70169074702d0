// Audio codec strings of the WebCodecs codec registry. Each is an exact
// string (case-sensitive).

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
  'mp4a.6b': { codec: 'mp3' },
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

