// VideoColorSpace and the parsing of VideoColorSpaceInit dictionaries.
import { invalid, toDictionary, toEnum } from './validate';
import { defineInterface } from './webidl';

export const VIDEO_COLOR_PRIMARIES = ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432'] as const;
export const VIDEO_TRANSFER_CHARACTERISTICS = ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg'] as const;
export const VIDEO_MATRIX_COEFFICIENTS = ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'] as const;

export type VideoColorPrimaries = (typeof VIDEO_COLOR_PRIMARIES)[number];
export type VideoTransferCharacteristics = (typeof VIDEO_TRANSFER_CHARACTERISTICS)[number];
export type VideoMatrixCoefficients = (typeof VIDEO_MATRIX_COEFFICIENTS)[number];

export interface VideoColorSpaceInit {
  primaries?: VideoColorPrimaries | null;
  transfer?: VideoTransferCharacteristics | null;
  matrix?: VideoMatrixCoefficients | null;
  fullRange?: boolean | null;
}

/** A VideoColorSpaceInit after WebIDL conversion: every member present, null when absent. */
export interface ParsedColorSpace {
  primaries: VideoColorPrimaries | null;
  transfer: VideoTransferCharacteristics | null;
  matrix: VideoMatrixCoefficients | null;
  fullRange: boolean | null;
}

function nullableEnum<T extends string>(value: unknown, values: readonly T[], field: string): T | null {
  return value === undefined || value === null ? null : toEnum(value, values, field);
}

/** Converts a VideoColorSpaceInit (members read in WebIDL's lexicographic order). */
export function parseColorSpaceInit(value: unknown, field: string): ParsedColorSpace {
  if (value !== undefined && value !== null && typeof value !== 'object') {
    throw invalid(field, 'a VideoColorSpaceInit dictionary', value);
  }
  const init = toDictionary<VideoColorSpaceInit>(value, field);
  const fullRange = init.fullRange;
  const matrix = nullableEnum(init.matrix, VIDEO_MATRIX_COEFFICIENTS, `${field}.matrix`);
  const primaries = nullableEnum(init.primaries, VIDEO_COLOR_PRIMARIES, `${field}.primaries`);
  const transfer = nullableEnum(init.transfer, VIDEO_TRANSFER_CHARACTERISTICS, `${field}.transfer`);
  return {
    primaries,
    transfer,
    matrix,
    fullRange: fullRange === undefined || fullRange === null ? null : Boolean(fullRange),
  };
}

export const SRGB_COLOR_SPACE: ParsedColorSpace = Object.freeze({
  primaries: 'bt709',
  transfer: 'iec61966-2-1',
  matrix: 'rgb',
  fullRange: true,
});

export const REC709_COLOR_SPACE: ParsedColorSpace = Object.freeze({
  primaries: 'bt709',
  transfer: 'bt709',
  matrix: 'bt709',
  fullRange: false,
});

export class VideoColorSpace {
  readonly #primaries: VideoColorPrimaries | null;
  readonly #transfer: VideoTransferCharacteristics | null;
  readonly #matrix: VideoMatrixCoefficients | null;
  readonly #fullRange: boolean | null;

  constructor(init: VideoColorSpaceInit | undefined = undefined) {
    const parsed = parseColorSpaceInit(init, 'VideoColorSpaceInit');
    this.#primaries = parsed.primaries;
    this.#transfer = parsed.transfer;
    this.#matrix = parsed.matrix;
    this.#fullRange = parsed.fullRange;
  }

  get primaries(): VideoColorPrimaries | null {
    return this.#primaries;
  }
  get transfer(): VideoTransferCharacteristics | null {
    return this.#transfer;
  }
  get matrix(): VideoMatrixCoefficients | null {
    return this.#matrix;
  }
  get fullRange(): boolean | null {
    return this.#fullRange;
  }

  toJSON(): VideoColorSpaceInit {
    return { primaries: this.#primaries, transfer: this.#transfer, matrix: this.#matrix, fullRange: this.#fullRange };
  }
}

defineInterface(VideoColorSpace, 'VideoColorSpace', ['primaries', 'transfer', 'matrix', 'fullRange', 'toJSON']);
