// VideoDecoder: the spec's interface over a native decoder running on its
// own worker thread (src/binding/video_decoder.cc, src/core/video_decoder.cc).
import { CodecBase, invokeCallback, readCodecInit } from './codec-base';
import { parseVideoCodec, videoCodecFamily, videoCodecProfile } from './codecs/index';
import { chunkBytes } from './encoded-chunk';
import { EncodedVideoChunk } from './encoded-video-chunk';
import { domError } from './errors';
import { native, type NativeDecodedFrame } from './native';
import {
  enforceU32,
  invalid,
  readCodecString,
  readDescription,
  toBool,
  toDictionary,
  toEnum,
  toFiniteDouble,
} from './validate';
import { parseColorSpaceInit, type ParsedColorSpace, type VideoColorSpaceInit } from './video-color-space';
import { VideoFrame, videoFrameFromNative } from './video-frame';
import { defineInterface } from './webidl';

export type HardwareAcceleration = 'no-preference' | 'prefer-hardware' | 'prefer-software';
export const HARDWARE_ACCELERATION = ['no-preference', 'prefer-hardware', 'prefer-software'] as const;

export interface VideoDecoderConfig {
  codec: string;
  description?: AllowSharedBufferSource;
  codedWidth?: number;
  codedHeight?: number;
  displayAspectWidth?: number;
  displayAspectHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  hardwareAcceleration?: HardwareAcceleration;
  optimizeForLatency?: boolean;
  rotation?: number;
  flip?: boolean;
}
type AllowSharedBufferSource = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

export interface VideoDecoderInit {
  output: (frame: VideoFrame) => void;
  error: (error: DOMException) => void;
}

export interface VideoDecoderSupport {
  supported: boolean;
  config: VideoDecoderConfig;
}

/** A VideoDecoderConfig after WebIDL conversion and the validity checks. */
interface ParsedDecoderConfig {
  clone: VideoDecoderConfig;
  native: {
    family: string;
    profile: number;
    description?: Uint8Array;
    codedWidth?: number;
    codedHeight?: number;
    optimizeForLatency: boolean;
  } | null;
  unsupported: string;
  colorSpace: ParsedColorSpace | null;
  aspect: [number, number] | null;
  rotation: number;
  flip: boolean;
}

function parseRotation(value: number): number {
  const aligned = Math.floor(value / 90 + 0.5) * 90;
  return aligned - Math.floor(aligned / 360) * 360 + 0;
}

/** Converts and validates (TypeError) a VideoDecoderConfig; decides support. */
function parseConfig(config: unknown): ParsedDecoderConfig {
  const F = 'VideoDecoderConfig';
  if (config === null || typeof config !== 'object') throw invalid(F, 'a dictionary', config);
  const d = toDictionary<VideoDecoderConfig>(config, F);
  // WebIDL converts members in lexicographic order.
  const codec = readCodecString(d.codec, `${F}.codec`);
  const codedHeight = d.codedHeight === undefined ? undefined : enforceU32(d.codedHeight, `${F}.codedHeight`);
  const codedWidth = d.codedWidth === undefined ? undefined : enforceU32(d.codedWidth, `${F}.codedWidth`);
  const colorSpace = d.colorSpace === undefined ? null : parseColorSpaceInit(d.colorSpace, `${F}.colorSpace`);
  const description = readDescription(d.description, `${F}.description`);
  const aspectHeight =
    d.displayAspectHeight === undefined ? undefined : enforceU32(d.displayAspectHeight, `${F}.displayAspectHeight`);
  const aspectWidth =
    d.displayAspectWidth === undefined ? undefined : enforceU32(d.displayAspectWidth, `${F}.displayAspectWidth`);
  const flip = toBool(d.flip);
  const hardwareAcceleration =
    d.hardwareAcceleration === undefined
      ? 'no-preference'
      : toEnum(d.hardwareAcceleration, HARDWARE_ACCELERATION, `${F}.hardwareAcceleration`);
  const optimizeForLatency = d.optimizeForLatency === undefined ? undefined : toBool(d.optimizeForLatency);
  const rotation = d.rotation === undefined ? 0 : toFiniteDouble(d.rotation, `${F}.rotation`);

  // "valid VideoDecoderConfig"
  if ((codedWidth === undefined) !== (codedHeight === undefined)) {
    throw invalid(`${F}.codedWidth/codedHeight`, 'both or neither', codedWidth ?? codedHeight);
  }
  if (codedWidth === 0 || codedHeight === 0) {
    throw invalid(`${F}.codedWidth/codedHeight`, 'non-zero values', `${codedWidth}x${codedHeight}`);
  }
  if ((aspectWidth === undefined) !== (aspectHeight === undefined)) {
    throw invalid(`${F}.displayAspectWidth/displayAspectHeight`, 'both or neither', aspectWidth ?? aspectHeight);
  }
  if (aspectWidth === 0 || aspectHeight === 0) {
    throw invalid(`${F}.displayAspectWidth/displayAspectHeight`, 'non-zero values', `${aspectWidth}:${aspectHeight}`);
  }

  const clone: VideoDecoderConfig = { codec };
  if (codedHeight !== undefined) clone.codedHeight = codedHeight;
  if (codedWidth !== undefined) clone.codedWidth = codedWidth;
  if (colorSpace) clone.colorSpace = { ...colorSpace };
  if (description) clone.description = description.slice();
  if (aspectHeight !== undefined) clone.displayAspectHeight = aspectHeight;
  if (aspectWidth !== undefined) clone.displayAspectWidth = aspectWidth;
  clone.flip = flip;
  clone.hardwareAcceleration = hardwareAcceleration;
  if (optimizeForLatency !== undefined) clone.optimizeForLatency = optimizeForLatency;
  clone.rotation = rotation;

  const parsed = parseVideoCodec(codec);
  let unsupported = '';
  if (!parsed) unsupported = `Unsupported or invalid video codec string "${codec}".`;
  else if (hardwareAcceleration === 'prefer-hardware') {
    unsupported = 'hardwareAcceleration "prefer-hardware" is not available: this decoder runs in software.';
  }
  return {
    clone,
    native:
      unsupported || !parsed
        ? null
        : {
            family: videoCodecFamily(parsed),
            profile: videoCodecProfile(parsed),
            ...(description ? { description } : {}),
            ...(codedWidth !== undefined ? { codedWidth, codedHeight } : {}),
            optimizeForLatency: optimizeForLatency ?? false,
          },
    unsupported,
    colorSpace,
    aspect: aspectWidth !== undefined ? [aspectWidth, aspectHeight as number] : null,
    rotation: parseRotation(rotation),
    flip,
  };
}

// Work items in flight on the native side; enough to keep a fast decoder fed
// between event-loop turns.
const MAX_IN_FLIGHT = 16;

/**
 * The stream's colour space with the members the config gives (the spec's
 * "if [[active decoder config]].colorSpace exists"): members left null, as
 * in `colorSpace: {}`, keep what the bitstream says, as in Chromium (the
 * WPT full cycle test strips the config's colour space that way to see the
 * bitstream's).
 */
function overrideColorSpace(stream: ParsedColorSpace, config: ParsedColorSpace): ParsedColorSpace {
  return {
    primaries: config.primaries ?? stream.primaries,
    transfer: config.transfer ?? stream.transfer,
    matrix: config.matrix ?? stream.matrix,
    fullRange: config.fullRange ?? stream.fullRange,
  };
}

export class VideoDecoder extends CodecBase<ParsedDecoderConfig> {
  readonly #output: (frame: VideoFrame) => unknown;
  #keyChunkRequired = true;
  // The configuration decode() checks key chunks against (the last configure()).
  #latest: ParsedDecoderConfig | null = null;

  constructor(init: VideoDecoderInit) {
    const { output, error } = readCodecInit<(f: VideoFrame) => void>(init, 'VideoDecoderInit');
    super((onEvents) => new native.VideoDecoderNative(onEvents), error, MAX_IN_FLIGHT);
    this.#output = output;
  }

  get decodeQueueSize(): number {
    return this.queueSize;
  }

  configure(config: VideoDecoderConfig): void {
    const parsed = parseConfig(config);
    this.configureCodec(parsed.native, parsed.unsupported, parsed);
    this.#latest = parsed;
    this.#keyChunkRequired = true;
  }

  decode(chunk: EncodedVideoChunk): void {
    if (!(chunk instanceof EncodedVideoChunk)) throw invalid('chunk', 'an EncodedVideoChunk', chunk);
    if (this.state !== 'configured') {
      throw domError('InvalidStateError', `decode() called on a decoder that is ${this.state}.`);
    }
    const bytes = chunkBytes(chunk);
    if (this.#keyChunkRequired) {
      if (chunk.type !== 'key') {
        throw domError('DataError', 'A key chunk is required after configure() and flush(); received a delta chunk.');
      }
      const family = this.#latest?.native?.family;
      if (family && native.checkKeyFrame(family, bytes, this.#latest?.native?.description ?? null) === 'delta') {
        throw domError('DataError', 'The chunk is labelled "key" but its data is not a key frame.');
      }
      this.#keyChunkRequired = false;
    }
    this.enqueueWork([bytes, chunk.timestamp, chunk.duration ?? -1, chunk.type === 'key']);
  }

  flush(): Promise<void> {
    if (this.state === 'configured') this.#keyChunkRequired = true;
    return this.flushCodec();
  }

  static async isConfigSupported(config: VideoDecoderConfig): Promise<VideoDecoderSupport> {
    const parsed = parseConfig(config);
    const supported = parsed.native !== null && (await native.VideoDecoderNative.probe(parsed.native));
    return { supported, config: parsed.clone };
  }

  protected override onReset(): void {
    this.#latest = null;
  }

  protected deliverOutput(value: unknown): void {
    const e = value as NativeDecodedFrame;
    // Frames of an earlier configuration keep its rotation, aspect and colour space.
    const config = this.activeConfig;
    let { displayWidth, displayHeight } = e;
    if (config?.aspect) {
      // "increase displayWidth or displayHeight until the ratio matches"
      const [aw, ah] = config.aspect;
      if (displayWidth * ah < displayHeight * aw) displayWidth = Math.round((displayHeight * aw) / ah);
      else displayHeight = Math.round((displayWidth * ah) / aw);
    }
    const rotation = config?.rotation ?? 0;
    if (rotation === 90 || rotation === 270) [displayWidth, displayHeight] = [displayHeight, displayWidth];
    const frame = videoFrameFromNative(e.frame, {
      timestamp: e.timestamp,
      duration: e.duration,
      visible: e.visible,
      displayWidth,
      displayHeight,
      rotation,
      flip: config?.flip ?? false,
      colorSpace: config?.colorSpace ? overrideColorSpace(e.color, config.colorSpace) : e.color,
    });
    invokeCallback(this.#output, frame);
  }
}

defineInterface(VideoDecoder, 'VideoDecoder', ['state', 'decodeQueueSize', 'ondequeue', 'configure', 'decode', 'flush', 'reset', 'close'], ['isConfigSupported']);
