// ImageDecoder, ImageTrackList and ImageTrack: the spec's algorithms over a
// native decoder (src/binding/image_decoder.cc) whose demux thread reports
// the track and each frame as its bytes arrive; decodes run on the libuv
// pool one at a time, in the order they were asked for.
import * as nodeStream from 'node:stream';
import type { ReadableStreamReadResult } from 'node:stream/web';

import { domError, invalidState, notSupported } from './errors';
import {
  native,
  type NativeDecodedFrame,
  type NativeImageDecoder,
  type NativeImageEvent,
  type NativeImageTrack,
} from './native';
import { checkTransferList, detachAll, readTransferList, takeOwnership } from './transfer';
import {
  describe,
  enforceU32,
  enforceU64,
  invalid,
  isDetached,
  missing,
  toBool,
  toBytes,
  toDictionary,
  toDomString,
  toEnum,
} from './validate';
import type { ParsedColorSpace } from './video-color-space';
import { VideoFrame, videoFrameFromNative } from './video-frame';
import { defineInterface } from './webidl';

const COLOR_SPACE_CONVERSIONS = ['default', 'none'] as const;
export type ColorSpaceConversion = (typeof COLOR_SPACE_CONVERSIONS)[number];
export type ImageBufferSource = ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array>;

export interface ImageDecoderInit {
  type: string;
  data: ImageBufferSource;
  /**
   * "default": images with an ICC profile are converted to sRGB (RGBA/RGBX
   * frames). "none": samples as they are, the colour space naming what the
   * profile describes.
   */
  colorSpaceConversion?: ColorSpaceConversion;
  /** The displayed size (EXIF/AVIF orientation applied): quarter turns swap the coded one. */
  desiredWidth?: number;
  desiredHeight?: number;
  preferAnimation?: boolean;
  transfer?: ArrayBuffer[];
  /**
   * Extension: the most bytes the decoder holds at once, streamed data not
   * yet demuxed plus the demuxed frames (AVIF keeps all of its data, which
   * libavif reads back; a BufferSource's own bytes are not counted). Past
   * it the decoder closes with a QuotaExceededError. Default 256 MiB.
   */
  maxEncodedBytes?: number;
}

export interface ImageDecodeOptions {
  frameIndex?: number;
  completeFramesOnly?: boolean;
}

export interface ImageDecodeResult {
  image: VideoFrame;
  complete: boolean;
}

// node:stream tells whether a web stream was read from (its typings lack it).
const isDisturbed = (nodeStream as unknown as { isDisturbed(stream: unknown): boolean }).isDisturbed;

const DEFAULT_MAX_ENCODED_BYTES = 256 * 1024 * 1024;
// The largest output frame (src/core/limits.h kMaxPixels).
const MAX_PIXELS = 16384 * 16384;

// RFC 9110 tokens; a valid MIME type string is type "/" subtype followed by
// ";name=value" parameters.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const MIME_TYPE = new RegExp(
  `^(${TOKEN})/(${TOKEN})(?:[\\t ]*;[\\t ]*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\]|\\\\[\\s\\S])*"))*$`,
);

/** The lowercase essence ("image/png") of a valid image MIME type, or null. */
function imageMimeEssence(type: string): string | null {
  const m = MIME_TYPE.exec(type);
  if (!m || m[1].toLowerCase() !== 'image') return null;
  return `${m[1]}/${m[2]}`.toLowerCase();
}

// --- ImageTrack and ImageTrackList -----------------------------------------

// Lets only this module construct tracks and lists (they have no public
// constructor in the IDL).
const INTERNAL = Symbol('internal');

type SelectHandler = (track: ImageTrack, selected: boolean) => void;

let setTrackState: (track: ImageTrack, selected: boolean, frameCount?: number) => void;

export class ImageTrack {
  readonly #animated: boolean;
  #frameCount: number;
  readonly #repetitionCount: number;
  #selected = false;
  readonly #onSelect: SelectHandler;

  static {
    setTrackState = (track, selected, frameCount) => {
      track.#selected = selected;
      if (frameCount !== undefined) track.#frameCount = frameCount;
    };
  }

  /** Not for callers: tracks come from ImageDecoder.tracks. (A rest parameter: WebIDL's length is 0.) */
  constructor(...[token, animated, frameCount, repetitionCount, onSelect]: [symbol, boolean, number, number, SelectHandler]) {
    if (token !== INTERNAL) throw new TypeError('Illegal constructor: ImageTracks come from ImageDecoder.tracks.');
    this.#animated = animated;
    this.#frameCount = frameCount;
    this.#repetitionCount = repetitionCount;
    this.#onSelect = onSelect;
  }

  get animated(): boolean {
    return this.#animated;
  }
  get frameCount(): number {
    return this.#frameCount;
  }
  get repetitionCount(): number {
    return this.#repetitionCount;
  }
  get selected(): boolean {
    return this.#selected;
  }
  set selected(value: boolean) {
    this.#onSelect(this, toBool(value));
  }

}

let setTrackList: (list: ImageTrackList, tracks: ImageTrack[], selectedIndex: number) => void;
let setSelectedIndex: (list: ImageTrackList, index: number) => void;
let settleReady: (list: ImageTrackList, error: unknown) => void;

export class ImageTrackList {
  [index: number]: ImageTrack;
  #tracks: ImageTrack[] = [];
  #selectedIndex = -1;
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (err: unknown) => void;
  #readySettled = false;

  static {
    setTrackList = (list, tracks, selectedIndex) => {
      for (let i = 0; i < list.#tracks.length; i++) delete (list as unknown as Record<number, ImageTrack>)[i];
      list.#tracks = tracks;
      list.#selectedIndex = selectedIndex;
      // The IDL's indexed getter: list[i].
      tracks.forEach((track, i) => Object.defineProperty(list, i, { value: track, enumerable: true, configurable: true }));
    };
    setSelectedIndex = (list, index) => {
      list.#selectedIndex = index;
    };
    settleReady = (list, error) => {
      if (list.#readySettled) return;
      list.#readySettled = true;
      if (error === undefined) list.#resolveReady();
      else list.#rejectReady(error);
    };
  }

  /** Not for callers: the list comes from ImageDecoder.tracks. (A rest parameter: WebIDL's length is 0.) */
  constructor(...[token]: [symbol]) {
    if (token !== INTERNAL) throw new TypeError('Illegal constructor: the ImageTrackList comes from ImageDecoder.tracks.');
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // Whoever awaits `ready` sees a rejection; nobody awaiting it is no error.
    this.#ready.catch(() => {});
  }

  get ready(): Promise<void> {
    return this.#ready;
  }
  get length(): number {
    return this.#tracks.length;
  }
  get selectedIndex(): number {
    return this.#selectedIndex;
  }
  get selectedTrack(): ImageTrack | null {
    return this.#selectedIndex === -1 ? null : this.#tracks[this.#selectedIndex];
  }

}

// --- ImageDecoder ------------------------------------------------------------

interface PendingDecode {
  frameIndex: number;
  resolve: (result: ImageDecodeResult) => void;
  reject: (err: unknown) => void;
}

// Decoders with work outstanding stay reachable until it settles, even if
// the caller kept only a promise; the native side holds our callback weakly.
const busyDecoders = new Set<ImageDecoder>();

function isBufferSource(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/**
 * The colour space of a decoded image: what the native side found (its
 * tags, its ICC profile, sRGB after conversion or for untagged RGB), with
 * RGB formats' matrix and range.
 */
function imageColorSpace(reported: ParsedColorSpace, rgb: boolean): ParsedColorSpace {
  return rgb ? { ...reported, matrix: 'rgb', fullRange: true } : { ...reported };
}

export class ImageDecoder {
  readonly #type: string;
  #complete = false;
  readonly #completed: Promise<void>;
  #settleCompleted!: (error?: unknown) => void;
  readonly #tracks = new ImageTrackList(INTERNAL);
  #closed = false;
  #native: NativeImageDecoder | null = null;
  readonly #preferAnimation: boolean | null;
  #reader: ReadableStreamDefaultReader<unknown> | null = null;

  // The control message queue of decode requests, run one at a time.
  #pending: PendingDecode[] = [];
  #inFlight = false;
  // Bumped by reset: results of decodes started before are dropped.
  #generation = 0;

  #tracksEstablished = false;
  #internalSelectedIndex = -1;
  // What the demuxer last said of each track (frames whose bytes have
  // arrived), whether it has seen all of the data, and why it stopped
  // early if the data is malformed.
  #trackData: NativeImageTrack[] = [];
  #demuxEnded = false;
  #malformed: string | null = null;
  // Held here because the native side references it only weakly.
  readonly #onEvents = (events: NativeImageEvent[]) => this.#handleEvents(events);

  constructor(init: ImageDecoderInit) {
    const F = 'ImageDecoderInit';
    if (init === null || typeof init !== 'object') throw invalid(F, 'a dictionary', init);
    const d = init as Partial<ImageDecoderInit>;
    // WebIDL converts members in lexicographic order.
    const colorSpaceConversion =
      d.colorSpaceConversion === undefined
        ? 'default'
        : toEnum(d.colorSpaceConversion, COLOR_SPACE_CONVERSIONS, `${F}.colorSpaceConversion`);
    if (d.data === undefined) throw missing(`${F}.data`, 'a BufferSource or a ReadableStream');
    const data = d.data as unknown;
    const stream = data instanceof ReadableStream ? data : null;
    if (!stream && !isBufferSource(data)) {
      throw invalid(`${F}.data`, 'an ArrayBuffer, an ArrayBufferView or a ReadableStream', data);
    }
    const desiredHeight = d.desiredHeight === undefined ? undefined : enforceU32(d.desiredHeight, `${F}.desiredHeight`);
    const desiredWidth = d.desiredWidth === undefined ? undefined : enforceU32(d.desiredWidth, `${F}.desiredWidth`);
    const maxEncodedBytes =
      d.maxEncodedBytes === undefined ? DEFAULT_MAX_ENCODED_BYTES : enforceU64(d.maxEncodedBytes, `${F}.maxEncodedBytes`);
    const preferAnimation = d.preferAnimation === undefined ? null : toBool(d.preferAnimation);
    const transfer = readTransferList(d.transfer, `${F}.transfer`);
    if (d.type === undefined) throw missing(`${F}.type`, 'an image MIME type');
    const type = toDomString(d.type, `${F}.type`);

    // valid ImageDecoderInit
    const essence = imageMimeEssence(type);
    if (!essence) throw invalid(`${F}.type`, 'a valid image MIME type such as "image/png"', type);
    let bytes: Uint8Array | null = null;
    if (stream) {
      if (stream.locked || isDisturbed(stream)) {
        throw invalid(`${F}.data`, 'a ReadableStream that is neither locked nor already read', 'a used stream');
      }
    } else {
      const buffer = ArrayBuffer.isView(data) ? data.buffer : (data as ArrayBuffer);
      if (isDetached(buffer)) throw invalid(`${F}.data`, 'a buffer that is not detached', 'a detached buffer');
      bytes = toBytes(data, `${F}.data`);
      if (bytes.byteLength === 0) throw invalid(`${F}.data`, 'a non-empty buffer', data);
    }
    if ((desiredWidth === undefined) !== (desiredHeight === undefined)) {
      throw invalid(`${F}.desiredWidth/desiredHeight`, 'both or neither', desiredWidth ?? desiredHeight);
    }
    if (desiredWidth !== undefined && desiredHeight !== undefined) {
      if (desiredWidth === 0 || desiredHeight === 0 || desiredWidth * desiredHeight > MAX_PIXELS) {
        throw invalid(
          `${F}.desiredWidth/desiredHeight`,
          `a non-zero size of at most ${MAX_PIXELS} pixels`,
          `${desiredWidth}x${desiredHeight}`,
        );
      }
    }
    if (maxEncodedBytes === 0) throw invalid(`${F}.maxEncodedBytes`, 'a positive number of bytes', 0);
    checkTransferList(transfer, `${F}.transfer`);

    this.#type = type;
    this.#preferAnimation = preferAnimation;
    let settled = false;
    this.#completed = new Promise<void>((resolve, reject) => {
      this.#settleCompleted = (error?: unknown) => {
        if (settled) return;
        settled = true;
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    this.#completed.catch(() => {});

    // "Configure the image decoder": support is checked here; an
    // unsupported type closes the decoder in a later task, as the spec's
    // control message does, so decode() and tracks.ready reject with it.
    if (native.ImageDecoderNative.isTypeSupported(essence)) {
      this.#native = new native.ImageDecoderNative(
        essence,
        desiredWidth ?? 0,
        desiredHeight ?? 0,
        colorSpaceConversion === 'default',
        maxEncodedBytes + (bytes ? bytes.byteLength : 0),
        this.#onEvents,
      );
    } else {
      setImmediate(() => {
        if (!this.#closed) this.#close(notSupported(`ImageDecoder does not support the type "${type}".`));
      });
    }

    if (stream) {
      this.#reader = stream.getReader();
      if (this.#native) void this.#readStream(this.#reader);
    } else {
      const view = bytes as Uint8Array;
      const buffer = view.buffer;
      if (this.#native) {
        if (buffer instanceof ArrayBuffer && transfer.includes(buffer)) {
          // Transferred: decode from the caller's bytes without a copy (the
          // view reads as empty once its buffer moves, so take its window first).
          const { byteOffset, byteLength } = view;
          this.#native.adopt(new Uint8Array(takeOwnership(buffer), byteOffset, byteLength));
        } else {
          this.#native.append(view);
        }
        this.#native.end();
      }
      this.#complete = true;
      this.#settleCompleted();
    }
    detachAll(transfer);
    this.#updateBusy();
  }

  get type(): string {
    return this.#type;
  }
  get complete(): boolean {
    return this.#complete;
  }
  get completed(): Promise<void> {
    return this.#completed;
  }
  get tracks(): ImageTrackList {
    return this.#tracks;
  }

  decode(options: ImageDecodeOptions | undefined = undefined): Promise<ImageDecodeResult> {
    let frameIndex: number;
    try {
      const F = 'ImageDecodeOptions';
      const o = toDictionary<ImageDecodeOptions>(options, F);
      // completeFramesOnly only matters for progressive images, which are
      // decoded once complete here.
      toBool(o.completeFramesOnly ?? true);
      frameIndex = o.frameIndex === undefined ? 0 : enforceU32(o.frameIndex, `${F}.frameIndex`);
      if (this.#closed) throw invalidState('decode() called on a closed ImageDecoder.');
      // Before the tracks are established nothing is selected yet; the
      // decode waits for them (as Chromium does) rather than failing.
      if (this.#tracksEstablished && this.#tracks.selectedIndex === -1) {
        throw invalidState('decode() called while no track is selected.');
      }
    } catch (err) {
      return Promise.reject(err);
    }
    const promise = new Promise<ImageDecodeResult>((resolve, reject) => {
      this.#pending.push({ frameIndex, resolve, reject });
    });
    this.#pump();
    this.#updateBusy();
    return promise;
  }

  reset(): void {
    this.#reset(domError('AbortError', 'reset() was called.'));
    this.#pump();
  }

  close(): void {
    if (this.#closed) return;
    this.#close(domError('AbortError', 'close() was called.'));
  }

  static isTypeSupported(type: string): Promise<boolean> {
    let essence: string | null;
    try {
      essence = imageMimeEssence(toDomString(type, 'type'));
      if (!essence) throw invalid('type', 'a valid image MIME type such as "image/png"', type);
    } catch (err) {
      return Promise.reject(err);
    }
    const e = essence;
    return new Promise((resolve) => setImmediate(() => resolve(native.ImageDecoderNative.isTypeSupported(e))));
  }


  // --- The spec's algorithms ------------------------------------------------

  /** Reset ImageDecoder: pending decodes reject with `exception`. */
  #reset(exception: unknown): void {
    this.#generation++;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(exception);
    this.#updateBusy();
  }

  /** Close ImageDecoder. */
  #close(exception: unknown): void {
    this.#reset(exception);
    this.#closed = true;
    this.#native?.close();
    this.#native = null;
    setTrackList(this.#tracks, [], -1);
    settleReady(this.#tracks, exception);
    if (!this.#complete) this.#settleCompleted(exception);
    this.#reader?.cancel().catch(() => {});
    this.#updateBusy();
  }

  /** The Fetch Stream Data Loop. */
  async #readStream(reader: ReadableStreamDefaultReader<unknown>): Promise<void> {
    for (;;) {
      let result: ReadableStreamReadResult<unknown>;
      try {
        result = await reader.read();
      } catch (err) {
        if (!this.#closed) {
          this.#close(domError('NotReadableError', `Reading the image data stream failed: ${String((err as Error)?.message ?? err)}`));
        }
        return;
      }
      if (this.#closed) return;
      if (result.done) {
        this.#native?.end();
        this.#complete = true;
        this.#settleCompleted();
        return;
      }
      const chunk = result.value;
      if (!(chunk instanceof Uint8Array)) {
        setImmediate(() => {
          if (!this.#closed) {
            this.#close(
              domError('DataError', `The image data stream must produce Uint8Array chunks; received ${describe(chunk)}.`),
            );
          }
        });
        return;
      }
      try {
        this.#native?.append(chunk);
      } catch (err) {
        this.#close(err);
        return;
      }
    }
  }

  #handleEvents(events: NativeImageEvent[]): void {
    for (const e of events) {
      if (this.#closed) return;
      switch (e.type) {
        case 'tracks':
          this.#establishTracks(e);
          break;
        case 'frames':
          this.#updateTracks(e);
          break;
        case 'end':
          this.#updateTracks(e);
          this.#demuxEnded = true;
          this.#malformed = e.malformed ?? null;
          break;
        case 'error':
          this.#close(e.error);
          return;
      }
    }
    this.#pump();
    this.#updateBusy();
  }

  /** Establish Tracks. */
  #establishTracks(e: NativeImageEvent): void {
    const data = e.tracks ?? [];
    const list = data.map(
      (t) => new ImageTrack(INTERNAL, t.animated, t.frameCount, t.repetitionCount, (track, value) => this.#selectTrack(track, value)),
    );
    const selected = this.#defaultSelectedIndex(list, e.primary ?? 0);
    setTrackState(list[selected], true);
    this.#internalSelectedIndex = selected;
    this.#tracksEstablished = true;
    this.#trackData = data;
    setTrackList(this.#tracks, list, selected);
    settleReady(this.#tracks, undefined);
  }

  /** Get Default Selected Track Index. */
  #defaultSelectedIndex(list: ImageTrack[], primary: number): number {
    const prefer = this.#preferAnimation;
    if (prefer === null || list[primary].animated === prefer) return primary;
    const match = list.findIndex((t) => t.animated === prefer);
    return match === -1 ? 0 : match;
  }

  /** Update Tracks: frame counts only grow. */
  #updateTracks(e: NativeImageEvent): void {
    (e.tracks ?? []).forEach((latest, i) => {
      const previous = this.#trackData[i];
      this.#trackData[i] = { ...latest, available: Math.max(previous?.available ?? 0, latest.available) };
      const track = this.#tracks[i];
      if (track && latest.frameCount > track.frameCount) setTrackState(track, track.selected, latest.frameCount);
    });
  }

  /** The ImageTrack.selected setter's steps. */
  #selectTrack(track: ImageTrack, value: boolean): void {
    if (this.#closed || value === track.selected) return;
    setTrackState(track, value);
    const list = this.#tracks;
    const old = list.selectedIndex;
    if (old !== -1 && list[old] !== track) setTrackState(list[old], false);
    let index = -1;
    if (value) for (let i = 0; i < list.length; i++) if (list[i] === track) index = i;
    setSelectedIndex(list, index);
    this.#reset(domError('AbortError', 'The selected track changed.'));
    this.#internalSelectedIndex = index;
  }

  /** Runs the decode at the head of the queue once its frame can be decoded. */
  #pump(): void {
    while (!this.#closed && !this.#inFlight && this.#pending.length > 0 && this.#tracksEstablished) {
      const head = this.#pending[0];
      if (this.#internalSelectedIndex === -1) {
        this.#pending.shift();
        head.reject(invalidState('decode() needs a selected track.'));
        continue;
      }
      const track = this.#trackData[this.#internalSelectedIndex];
      if (head.frameIndex >= track.available) {
        if (!this.#demuxEnded) return;  // its bytes have not all arrived yet
        if (this.#malformed !== null) {
          // Fatally Reject Bad Data.
          this.#close(domError('EncodingError', this.#malformed));
          return;
        }
        // Reject Infeasible Decode: the data is complete.
        this.#pending.shift();
        head.reject(new RangeError(this.#infeasible(track, head.frameIndex)));
        continue;
      }
      this.#decodeHead(head, this.#native as NativeImageDecoder, this.#internalSelectedIndex);
    }
  }

  /** Why a frame of a completely buffered track cannot be decoded. */
  #infeasible(track: NativeImageTrack, frameIndex: number): string {
    if (frameIndex === track.available && track.truncated !== undefined) return track.truncated;
    if (track.available === 0) return `Invalid frameIndex; the image holds no complete frame, received ${frameIndex}.`;
    return `Invalid frameIndex; expected a frame from 0 to ${track.available - 1}, received ${frameIndex}.`;
  }

  #decodeHead(head: PendingDecode, decoder: NativeImageDecoder, trackIndex: number): void {
    this.#inFlight = true;
    const generation = this.#generation;
    decoder.decode(trackIndex, head.frameIndex).then(
      (image) => {
        this.#inFlight = false;
        if (generation !== this.#generation || this.#closed) {
          image.frame.close();
        } else {
          this.#pending.shift();
          head.resolve({ image: this.#videoFrame(image), complete: true });
        }
        this.#pump();
        this.#updateBusy();
      },
      (err: unknown) => {
        this.#inFlight = false;
        // Fatally Reject Bad Data: the decoder closes, every pending decode
        // rejects with the EncodingError.
        if (generation === this.#generation && !this.#closed) this.#close(err);
        this.#pump();
        this.#updateBusy();
      },
    );
  }

  #videoFrame(image: NativeDecodedFrame): VideoFrame {
    const rgb = ['RGBA', 'RGBX', 'BGRA', 'BGRX'].includes(image.frame.format);
    return videoFrameFromNative(image.frame, {
      timestamp: image.timestamp,
      duration: image.duration,
      visible: image.visible,
      displayWidth: image.displayWidth,
      displayHeight: image.displayHeight,
      rotation: image.rotation,
      flip: image.flip,
      colorSpace: imageColorSpace(image.color, rgb),
    });
  }

  #updateBusy(): void {
    const busy = !this.#closed && (this.#pending.length > 0 || this.#inFlight || (this.#native !== null && !this.#demuxEnded));
    if (busy) busyDecoders.add(this);
    else busyDecoders.delete(this);
  }
}

defineInterface(ImageTrack, 'ImageTrack', ['animated', 'frameCount', 'repetitionCount', 'selected']);

defineInterface(ImageTrackList, 'ImageTrackList', ['ready', 'length', 'selectedIndex', 'selectedTrack']);

defineInterface(ImageDecoder, 'ImageDecoder', ['type', 'complete', 'completed', 'tracks', 'decode', 'reset', 'close'], ['isTypeSupported']);
