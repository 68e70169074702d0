// VideoFrame: the spec's attribute and algorithm logic over a native handle
// that owns one reference to the pixels (src/binding/video_frame.cc).
import { DOMRectReadOnly, type DOMRectInit } from './dom-rect';
import { invalidState, notSupported } from './errors';
import { native, type NativeVideoFrameHandle } from './native';
import { checkTransferList, detachAll, readTransferList } from './transfer';
import {
  enforceI64,
  enforceU32,
  enforceU64,
  invalid,
  missing,
  toBool,
  toI64,
  toU64,
  toBytes,
  toDictionary,
  toEnum,
  type AllowSharedBufferSource,
} from './validate';
import {
  REC709_COLOR_SPACE,
  SRGB_COLOR_SPACE,
  VideoColorSpace,
  parseColorSpaceInit,
  type ParsedColorSpace,
  type VideoColorSpaceInit,
} from './video-color-space';
import { SharedHandle } from './leak-warning';
import { defineInterface } from './webidl';

export const VIDEO_PIXEL_FORMATS = [
  'I420', 'I420P10', 'I420P12', 'I420A', 'I420AP10', 'I420AP12',
  'I422', 'I422P10', 'I422P12', 'I422A', 'I422AP10', 'I422AP12',
  'I444', 'I444P10', 'I444P12', 'I444A', 'I444AP10', 'I444AP12',
  'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX',
] as const;
export type VideoPixelFormat = (typeof VIDEO_PIXEL_FORMATS)[number];

const RGB_FORMATS: readonly VideoPixelFormat[] = ['RGBA', 'RGBX', 'BGRA', 'BGRX'];
const ALPHA_OPTIONS = ['keep', 'discard'] as const;
const PREDEFINED_COLOR_SPACES = ['srgb', 'display-p3'] as const;

export type AlphaOption = (typeof ALPHA_OPTIONS)[number];
export type PredefinedColorSpace = (typeof PREDEFINED_COLOR_SPACES)[number];

export interface PlaneLayout {
  offset: number;
  stride: number;
}

export interface VideoFrameMetadata {
  rtpTimestamp?: number;
}

export interface VideoFrameInit {
  duration?: number;
  timestamp?: number;
  alpha?: AlphaOption;
  visibleRect?: DOMRectInit;
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameBufferInit {
  format: VideoPixelFormat;
  codedWidth: number;
  codedHeight: number;
  timestamp: number;
  duration?: number;
  layout?: PlaneLayout[];
  visibleRect?: DOMRectInit;
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  transfer?: ArrayBuffer[];
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameCopyToOptions {
  rect?: DOMRectInit;
  layout?: PlaneLayout[];
  format?: VideoPixelFormat;
  colorSpace?: PredefinedColorSpace;
}

type Rect = [x: number, y: number, width: number, height: number];

/** Everything a VideoFrame holds until close(). */
interface FrameState {
  ref: SharedHandle<NativeVideoFrameHandle>;
  format: VideoPixelFormat;
  codedWidth: number;
  codedHeight: number;
  visible: Rect;
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  flip: boolean;
  metadata: VideoFrameMetadata;
}

/** Properties a decoder supplies with a native frame. */
export interface DecodedFrameProps {
  timestamp: number;
  duration: number | null;
  visible: Rect;
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  flip: boolean;
  colorSpace: ParsedColorSpace;
}

// --- WebIDL conversions -----------------------------------------------------

/** DOMRectInit: unrestricted doubles, default 0, read in lexicographic order. */
function readRectInit(value: unknown, field: string): { x: number; y: number; width: number; height: number } {
  const d = toDictionary<DOMRectInit>(value, field);
  const num = (v: unknown, f: string): number => {
    if (v === undefined) return 0;
    try {
      return +(v as number);
    } catch {
      throw invalid(f, 'a number', v);
    }
  };
  const height = num(d.height, `${field}.height`);
  const width = num(d.width, `${field}.width`);
  const x = num(d.x, `${field}.x`);
  const y = num(d.y, `${field}.y`);
  return { x, y, width, height };
}

/** The spec's "negative or not finite" check, then truncation to integers. */
function truncateRect(r: { x: number; y: number; width: number; height: number }, field: string): Rect {
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    if (!Number.isFinite(r[key]) || r[key] < 0) throw invalid(`${field}.${key}`, 'a finite, non-negative number', r[key]);
  }
  return [Math.trunc(r.x), Math.trunc(r.y), Math.trunc(r.width), Math.trunc(r.height)];
}

function readLayout(value: unknown, field: string): number[] | null {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalid(field, 'a sequence of PlaneLayout', value);
  }
  const flat: number[] = [];
  let i = 0;
  for (const item of value as Iterable<unknown>) {
    const f = `${field}[${i++}]`;
    if (item === null || item === undefined || typeof item !== 'object') throw invalid(f, 'a PlaneLayout', item);
    const pl = item as Partial<PlaneLayout>;
    if (pl.offset === undefined) throw missing(`${f}.offset`, 'an integer byte offset');
    const offset = enforceU32(pl.offset, `${f}.offset`);
    if (pl.stride === undefined) throw missing(`${f}.stride`, 'an integer byte stride');
    const stride = enforceU32(pl.stride, `${f}.stride`);
    flat.push(offset, stride);
  }
  return flat;
}

const METADATA_MEMBERS = ['rtpTimestamp'] as const;

/** VideoFrameMetadata: registered members only, deep-copied ("Copy VideoFrame metadata"). */
function readMetadata(value: unknown, field: string): VideoFrameMetadata {
  const d = toDictionary<VideoFrameMetadata>(value, field);
  const out: VideoFrameMetadata = {};
  if (d.rtpTimestamp !== undefined) out.rtpTimestamp = enforceU32(d.rtpTimestamp, `${field}.rtpTimestamp`);
  return out;
}

function copyMetadata(m: VideoFrameMetadata): VideoFrameMetadata {
  const out: VideoFrameMetadata = {};
  for (const key of METADATA_MEMBERS) if (m[key] !== undefined) out[key] = m[key];
  return out;
}

/** Parse Rotation: nearest multiple of 90 (ties up), then into [0, 360). */
function parseRotation(value: unknown, field: string): number {
  if (value === undefined) return 0;
  let r: number;
  try {
    r = +(value as number);
  } catch {
    throw invalid(field, 'a number', value);
  }
  if (!Number.isFinite(r)) throw invalid(field, 'a finite number', value);
  const aligned = Math.floor(r / 90 + 0.5) * 90;
  return aligned - Math.floor(aligned / 360) * 360 + 0;
}

function addRotations(base: number, baseFlip: boolean, rotation: number): number {
  const combined = baseFlip ? base - rotation : base + rotation;
  return combined - Math.floor(combined / 360) * 360 + 0;
}

function pickColorSpace(override: ParsedColorSpace | null, format: VideoPixelFormat): VideoColorSpace {
  const cs = override ?? (RGB_FORMATS.includes(format) ? SRGB_COLOR_SPACE : REC709_COLOR_SPACE);
  return new VideoColorSpace(cs);
}

function readDisplaySize(
  d: { displayWidth?: unknown; displayHeight?: unknown },
  field: string,
): [number, number] | null {
  const displayHeight = d.displayHeight === undefined ? undefined : enforceU32(d.displayHeight, `${field}.displayHeight`);
  const displayWidth = d.displayWidth === undefined ? undefined : enforceU32(d.displayWidth, `${field}.displayWidth`);
  if ((displayWidth === undefined) !== (displayHeight === undefined)) {
    throw invalid(`${field}.displayWidth/displayHeight`, 'both or neither', displayWidth ?? displayHeight);
  }
  if (displayWidth === undefined || displayHeight === undefined) return null;
  if (displayWidth === 0 || displayHeight === 0) {
    throw invalid(`${field}.displayWidth/displayHeight`, 'non-zero values', `${displayWidth}x${displayHeight}`);
  }
  return [displayWidth, displayHeight];
}

function isBufferSource(value: unknown): value is AllowSharedBufferSource {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)
  );
}

// --- VideoFrame ---------------------------------------------------------------

let refOf: (frame: VideoFrame) => SharedHandle<NativeVideoFrameHandle> | null;

// Passed as the constructor's first argument by lib/ code that already holds
// a complete frame state (clones, decoder outputs). Not exported, so callers
// of the public constructor cannot reach that path.
const INTERNAL = Symbol('internal VideoFrame');
interface InternalInit {
  state: FrameState;
  timestamp: number;
  duration: number | null;
  colorSpace: VideoColorSpace;
}

export class VideoFrame {
  // Every constructor path ends in #init(), which sets them all.
  #state!: FrameState | null;
  #timestamp!: number;
  #duration!: number | null;
  #colorSpace!: VideoColorSpace;

  static {
    refOf = (frame) => frame.#state?.ref ?? null;
  }

  constructor(image: VideoFrame, init?: VideoFrameInit);
  constructor(data: AllowSharedBufferSource, init: VideoFrameBufferInit);
  constructor(source: VideoFrame | AllowSharedBufferSource, init: VideoFrameInit | VideoFrameBufferInit | undefined = undefined) {
    if ((source as unknown) === INTERNAL) {
      const i = init as unknown as InternalInit;
      this.#init(i.state, i.timestamp, i.duration, i.colorSpace);
    } else if (source instanceof VideoFrame) {
      this.#initFromFrame(source, init as VideoFrameInit | undefined);
    } else if (isBufferSource(source)) {
      if (init === undefined || init === null || typeof init !== 'object') {
        throw invalid('VideoFrameBufferInit', 'a dictionary', init);
      }
      this.#initFromBuffer(source, init as VideoFrameBufferInit);
    } else {
      throw invalid('image', 'a VideoFrame or an ArrayBuffer, SharedArrayBuffer or ArrayBufferView', source);
    }
  }

  #init(state: FrameState, timestamp: number, duration: number | null, colorSpace: VideoColorSpace): void {
    this.#state = state;
    this.#timestamp = timestamp;
    this.#duration = duration;
    this.#colorSpace = colorSpace;
  }

  #initFromBuffer(data: AllowSharedBufferSource, init: VideoFrameBufferInit): void {
    const F = 'VideoFrameBufferInit';
    const d = toDictionary<VideoFrameBufferInit>(init, F);
    const bytes = toBytes(data, 'data');
    // Members in WebIDL's lexicographic order.
    if (d.codedHeight === undefined) throw missing(`${F}.codedHeight`, 'a positive integer');
    let codedHeight = enforceU32(d.codedHeight, `${F}.codedHeight`);
    if (d.codedWidth === undefined) throw missing(`${F}.codedWidth`, 'a positive integer');
    let codedWidth = enforceU32(d.codedWidth, `${F}.codedWidth`);
    const colorSpace = d.colorSpace === undefined ? null : parseColorSpaceInit(d.colorSpace, `${F}.colorSpace`);
    const display = readDisplaySize(d, F);
    const duration = d.duration === undefined ? null : enforceU64(d.duration, `${F}.duration`);
    const flip = toBool(d.flip);
    if (d.format === undefined) throw missing(`${F}.format`, 'a VideoPixelFormat');
    const format = toEnum(d.format, VIDEO_PIXEL_FORMATS, `${F}.format`);
    const layout = readLayout(d.layout, `${F}.layout`);
    const metadata = readMetadata(d.metadata, `${F}.metadata`);
    const rotation = parseRotation(d.rotation, `${F}.rotation`);
    if (d.timestamp === undefined) throw missing(`${F}.timestamp`, 'an integer number of microseconds');
    const timestamp = enforceI64(d.timestamp, `${F}.timestamp`);
    const transfer = readTransferList(d.transfer, `${F}.transfer`);
    const visibleRectInit = d.visibleRect === undefined ? null : readRectInit(d.visibleRect, `${F}.visibleRect`);

    // valid VideoFrameBufferInit
    if (codedWidth === 0 || codedHeight === 0) {
      throw invalid(`${F}.codedWidth/codedHeight`, 'non-zero values', `${codedWidth}x${codedHeight}`);
    }
    const override = visibleRectInit ? truncateRect(visibleRectInit, `${F}.visibleRect`) : null;
    let visible = native.VideoFrameHandle.parseRect(
      format,
      codedWidth,
      codedHeight,
      null,
      override,
      `${F}.visibleRect`,
    ) as Rect;
    const handle = native.VideoFrameHandle.fromBuffer(bytes, format, codedWidth, codedHeight, visible, layout);
    // A visible rect is copied out of the coded image: as the spec allows
    // ("MAY use visibleRect to copy only the visible rectangle ... and
    // reposition it") and Chromium does, the frame is that rect, at the origin.
    if (override) [codedWidth, codedHeight, visible] = [visible[2], visible[3], [0, 0, visible[2], visible[3]]];
    try {
      checkTransferList(transfer, `${F}.transfer`);
    } catch (err) {
      handle.close();
      throw err;
    }
    detachAll(transfer);

    const quarterTurn = rotation === 90 || rotation === 270;
    const [displayWidth, displayHeight] =
      display ?? (quarterTurn ? [visible[3], visible[2]] : [visible[2], visible[3]]);
    this.#init(
      { ref: new SharedHandle(handle, 'VideoFrame'), format, codedWidth, codedHeight, visible, displayWidth, displayHeight, rotation, flip, metadata },
      timestamp,
      duration,
      pickColorSpace(colorSpace, format),
    );
  }

  #initFromFrame(other: VideoFrame, init: VideoFrameInit | undefined): void {
    const F = 'VideoFrameInit';
    // WebIDL converts the init before the constructor's steps check the source.
    const d = toDictionary<VideoFrameInit>(init, F);
    const alpha = d.alpha === undefined ? 'keep' : toEnum(d.alpha, ALPHA_OPTIONS, `${F}.alpha`);
    const display = readDisplaySize(d, F);
    // No [EnforceRange] on VideoFrameInit's times, unlike VideoFrameBufferInit's.
    const duration = d.duration === undefined ? other.#duration : toU64(d.duration, `${F}.duration`);
    const flip = toBool(d.flip);
    const metadata = d.metadata === undefined ? {} : readMetadata(d.metadata, `${F}.metadata`);
    const rotation = parseRotation(d.rotation, `${F}.rotation`);
    const timestamp = d.timestamp === undefined ? other.#timestamp : toI64(d.timestamp, `${F}.timestamp`);
    const visibleRectInit = d.visibleRect === undefined ? null : readRectInit(d.visibleRect, `${F}.visibleRect`);
    const base = other.#state;
    if (!base) throw invalidState('The source VideoFrame is closed.');

    const discard = alpha === 'discard';
    // Validate VideoFrameInit: alignment, bounds and non-empty via parseRect.
    const visible = visibleRectInit
      ? (native.VideoFrameHandle.parseRect(
          base.format,
          base.codedWidth,
          base.codedHeight,
          null,
          truncateRect(visibleRectInit, `${F}.visibleRect`),
          `${F}.visibleRect`,
        ) as Rect)
      : base.visible;

    // Dropping alpha needs a native view in the opaque format; anything
    // else shares the source's reference.
    const ref = discard ? new SharedHandle(base.ref.handle.cloneOpaque(), 'VideoFrame') : base.ref.retain();
    const finalRotation = addRotations(base.rotation, base.flip, rotation);
    let displayWidth: number;
    let displayHeight: number;
    if (display) {
      [displayWidth, displayHeight] = display;
    } else {
      // Scale the visible size by the source frame's pixel aspect ratio, in
      // unrotated orientation, then orient it by the frame's final rotation.
      const baseQuarter = base.rotation === 90 || base.rotation === 270;
      const [unrotW, unrotH] = baseQuarter
        ? [base.displayHeight, base.displayWidth]
        : [base.displayWidth, base.displayHeight];
      const w = Math.round((visible[2] * unrotW) / base.visible[2]);
      const h = Math.round((visible[3] * unrotH) / base.visible[3]);
      const quarter = finalRotation === 90 || finalRotation === 270;
      [displayWidth, displayHeight] = quarter ? [h, w] : [w, h];
    }
    this.#init(
      {
        ref,
        format: ref.handle.format as VideoPixelFormat,
        codedWidth: base.codedWidth,
        codedHeight: base.codedHeight,
        visible,
        displayWidth,
        displayHeight,
        rotation: finalRotation,
        flip: base.flip !== flip,
        metadata,
      },
      timestamp,
      duration,
      other.#colorSpace,
    );
  }

  get format(): VideoPixelFormat | null {
    return this.#state?.format ?? null;
  }
  get codedWidth(): number {
    return this.#state?.codedWidth ?? 0;
  }
  get codedHeight(): number {
    return this.#state?.codedHeight ?? 0;
  }
  get codedRect(): DOMRectReadOnly | null {
    const s = this.#state;
    return s ? new DOMRectReadOnly(0, 0, s.codedWidth, s.codedHeight) : null;
  }
  get visibleRect(): DOMRectReadOnly | null {
    const s = this.#state;
    return s ? new DOMRectReadOnly(...s.visible) : null;
  }
  get rotation(): number {
    return this.#state?.rotation ?? 0;
  }
  get flip(): boolean {
    return this.#state?.flip ?? false;
  }
  get displayWidth(): number {
    return this.#state?.displayWidth ?? 0;
  }
  get displayHeight(): number {
    return this.#state?.displayHeight ?? 0;
  }
  get timestamp(): number {
    return this.#timestamp;
  }
  get duration(): number | null {
    return this.#duration;
  }
  get colorSpace(): VideoColorSpace {
    return this.#colorSpace;
  }

  metadata(): VideoFrameMetadata {
    const s = this.#state;
    if (!s) throw invalidState('metadata() called on a closed VideoFrame.');
    return copyMetadata(s.metadata);
  }

  allocationSize(options: VideoFrameCopyToOptions | undefined = undefined): number {
    const s = this.#state;
    if (!s) throw invalidState('allocationSize() called on a closed VideoFrame.');
    const opts = readCopyToOptions(options);
    return s.ref.handle.allocationSize(s.visible, opts.rect, opts.format, opts.layout);
  }

  copyTo(destination: AllowSharedBufferSource, options: VideoFrameCopyToOptions | undefined = undefined): Promise<PlaneLayout[]> {
    try {
      const s = this.#state;
      if (!s) throw invalidState('copyTo() called on a closed VideoFrame.');
      const dest = toBytes(destination, 'destination');
      const opts = readCopyToOptions(options);
      const cs = this.#colorSpace;
      const flat = s.ref.handle.copyTo(
        s.visible,
        opts.rect,
        opts.format,
        opts.layout,
        dest,
        cs.matrix ?? 'bt709',
        cs.fullRange ?? false,
        cs.primaries ?? 'bt709',
        opts.colorSpace,
      );
      const layouts: PlaneLayout[] = [];
      for (let i = 0; i < flat.length; i += 2) layouts.push({ offset: flat[i], stride: flat[i + 1] });
      return Promise.resolve(layouts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  clone(): VideoFrame {
    const s = this.#state;
    if (!s) throw invalidState('clone() called on a closed VideoFrame.');
    return internalFrame({
      state: { ...s, ref: s.ref.retain(), metadata: copyMetadata(s.metadata) },
      timestamp: this.#timestamp,
      duration: this.#duration,
      colorSpace: this.#colorSpace,
    });
  }

  close(): void {
    const s = this.#state;
    if (!s) return;
    this.#state = null;
    s.ref.release();
  }
}

/** VideoFrameCopyToOptions after WebIDL conversion (lexicographic order). */
function readCopyToOptions(value: unknown): {
  rect: Rect | null;
  format: VideoPixelFormat | null;
  layout: number[] | null;
  colorSpace: PredefinedColorSpace;
} {
  const F = 'VideoFrameCopyToOptions';
  const d = toDictionary<VideoFrameCopyToOptions>(value, F);
  // The target of an RGB conversion; sRGB unless asked otherwise.
  const colorSpace = d.colorSpace === undefined ? 'srgb' : toEnum(d.colorSpace, PREDEFINED_COLOR_SPACES, `${F}.colorSpace`);
  const format = d.format === undefined ? null : toEnum(d.format, VIDEO_PIXEL_FORMATS, `${F}.format`);
  const layout = readLayout(d.layout, `${F}.layout`);
  const rect = d.rect === undefined ? null : truncateRect(readRectInit(d.rect, `${F}.rect`), `${F}.rect`);
  if (format !== null && !RGB_FORMATS.includes(format)) {
    throw notSupported(`copyTo() converts to RGBA, RGBX, BGRA or BGRX only; received format "${format}".`);
  }
  return { rect, format, layout, colorSpace };
}

function internalFrame(init: InternalInit): VideoFrame {
  return new VideoFrame(INTERNAL as unknown as VideoFrame, init as unknown as VideoFrameInit);
}

/** A VideoFrame over a frame produced natively (decoder output). */
export function videoFrameFromNative(handle: NativeVideoFrameHandle, props: DecodedFrameProps): VideoFrame {
  return internalFrame({
    state: {
      ref: new SharedHandle(handle, 'VideoFrame'),
      format: handle.format as VideoPixelFormat,
      codedWidth: handle.codedWidth,
      codedHeight: handle.codedHeight,
      visible: props.visible,
      displayWidth: props.displayWidth,
      displayHeight: props.displayHeight,
      rotation: props.rotation,
      flip: props.flip,
      metadata: {},
    },
    timestamp: props.timestamp,
    duration: props.duration,
    colorSpace: new VideoColorSpace(props.colorSpace),
  });
}

/** The shared native reference of an open frame, or null once it is closed. */
export function videoFrameRef(frame: VideoFrame): SharedHandle<NativeVideoFrameHandle> | null {
  return refOf(frame);
}

defineInterface(VideoFrame, 'VideoFrame', ['format', 'codedWidth', 'codedHeight', 'codedRect', 'visibleRect', 'rotation', 'flip', 'displayWidth', 'displayHeight', 'duration', 'timestamp', 'colorSpace', 'metadata', 'allocationSize', 'copyTo', 'clone', 'close']);
