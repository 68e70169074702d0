// VideoEncoder: the spec's interface over a native encoder running on its
// own worker thread (src/binding/video_encoder.cc, src/core/video_encoder.cc).
import { CodecBase, decoderConfigUpdate, invokeCallback, readCodecInit } from './codec-base';
import {
  av1CodecStringFromRecord,
  avcCodecStringFromRecord,
  encodedCodecString,
  hevcCodecStringFromRecord,
  levelSizeProblem,
  parseVideoCodec,
  videoCodecFamily,
  type VideoCodec,
} from './codecs/index';
import { nativeChunkInit } from './encoded-chunk';
import { EncodedVideoChunk } from './encoded-video-chunk';
import { domError } from './errors';
import { native } from './native';
import {
  enforceU32,
  enforceU64,
  invalid,
  readCodecString,
  toBool,
  toDictionary,
  toDomString,
  toEnum,
  toFiniteDouble,
} from './validate';
import type { ParsedColorSpace, VideoColorSpaceInit } from './video-color-space';
import type { VideoDecoderConfig } from './video-decoder';
import { HARDWARE_ACCELERATION, type HardwareAcceleration } from './video-decoder';
import { VideoFrame, videoFrameRef, type AlphaOption } from './video-frame';
import { defineInterface } from './webidl';

export type VideoEncoderBitrateMode = 'constant' | 'variable' | 'quantizer';
export type LatencyMode = 'quality' | 'realtime';
const BITRATE_MODES = ['constant', 'variable', 'quantizer'] as const;
const LATENCY_MODES = ['quality', 'realtime'] as const;
const ALPHA_OPTIONS = ['keep', 'discard'] as const;
const AVC_FORMATS = ['avc', 'annexb'] as const;
const HEVC_FORMATS = ['hevc', 'annexb'] as const;

export interface VideoEncoderConfig {
  codec: string;
  width: number;
  height: number;
  displayWidth?: number;
  displayHeight?: number;
  bitrate?: number;
  framerate?: number;
  hardwareAcceleration?: HardwareAcceleration;
  alpha?: AlphaOption;
  scalabilityMode?: string;
  bitrateMode?: VideoEncoderBitrateMode;
  latencyMode?: LatencyMode;
  contentHint?: string;
  av1?: { forceScreenContentTools?: boolean };
  avc?: { format?: 'avc' | 'annexb' };
  hevc?: { format?: 'hevc' | 'annexb' };
}

export interface VideoEncoderEncodeOptions {
  keyFrame?: boolean;
  avc?: { quantizer?: number | null };
  hevc?: { quantizer?: number | null };
  vp9?: { quantizer?: number | null };
  av1?: { quantizer?: number | null };
}

export interface EncodedVideoChunkMetadata {
  decoderConfig?: VideoDecoderConfig;
  svc?: { temporalLayerId: number };
  alphaSideData?: ArrayBuffer;
}

export interface VideoEncoderInit {
  output: (chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) => void;
  error: (error: DOMException) => void;
}

export interface VideoEncoderSupport {
  supported: boolean;
  config: VideoEncoderConfig;
}

/** The flat config src/binding/video_encoder.cc reads. */
interface NativeEncoderConfig {
  family: string;
  codecString: string;
  width: number;
  height: number;
  bitrate?: number;
  framerate?: number;
  rateMode: VideoEncoderBitrateMode;
  realtime: boolean;
  temporalLayers: number;
  keepAlpha: boolean;
  contentHint?: string;
  screenContent: boolean;
  profile: number;
  level: number;
  highTier: boolean;
  bitDepth: number;
  chroma: number;
  annexb: boolean;
}

interface ParsedEncoderConfig {
  clone: VideoEncoderConfig;
  native: NativeEncoderConfig | null;
  unsupported: string;
  parsed: VideoCodec | null;
  /** The output's codec string until the encoder reports a configuration record. */
  streamCodec: string;
}

const SCALABILITY_LAYERS: Record<string, number> = { L1T1: 1, L1T2: 2, L1T3: 3 };

/** Profile, level, bit depth and chroma format the codec string asks for. */
function codecTarget(c: VideoCodec): Pick<NativeEncoderConfig, 'profile' | 'level' | 'highTier' | 'bitDepth' | 'chroma'> {
  switch (c.codec) {
    case 'avc': {
      const p = c.profileIdc;
      return {
        profile: p,
        level: c.levelIdc,
        highTier: false,
        bitDepth: p === 110 || p === 122 || p === 244 ? (p === 110 ? 10 : 8) : 8,
        chroma: p === 122 ? 422 : p === 244 ? 444 : 420,
      };
    }
    case 'hevc':
      return {
        profile: c.profileIdc,
        level: c.levelIdc,
        highTier: c.tier === 'high',
        bitDepth: c.profileIdc === 2 ? 10 : 8,
        chroma: 420,
      };
    case 'vp9':
      return {
        profile: c.profile,
        level: c.level,
        highTier: false,
        bitDepth: c.bitDepth,
        chroma: c.chromaSubsampling <= 1 ? 420 : c.chromaSubsampling === 2 ? 422 : 444,
      };
    case 'av1':
      return {
        profile: c.profile,
        level: c.level,
        highTier: c.tier === 'high',
        bitDepth: c.bitDepth,
        chroma: c.chromaSubsampling.startsWith('11') ? 420 : c.chromaSubsampling.startsWith('10') ? 422 : 444,
      };
    default:
      return { profile: -1, level: -1, highTier: false, bitDepth: 8, chroma: 420 };
  }
}

/** Converts and validates (TypeError) a VideoEncoderConfig; decides support. */
function parseConfig(config: unknown): ParsedEncoderConfig {
  const F = 'VideoEncoderConfig';
  if (config === null || typeof config !== 'object') throw invalid(F, 'a dictionary', config);
  const d = toDictionary<VideoEncoderConfig>(config, F);
  // WebIDL converts members in lexicographic order.
  const alpha = d.alpha === undefined ? 'discard' : toEnum(d.alpha, ALPHA_OPTIONS, `${F}.alpha`);
  // The AV1 registration's AV1EncoderConfig.
  const av1 = d.av1 === undefined ? undefined : toDictionary<{ forceScreenContentTools?: boolean }>(d.av1, `${F}.av1`);
  const forceScreenContentTools = toBool(av1?.forceScreenContentTools);
  const avc = d.avc === undefined ? undefined : toDictionary<{ format?: string }>(d.avc, `${F}.avc`);
  const avcFormat = avc?.format === undefined ? 'avc' : toEnum(avc.format, AVC_FORMATS, `${F}.avc.format`);
  const bitrate = d.bitrate === undefined ? undefined : enforceU64(d.bitrate, `${F}.bitrate`);
  // Chromium and web-platform-tests reject a zero bitrate as invalid
  // (w3c/webcodecs#816 is adding it to "valid VideoEncoderConfig").
  if (bitrate === 0) throw invalid(`${F}.bitrate`, 'a positive number of bits per second', bitrate);
  const bitrateMode = d.bitrateMode === undefined ? 'variable' : toEnum(d.bitrateMode, BITRATE_MODES, `${F}.bitrateMode`);
  const codec = readCodecString(d.codec, `${F}.codec`);
  const contentHint = d.contentHint === undefined ? undefined : toDomString(d.contentHint, `${F}.contentHint`);
  const displayHeight = d.displayHeight === undefined ? undefined : enforceU32(d.displayHeight, `${F}.displayHeight`);
  const displayWidth = d.displayWidth === undefined ? undefined : enforceU32(d.displayWidth, `${F}.displayWidth`);
  const framerate = d.framerate === undefined ? undefined : toFiniteDouble(d.framerate, `${F}.framerate`);
  const hardwareAcceleration =
    d.hardwareAcceleration === undefined
      ? 'no-preference'
      : toEnum(d.hardwareAcceleration, HARDWARE_ACCELERATION, `${F}.hardwareAcceleration`);
  if (d.height === undefined) throw invalid(`${F}.height`, 'a positive integer', undefined);
  const height = enforceU32(d.height, `${F}.height`);
  const hevc = d.hevc === undefined ? undefined : toDictionary<{ format?: string }>(d.hevc, `${F}.hevc`);
  const hevcFormat = hevc?.format === undefined ? 'hevc' : toEnum(hevc.format, HEVC_FORMATS, `${F}.hevc.format`);
  const latencyMode = d.latencyMode === undefined ? 'quality' : toEnum(d.latencyMode, LATENCY_MODES, `${F}.latencyMode`);
  const scalabilityMode =
    d.scalabilityMode === undefined ? undefined : toDomString(d.scalabilityMode, `${F}.scalabilityMode`);
  if (d.width === undefined) throw invalid(`${F}.width`, 'a positive integer', undefined);
  const width = enforceU32(d.width, `${F}.width`);

  // "valid VideoEncoderConfig"
  if (width === 0 || height === 0) throw invalid(`${F}.width/height`, 'non-zero values', `${width}x${height}`);
  if (displayWidth === 0 || displayHeight === 0) {
    throw invalid(`${F}.displayWidth/displayHeight`, 'non-zero values', `${displayWidth}x${displayHeight}`);
  }

  const parsed = parseVideoCodec(codec);
  const clone: VideoEncoderConfig = { codec, width, height };
  clone.alpha = alpha;
  if (av1 && parsed?.codec === 'av1') clone.av1 = { forceScreenContentTools };
  // The codec-specific members belong to their registration: like browsers,
  // the clone keeps them only for that codec.
  if (avc && parsed?.codec === 'avc') clone.avc = { format: avcFormat };
  if (bitrate !== undefined) clone.bitrate = bitrate;
  clone.bitrateMode = bitrateMode;
  if (contentHint !== undefined) clone.contentHint = contentHint;
  if (displayHeight !== undefined) clone.displayHeight = displayHeight;
  if (displayWidth !== undefined) clone.displayWidth = displayWidth;
  if (framerate !== undefined) clone.framerate = framerate;
  clone.hardwareAcceleration = hardwareAcceleration;
  if (hevc && parsed?.codec === 'hevc') clone.hevc = { format: hevcFormat };
  clone.latencyMode = latencyMode;
  if (scalabilityMode !== undefined) clone.scalabilityMode = scalabilityMode;

  const layers = scalabilityMode === undefined ? 1 : SCALABILITY_LAYERS[scalabilityMode];
  let unsupported = '';
  if (!parsed) unsupported = `Unsupported or invalid video codec string "${codec}".`;
  else if (hardwareAcceleration === 'prefer-hardware') {
    unsupported = 'hardwareAcceleration "prefer-hardware" is not available: this encoder runs in software.';
  } else if (!layers) unsupported = `scalabilityMode "${scalabilityMode}" is not supported; L1T1, L1T2 and L1T3 are.`;
  else if (framerate !== undefined && !(framerate > 0)) unsupported = `framerate must be positive; received ${framerate}.`;
  else unsupported = levelSizeProblem(parsed, width, height);
  const family = parsed ? videoCodecFamily(parsed) : '';
  return {
    clone,
    parsed,
    unsupported,
    streamCodec: parsed
      ? encodedCodecString(codec, parsed, width, height, framerate ?? 30, bitrateMode === 'quantizer' ? undefined : bitrate)
      : codec,
    native:
      unsupported || !parsed
        ? null
        : {
            family,
            codecString: codec,
            width,
            height,
            ...(bitrate !== undefined ? { bitrate } : {}),
            ...(framerate !== undefined ? { framerate } : {}),
            rateMode: bitrateMode,
            realtime: latencyMode === 'realtime',
            temporalLayers: layers,
            keepAlpha: alpha === 'keep',
            ...(contentHint !== undefined ? { contentHint } : {}),
            // AV1's screen content tools: forced, or for text and detail.
            screenContent: family === 'av1' && (forceScreenContentTools || contentHint === 'text' || contentHint === 'detail'),
            ...codecTarget(parsed),
            annexb: family === 'h264' ? avcFormat === 'annexb' : family === 'hevc' ? hevcFormat === 'annexb' : false,
          },
  };
}

/**
 * An output's value when its stream config changed or it has an alpha
 * packet (src/binding/video_encoder.cc OutputToJs).
 */
interface EncodedVideoExtras {
  data: Uint8Array;
  config?: { description?: Uint8Array; record?: Uint8Array; color: ParsedColorSpace };
  alpha?: Uint8Array;
}

// Frames in flight on the native side: enough to keep an encoder busy,
// few enough that encodeQueueSize stays a useful backpressure signal.
const MAX_IN_FLIGHT = 4;
// ...and at most about this many bytes of pixels (frames of the configured
// size, at least 2 of them so the encoder always has the next one): at 1080p
// two frames instead of four, 6 MB less held while x264 needs no more.
const MAX_BYTES_IN_FLIGHT = 8 << 20;

/**
 * One configure() call and what its outputs are described with: its frames'
 * orientation and the stream the encoder produced for it. Outputs of an
 * earlier configuration still arriving after a reconfigure keep theirs.
 */
interface Configuration {
  parsed: ParsedEncoderConfig;
  orientation: { rotation: number; flip: boolean } | null;
  streamCodec: string;
  streamDescription?: Uint8Array;
  streamColor: ParsedColorSpace | null;
  // The last decoderConfig sent for this configuration: the first chunk of
  // every configuration carries one, as in Chromium.
  outputConfig: VideoDecoderConfig | null;
}

/** Records the exact codec string and description of what the encoder produced. */
function updateStream(configuration: Configuration, stream: NonNullable<EncodedVideoExtras['config']>): void {
  const { parsed, streamCodec } = configuration.parsed;
  let codec = streamCodec;
  if (stream.record && parsed) {
    if (parsed.codec === 'avc') codec = avcCodecStringFromRecord(parsed.prefix, stream.record) ?? codec;
    else if (parsed.codec === 'hevc') codec = hevcCodecStringFromRecord(parsed.prefix, stream.record) ?? codec;
    else if (parsed.codec === 'av1') codec = av1CodecStringFromRecord(codec, stream.record) ?? codec;
  }
  configuration.streamCodec = codec;
  configuration.streamDescription = stream.description;
  configuration.streamColor = stream.color;
}

type QuantizerCodec = 'av1' | 'avc' | 'hevc' | 'vp9';

interface EncodeOptions {
  keyFrame: boolean;
  quantizer: Record<QuantizerCodec, number | null>;
}

/** VideoEncoderEncodeOptions as WebIDL converts it: every member, once, in lexicographic order. */
function readEncodeOptions(options: unknown): EncodeOptions {
  const F = 'VideoEncoderEncodeOptions';
  const d = toDictionary<VideoEncoderEncodeOptions>(options, F);
  // The registration's `[EnforceRange] unsigned short? quantizer`.
  const quantizerOf = (key: QuantizerCodec): number | null => {
    const member = d[key];
    if (member === undefined) return null;
    const q = toDictionary<{ quantizer?: number | null }>(member, `${F}.${key}`).quantizer;
    if (q === undefined || q === null) return null;
    const value = enforceU32(q, `${F}.${key}.quantizer`);
    if (value > 0xffff) throw invalid(`${F}.${key}.quantizer`, 'an integer from 0 to 65535', q);
    return value;
  };
  const av1 = quantizerOf('av1');
  const avc = quantizerOf('avc');
  const hevc = quantizerOf('hevc');
  const keyFrame = toBool(d.keyFrame);
  const vp9 = quantizerOf('vp9');
  return { keyFrame, quantizer: { av1, avc, hevc, vp9 } };
}

export class VideoEncoder extends CodecBase<Configuration> {
  readonly #output: (chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) => unknown;
  // The configuration encode() queues frames for (the last configure()).
  #latest: Configuration | null = null;

  constructor(init: VideoEncoderInit) {
    const { output, error } = readCodecInit<VideoEncoderInit['output']>(init, 'VideoEncoderInit');
    super((onEvents) => new native.VideoEncoderNative(onEvents), error, MAX_IN_FLIGHT);
    this.#output = output;
  }

  get encodeQueueSize(): number {
    return this.queueSize;
  }

  configure(config: VideoEncoderConfig): void {
    const parsed = parseConfig(config);
    const configuration: Configuration = { parsed, orientation: null, streamCodec: '', streamColor: null, outputConfig: null };
    this.configureCodec(parsed.native, parsed.unsupported, configuration);
    const frameBytes = (parsed.clone.width * parsed.clone.height * 3) / 2;
    this.setMaxInFlight(Math.max(2, Math.min(MAX_IN_FLIGHT, Math.floor(MAX_BYTES_IN_FLIGHT / frameBytes))));
    this.#latest = configuration;
  }

  encode(frame: VideoFrame, options: VideoEncoderEncodeOptions | undefined = undefined): void {
    if (!(frame instanceof VideoFrame)) throw invalid('frame', 'a VideoFrame', frame);
    // WebIDL converts the options before the method's steps run.
    const opts = readEncodeOptions(options);
    const ref = videoFrameRef(frame);
    if (!ref) throw new TypeError('encode() was given a closed VideoFrame.');
    if (this.state !== 'configured') {
      throw domError('InvalidStateError', `encode() called on an encoder that is ${this.state}.`);
    }
    const { rotation, flip } = frame;
    const latest = this.#latest as Configuration;
    const orientation = latest.orientation;
    if (orientation && (orientation.rotation !== rotation || orientation.flip !== flip)) {
      throw domError(
        'DataError',
        `Every frame after configure() must have the first frame's orientation (rotation ${orientation.rotation}, ` +
          `flip ${orientation.flip}); received rotation ${rotation}, flip ${flip}.`,
      );
    }
    // Before the first frame's orientation is kept: a refused frame sets nothing.
    const quantizer = this.#quantizer(opts);
    latest.orientation ??= { rotation, flip };
    const visible = frame.visibleRect as { x: number; y: number; width: number; height: number };
    const cs = frame.colorSpace;
    // The spec's frameClone: our own reference, released once the worker has
    // taken its own (or the message is dropped by reset).
    ref.retain();
    this.enqueueWork(
      [
        ref.handle,
        [visible.x, visible.y, visible.width, visible.height],
        frame.timestamp,
        frame.duration ?? -1,
        opts.keyFrame,
        quantizer,
        { primaries: cs.primaries, transfer: cs.transfer, matrix: cs.matrix, fullRange: cs.fullRange },
      ],
      () => ref.release(),
    );
  }

  flush(): Promise<void> {
    return this.flushCodec();
  }

  static async isConfigSupported(config: VideoEncoderConfig): Promise<VideoEncoderSupport> {
    const parsed = parseConfig(config);
    const supported = parsed.native !== null && (await native.VideoEncoderNative.probe(parsed.native));
    return { supported, config: parsed.clone };
  }

  /** The per-frame quantizer of the configured codec, or -1. */
  #quantizer(opts: EncodeOptions): number {
    const parsed = this.#latest?.parsed.parsed;
    if (!parsed || this.#latest?.parsed.native?.rateMode !== 'quantizer') return -1;
    const key = parsed.codec === 'avc' ? 'avc' : parsed.codec === 'hevc' ? 'hevc' : parsed.codec === 'vp9' ? 'vp9' : parsed.codec === 'av1' ? 'av1' : null;
    const q = key ? opts.quantizer[key] : null;
    if (q === null || key === null) return -1;
    const max = key === 'avc' || key === 'hevc' ? 51 : 63;
    if (q > max) throw invalid(`VideoEncoderEncodeOptions.${key}.quantizer`, `an integer from 0 to ${max}`, q);
    return q;
  }

  protected override onReset(): void {
    this.#latest = null;
  }

  // [key, timestamp, duration or NaN, value is EncodedVideoExtras, temporal layer id or -1]
  protected deliverOutput(value: unknown, n: Float64Array, at: number): void {
    const configuration = this.activeConfig;
    const active = configuration?.parsed;
    if (!configuration || !active?.native) return;
    const extras = n[at + 3] ? (value as EncodedVideoExtras) : null;
    if (extras?.config) updateStream(configuration, extras.config);
    const chunk = new EncodedVideoChunk(nativeChunkInit(extras ? extras.data : (value as Uint8Array), n, at));
    const metadata: EncodedVideoChunkMetadata = {};
    const decoderConfig = decoderConfigUpdate(configuration, !!extras?.config, () => {
      const cfg = active.clone;
      const outputConfig: VideoDecoderConfig = {
        codec: configuration.streamCodec,
        codedWidth: cfg.width,
        codedHeight: cfg.height,
        displayAspectWidth: cfg.displayWidth ?? cfg.width,
        displayAspectHeight: cfg.displayHeight ?? cfg.height,
        rotation: configuration.orientation?.rotation ?? 0,
        flip: configuration.orientation?.flip ?? false,
      };
      if (configuration.streamColor) outputConfig.colorSpace = { ...configuration.streamColor } as VideoColorSpaceInit;
      if (configuration.streamDescription) outputConfig.description = configuration.streamDescription;
      return outputConfig;
    });
    if (decoderConfig) metadata.decoderConfig = decoderConfig;
    if (active.native.temporalLayers > 1) metadata.svc = { temporalLayerId: Math.max(n[at + 4], 0) };
    if (active.native.keepAlpha && extras?.alpha) {
      metadata.alphaSideData = extras.alpha.slice().buffer as ArrayBuffer;
    }
    invokeCallback(this.#output, chunk, metadata);
  }
}

defineInterface(VideoEncoder, 'VideoEncoder', ['state', 'encodeQueueSize', 'ondequeue', 'configure', 'encode', 'flush', 'reset', 'close'], ['isConfigSupported']);
