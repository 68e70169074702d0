// The package's public surface: every WebCodecs interface by name, plus a few
// server-side extras (buffer pool limits and statistics, FFmpeg versions).
import { native } from './native';

export { AudioData } from './audio-data';
export type { AudioDataCopyToOptions, AudioDataInit, AudioSampleFormat } from './audio-data';
export { AudioDecoder } from './audio-decoder';
export type { AudioDecoderConfig, AudioDecoderInit, AudioDecoderSupport } from './audio-decoder';
export { AudioEncoder } from './audio-encoder';
export type {
  AudioEncoderConfig,
  AudioEncoderInit,
  AudioEncoderSupport,
  BitrateMode,
  EncodedAudioChunkMetadata,
} from './audio-encoder';
export type {
  AacBitstreamFormat,
  AacEncoderConfig,
  FlacEncoderConfig,
  OpusApplication,
  OpusBitstreamFormat,
  OpusEncoderConfig,
  OpusSignal,
} from './codecs/index';
export { Demuxer } from './demuxer';
export type {
  DemuxedChunk,
  DemuxerAudioTrack,
  DemuxerInit,
  DemuxerOtherTrack,
  DemuxerSource,
  DemuxerTrack,
  DemuxerVideoTrack,
} from './demuxer';
export { Muxer } from './muxer';
export type { MuxerAudioTrackInit, MuxerFormat, MuxerInit, MuxerTarget, MuxerVideoTrackInit } from './muxer';
export { DOMRectReadOnly } from './dom-rect';
export type { DOMRectInit } from './dom-rect';
export { EncodedAudioChunk } from './encoded-audio-chunk';
export type { EncodedAudioChunkInit, EncodedAudioChunkType } from './encoded-audio-chunk';
export { EncodedVideoChunk } from './encoded-video-chunk';
export type { EncodedVideoChunkInit, EncodedVideoChunkType } from './encoded-video-chunk';
export { ImageDecoder, ImageTrack, ImageTrackList } from './image-decoder';
export type {
  ColorSpaceConversion,
  ImageBufferSource,
  ImageDecodeOptions,
  ImageDecodeResult,
  ImageDecoderInit,
} from './image-decoder';
export { VideoColorSpace } from './video-color-space';
export type {
  VideoColorPrimaries,
  VideoColorSpaceInit,
  VideoMatrixCoefficients,
  VideoTransferCharacteristics,
} from './video-color-space';
export { VideoDecoder } from './video-decoder';
export type { HardwareAcceleration, VideoDecoderConfig, VideoDecoderInit, VideoDecoderSupport } from './video-decoder';
export { VideoEncoder } from './video-encoder';
export type {
  EncodedVideoChunkMetadata,
  LatencyMode,
  VideoEncoderBitrateMode,
  VideoEncoderConfig,
  VideoEncoderEncodeOptions,
  VideoEncoderInit,
  VideoEncoderSupport,
} from './video-encoder';
export { VideoFrame } from './video-frame';
export type {
  AlphaOption,
  PlaneLayout,
  PredefinedColorSpace,
  VideoFrameBufferInit,
  VideoFrameCopyToOptions,
  VideoFrameInit,
  VideoFrameMetadata,
  VideoPixelFormat,
} from './video-frame';
export type { AllowSharedBufferSource } from './validate';
export type { CodecState } from './codec-base';
export { configurePools, getPoolStats, preallocate, trimPools } from './pools';
export type { AudioPoolShape, PoolConfig, PoolStats, VideoPoolShape } from './pools';

/** Native objects alive in this thread's environment (see getLiveObjects). */
export interface LiveObjects {
  /** VideoFrames (and image frames) not yet closed or collected; clones share their original's count. */
  videoFrames: number;
  /** AudioData not yet closed or collected; clones share their original's count. */
  audioData: number;
  /** Encoded bytes handed to JS without a copy (chunks, muxed output) not yet collected. */
  chunkBuffers: number;
  /** Codec, demuxer and muxer threads not yet joined. */
  videoDecoders: number;
  videoEncoders: number;
  audioDecoders: number;
  audioEncoders: number;
  demuxers: number;
  muxers: number;
  /** ImageDecoders not yet closed. */
  imageDecoders: number;
  /** Pooled buffers in use, process-wide (getPoolStats().total.inUse). */
  poolBuffers: number;
}

/**
 * Counts of live native objects, for leak checks and soak runs: each count
 * returns to zero once everything is closed (chunkBuffers once collected).
 */
export function getLiveObjects(): LiveObjects {
  return { ...native.getLiveObjects(), poolBuffers: native.getPoolStats().total.inUse };
}

/** Versions of the FFmpeg libraries the addon was built against. */
export function ffmpegVersions(): Record<string, string> {
  return native.versions();
}
