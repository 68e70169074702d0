// The video and audio codec matrices the behaviour suites run over, and
// helpers that drive the encoders and decoders to completion.
import { AudioDecoder, VideoDecoder, VideoEncoder } from 'webcodecs-native';

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
 * Encodes `count` pattern frames; resolves with the chunks, their metadata
 * and the first decoderConfig.
 */
export async function encodeClip(config, count, { width = config.width, height = config.height, keyEvery = 0, options } = {}) {
  const chunks = [];
  const metadata = [];
  let error = null;
  const encoder = new VideoEncoder({
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
    const frame = makeFrame(width, height, i);
    encoder.encode(frame, { keyFrame: keyEvery > 0 && i % keyEvery === 0, ...(options ? options(i) : {}) });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  if (error) throw error;
  const decoderConfig = metadata.find((m) => m?.decoderConfig)?.decoderConfig;
  return { chunks, metadata, decoderConfig };
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
 * Decodes chunks; resolves with the outputs' timestamps, sample rate and
 * the samples as f32-planar (one Float32Array per channel). AudioData are closed.
 */
export async function decodeAudio(config, chunks) {
  const outputs = [];
  await runDecoder(AudioDecoder, config, chunks, (data) => {
    const planes = [];
    for (let c = 0; c < data.numberOfChannels; c++) {
      const plane = new Float32Array(data.numberOfFrames);
      data.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
      planes.push(plane);
    }
    outputs.push({ timestamp: data.timestamp, frames: data.numberOfFrames, sampleRate: data.sampleRate, format: data.format, planes });
    data.close();
  });
  const channels = outputs[0]?.planes.length ?? 0;
  const total = outputs.reduce((n, o) => n + o.frames, 0);
  const samples = Array.from({ length: channels }, () => new Float32Array(total));
  let pos = 0;
  for (const o of outputs) {
    o.planes.forEach((p, c) => samples[c].set(p, pos));
    pos += o.frames;
  }
  return { outputs, samples, sampleRate: outputs[0]?.sampleRate ?? 0 };
}
