// HEVC codec strings (ISO/IEC 14496-15 Annex E):
// "hev1|hvc1.[A|B|C]<profile_idc>.<compatibility flags, hex, bit-reversed>.
//  <L|H><level_idc>[.<constraint byte>]{0,6}".

export interface HevcCodec {
  codec: 'hevc';
  prefix: 'hev1' | 'hvc1';
  profileIdc: number;
  compatibilityFlags: number; // as written in the string (reversed bit order)
  tier: 'main' | 'high';
  levelIdc: number;
  constraintBytes: number[];
}

const LEVELS = new Set([30, 60, 63, 90, 93, 120, 123, 150, 153, 156, 180, 183, 186]);

export function parseHevc(codec: string): HevcCodec | null {
  const parts = codec.split('.');
  if (parts.length < 4 || parts.length > 10) return null;
  const [prefix, profile, compat, tierLevel, ...constraints] = parts;
  if (prefix !== 'hev1' && prefix !== 'hvc1') return null;
  // Profile spaces A-C ("A1"...) are reserved (H.265 A.3): no stream uses them.
  const p = /^(\d{1,2})$/.exec(profile);
  if (!p) return null;
  const profileIdc = Number(p[1]);
  if (profileIdc < 1 || profileIdc > 11) return null;
  if (!/^[0-9a-fA-F]{1,8}$/.test(compat)) return null;
  const t = /^([LH])(\d{1,3})$/.exec(tierLevel);
  if (!t || !LEVELS.has(Number(t[2]))) return null;
  const constraintBytes: number[] = [];
  for (const c of constraints) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(c)) return null;
    constraintBytes.push(parseInt(c, 16));
  }
  return {
    codec: 'hevc',
    prefix,
    profileIdc,
    compatibilityFlags: parseInt(compat, 16),
    tier: t[1] === 'H' ? 'high' : 'main',
    levelIdc: Number(t[2]),
    constraintBytes,
  };
}

function reverse32(v: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((v >>> i) & 1);
  return r >>> 0;
}

/** The codec string an hvcC record describes (general profile/tier/level fields). */
export function hevcCodecStringFromRecord(prefix: 'hev1' | 'hvc1', record: Uint8Array): string | null {
  if (record.length < 13 || record[0] !== 1) return null;
  const space = record[1] >> 6;
  const tier = (record[1] >> 5) & 1;
  const profileIdc = record[1] & 0x1f;
  const compat = ((record[2] << 24) | (record[3] << 16) | (record[4] << 8) | record[5]) >>> 0;
  const constraints = Array.from(record.subarray(6, 12));
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const parts = [
    prefix,
    `${space === 0 ? '' : String.fromCharCode(64 + space)}${profileIdc}`,
    reverse32(compat).toString(16).toUpperCase(),
    `${tier ? 'H' : 'L'}${record[12]}`,
    ...constraints.map((b) => b.toString(16).toUpperCase()),
  ];
  return parts.join('.');
}

// MaxLumaPs of Table A.8 by level_idc (30 x the level number).
const MAX_LUMA_PS: Record<number, number> = {
  30: 36864, 60: 122880, 63: 245760, 90: 552960, 93: 983040, 120: 2228224, 123: 2228224,
  150: 8912896, 153: 8912896, 156: 8912896, 180: 35651584, 183: 35651584, 186: 35651584,
};

/** Why frames of this size exceed the level of `c`, or '' (H.265 A.4.1: area, and each side at most sqrt(8 x MaxLumaPs)). */
export function hevcLevelSizeProblem(c: HevcCodec, width: number, height: number): string {
  const maxPs = MAX_LUMA_PS[c.levelIdc];
  const maxSide = Math.floor(Math.sqrt(maxPs * 8));
  if (width * height <= maxPs && width <= maxSide && height <= maxSide) return '';
  return (
    `${width}x${height} exceeds HEVC level ${c.levelIdc / 30} (at most ${maxPs} luma samples, ${maxSide} per side); ` +
    'use a higher level or a smaller size.'
  );
}
