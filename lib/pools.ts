// The native buffer pools behind VideoFrame and AudioData memory, conversion
// staging and decoder input (src/core/frame_pool.h): process-wide limits,
// preallocation for a known shape, statistics and trimming. Beyond the spec.
import { AUDIO_SAMPLE_FORMATS, type AudioSampleFormat } from './audio-data';
import { native } from './native';
import { enforceU32, enforceU64, invalid, required, toDictionary } from './validate';
import { VIDEO_PIXEL_FORMATS, type VideoPixelFormat } from './video-frame';

/** Process-wide pool limits (shared by every worker thread). */
export interface PoolConfig {
  /**
   * Bytes all pools may hold together, buffers in use included (default
   * 1 GiB). 0 turns pooling off.
   */
  maxBytes: number;
  /** Buffers one pool (one buffer size) may own (default 256). */
  maxBuffersPerPool: number;
  /**
   * A pool nothing has taken a buffer from for this many milliseconds frees
   * its idle buffers (default 30000; 0: never), whether or not the process
   * does anything else: a native thread sleeps until the next pool can
   * have been idle that long.
   */
  idleTrimMs: number;
}

export interface PoolStats {
  /** Pooled buffers owned: in use + available. */
  capacity: number;
  /** Idle buffers ready for reuse. */
  available: number;
  /** Buffers handed out and not yet released (fallbacks included). */
  inUse: number;
  /** The most buffers in use at once (in total: across all pools). */
  peakInUse: number;
  acquires: number;
  releases: number;
  /** Acquires that added a buffer to a pool. */
  freshAllocations: number;
  /** Acquires served by a plain allocation because a limit was reached. */
  fallbacks: number;
  /** Acquires served by an idle pooled buffer. */
  hits: number;
  /** Bytes of pooled buffers owned (capacity x buffer size). */
  bytesHeld: number;
}

/** VideoFrames of one format and coded size. */
export interface VideoPoolShape {
  format: VideoPixelFormat;
  width: number;
  height: number;
  count: number;
}

/** AudioData of one format and size. */
export interface AudioPoolShape {
  format: AudioSampleFormat;
  numberOfChannels: number;
  numberOfFrames: number;
  count: number;
}

/**
 * Sets the pool limits (members left out keep their value) and returns the
 * limits in force. Lower limits apply at once to idle buffers and to buffers
 * in use as they are released. A request at a limit first takes idle
 * buffers back from the pools used least recently, then falls back to a
 * plain allocation of its own (counted in `fallbacks`): it never fails for
 * a limit and never waits.
 */
export function configurePools(config?: Partial<PoolConfig>): PoolConfig {
  const F = 'PoolConfig';
  const d = toDictionary<PoolConfig>(config, F);
  // Members in lexicographic order, as WebIDL converts them.
  const idleTrimMs = d.idleTrimMs === undefined ? null : enforceU64(d.idleTrimMs, `${F}.idleTrimMs`);
  const maxBuffersPerPool = d.maxBuffersPerPool === undefined ? null : enforceU64(d.maxBuffersPerPool, `${F}.maxBuffersPerPool`);
  const maxBytes = d.maxBytes === undefined ? null : enforceU64(d.maxBytes, `${F}.maxBytes`);
  return native.configurePools(maxBytes, maxBuffersPerPool, idleTrimMs);
}

/**
 * Allocates idle pool buffers so that `count` frames (or AudioData) of the
 * shape can be built without allocating, within the pool limits. Returns
 * how many buffers were added (0 when the pools already hold enough).
 */
export function preallocate(shape: VideoPoolShape | AudioPoolShape): number {
  const F = 'preallocate';
  const d = toDictionary<Omit<VideoPoolShape, 'format'> & Omit<AudioPoolShape, 'format'> & { format: string }>(shape, F);
  const count = enforceU32(required(d.count, `${F}.count`, 'a number of frames'), `${F}.count`);
  const format = required(d.format, `${F}.format`, 'a VideoPixelFormat or AudioSampleFormat');
  if ((VIDEO_PIXEL_FORMATS as readonly string[]).includes(format)) {
    const height = enforceU32(required(d.height, `${F}.height`, 'a positive integer'), `${F}.height`);
    const width = enforceU32(required(d.width, `${F}.width`, 'a positive integer'), `${F}.width`);
    return native.VideoFrameHandle.preallocate(format, width, height, count);
  }
  if ((AUDIO_SAMPLE_FORMATS as readonly string[]).includes(format)) {
    const channels = enforceU32(required(d.numberOfChannels, `${F}.numberOfChannels`, 'a positive integer'), `${F}.numberOfChannels`);
    const frames = enforceU32(required(d.numberOfFrames, `${F}.numberOfFrames`, 'a positive integer'), `${F}.numberOfFrames`);
    return native.AudioDataHandle.preallocate(format, frames, channels, count);
  }
  throw invalid(`${F}.format`, 'a VideoPixelFormat or AudioSampleFormat', format);
}

/**
 * Statistics of the native buffer pools, per buffer size and in total, and
 * externalMemory: the bytes of frame and sample memory currently reported to
 * V8, counted once per allocation however many clones share it.
 */
export function getPoolStats(): {
  pools: (PoolStats & { bufferSize: number })[];
  total: PoolStats;
  externalMemory: number;
} {
  return native.getPoolStats();
}

/** Frees idle pooled buffers (buffers in use return to their pools as usual). */
export function trimPools(): void {
  native.trimPools();
}
