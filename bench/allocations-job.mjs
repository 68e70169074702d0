// One run of bench/allocations.mjs, under the LD_PRELOAD allocation counter
// (bench/alloc/counter.c). Every run prepares the same inputs whatever
// `frames` is, so the difference between a run of N and one of 2N frames is
// the per-frame work alone.
//
//   node bench/allocations-job.mjs <case> '{"frames": N, ...}'
import { readFileSync } from 'node:fs';

import { AudioData, AudioDecoder, AudioEncoder, EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

import { annexbAccessUnits } from '../test/helpers/media.mjs';

import { waitForDequeue } from './lib/job.mjs';
import { readAudioStream } from './lib/streams.mjs';

const [name, json] = process.argv.slice(2);
const job = JSON.parse(json);
const W = 1920;
const H = 1080;
const I420 = { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 };

function patternFrame() {
  const bytes = new Uint8Array((W * H * 3) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
  return bytes;
}


// Runs `frames` items through a codec, never more than a few queued.
async function feed(codec, frames, submit) {
  for (let i = 0; i < frames; i++) {
    submit(i);
    if ((codec.encodeQueueSize ?? codec.decodeQueueSize) > 4) await waitForDequeue(codec);
  }
  await codec.flush();
  codec.close();
}

const failed = (e) => {
  throw e;
};

const cases = {
  // new VideoFrame(buffer) + close(): the spec's one copy, into pooled planes.
  async construct({ frames }) {
    const bytes = patternFrame();
    for (let i = 0; i < frames; i++) new VideoFrame(bytes, { ...I420, timestamp: i }).close();
  },
  async clone({ frames }) {
    const frame = new VideoFrame(patternFrame(), I420);
    for (let i = 0; i < frames; i++) frame.clone().close();
    frame.close();
  },
  async copyTo({ frames, format }) {
    const frame = new VideoFrame(patternFrame(), I420);
    const options = format ? { format } : {};
    const dest = new Uint8Array(frame.allocationSize(options));
    for (let i = 0; i < frames; i++) await frame.copyTo(dest, options);
    frame.close();
  },
  // A scrolling noisy pattern (a copy out of a taller one), so the encoder
  // has motion and detail to code.
  async encode({ frames, config }) {
    const frameBytes = (W * H * 3) / 2;
    const tall = new Uint8Array(frameBytes * 2);
    let seed = 1;
    for (let i = 0; i < tall.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      tall[i] = ((i >> 4) & 0x7f) + (seed >>> 27);
    }
    const buffer = new Uint8Array(frameBytes);
    const encoder = new VideoEncoder({ output: () => {}, error: failed });
    encoder.configure({ ...config, width: W, height: H, framerate: 30 });
    await feed(encoder, frames, (i) => {
      const offset = ((i * 8) % H) * W;
      buffer.set(tall.subarray(offset, offset + frameBytes));
      const frame = new VideoFrame(buffer, { ...I420, timestamp: Math.round((i * 1e6) / 30) });
      encoder.encode(frame);
      frame.close();
    });
  },
  // An Annex B stream made by the ffmpeg CLI, one chunk per access unit.
  async decode({ frames, stream, copy }) {
    const chunks = annexbAccessUnits(readFileSync(stream), false).map(
      (au, i) => new EncodedVideoChunk({ type: au.key ? 'key' : 'delta', timestamp: Math.round((i * 1e6) / 30), data: au.data }),
    );
    const options = copy === 'RGBA' ? { format: 'RGBA' } : {};
    let dest = null;
    const copies = [];
    const decoder = new VideoDecoder({
      output: (frame) => {
        if (!copy) return frame.close();
        dest ??= new Uint8Array(frame.allocationSize(options));
        copies.push(frame.copyTo(dest, options).finally(() => frame.close()));
      },
      error: failed,
    });
    decoder.configure({ codec: 'avc1.640028', codedWidth: W, codedHeight: H });
    await feed(decoder, frames, (i) => decoder.decode(chunks[i]));
    await Promise.all(copies);
  },
  // 1024-frame AudioData (AAC's frame size) of 48 kHz stereo f32.
  async audioData({ frames }) {
    const samples = new Float32Array(1024 * 2).fill(0.25);
    for (let i = 0; i < frames; i++) {
      new AudioData({ format: 'f32', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 1024, timestamp: i, data: samples }).close();
    }
  },
  async audioEncode({ frames, config }) {
    const samples = new Float32Array(1024 * 2);
    const encoder = new AudioEncoder({ output: () => {}, error: failed });
    encoder.configure({ ...config, sampleRate: 48000, numberOfChannels: 2 });
    await feed(encoder, frames, (i) => {
      for (let s = 0; s < samples.length; s++) samples[s] = 0.3 * Math.sin((i * 1024 + (s >> 1)) * 0.0575);
      const timestamp = Math.round((i * 1024 * 1e6) / 48000);
      const data = new AudioData({ format: 'f32', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 1024, timestamp, data: samples });
      encoder.encode(data);
      data.close();
    });
  },
  async audioDecode({ frames, stream }) {
    const { meta, chunks } = readAudioStream(stream);
    const { description, ...rest } = meta.config;
    const decoder = new AudioDecoder({ output: (data) => data.close(), error: failed });
    decoder.configure(description ? { ...rest, description: new Uint8Array(description) } : rest);
    await feed(decoder, frames, (i) => decoder.decode(chunks[i]));
  },
};

if (!cases[name]) throw new Error(`unknown case ${name}; expected one of ${Object.keys(cases).join(', ')}`);
await cases[name](job);
