// ESM entry: re-exports the CommonJS build so both module systems share one
// set of classes (instanceof works across them).
import api from '../dist/index.js';

export const {
  AudioData,
  AudioDecoder,
  AudioEncoder,
  DOMRectReadOnly,
  Demuxer,
  EncodedAudioChunk,
  EncodedVideoChunk,
  ImageDecoder,
  ImageTrack,
  ImageTrackList,
  Muxer,
  VideoColorSpace,
  VideoDecoder,
  VideoEncoder,
  VideoFrame,
  configurePools,
  getPoolStats,
  getLiveObjects,
  preallocate,
  trimPools,
  ffmpegVersions,
} = api;
export default api;
