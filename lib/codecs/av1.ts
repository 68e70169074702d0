// AV1 codec strings (AV1 Codec ISO Media File Format Binding):
// "av01.P.LLT.DD[.M.CCC.cp.tc.mc.F]"; optional fields may be cut off from
// the right.

export interface Av1Codec {
  codec: 'av1';
  profile: number;
  level: number; // seq_level_idx
  tier: 'main' | 'high';
  bitDepth: number;
  monochrome: boolean;
  chromaSubsampling: string; // "110" 4:2:0, "100" 4:2:2, "000" 4:4:4 (third digit: sample position)
  colourPrimaries: number;
  transferCharacteristics: number;
  matrixCoefficients: number;
  fullRange: boolean;
}

export function parseAv1(codec: string): Av1Codec | null {
  const parts = codec.split('.');
  if (parts[0] !== 'av01' || parts.length < 4 || parts.length > 10) return null;
  const [, p, lt, dd, m, ccc, cp, tc, mc, fr] = parts;
  if (!/^[012]$/.test(p)) return null;
  const levelTier = /^(\d\d)([MH])$/.exec(lt);
  if (!levelTier) return null;
  const level = Number(levelTier[1]);
  // seq_level_idx 0..23 are defined levels; 31 means "maximum parameters".
  if (level > 23 && level !== 31) return null;
  // seq_tier is only coded above level 3.3 (seq_level_idx 7); below, it is main.
  if (levelTier[2] === 'H' && level <= 7) return null;
  if (!/^(08|10|12)$/.test(dd)) return null;
  const profile = Number(p);
  const bitDepth = Number(dd);
  if (bitDepth === 12 && profile !== 2) return null;
  if (m !== undefined && !/^[01]$/.test(m)) return null;
  const monochrome = m === '1';
  const chroma = ccc ?? (profile === 1 ? '000' : '110');
  if (!/^[01][01][0-3]$/.test(chroma)) return null;
  const subX = chroma[0] === '1';
  const subY = chroma[1] === '1';
  if (subY && !subX) return null;
  // Profile 0: 4:2:0 or monochrome; 1: 4:4:4 colour; 2: 4:2:2, or any at 12 bits.
  if (profile === 0 && !(subX && subY)) return null;
  if (profile === 1 && (subX || subY || monochrome)) return null;
  if (profile === 2 && bitDepth !== 12 && !(subX && !subY)) return null;
  if (chroma[2] !== '0' && !(subX && subY)) return null;
  const code = (v: string | undefined, dflt: number): number | null => (v === undefined ? dflt : /^\d\d$/.test(v) ? Number(v) : null);
  const colourPrimaries = code(cp, 1);
  const transferCharacteristics = code(tc, 1);
  const matrixCoefficients = code(mc, 1);
  if (colourPrimaries === null || transferCharacteristics === null || matrixCoefficients === null) return null;
  if (fr !== undefined && !/^[01]$/.test(fr)) return null;
  return {
    codec: 'av1',
    profile,
    level,
    tier: levelTier[2] === 'H' ? 'high' : 'main',
    bitDepth,
    monochrome,
    chromaSubsampling: chroma,
    colourPrimaries,
    transferCharacteristics,
    matrixCoefficients,
    fullRange: fr === '1',
  };
}

/**
 * `codec` (an av01 string) with the level and tier an av1C record
 * (AV1CodecConfigurationRecord) signals; its other fields are what the
 * encoder was asked for.
 */
export function av1CodecStringFromRecord(codec: string, record: Uint8Array): string | null {
  const levelTier = av1RecordLevelTier(record);
  if (levelTier === null) return null;
  const parts = codec.split('.');
  parts[2] = levelTier;
  return parts.join('.');
}

/** "av01.P.LLT.DD" from an av1C record alone (a stream read from a file). */
export function av1CodecStringOfRecord(record: Uint8Array): string | null {
  const levelTier = av1RecordLevelTier(record);
  if (levelTier === null) return null;
  const profile = record[1] >> 5;
  const highBitdepth = (record[2] >> 6) & 1;
  const twelveBit = (record[2] >> 5) & 1;
  const depth = highBitdepth ? (twelveBit ? 12 : 10) : 8;
  return `av01.${profile}.${levelTier}.${String(depth).padStart(2, '0')}`;
}

/** The "LLT" (seq_level_idx and tier) field of an av1C record, or null if it is not one. */
function av1RecordLevelTier(record: Uint8Array): string | null {
  if (record.length < 4 || (record[0] & 0x7f) !== 1) return null;
  return `${String(record[1] & 0x1f).padStart(2, '0')}${record[2] >> 7 ? 'H' : 'M'}`;
}
