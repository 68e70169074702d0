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

export function vp9CodecString(c: { profile: number; level: number; bitDepth: number }): string {
  return `vp09.${two(c.profile)}.${two(c.level)}.${two(c.bitDepth)}`;
}

// VP9 levels (VP9 bitstream specification, Annex A): [level, largest
// picture in luma samples, luma samples per second].
const LEVEL_LIMITS: [number, number, number][] = [
  [10, 36864, 829440],
  [11, 73728, 2764800],
  [20, 122880, 4608000],
  [21, 245760, 9216000],
  [30, 552960, 20736000],
  [31, 983040, 36864000],
  [40, 2228224, 83558400],
  [41, 2228224, 160432128],
  [50, 8912896, 311951360],
  [51, 8912896, 588251136],
  [52, 8912896, 1176502272],
  [60, 35651584, 1176502272],
  [61, 35651584, 2353004544],
  [62, 35651584, 4706009088],
];

/** The lowest VP9 level a stream of this size and frame rate (0: unknown) fits. */
export function vp9LevelFor(width: number, height: number, frameRate: number): number {
  const picture = width * height;
  const rate = picture * (frameRate > 0 ? frameRate : 30);
  for (const [level, maxPicture, maxRate] of LEVEL_LIMITS) if (picture <= maxPicture && rate <= maxRate) return level;
  return 62;
}
