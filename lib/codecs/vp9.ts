// VP9 codec strings (VP Codec ISO Media File Format Binding, "Codecs
// Parameter String"): "vp09.PP.LL.DD[.CC.cp.tc.mc.FF]", two digits each;
// the optional fields may be cut off from the right.

export interface Vp9Codec {
  codec: 'vp9';
  profile: number;
  level: number;
  bitDepth: number;
  chromaSubsampling: number; // 0,1: 4:2:0; 2: 4:2:2; 3: 4:4:4
  colourPrimaries: number;
  transferCharacteristics: number;
  matrixCoefficients: number;
  fullRange: boolean;
}

const LEVELS = new Set([10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 52, 60, 61, 62]);
// ISO/IEC 23001-8 code points that are defined.
const PRIMARIES = new Set([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22]);
const TRANSFERS = new Set([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
const MATRICES = new Set([0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);

export function parseVp9(codec: string): Vp9Codec | null {
  const parts = codec.split('.');
  if (parts[0] !== 'vp09' || parts.length < 4 || parts.length > 9) return null;
  const f = parts.slice(1);
  if (!f.every((x) => /^\d\d$/.test(x))) return null;
  const n = f.map(Number);
  const [profile, level, bitDepth] = n;
  const chromaSubsampling = n[3] ?? 1;
  const colourPrimaries = n[4] ?? 1;
  const transferCharacteristics = n[5] ?? 1;
  const matrixCoefficients = n[6] ?? 1;
  const fullRange = n[7] ?? 0;
  if (profile > 3 || !LEVELS.has(level) || ![8, 10, 12].includes(bitDepth)) return null;
  // Profiles 0 and 1 are 8-bit; 2 and 3 are 10- or 12-bit.
  if ((profile < 2) !== (bitDepth === 8)) return null;
  if (chromaSubsampling > 3) return null;
  // Profiles 0 and 2 are 4:2:0 only; 1 and 3 are the others.
  if ((profile === 0 || profile === 2) !== chromaSubsampling <= 1) return null;
  if (!PRIMARIES.has(colourPrimaries) || !TRANSFERS.has(transferCharacteristics)) return null;
  if (!MATRICES.has(matrixCoefficients) || fullRange > 1) return null;
  // The identity matrix (RGB) needs 4:4:4.
  if (matrixCoefficients === 0 && chromaSubsampling !== 3) return null;
  return {
    codec: 'vp9',
    profile,
    level,
    bitDepth,
    chromaSubsampling,
    colourPrimaries,
    transferCharacteristics,
    matrixCoefficients,
    fullRange: fullRange === 1,
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

// Annex A of the VP9 specification: level, MaxLumaSampleRate,
// MaxLumaPictureSize, MaxLumaPictureBreadth, MaxBitrate (kbit/s).
const VP9_LEVELS: readonly (readonly [number, number, number, number, number])[] = [
  [10, 829440, 36864, 512, 200],
  [11, 2764800, 73728, 768, 800],
  [20, 4608000, 122880, 960, 1800],
  [21, 9216000, 245760, 1344, 3600],
  [30, 20736000, 552960, 2048, 7200],
  [31, 36864000, 983040, 2752, 12000],
  [40, 83558400, 2228224, 4160, 18000],
  [41, 160432128, 2228224, 4160, 30000],
  [50, 311951360, 8912896, 8384, 60000],
  [51, 588251136, 8912896, 8384, 120000],
  [52, 1176502272, 8912896, 8384, 180000],
  [60, 1176502272, 35651584, 16832, 180000],
  [61, 2353004544, 35651584, 16832, 240000],
  [62, 4706009088, 35651584, 16832, 480000],
];

/**
 * The lowest level whose picture size, luma sample rate and bitrate limits
 * hold the stream (62 if none does). VP9 streams do not signal a level:
 * the codec string is all there is.
 */
export function vp9StreamLevel(width: number, height: number, framerate: number, bitrate?: number): number {
  const fits = ([, rate, size, breadth, kbps]: readonly number[]) =>
    width * height <= size && Math.max(width, height) <= breadth && width * height * framerate <= rate && (bitrate ?? 0) <= kbps * 1000;
  return (VP9_LEVELS.find(fits) ?? VP9_LEVELS[VP9_LEVELS.length - 1])[0];
}

/** `codec` (a vp09 string) with its level replaced. */
export function vp9CodecStringWithLevel(codec: string, level: number): string {
  const parts = codec.split('.');
  parts[2] = two(level);
  return parts.join('.');
}

/** The short codec string "vp09.PP.LL.DD". */
export function vp9CodecString(c: { profile: number; level: number; bitDepth: number }): string {
  return `vp09.${two(c.profile)}.${two(c.level)}.${two(c.bitDepth)}`;
}
