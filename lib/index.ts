// The package's public surface: every WebCodecs interface by name, plus a few
// server-side extras (buffer pool limits and statistics, FFmpeg versions).
import { native } from './native';
import { AudioDecoder as AudioDecoderClass } from './audio-decoder';
import { AudioEncoder as AudioEncoderClass } from './audio-encoder';
import { EncodedAudioChunk as EncodedAudioChunkClass } from './encoded-audio-chunk';
import { EncodedVideoChunk as EncodedVideoChunkClass } from './encoded-video-chunk';
import { VideoDecoder as VideoDecoderClass } from './video-decoder';
import { VideoEncoder as VideoEncoderClass } from './video-encoder';
import { interfaceObject } from './webidl';

// Codecs and chunks are classes on our CodecBase/EncodedChunk; WebIDL chains
// their prototypes straight to EventTarget's / Object's (lib/webidl.ts).

export { AudioData } from './audio-data';
export type { AudioDataCopyToOptions, AudioDataInit, AudioSampleFormat } from './audio-data';
export const AudioDecoder = interfaceObject(AudioDecoderClass, 'AudioDecoder', EventTarget, 1);
export type AudioDecoder = AudioDecoderClass;
export type { AudioDecoderConfig, AudioDecoderInit, AudioDecoderSupport } from './audio-decoder';
export const AudioEncoder = interfaceObject(AudioEncoderClass, 'AudioEncoder', EventTarget, 1);
export type AudioEncoder = AudioEncoderClass;
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
export const EncodedAudioChunk = interfaceObject(EncodedAudioChunkClass, 'EncodedAudioChunk', null, 1);
export type EncodedAudioChunk = EncodedAudioChunkClass;
export type { EncodedAudioChunkInit, EncodedAudioChunkType } from './encoded-audio-chunk';
export const EncodedVideoChunk = interfaceObject(EncodedVideoChunkClass, 'EncodedVideoChunk', null, 1);
export type EncodedVideoChunk = EncodedVideoChunkClass;
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
export const VideoDecoder = interfaceObject(VideoDecoderClass, 'VideoDecoder', EventTarget, 1);
export type VideoDecoder = VideoDecoderClass;
export type { HardwareAcceleration, VideoDecoderConfig, VideoDecoderInit, VideoDecoderSupport } from './video-decoder';
export const VideoEncoder = interfaceObject(VideoEncoderClass, 'VideoEncoder', EventTarget, 1);
export type VideoEncoder = VideoEncoderClass;
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
