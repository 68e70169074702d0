// Demuxer (beyond the spec): reads any container FFmpeg reads, from a file
// path, a Buffer or a stream, lists its tracks with ready-to-use decoder
// configs, and yields EncodedVideoChunk / EncodedAudioChunk in file order.
// Demuxing runs on a worker thread (src/binding/demuxer.cc); memory stays
// bounded: chunks are read a batch ahead of the consumer, and a stream is
// pulled only when the demuxer needs more bytes.
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import type { AudioDecoderConfig } from './audio-decoder';
import {
  av1CodecStringOfRecord,
  avcCodecStringFromRecord,
  hevcCodecStringFromRecord,
  vp9CodecString,
  vp9StreamLevel,
} from './codecs/index';
import { nativeChunkInit } from './encoded-chunk';
import { EncodedAudioChunk } from './encoded-audio-chunk';
import { EncodedVideoChunk } from './encoded-video-chunk';
import { domError, invalidState } from './errors';
import { native, type NativeDemuxer } from './native';
import { NativeWorker } from './native-worker';
import { enforceU64, invalid, toBytes, toDictionary } from './validate';
import type { VideoColorSpaceInit } from './video-color-space';
import type { VideoDecoderConfig } from './video-decoder';

/** A file path (or file: URL), the whole file's bytes, or a stream of bytes. */
export type DemuxerSource = string | URL | ArrayBuffer | ArrayBufferView | AsyncIterable<Uint8Array>;

export interface DemuxerInit {
  /** FFmpeg's demuxer name ("mov", "matroska", "mpegts"...), when probing should not decide. */
  format?: string;
  /** For a stream source: the most bytes held at once (default 64 MiB); beyond it reading fails with QuotaExceededError. */
  maxBufferedBytes?: number;
}

interface TrackBase {
  /** The container's stream index. */
  readonly id: number;
  /** The WebCodecs codec string, or null when WebCodecs has no registration for the codec. */
  readonly codec: string | null;
  /** FFmpeg's name of the codec. */
  readonly ffmpegCodec: string;
  /** Microseconds, or null when the container does not say. */
  readonly duration: number | null;
  /** The first timestamp (microseconds; negative for priming an edit list hides), or null when unknown. */
  readonly start: number | null;
  readonly frameCount: number | null;
  readonly bitrate: number | null;
  readonly language: string | null;
}

export interface DemuxerVideoTrack extends TrackBase {
  readonly type: 'video';
  /** A valid VideoDecoderConfig, or null when the codec has no codec string. */
  readonly config: VideoDecoderConfig | null;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number | null;
}

export interface DemuxerAudioTrack extends TrackBase {
  readonly type: 'audio';
  /** A valid AudioDecoderConfig, or null when the codec has no codec string or the header no rate or channel count. */
  readonly config: AudioDecoderConfig | null;
  readonly sampleRate: number;
  readonly numberOfChannels: number;
}

export interface DemuxerOtherTrack extends TrackBase {
  /** FFmpeg's media type: "subtitle", "data", "attachment"... */
  readonly type: string;
  readonly config: null;
}

export type DemuxerTrack = DemuxerVideoTrack | DemuxerAudioTrack | DemuxerOtherTrack;

export type DemuxedChunk =
  | { track: DemuxerVideoTrack; chunk: EncodedVideoChunk }
  | { track: DemuxerAudioTrack; chunk: EncodedAudioChunk };

/** src/binding/demuxer.cc TrackToJs. */
interface NativeTrack {
  index: number;
  kind: string;
  codec: string;
  ffmpegCodec: string;
  profile: number;
  level: number;
  description?: Uint8Array;
  record?: Uint8Array;
  width: number;
  height: number;
  displayWidth: number;
  displayHeight: number;
  rotation: number;
  flip: boolean;
  color: { primaries: string | null; transfer: string | null; matrix: string | null; fullRange: boolean | null };
  bitDepth: number;
  chromaSubsampling: number;
  frameRate: number;
  sampleRate: number;
  channels: number;
  aacObjectType: number;
  duration: number;
  start: number | null;
  frames: number;
  bitrate: number;
  language: string;
}

/**
 * An output other than a packet (src/binding/demuxer.cc OutputToJs): the
 * header, the worker waiting for bytes, or the end of the input.
 */
interface DemuxerEvent {
  format?: string;
  formatName?: string;
  duration?: number;
  tracks?: NativeTrack[];
  wantsInput?: boolean;
  end?: boolean;
}


/** What a message to the worker is for: reads turn stale when a seek overtakes them. */
interface Job {
  kind: 'open' | 'read' | 'seek' | 'select';
  stale: boolean;
}

// Chunks read ahead of the consumer: a batch is requested whenever fewer
// than LOW_WATER are buffered.
const READ_PACKETS = 32;
const READ_BYTES = 4 << 20;
const LOW_WATER = 16;
// A stream is fed in slices of this size whenever the demuxer waits for bytes.
const FEED_BYTES = 1 << 20;
const DEFAULT_MAX_BUFFERED = 64 << 20;

const orNull = (n: number): number | null => (n >= 0 ? n : null);

function colorSpace(c: NativeTrack['color']): VideoColorSpaceInit | undefined {
  if (c.primaries === null && c.transfer === null && c.matrix === null && c.fullRange === null) return undefined;
  return { primaries: c.primaries, transfer: c.transfer, matrix: c.matrix, fullRange: c.fullRange } as VideoColorSpaceInit;
}

/** The registry's codec string for a video stream, or null. */
function videoCodecString(t: NativeTrack): string | null {
  switch (t.codec) {
    case 'h264':
      // avc3: parameter sets travel in the stream (Annex B, no description).
      return t.record ? avcCodecStringFromRecord(t.description ? 'avc1' : 'avc3', t.record) : null;
    case 'hevc':
      return t.record ? hevcCodecStringFromRecord(t.description ? 'hvc1' : 'hev1', t.record) : null;
    case 'vp8':
      return 'vp8';
    case 'vp9': {
      const bitDepth = t.bitDepth || 8;
      const profile = t.profile >= 0 && t.profile <= 3 ? t.profile : (bitDepth > 8 ? 2 : 0) + (t.chromaSubsampling >= 2 ? 1 : 0);
      const level = t.level > 0 ? t.level : vp9StreamLevel(t.width, t.height, t.frameRate || 30);
      return vp9CodecString({ profile, level, bitDepth });
    }
    case 'av1':
      return t.record ? av1CodecStringOfRecord(t.record) : null;
    default:
      return null;
  }
}

function audioCodecString(t: NativeTrack): string | null {
  if (t.codec === 'aac') return `mp4a.40.${t.aacObjectType || 2}`;
  return t.codec === '' ? null : t.codec;
}

function describeTrack(t: NativeTrack): DemuxerTrack {
  const base = {
    id: t.index,
    ffmpegCodec: t.ffmpegCodec,
    duration: orNull(t.duration),
    start: t.start,
    frameCount: t.frames > 0 ? t.frames : null,
    bitrate: t.bitrate > 0 ? t.bitrate : null,
    language: t.language && t.language !== 'und' ? t.language : null,
  };
  if (t.kind === 'video') {
    const codec = videoCodecString(t);
    let config: VideoDecoderConfig | null = null;
    if (codec !== null) {
      // Only sizes a decoder config may hold (a damaged header can say 0):
      // without them the decoder takes the size from the stream.
      config = { codec };
      if (t.width > 0 && t.height > 0) {
        config.codedWidth = t.width;
        config.codedHeight = t.height;
      }
      if (t.displayWidth > 0 && t.displayHeight > 0 && (t.displayWidth !== t.width || t.displayHeight !== t.height)) {
        config.displayAspectWidth = t.displayWidth;
        config.displayAspectHeight = t.displayHeight;
      }
      const cs = colorSpace(t.color);
      if (cs) config.colorSpace = cs;
      if (t.description) config.description = t.description;
      if (t.rotation) config.rotation = t.rotation;
      if (t.flip) config.flip = true;
    }
    return { ...base, type: 'video', codec, config, width: t.width, height: t.height, frameRate: t.frameRate > 0 ? t.frameRate : null };
  }
  if (t.kind === 'audio') {
    const codec = audioCodecString(t);
    let config: AudioDecoderConfig | null = null;
    // A rate and a channel count are required: without them there is no config.
    if (codec !== null && t.sampleRate > 0 && t.channels > 0) {
      config = { codec, sampleRate: t.sampleRate, numberOfChannels: t.channels };
      if (t.description) config.description = t.description;
    }
    return { ...base, type: 'audio', codec, config, sampleRate: t.sampleRate, numberOfChannels: t.channels };
  }
  return { ...base, type: t.kind, codec: null, config: null };
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

export class Demuxer {
  readonly #worker: NativeWorker<NativeDemuxer, Job>;
  #format = '';
  #formatName = '';
  #duration: number | null = null;
  #tracks: DemuxerTrack[] = [];
  #byIndex = new Map<number, DemuxerTrack>();

  // Reading.
  #buffered: DemuxedChunk[] = [];
  #ended = false;
  #reading = false;
  #iteration = 0;  // the iterator that owns the reading position
  #wake: (() => void) | null = null;

  // A stream source.
  #input: AsyncIterator<unknown> | null = null;
  #feeding = false;
  #feedAgain = false;
  #inputError: Error | null = null;

  private constructor(maxBufferedBytes: number) {
    this.#worker = new NativeWorker<NativeDemuxer, Job>(
      (onEvents) => new native.DemuxerNative(onEvents, maxBufferedBytes),
      (value, job, numbers, at, count) => this.#onOutput(value, job, numbers, at, count),
    );
  }

  /** Opens `source` and reads its header: the tracks and their configs. */
  static async open(source: DemuxerSource, init: DemuxerInit = {}): Promise<Demuxer> {
    const options = toDictionary<DemuxerInit>(init, 'DemuxerInit');
    const format = options.format === undefined ? undefined : String(options.format);
    const maxBuffered =
      options.maxBufferedBytes === undefined
        ? DEFAULT_MAX_BUFFERED
        : enforceU64(options.maxBufferedBytes, 'DemuxerInit.maxBufferedBytes');
    // The cap bounds what a stream buffers; a Buffer is already all in memory.
    const demuxer = new Demuxer(isAsyncIterable(source) ? maxBuffered : 0);
    try {
      await demuxer.#open(source, format);
    } catch (err) {
      demuxer.close();
      throw err;
    }
    return demuxer;
  }

  async #open(source: DemuxerSource, format: string | undefined): Promise<void> {
    const config: { path?: string; stream?: boolean; format?: string } = {};
    if (format !== undefined) config.format = format;
    if (typeof source === 'string' || source instanceof URL) {
      const path = source instanceof URL ? fileURLToPath(source) : source;
      await access(path, constants.R_OK);  // a missing file is Node's own ENOENT error
      config.path = path;
    } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      this.#worker.native.append(toBytes(source, 'source'));
      this.#worker.native.end();
    } else if (isAsyncIterable(source)) {
      this.#input = source[Symbol.asyncIterator]();
      config.stream = true;
    } else {
      throw invalid('source', 'a file path, a BufferSource or an async iterable of Uint8Array', source);
    }
    try {
      await this.#worker.configure(config, { kind: 'open', stale: false });
    } catch (err) {
      // A stream that failed (or was not bytes, or passed the cap) ended the
      // input early: its own error says why opening failed. Once open,
      // reading reports it after the chunks of the bytes that did arrive.
      throw this.#inputError ?? err;
    }
  }

  /** FFmpeg's name of the container format ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"...). */
  get format(): string {
    return this.#format;
  }

  /** A readable description of the format. */
  get formatName(): string {
    return this.#formatName;
  }

  /** Microseconds, or null when the container does not say. */
  get duration(): number | null {
    return this.#duration;
  }

  get tracks(): readonly DemuxerTrack[] {
    return this.#tracks;
  }

  get videoTracks(): DemuxerVideoTrack[] {
    return this.#tracks.filter((t): t is DemuxerVideoTrack => t.type === 'video');
  }

  get audioTracks(): DemuxerAudioTrack[] {
    return this.#tracks.filter((t): t is DemuxerAudioTrack => t.type === 'audio');
  }

  /**
   * The chunks of `tracks` (default: every video and audio track WebCodecs
   * can decode), in file order. Starting another iteration ends this one.
   */
  chunks(tracks?: DemuxerTrack | number | readonly (DemuxerTrack | number)[]): AsyncIterableIterator<DemuxedChunk> {
    const chosen = tracks === undefined ? this.#tracks.filter((t) => t.config !== null) : [tracks].flat();
    const ids = chosen.map((t) => {
      const id = typeof t === 'number' ? t : t.id;
      if (!this.#byIndex.has(id)) throw invalid('tracks', 'tracks of this demuxer', t);
      return id;
    });
    this.#checkOpen();
    const iteration = ++this.#iteration;
    void this.#post({ kind: 'select', stale: false }, ids).catch(() => {});
    return this.#iterate(iteration);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<DemuxedChunk> {
    return this.chunks();
  }

  /**
   * Moves the reading position to the last key frame at or before
   * `timestamp` (microseconds); chunks buffered from before are dropped.
   * Streams cannot seek (NotSupportedError).
   */
  async seek(timestamp: number): Promise<void> {
    this.#checkOpen();
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw invalid('timestamp', 'a finite number of microseconds', timestamp);
    for (const job of this.#worker.pendingTags) if (job.kind === 'read') job.stale = true;
    this.#buffered = [];
    this.#ended = false;
    await this.#post({ kind: 'seek', stale: false }, Math.trunc(timestamp));
  }

  /** Stops reading and frees the demuxer; safe to call more than once. */
  close(): void {
    this.#worker.close();
    this.#buffered = [];
    this.#input?.return?.().catch(() => {});
    this.#input = null;
    this.#signal();
  }

  #checkOpen(): void {
    if (this.#worker.closed) throw invalidState('The demuxer is closed.');
  }

  /** work(kind, a, b): src/binding/demuxer.cc ReadWork. */
  #post(job: Job, a: unknown, b: unknown = 0): Promise<void> {
    const kind = job.kind === 'read' ? 0 : job.kind === 'seek' ? 1 : 2;
    const done = this.#worker.work([kind, a, b], job);
    // Failures reach the reader through the worker's failure.
    void done.catch(() => {}).finally(() => {
      if (job.kind === 'read') this.#reading = false;
      this.#signal();
    });
    return done;
  }

  async *#iterate(iteration: number): AsyncGenerator<DemuxedChunk> {
    for (;;) {
      if (this.#iteration !== iteration || this.#worker.closed) return;
      const next = this.#buffered.shift();
      if (next) {
        this.#readAhead();
        yield next;
        continue;
      }
      // The stream's own error explains a failure (or an early end) best.
      if (this.#worker.failure) throw this.#inputError ?? this.#worker.failure;
      if (this.#ended) {
        if (this.#inputError) throw this.#inputError;
        return;
      }
      this.#readAhead();
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #readAhead(): void {
    if (this.#reading || this.#ended || this.#worker.closed || this.#worker.failure) return;
    if (this.#buffered.length >= LOW_WATER) return;
    this.#reading = true;
    void this.#post({ kind: 'read', stale: false }, READ_PACKETS, READ_BYTES).catch(() => {});
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  // A packet is its bytes with the numbers [track, key, timestamp, duration or NaN].
  #onOutput(value: unknown, job: Job | undefined, n: Float64Array, at: number, count: number): void {
    if (count > 0) {
      if (!job || job.stale) return;
      const track = this.#byIndex.get(n[at]);
      const init = nativeChunkInit(value as Uint8Array, n, at + 1);
      if (track?.type === 'video') this.#buffered.push({ track: track as DemuxerVideoTrack, chunk: new EncodedVideoChunk(init) });
      else if (track?.type === 'audio') this.#buffered.push({ track: track as DemuxerAudioTrack, chunk: new EncodedAudioChunk(init) });
      this.#signal();
      return;
    }
    const e = value as DemuxerEvent;
    if (e.wantsInput) {
      this.#feed();
      return;
    }
    if (e.tracks) {
      this.#format = e.format ?? '';
      this.#formatName = e.formatName ?? '';
      this.#duration = orNull(e.duration ?? -1);
      this.#tracks = e.tracks.map(describeTrack);
      this.#byIndex = new Map(this.#tracks.map((t) => [t.id, t]));
      return;
    }
    if (!job || job.stale) return;
    if (e.end) this.#ended = true;
    this.#signal();
  }

  /** The demuxer waits for bytes: pull the next slice of the stream. */
  async #feed(): Promise<void> {
    if (this.#feeding) {
      this.#feedAgain = true;
      return;
    }
    const input = this.#input;
    if (!input) return;
    this.#feeding = true;
    try {
      do {
        this.#feedAgain = false;
        let sent = 0;
        while (sent < FEED_BYTES) {
          const { value, done } = await input.next();
          if (this.#worker.closed) return;
          if (done) {
            this.#worker.native.end();
            this.#input = null;
            return;
          }
          if (!(value instanceof Uint8Array)) {
            throw domError('DataError', `The stream gave ${typeof value === 'string' ? 'a string' : String(value)}; a Demuxer reads Uint8Array chunks.`);
          }
          this.#worker.native.append(value);
          sent += value.byteLength;
        }
      } while (this.#feedAgain);
    } catch (err) {
      // The stream failed (or was not bytes, or passed the cap): end the
      // input so the demuxer stops waiting, and report this error.
      this.#inputError = err instanceof Error ? err : new Error(String(err));
      if (!this.#worker.closed) this.#worker.native.end();
      this.#input = null;
    } finally {
      this.#feeding = false;
    }
  }

  get [Symbol.toStringTag](): string {
    return 'Demuxer';
  }
}
