// The video and audio codec matrices the behaviour suites run over, and
// helpers that drive the encoders and decoders to completion.
import { AudioDecoder, AudioEncoder, VideoDecoder, VideoEncoder } from 'webcodecs-native';

import { makeFrame } from './media.mjs';

/** One configuration per codec family (small, fast settings). */
export const VIDEO_CODECS = [
  { name: 'H.264', family: 'h264', codec: 'avc1.42001f' },
  { name: 'H.264 High', family: 'h264', codec: 'avc1.64001f' },
  { name: 'HEVC', family: 'hevc', codec: 'hvc1.1.6.L93.B0' },
  { name: 'VP8', family: 'vp8', codec: 'vp8' },
  { name: 'VP9', family: 'vp9', codec: 'vp09.00.10.08' },
  { name: 'AV1', family: 'av1', codec: 'av01.0.04M.08' },
];

/**
 * Runs an encoder over `count` inputs from `makeInput(i)` (closed once
 * queued); resolves with the chunks, their metadata and the first
 * decoderConfig, or rejects with the encoder's error.
 */
async function runEncoder(Encoder, config, count, makeInput, optionsOf = () => undefined) {
  const chunks = [];
  const metadata = [];
  let error = null;
  const encoder = new Encoder({
    output: (chunk, meta) => {
      chunks.push(chunk);
      metadata.push(meta);
    },
    error: (e) => {
      error = e;
    },
  });
  encoder.configure(config);
  for (let i = 0; i < count; i++) {
    const input = makeInput(i);
    encoder.encode(input, optionsOf(i));
    input.close();
  }
  await encoder.flush();
  encoder.close();
  if (error) throw error;
  const decoderConfig = metadata.find((m) => m?.decoderConfig)?.decoderConfig;
  return { chunks, metadata, decoderConfig };
}

/**
 * Encodes `count` frames (pattern frames, or `frame(i)`); resolves with the
 * chunks, their metadata and the first decoderConfig.
 */
export function encodeClip(
  config,
  count,
  { width = config.width, height = config.height, keyEvery = 0, options, frame = (i) => makeFrame(width, height, i) } = {},
) {
  return runEncoder(VideoEncoder, config, count, frame, (i) => ({
    keyFrame: keyEvery > 0 && i % keyEvery === 0,
    ...(options ? options(i) : {}),
  }));
}

/** Runs a decoder over chunks, handing each output to `onOutput`; rejects with its error. */
async function runDecoder(Decoder, config, chunks, onOutput) {
  let error = null;
  const decoder = new Decoder({
    output: onOutput,
    error: (e) => {
      error = e;
    },
  });
  decoder.configure(config);
  for (const c of chunks) decoder.decode(c);
  await decoder.flush();
  decoder.close();
  if (error) throw error;
}

/** Decodes chunks; resolves with the frames (caller closes them). */
export async function decodeChunks(config, chunks) {
  const frames = [];
  await runDecoder(VideoDecoder, config, chunks, (frame) => frames.push(frame));
  return frames;
}

// --- Audio -------------------------------------------------------------------

/**
 * One configuration per registry audio codec. `pcmBytes`: bytes per sample
 * of the PCM-like codecs, whose chunks must hold whole frames.
 */
export const AUDIO_CODECS = [
  { name: 'Opus', codec: 'opus', sampleRate: 48000 },
  { name: 'Opus (ogg format)', codec: 'opus', sampleRate: 48000, extra: { opus: { format: 'ogg' } } },
  { name: 'AAC-LC', codec: 'mp4a.40.2', sampleRate: 44100 },
  { name: 'AAC-LC ADTS', codec: 'mp4a.40.2', sampleRate: 44100, extra: { aac: { format: 'adts' } } },
  { name: 'MPEG-2 AAC-LC', codec: 'mp4a.67', sampleRate: 48000 },
  { name: 'MP3', codec: 'mp3', sampleRate: 44100 },
  { name: 'FLAC', codec: 'flac', sampleRate: 44100 },
  { name: 'Vorbis', codec: 'vorbis', sampleRate: 44100 },
  { name: 'PCM u8', codec: 'pcm-u8', sampleRate: 8000, pcmBytes: 1 },
  { name: 'PCM s16', codec: 'pcm-s16', sampleRate: 44100, pcmBytes: 2 },
  { name: 'PCM s24', codec: 'pcm-s24', sampleRate: 48000, pcmBytes: 3 },
  { name: 'PCM s32', codec: 'pcm-s32', sampleRate: 96000, pcmBytes: 4 },
  { name: 'PCM f32', codec: 'pcm-f32', sampleRate: 22050, pcmBytes: 4 },
  { name: 'u-law', codec: 'ulaw', sampleRate: 8000, pcmBytes: 1 },
  { name: 'A-law', codec: 'alaw', sampleRate: 8000, pcmBytes: 1 },
];

/** The AudioEncoderConfig of an AUDIO_CODECS entry. */
export function audioConfig({ codec, sampleRate, extra }, numberOfChannels = 2) {
  return { codec, sampleRate, numberOfChannels, ...extra };
}

/** Encodes AudioData from `makeData(i)` for i < count (see runEncoder). */
export function encodeAudio(config, count, makeData) {
  return runEncoder(AudioEncoder, config, count, makeData);
}


export const PLANE_ARRAYS = { 'u8-planar': Uint8Array, 's16-planar': Int16Array, 's32-planar': Int32Array, 'f32-planar': Float32Array };

/**
 * Decodes chunks; resolves with the outputs (timestamp, frames, sampleRate,
 * format, planes) and every sample per channel, copied out in `format` (a
 * planar format). The AudioData are closed.
 */
export async function decodeAudio(config, chunks, format = 'f32-planar') {
  const Plane = PLANE_ARRAYS[format];
  const outputs = [];
  await runDecoder(AudioDecoder, config, chunks, (data) => {
    const planes = [];
    for (let c = 0; c < data.numberOfChannels; c++) {
      const plane = new Plane(data.numberOfFrames);
      data.copyTo(plane, { planeIndex: c, format });
      planes.push(plane);
    }
    outputs.push({ timestamp: data.timestamp, frames: data.numberOfFrames, sampleRate: data.sampleRate, format: data.format, planes });
    data.close();
  });
  const channels = outputs[0]?.planes.length ?? 0;
  const total = outputs.reduce((n, o) => n + o.frames, 0);
  const samples = Array.from({ length: channels }, () => new Plane(total));
  let pos = 0;
  for (const o of outputs) {
    o.planes.forEach((p, c) => samples[c].set(p, pos));
    pos += o.frames;
  }
  return { outputs, samples, sampleRate: outputs[0]?.sampleRate ?? 0 };
}
