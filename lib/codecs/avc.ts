// AVC (H.264) codec strings: "avc1.PPCCLL" / "avc3.PPCCLL" (RFC 6381), with
// profile_idc, the constraint flags byte and level_idc in hex.

export interface AvcCodec {
  codec: 'avc';
  prefix: 'avc1' | 'avc3';
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
}

// Baseline, Main, Extended, High, High 10, High 4:2:2, High 4:4:4
// Predictive, CAVLC 4:4:4 Intra.
const PROFILES = new Set([66, 77, 88, 100, 110, 122, 244, 44]);
// Level 1b is level_idc 11 with constraint_set3 (or 9).
const LEVELS = new Set([9, 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62]);

export function parseAvc(codec: string): AvcCodec | null {
  const m = /^(avc[13])\.([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(codec);
  if (!m) return null;
  const profileIdc = parseInt(m[2], 16);
  const constraintFlags = parseInt(m[3], 16);
  const levelIdc = parseInt(m[4], 16);
  // The two low bits of the constraint byte are reserved_zero_2bits.
  if (!PROFILES.has(profileIdc) || !LEVELS.has(levelIdc) || (constraintFlags & 3) !== 0) return null;
  return { codec: 'avc', prefix: m[1] as 'avc1' | 'avc3', profileIdc, constraintFlags, levelIdc };
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export function avcCodecString(prefix: 'avc1' | 'avc3', profileIdc: number, constraintFlags: number, levelIdc: number): string {
  return `${prefix}.${hex2(profileIdc)}${hex2(constraintFlags)}${hex2(levelIdc)}`;
}

/** The codec string for an avcC record (profile, constraints, level at bytes 1-3). */
export function avcCodecStringFromRecord(prefix: 'avc1' | 'avc3', record: Uint8Array): string | null {
  if (record.length < 4 || record[0] !== 1) return null;
  return avcCodecString(prefix, record[1], record[2], record[3]);
}

/** The largest frame, in macroblocks, an H.264 level admits (MaxFS of Table A-1). */
function avcLevelMaxFrameMacroblocks(levelIdc: number): number {
  // [highest level_idc of the band, MaxFS]; level_idc 9 is level 1b.
  const table: [number, number][] = [
    [10, 99], [20, 396], [21, 792], [30, 1620], [31, 3600], [32, 5120], [41, 8192], [42, 8704], [50, 22080], [52, 36864],
  ];
  for (const [level, maxFs] of table) if (levelIdc <= level) return maxFs;
  return 139264;
}

/** Why frames of this size exceed the level of `c`, or ''. */
export function avcLevelSizeProblem(c: AvcCodec, width: number, height: number): string {
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16);
  const maxFs = avcLevelMaxFrameMacroblocks(c.levelIdc);
  if (macroblocks <= maxFs) return '';
  return `${width}x${height} is ${macroblocks} macroblocks, more than the ${maxFs} H.264 level_idc ${c.levelIdc} allows; use a higher level or a smaller size.`;
}
