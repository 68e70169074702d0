// Loads the addon and describes what it exports. Nothing outside lib/ sees
// these objects.
import * as path from 'node:path';
import { debuglog } from 'node:util';

import type { NativeCodec } from './codec-base';
import { errorFromKind } from './errors';
import type { PoolConfig, PoolStats } from './pools';

/** src/binding/video_frame.cc */
export interface NativeVideoFrameHandle {
  readonly format: string;
  readonly codedWidth: number;
  readonly codedHeight: number;
  readonly closed: boolean;
  /** A new handle on the same planes, in the format's opaque equivalent. */
  cloneOpaque(): NativeVideoFrameHandle;
  close(): void;
  allocationSize(visibleRect: number[], rect: number[] | null, format: string | null, layout: number[] | null): number;
  copyTo(
    visibleRect: number[],
    rect: number[] | null,
    format: string | null,
    layout: number[] | null,
    destination: Uint8Array,
    matrix: string,
    fullRange: boolean,
    primaries: string,
    colorSpace: string,
  ): number[];
}

export interface NativeVideoFrameHandleClass {
  fromBuffer(
    data: Uint8Array,
    format: string,
    codedWidth: number,
    codedHeight: number,
    rect: number[],
    layout: number[] | null,
  ): NativeVideoFrameHandle;
  parseRect(
    format: string,
    codedWidth: number,
    codedHeight: number,
    defaultRect: number[] | null,
    overrideRect: number[] | null,
    field: string,
  ): number[];
  /** Pool buffers for `count` frames of the shape; returns how many were added. */
  preallocate(format: string, codedWidth: number, codedHeight: number, count: number): number;
}

/** src/binding/audio_data.cc */
export interface NativeAudioDataHandle {
  readonly format: string;
  /** FFmpeg's integer rate; lib/audio-data.ts keeps the exact one. */
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  close(): void;
  allocationSize(planeIndex: number, frameOffset: number, frameCount: number | null, format: string | null): number;
  copyTo(
    destination: Uint8Array,
    planeIndex: number,
    frameOffset: number,
    frameCount: number | null,
    format: string | null,
  ): void;
}

export interface NativeAudioDataHandleClass {
  fromBuffer(
    data: Uint8Array,
    format: string,
    sampleRate: number,
    numberOfFrames: number,
    numberOfChannels: number,
  ): NativeAudioDataHandle;
  /** Pool buffers for `count` AudioData of the shape; returns how many were added. */
  preallocate(format: string, numberOfFrames: number, numberOfChannels: number, count: number): number;
  /** The AudioSampleFormat names, in the order of the native enum. */
  readonly sampleFormats: readonly string[];
}

/** src/binding/codec_binding.h: the native half of a codec. */
export interface NativeCodecClass {
  new (onEvents: import('./codec-base').NativeEventsCallback): import('./codec-base').NativeCodec;
  /** Opens the codec with the config on the libuv pool: does it work? */
  probe(config: object): Promise<boolean>;
}

/** src/binding/video_frame.cc DecodedVideoToJs: a decoder's output frame. */
export interface NativeDecodedFrame {
  frame: NativeVideoFrameHandle;
  timestamp: number;
  duration: number | null;
  visible: [number, number, number, number];
  displayWidth: number;
  displayHeight: number;
  color: import('./video-color-space').ParsedColorSpace;
  /** Images: the orientation to display the pixels in (EXIF, AVIF irot/imir). */
  rotation: number;
  flip: boolean;
}

/** An event of the image's demux thread (src/binding/image_decoder.cc DemuxEventToJs). */
export interface NativeImageTrack {
  animated: boolean;
  frameCount: number;
  repetitionCount: number;
  /** Leading frames whose data has fully arrived. */
  available: number;
  /** Once the data is complete: why frame `available` is cut short. */
  truncated?: string;
}

export interface NativeImageEvent {
  type: 'tracks' | 'frames' | 'end' | 'error';
  tracks?: NativeImageTrack[];
  /** The file's primary track. */
  primary?: number;
  malformed?: string;
  error?: Error;
}

export interface NativeImageDecoder {
  append(bytes: Uint8Array): void;
  adopt(bytes: Uint8Array): void;
  end(): void;
  decode(trackIndex: number, frameIndex: number): Promise<NativeDecodedFrame>;
  close(): void;
}

export interface NativeImageDecoderClass {
  new (
    essence: string,
    desiredWidth: number,
    desiredHeight: number,
    /** colorSpaceConversion "default": ICC-profiled images become sRGB. */
    convertColor: boolean,
    maxBytes: number,
    onEvents: (events: NativeImageEvent[]) => void,
  ): NativeImageDecoder;
  isTypeSupported(essence: string): boolean;
}

/** src/binding/demuxer.cc: a Demuxer's worker, fed bytes by append()/end() unless it reads a path. */
export interface NativeDemuxer extends NativeCodec {
  append(bytes: Uint8Array): void;
  end(): void;
}

export interface NativeBinding {
  VideoFrameHandle: NativeVideoFrameHandleClass;
  ImageDecoderNative: NativeImageDecoderClass;
  AudioDataHandle: NativeAudioDataHandleClass;
  AudioDecoderNative: NativeCodecClass;
  AudioEncoderNative: NativeCodecClass;
  VideoDecoderNative: NativeCodecClass;
  VideoEncoderNative: NativeCodecClass;
  DemuxerNative: new (
    onEvents: import('./codec-base').NativeEventsCallback,
    maxBufferedBytes: number,
  ) => NativeDemuxer;
  MuxerNative: new (onEvents: import('./codec-base').NativeEventsCallback) => import('./codec-base').NativeCodec;
  /** src/core/keyframe.cc: does a chunk labelled key really hold a key frame? */
  checkKeyFrame(family: string, data: Uint8Array, description: Uint8Array | null): 'key' | 'delta' | 'unknown';
  setErrorFactory(factory: (kind: string, message: string) => Error): void;
  getPoolStats(): { pools: (PoolStats & { bufferSize: number })[]; total: PoolStats; externalMemory: number };
  trimPools(): void;
  configurePools(maxBytes: number | null, maxBuffersPerPool: number | null, idleTrimMs: number | null): PoolConfig;
  getLiveObjects(): Omit<import('./index').LiveObjects, 'poolBuffers'>;
  detachArrayBuffer(buffer: ArrayBuffer): void;
  versions(): Record<string, string>;
  setLogHandler(handler: ((lines: string[]) => void) | null, level: number): void;
}

function load(): NativeBinding {
  const root = path.join(__dirname, '..');
  // WEBCODECS_NATIVE_ADDON: another build of the addon (scripts/asan.sh's
  // AddressSanitizer build) loaded in place of the package's own.
  const override = process.env.WEBCODECS_NATIVE_ADDON;
  const candidates = override ? [path.resolve(override)] : ['build/Release/webcodecs_native.node', 'build/Debug/webcodecs_native.node'];
  let lastError: unknown;
  for (const rel of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(path.resolve(root, rel)) as NativeBinding;
    } catch (err) {
      lastError = err;
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') break;
    }
  }
  throw new Error(
    `webcodecs-native: the native addon could not be loaded (${String((lastError as Error)?.message ?? lastError)}). ` +
      'Build it with `npm rebuild webcodecs-native` (needs FFmpeg 5.1+ development packages; see the README).',
  );
}

export const native: NativeBinding = load();
native.setErrorFactory(errorFromKind);

// NODE_DEBUG=webcodecs shows FFmpeg's log (AV_LOG_VERBOSE = 40); otherwise
// FFmpeg prints nothing and its errors only enrich our error messages.
const debug = debuglog('webcodecs');
if (debug.enabled) native.setLogHandler((lines) => lines.forEach((line) => debug('ffmpeg: %s', line)), 40);
else native.setLogHandler(null, -8);
