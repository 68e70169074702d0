// What EncodedVideoChunk and EncodedAudioChunk share: the init dictionary,
// immutable bytes, copyTo and transfer. Each interface is a thin subclass.
import { checkTransferList, detachAll, readTransferList, takeOwnership } from './transfer';
import {
  enforceI64,
  enforceU64,
  invalid,
  missing,
  toBytes,
  toDictionary,
  toEnum,
  type AllowSharedBufferSource,
} from './validate';

export type EncodedChunkType = 'key' | 'delta';
const CHUNK_TYPES = ['key', 'delta'] as const;

export interface EncodedChunkInit {
  type: EncodedChunkType;
  timestamp: number;
  duration?: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}


// Marks an init built inside lib/ whose bytes need no validation or copy.
// The symbol is not exported from the package, so callers cannot forge it.
const OWNED = Symbol('owned bytes');
interface OwnedChunkInit extends EncodedChunkInit {
  [OWNED]: Uint8Array;
}

/** An init for a chunk that takes `bytes` as they are (no copy). */
export function ownedChunkInit(
  type: EncodedChunkType,
  timestamp: number,
  duration: number | null,
  bytes: Uint8Array,
): EncodedChunkInit {
  const init: OwnedChunkInit = { type, timestamp, data: bytes, [OWNED]: bytes };
  if (duration !== null) init.duration = duration;
  return init;
}

/**
 * An init for natively produced bytes with the numbers [key, timestamp,
 * duration or NaN] from n[at] (src/binding/codec_binding.cc
 * EncodedChunkToJs, and the demuxer's packets).
 */
export function nativeChunkInit(
  bytes: Uint8Array,
  n: Float64Array,
  at: number,
  type: EncodedChunkType = n[at] ? 'key' : 'delta',
): EncodedChunkInit {
  const duration = n[at + 2];
  return ownedChunkInit(type, n[at + 1], Number.isNaN(duration) ? null : duration, bytes);
}

// Grants lib/ code access to a chunk's bytes without exposing them publicly.
let bytesOf: (chunk: EncodedChunk) => Uint8Array;

export abstract class EncodedChunk {
  readonly #type: EncodedChunkType;
  readonly #timestamp: number;
  readonly #duration: number | null;
  readonly #data: Uint8Array;

  static {
    bytesOf = (chunk) => chunk.#data;
  }

  constructor(init: EncodedChunkInit, dictionary: string) {
    if (init !== null && typeof init === 'object' && OWNED in init) {
      // Built inside lib/ (an encoder's output): the bytes are already ours.
      const owned = init as OwnedChunkInit;
      this.#type = owned.type;
      this.#timestamp = owned.timestamp;
      this.#duration = owned.duration ?? null;
      this.#data = owned[OWNED];
      return;
    }
    if (init === undefined || init === null || typeof init !== 'object') {
      throw invalid(dictionary, 'a dictionary', init);
    }
    const d = toDictionary<EncodedChunkInit>(init, dictionary);
    // WebIDL reads dictionary members in lexicographic order.
    if (d.data === undefined) throw missing(`${dictionary}.data`, 'an ArrayBuffer, SharedArrayBuffer or ArrayBufferView');
    const view = toBytes(d.data, `${dictionary}.data`);
    const duration = d.duration === undefined ? null : enforceU64(d.duration, `${dictionary}.duration`);
    if (d.timestamp === undefined) throw missing(`${dictionary}.timestamp`, 'an integer number of microseconds');
    const timestamp = enforceI64(d.timestamp, `${dictionary}.timestamp`);
    const transfer = readTransferList(d.transfer, `${dictionary}.transfer`);
    if (d.type === undefined) throw missing(`${dictionary}.type`, '"key" or "delta"');
    const type = toEnum(d.type, CHUNK_TYPES, `${dictionary}.type`);

    checkTransferList(transfer, `${dictionary}.transfer`);
    this.#type = type;
    this.#timestamp = timestamp;
    this.#duration = duration;
    const source = view.buffer;
    if (transfer.includes(source as ArrayBuffer)) {
      // The caller gave us its buffer: keep its bytes instead of copying them.
      // Read the window first: detaching zeroes the view's offset and length.
      const { byteOffset, byteLength } = view;
      const moved = takeOwnership(source as ArrayBuffer);
      this.#data = new Uint8Array(moved, byteOffset, byteLength);
      detachAll(transfer.filter((b) => b !== source));
    } else {
      this.#data = view.slice();
      detachAll(transfer);
    }
  }

  get type(): EncodedChunkType {
    return this.#type;
  }
  get timestamp(): number {
    return this.#timestamp;
  }
  get duration(): number | null {
    return this.#duration;
  }
  get byteLength(): number {
    return this.#data.byteLength;
  }

  copyTo(destination: AllowSharedBufferSource): void {
    const dest = toBytes(destination, 'destination');
    if (dest.byteLength < this.#data.byteLength) {
      throw invalid('destination', `at least ${this.#data.byteLength} bytes`, destination);
    }
    dest.set(this.#data);
  }
}

/** The bytes of a chunk (no copy); for decoders and muxers inside lib/. */
export function chunkBytes(chunk: EncodedChunk): Uint8Array {
  return bytesOf(chunk);
}
