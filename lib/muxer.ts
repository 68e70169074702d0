// Muxer (beyond the spec): writes encoder output (chunks and their
// metadata.decoderConfig) into MP4/MOV, WebM or Matroska files with FFmpeg's
// muxers, on a worker thread (src/binding/muxer.cc). The target is a file
// path or a writable stream, written with backpressure: addChunk() resolves
// once the muxer can take more.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

import type { AudioDecoderConfig } from './audio-decoder';
import type { EncodedAudioChunkMetadata } from './audio-encoder';
import type { NativeCodec } from './codec-base';
import { audioCodecName, parseAudioCodec, parseVideoCodec, videoCodecFamily } from './codecs/index';
import { chunkBytes, type EncodedChunk } from './encoded-chunk';
import { EncodedAudioChunk } from './encoded-audio-chunk';
import { EncodedVideoChunk } from './encoded-video-chunk';
import { domError, invalidState, notSupported } from './errors';
import { native } from './native';
import { NativeWorker } from './native-worker';
import { enforceU64, invalid, missing, toBytes, toDictionary, toEnum, toFiniteDouble } from './validate';
import { parseColorSpaceInit } from './video-color-space';
import type { VideoDecoderConfig } from './video-decoder';
import type { EncodedVideoChunkMetadata } from './video-encoder';

export type MuxerFormat = 'mp4' | 'mov' | 'webm' | 'mkv';

/** What Node's Writable and the web's WritableStream have in common for us. */
export type MuxerTarget = string | URL | NodeJS.WritableStream | WritableStream<Uint8Array>;

export interface MuxerVideoTrackInit {
  /** The track's config; by default the first chunk's metadata.decoderConfig. */
  config?: VideoDecoderConfig;
  /** Frames per second, written where the container records it. */
  frameRate?: number;
}

export interface MuxerAudioTrackInit {
  config?: AudioDecoderConfig;
}

export interface MuxerInit {
  target: MuxerTarget;
  /** Default: from the target path's extension (.mp4 .m4v .m4a .mov .webm .mkv .mka). */
  format?: MuxerFormat;
  video?: boolean | MuxerVideoTrackInit;
  audio?: boolean | MuxerAudioTrackInit;
  /** MP4/MOV: the index (moov) before the media, for progressive playback. */
  fastStart?: boolean;
  /** MP4/MOV: fragmented (moof per key frame, or per fragmentDuration). */
  fragmented?: boolean;
  /** Microseconds per fragment (fragmented MP4). */
  fragmentDuration?: number;
}

const FORMATS = ['mp4', 'mov', 'webm', 'mkv'] as const;
const FFMPEG_FORMAT: Record<MuxerFormat, string> = { mp4: 'mp4', mov: 'mov', webm: 'webm', mkv: 'matroska' };
const EXTENSIONS: Record<string, MuxerFormat> = {
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.m4a': 'mp4',
  '.mov': 'mov',
  '.webm': 'webm',
  '.mkv': 'mkv',
  '.mka': 'mkv',
};

// Work handed to the worker at once: beyond these, addChunk() waits.
const MAX_IN_FLIGHT = 64;
const HIGH_WATER_BYTES = 32 << 20;

interface Track {
  kind: 'video' | 'audio';
  config: VideoDecoderConfig | AudioDecoderConfig | null;
  frameRate: number;
  index: number; // in the native config, once configured
}

interface Item {
  track: Track;
  bytes: Uint8Array;
  timestamp: number;
  duration: number | null;
  key: boolean;
}

/** Where bytes for a stream target go, Node or web. */
interface Sink {
  /** false: wait for drained() before writing more. */
  write(bytes: Uint8Array): boolean;
  drained(): Promise<void>;
  end(): Promise<void>;
}

function nodeSink(stream: NodeJS.WritableStream, fail: (e: Error) => void): Sink {
  stream.on('error', fail);
  return {
    write: (bytes) => stream.write(bytes),
    drained: () => new Promise((resolve) => stream.once('drain', () => resolve())),
    end: () =>
      new Promise((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      }),
  };
}

function webSink(stream: WritableStream<Uint8Array>, fail: (e: Error) => void): Sink {
  const writer = stream.getWriter();
  return {
    write: (bytes) => {
      writer.write(bytes).catch(fail);
      return (writer.desiredSize ?? 1) > 0;
    },
    drained: () => writer.ready,
    end: () => writer.close(),
  };
}

function isWebWritable(v: unknown): v is WritableStream<Uint8Array> {
  return typeof (v as WritableStream)?.getWriter === 'function';
}

function isNodeWritable(v: unknown): v is NodeJS.WritableStream {
  return typeof (v as NodeJS.WritableStream)?.write === 'function' && typeof (v as NodeJS.WritableStream)?.once === 'function';
}

/** The flat track src/binding/muxer.cc ReadTrack reads. */
function nativeTrack(track: Track): object {
  if (track.kind === 'video') {
    const c = track.config as VideoDecoderConfig;
    const parsed = parseVideoCodec(c.codec);
    if (!parsed) throw notSupported(`The video codec "${c.codec}" is not one a Muxer can write.`);
    const t: Record<string, unknown> = {
      kind: 'video',
      codec: videoCodecFamily(parsed),
      width: c.codedWidth ?? 0,
      height: c.codedHeight ?? 0,
      displayWidth: c.displayAspectWidth ?? 0,
      displayHeight: c.displayAspectHeight ?? 0,
      rotation: c.rotation ?? 0,
      flip: c.flip ?? false,
      frameRate: track.frameRate,
    };
    if (c.description !== undefined) t.description = toBytes(c.description, 'decoderConfig.description').slice();
    if (c.colorSpace) t.color = parseColorSpaceInit(c.colorSpace, 'decoderConfig.colorSpace');
    if (parsed.codec === 'vp9') Object.assign(t, { profile: parsed.profile, level: parsed.level, bitDepth: parsed.bitDepth, chromaSubsampling: parsed.chromaSubsampling });
    if (parsed.codec === 'av1') Object.assign(t, { profile: parsed.profile, bitDepth: parsed.bitDepth });
    return t;
  }
  const c = track.config as AudioDecoderConfig;
  const parsed = parseAudioCodec(c.codec);
  if (!parsed) throw notSupported(`The audio codec "${c.codec}" is not one a Muxer can write.`);
  const t: Record<string, unknown> = { kind: 'audio', codec: audioCodecName(parsed), sampleRate: c.sampleRate, channels: c.numberOfChannels };
  if (c.description !== undefined) t.description = toBytes(c.description, 'decoderConfig.description').slice();
  return t;
}

function readTrackInit(value: unknown, kind: 'video' | 'audio'): Track | null {
  if (value === undefined || value === false) return null;
  const init = value === true ? {} : toDictionary<MuxerVideoTrackInit & MuxerAudioTrackInit>(value, `MuxerInit.${kind}`);
  const frameRate = init.frameRate === undefined ? 0 : toFiniteDouble(init.frameRate, 'MuxerInit.video.frameRate');
  return { kind, config: init.config ?? null, frameRate, index: -1 };
}

export class Muxer {
  readonly #worker: NativeWorker<NativeCodec, 'configure' | 'chunk' | 'finalize'>;
  readonly #format: MuxerFormat;
  readonly #tracks: Track[];
  readonly #path: string | null;
  readonly #options: { fastStart: boolean; fragmented: boolean; fragmentDuration: number };
  #sink: Sink | null = null;
  #tempDir: string | null = null;
  #streamTarget: NodeJS.WritableStream | WritableStream<Uint8Array> | null = null;

  #configured = false; // the tracks are fixed
  #open = false; // the worker has its configure message
  #finalizing = false;
  #queue: Item[] = [];
  #inFlight = 0;
  #inFlightBytes = 0;
  #queuedBytes = 0;
  #sinkBlocked = false;
  #failure: Error | null = null;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #sinkWrites: Promise<void> = Promise.resolve();

  constructor(init: MuxerInit) {
    const d = toDictionary<MuxerInit>(init, 'MuxerInit');
    if (d.target === undefined) throw missing('MuxerInit.target', 'a file path or a writable stream');
    const target = d.target;
    let format = d.format === undefined ? null : toEnum(d.format, FORMATS, 'MuxerInit.format');
    if (typeof target === 'string' || target instanceof URL) {
      this.#path = target instanceof URL ? fileURLToPath(target) : target;
      format ??= EXTENSIONS[extname(this.#path).toLowerCase()] ?? null;
      if (!format) throw invalid('MuxerInit.format', `one of ${FORMATS.join(', ')} (the path's extension names none)`, d.format);
    } else if (isNodeWritable(target) || isWebWritable(target)) {
      this.#path = null;
      this.#streamTarget = target;
      if (!format) throw missing('MuxerInit.format', `one of ${FORMATS.join(', ')} for a stream target`);
    } else {
      throw invalid('MuxerInit.target', 'a file path or a writable stream', target);
    }
    this.#format = format;
    const fragmented = d.fragmented === true;
    this.#options = {
      fastStart: d.fastStart === true,
      fragmented,
      fragmentDuration: d.fragmentDuration === undefined ? 0 : enforceU64(d.fragmentDuration, 'MuxerInit.fragmentDuration'),
    };
    this.#tracks = [readTrackInit(d.video, 'video'), readTrackInit(d.audio, 'audio')].filter((t): t is Track => t !== null);
    if (this.#tracks.length === 0) throw invalid('MuxerInit', 'a video or an audio track (MuxerInit.video, MuxerInit.audio)', init);
        this.#worker = new NativeWorker(
      (onEvents) => new native.MuxerNative(onEvents),
      (data) => this.#write(data as Uint8Array),
    );
  }

  get format(): MuxerFormat {
    return this.#format;
  }

  addVideoChunk(chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata): Promise<void> {
    if (!(chunk instanceof EncodedVideoChunk)) return Promise.reject(invalid('chunk', 'an EncodedVideoChunk', chunk));
    return this.#add('video', chunk, metadata?.decoderConfig);
  }

  addAudioChunk(chunk: EncodedAudioChunk, metadata?: EncodedAudioChunkMetadata): Promise<void> {
    if (!(chunk instanceof EncodedAudioChunk)) return Promise.reject(invalid('chunk', 'an EncodedAudioChunk', chunk));
    return this.#add('audio', chunk, metadata?.decoderConfig);
  }

  /** A chunk of the video or audio track, by the chunk's type. */
  addChunk(chunk: EncodedVideoChunk | EncodedAudioChunk, metadata?: EncodedVideoChunkMetadata | EncodedAudioChunkMetadata): Promise<void> {
    if (chunk instanceof EncodedVideoChunk) return this.addVideoChunk(chunk, metadata as EncodedVideoChunkMetadata);
    return this.addAudioChunk(chunk as EncodedAudioChunk, metadata as EncodedAudioChunkMetadata);
  }

  /** Writes everything still held and the file's index; resolves once the target has all the bytes. */
  async finalize(): Promise<void> {
    if (this.#finalizing) throw invalidState('finalize() was already called.');
    if (this.#worker.closed) throw invalidState('The muxer is closed.');
    this.#finalizing = true;
    try {
      if (!this.#configured) {
        // Tracks that never had a chunk (so never a config) are left out.
        const used = this.#tracks.filter((t) => t.config !== null);
        if (used.length === 0) throw invalidState('No chunks were added: there is nothing to write.');
        await this.#configure(used);
      }
      while (this.#queue.length > 0 || this.#inFlight > 0) {
        if (this.#failure) throw this.#failure;
        await new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
      }
      await this.#worker.flush('finalize');
      await this.#sinkWrites;
      if (this.#failure) throw this.#failure;
      await this.#finishTarget();
      // The file is whole: its thread ends now, not when the Muxer is collected.
      this.#worker.close();
    } catch (err) {
      this.close();
      throw err;
    } finally {
      await this.#removeTemp();
    }
  }

  /** Abandons the file (a partial file may remain at a path target). */
  close(): void {
    const reason = domError('AbortError', 'close() was called.');
    this.#failure ??= reason;
    this.#worker.close(reason);
    this.#queue = [];
    this.#wakeAll();
  }

  #add(kind: 'video' | 'audio', chunk: EncodedChunk, decoderConfig: object | undefined): Promise<void> {
    if (this.#finalizing || this.#worker.closed) return Promise.reject(invalidState('The muxer is finalized or closed.'));
    if (this.#failure) return Promise.reject(this.#failure);
    const track = this.#tracks.find((t) => t.kind === kind);
    if (!track) return Promise.reject(invalid('chunk', `a chunk of a declared track (this Muxer has no ${kind} track: MuxerInit.${kind})`, chunk));
    if (!track.config) {
      if (!decoderConfig) {
        return Promise.reject(
          invalid(`metadata.decoderConfig`, `the ${kind} track's config with its first chunk (or MuxerInit.${kind}.config)`, decoderConfig),
        );
      }
      track.config = decoderConfig as VideoDecoderConfig | AudioDecoderConfig;
    }
    const bytes = chunkBytes(chunk);
    this.#queue.push({ track, bytes, timestamp: chunk.timestamp, duration: chunk.duration, key: chunk.type === 'key' });
    this.#queuedBytes += bytes.byteLength;
    // Failures reach later calls and finalize() through #failure.
    if (!this.#configured && this.#tracks.every((t) => t.config !== null)) this.#configure(this.#tracks).catch(() => {});
    this.#pump();
    const promise =
      this.#inFlight + this.#queue.length < MAX_IN_FLIGHT * 2 && this.#queuedBytes + this.#inFlightBytes < HIGH_WATER_BYTES
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    // Callers that never await (as with other muxers' synchronous add
    // calls) must not see an unhandled rejection; finalize() reports it.
    promise.catch(() => {});
    return promise;
  }

  async #configure(tracks: Track[]): Promise<void> {
    this.#configured = true;
    try {
      await this.#openTarget(tracks);
    } catch (err) {
      this.#fail(err as Error);
      throw err;
    }
  }

  async #openTarget(tracks: Track[]): Promise<void> {
    tracks.forEach((t, i) => (t.index = i));
    let path = this.#path;
    let fastStart = this.#options.fastStart;
    const mp4 = this.#format === 'mp4' || this.#format === 'mov';
    if (path === null && mp4 && !this.#options.fragmented) {
      // A plain MP4 is finished by seeking back: write it to a temporary
      // file, index first, and stream that out at the end.
      this.#tempDir = await mkdtemp(join(tmpdir(), 'webcodecs-mux-'));
      path = join(this.#tempDir, `out.${this.#format}`);
      fastStart = true;
    } else if (path === null) {
      const target = this.#streamTarget as NodeJS.WritableStream | WritableStream<Uint8Array>;
      const fail = (e: Error): void => this.#fail(e);
      this.#sink = isWebWritable(target) ? webSink(target, fail) : nodeSink(target, fail);
    }
    const config = {
      format: FFMPEG_FORMAT[this.#format],
      ...(path !== null ? { path } : {}),
      fastStart,
      fragmented: this.#options.fragmented,
      fragmentDuration: this.#options.fragmentDuration,
      tracks: tracks.map(nativeTrack),
    };
    const done = this.#worker.configure(config, 'configure');
    this.#open = true;
    this.#pump();
    await done;
  }

  /** Hands queued chunks to the worker while it and the target keep up. */
  #pump(): void {
    if (!this.#open || this.#worker.closed) return;
    while (this.#queue.length > 0 && this.#inFlight < MAX_IN_FLIGHT && !this.#sinkBlocked && !this.#failure) {
      const item = this.#queue.shift() as Item;
      this.#queuedBytes -= item.bytes.byteLength;
      this.#inFlight++;
      this.#inFlightBytes += item.bytes.byteLength;
      const done = this.#worker.work([item.track.index, item.bytes, item.timestamp, item.duration ?? -1, item.key], 'chunk');
      done.then(
        () => this.#completed(item),
        (err: Error) => {
          this.#completed(item);
          this.#fail(err);
        },
      );
    }
    this.#wakeIfBelowWater();
  }

  #completed(item: Item): void {
    this.#inFlight--;
    this.#inFlightBytes -= item.bytes.byteLength;
    this.#pump();
  }

  #wakeIfBelowWater(): void {
    const below = this.#inFlight + this.#queue.length < MAX_IN_FLIGHT && this.#queuedBytes + this.#inFlightBytes < HIGH_WATER_BYTES / 2;
    if (below || (this.#queue.length === 0 && this.#inFlight === 0)) this.#wakeAll();
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (this.#failure) w.reject(this.#failure);
      else w.resolve();
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wakeAll();
  }

  /** Bytes of a stream target, in order, with the target's backpressure. */
  #write(bytes: Uint8Array): void {
    const sink = this.#sink;
    if (!sink) return;
    if (!sink.write(bytes) && !this.#sinkBlocked) {
      this.#sinkBlocked = true;
      this.#sinkWrites = sink.drained().then(() => {
        this.#sinkBlocked = false;
        this.#pump();
      });
    }
  }

  async #finishTarget(): Promise<void> {
    const target = this.#streamTarget;
    if (!target) return;
    if (this.#sink) {
      await this.#sink.end();
      return;
    }
    // The temporary MP4, streamed to the target.
    const file = createReadStream(join(this.#tempDir as string, `out.${this.#format}`));
    if (isWebWritable(target)) {
      const writer = target.getWriter();
      for await (const chunk of file) {
        await writer.ready;
        await writer.write(chunk as Uint8Array);
      }
      await writer.close();
    } else {
      await pipeline(file, target as NodeJS.WritableStream);
    }
  }

  async #removeTemp(): Promise<void> {
    if (!this.#tempDir) return;
    const dir = this.#tempDir;
    this.#tempDir = null;
    await rm(dir, { recursive: true, force: true });
  }

  get [Symbol.toStringTag](): string {
    return 'Muxer';
  }
}
