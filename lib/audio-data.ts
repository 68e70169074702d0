// AudioData: the spec's attributes, copyTo/allocationSize and clone/close
// over a native handle that owns one reference to the samples
// (src/binding/audio_data.cc).
import { invalidState } from './errors';
import { SharedHandle } from './leak-warning';
import { native, type NativeAudioDataHandle } from './native';
import { checkTransferList, detachAll, readTransferList } from './transfer';
import {
  enforceI64,
  enforceU32,
  invalid,
  missing,
  toBytes,
  toDictionary,
  toEnum,
  type AllowSharedBufferSource,
} from './validate';
import { defineInterface } from './webidl';

export const AUDIO_SAMPLE_FORMATS = [
  'u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar',
] as const;
export type AudioSampleFormat = (typeof AUDIO_SAMPLE_FORMATS)[number];

export interface AudioDataInit {
  format: AudioSampleFormat;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  timestamp: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export interface AudioDataCopyToOptions {
  planeIndex: number;
  frameOffset?: number;
  frameCount?: number;
  format?: AudioSampleFormat;
}

/** Everything an AudioData holds until close(). */
interface DataState {
  ref: SharedHandle<NativeAudioDataHandle>;
  format: AudioSampleFormat;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
}

/** WebIDL `float` (restricted): finite, rounded to single precision. */
function toFloat(value: unknown, field: string): number {
  let n: number;
  try {
    n = +(value as number);
  } catch {
    throw invalid(field, 'a finite number', value);
  }
  const f = Math.fround(n);
  if (!Number.isFinite(f)) throw invalid(field, 'a finite number within float range', value);
  return f;
}

/** AudioDataCopyToOptions after WebIDL conversion (lexicographic order). */
function readCopyToOptions(value: unknown): [number, number, number | null, AudioSampleFormat | null] {
  const F = 'AudioDataCopyToOptions';
  const d = toDictionary<AudioDataCopyToOptions>(value, F);
  const format = d.format === undefined ? null : toEnum(d.format, AUDIO_SAMPLE_FORMATS, `${F}.format`);
  const frameCount = d.frameCount === undefined ? null : enforceU32(d.frameCount, `${F}.frameCount`);
  const frameOffset = d.frameOffset === undefined ? 0 : enforceU32(d.frameOffset, `${F}.frameOffset`);
  if (d.planeIndex === undefined) throw missing(`${F}.planeIndex`, 'the index of the plane to copy');
  const planeIndex = enforceU32(d.planeIndex, `${F}.planeIndex`);
  return [planeIndex, frameOffset, frameCount, format];
}

let refOf: (data: AudioData) => SharedHandle<NativeAudioDataHandle> | null;

// Passed as the constructor's argument by lib/ code that already holds a
// complete state (clones, decoder outputs); not exported.
const INTERNAL = Symbol('internal AudioData');
interface InternalInit {
  [INTERNAL]: true;
  state: DataState;
  timestamp: number;
}

export class AudioData {
  #state: DataState | null = null;
  #timestamp = 0;

  static {
    refOf = (data) => data.#state?.ref ?? null;
  }

  constructor(init: AudioDataInit) {
    if (init !== null && typeof init === 'object' && INTERNAL in init) {
      const i = init as unknown as InternalInit;
      this.#state = i.state;
      this.#timestamp = i.timestamp;
      return;
    }
    const F = 'AudioDataInit';
    if (init !== undefined && init !== null && typeof init !== 'object') throw invalid(F, 'a dictionary', init);
    const d = toDictionary<AudioDataInit>(init, F);
    // Members in WebIDL's lexicographic order.
    // An AllowSharedBufferSource since w3c/webcodecs#947 (as in Chromium): the samples are copied.
    if (d.data === undefined) throw missing(`${F}.data`, 'an ArrayBuffer, SharedArrayBuffer or ArrayBufferView');
    const data = toBytes(d.data, `${F}.data`);
    if (d.format === undefined) throw missing(`${F}.format`, 'an AudioSampleFormat');
    const format = toEnum(d.format, AUDIO_SAMPLE_FORMATS, `${F}.format`);
    if (d.numberOfChannels === undefined) throw missing(`${F}.numberOfChannels`, 'a positive integer');
    const numberOfChannels = enforceU32(d.numberOfChannels, `${F}.numberOfChannels`);
    if (d.numberOfFrames === undefined) throw missing(`${F}.numberOfFrames`, 'a positive integer');
    const numberOfFrames = enforceU32(d.numberOfFrames, `${F}.numberOfFrames`);
    if (d.sampleRate === undefined) throw missing(`${F}.sampleRate`, 'a positive number of frames per second');
    const sampleRate = toFloat(d.sampleRate, `${F}.sampleRate`);
    if (d.timestamp === undefined) throw missing(`${F}.timestamp`, 'an integer number of microseconds');
    const timestamp = enforceI64(d.timestamp, `${F}.timestamp`);
    const transfer = readTransferList(d.transfer, `${F}.transfer`);

    // valid AudioDataInit (the data size is checked natively, with our limits)
    if (!(sampleRate > 0)) throw invalid(`${F}.sampleRate`, 'a positive number', sampleRate);
    if (numberOfFrames === 0) throw invalid(`${F}.numberOfFrames`, 'a positive integer', 0);
    if (numberOfChannels === 0) throw invalid(`${F}.numberOfChannels`, 'a positive integer', 0);
    const handle = native.AudioDataHandle.fromBuffer(data, format, sampleRate, numberOfFrames, numberOfChannels);
    try {
      checkTransferList(transfer, `${F}.transfer`);
    } catch (err) {
      handle.close();
      throw err;
    }
    detachAll(transfer);
    this.#state = { ref: new SharedHandle(handle, 'AudioData'), format, sampleRate, numberOfFrames, numberOfChannels };
    this.#timestamp = timestamp;
  }

  get format(): AudioSampleFormat | null {
    return this.#state?.format ?? null;
  }
  get sampleRate(): number {
    return this.#state?.sampleRate ?? 0;
  }
  get numberOfFrames(): number {
    return this.#state?.numberOfFrames ?? 0;
  }
  get numberOfChannels(): number {
    return this.#state?.numberOfChannels ?? 0;
  }
  get timestamp(): number {
    return this.#timestamp;
  }
  /** frames / sampleRate in microseconds, truncated to an integer (0 once closed). */
  get duration(): number {
    const s = this.#state;
    return s ? Math.trunc((s.numberOfFrames * 1e6) / s.sampleRate) : 0;
  }

  allocationSize(options: AudioDataCopyToOptions): number {
    const opts = readCopyToOptions(options);
    const s = this.#state;
    if (!s) throw invalidState('allocationSize() called on a closed AudioData.');
    return s.ref.handle.allocationSize(...opts);
  }

  copyTo(destination: AllowSharedBufferSource, options: AudioDataCopyToOptions): void {
    const dest = toBytes(destination, 'destination');
    const opts = readCopyToOptions(options);
    const s = this.#state;
    if (!s) throw invalidState('copyTo() called on a closed AudioData.');
    s.ref.handle.copyTo(dest, ...opts);
  }

  clone(): AudioData {
    const s = this.#state;
    if (!s) throw invalidState('clone() called on a closed AudioData.');
    return internalData({ ...s, ref: s.ref.retain() }, this.#timestamp);
  }

  close(): void {
    const s = this.#state;
    if (!s) return;
    this.#state = null;
    s.ref.release();
  }
}

function internalData(state: DataState, timestamp: number): AudioData {
  const init: InternalInit = { [INTERNAL]: true, state, timestamp };
  return new AudioData(init as unknown as AudioDataInit);
}

/**
 * An AudioData over samples produced natively, with the shape the decoder
 * reported with them (four accessor calls into the handle cost more than
 * the rest of an output).
 */
export function audioDataFromNative(
  handle: NativeAudioDataHandle,
  format: AudioSampleFormat,
  sampleRate: number,
  numberOfFrames: number,
  numberOfChannels: number,
  timestamp: number,
): AudioData {
  return internalData(
    { ref: new SharedHandle(handle, 'AudioData'), format, sampleRate, numberOfFrames, numberOfChannels },
    timestamp,
  );
}

/** The shared native reference of an open AudioData, or null once it is closed. */
export function audioDataRef(data: AudioData): SharedHandle<NativeAudioDataHandle> | null {
  return refOf(data);
}

defineInterface(AudioData, 'AudioData', ['format', 'sampleRate', 'numberOfFrames', 'numberOfChannels', 'duration', 'timestamp', 'allocationSize', 'copyTo', 'clone', 'close']);
