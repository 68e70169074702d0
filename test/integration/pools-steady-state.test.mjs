// Steady state allocates no pixel or sample buffers: after a warm-up, every
// buffer the loops below take from the pools (frames and AudioData built
// from buffers, encoder input conversions, copyTo staging, the copies of
// chunks given to decoders) is an idle pooled buffer, and the pools count
// exactly the acquires the loops make. Codecs run in lockstep (one input,
// then its output), as the pools' own deterministic statistics need;
// decoded frames and samples come from the decoders' own pools, which
// getPoolStats() does not cover.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioData, AudioDecoder, AudioEncoder, VideoDecoder, VideoEncoder, VideoFrame, getPoolStats } from 'webcodecs-native';

import { encodeClip } from '../helpers/codecs.mjs';
import { patternI420 } from '../helpers/media.mjs';

function counts() {
  const { acquires, freshAllocations, fallbacks } = getPoolStats().total;
  return { acquires, freshAllocations, fallbacks };
}

/** Runs `round` warmUp times, then `rounds` times while counting pool use. */
async function measure(warmUp, rounds, round) {
  for (let i = 0; i < warmUp; i++) await round(i);
  const before = counts();
  for (let i = 0; i < rounds; i++) await round(warmUp + i);
  const after = counts();
  return {
    acquires: after.acquires - before.acquires,
    freshAllocations: after.freshAllocations - before.freshAllocations,
    fallbacks: after.fallbacks - before.fallbacks,
  };
}

function assertAllHits(used, expectedAcquires) {
  assert.deepEqual(used, { acquires: expectedAcquires, freshAllocations: 0, fallbacks: 0 });
}

/**
 * A codec whose output callback resolves the promise `step(input)` returns:
 * one input in, one output out, before the next.
 */
function lockstep(Codec, onOutput) {
  let resolve = null;
  let failure = null;
  const codec = new Codec({
    output: (out, meta) => {
      onOutput(out, meta);
      resolve?.();
    },
    error: (e) => {
      failure = e;
      resolve?.();
    },
  });
  const step = (submit) =>
    new Promise((done) => {
      resolve = done;
      submit(codec);
    }).then(() => {
      if (failure) throw failure;
    });
  return { codec, step };
}

test('VideoFrame construct, copyTo (I420, RGBA, RGBA through staging) and close: all pool hits', async () => {
  const wide = patternI420(320, 240, 1); // RGBA rows written straight into the destination
  const odd = patternI420(100, 60, 2); // 100 is no multiple of 32: RGBA goes through a staging buffer
  const destinations = {};
  const round = async () => {
    for (const [bytes, w, h] of [[wide, 320, 240], [odd, 100, 60]]) {
      const frame = new VideoFrame(bytes, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
      const clone = frame.clone();
      for (const options of [{}, { format: 'RGBA' }]) {
        const key = `${w}-${options.format}`;
        destinations[key] ??= new Uint8Array(clone.allocationSize(options));
        await clone.copyTo(destinations[key], options);
      }
      clone.close();
      frame.close();
    }
  };
  const used = await measure(2, 20, round);
  // Per round: 3 planes per frame and one staging buffer.
  assertAllHits(used, 20 * (3 + 3 + 1));
});

test('VideoEncoder converting RGBA frames for H.264: the frames and their conversions are all pool hits', async () => {
  const W = 192;
  const H = 128;
  const rgba = new Uint8Array(W * H * 4);
  const { codec: encoder, step } = lockstep(VideoEncoder, () => {});
  encoder.configure({ codec: 'avc1.42001f', width: W, height: H, bitrate: 500_000, framerate: 30, latencyMode: 'realtime' });
  const round = (i) =>
    step((enc) => {
      rgba.fill(i * 9);
      const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: i * 33_333 });
      enc.encode(frame);
      frame.close();
    });
  const used = await measure(3, 12, round);
  // Per frame: its RGBA plane and the three I420 planes of its conversion.
  assertAllHits(used, 12 * (1 + 3));
  await encoder.flush();
  encoder.close();
});

test('VideoDecoder with copyTo of every frame: the chunk copies and the RGBA staging are all pool hits', async () => {
  const W = 100;
  const H = 60;
  const config = { codec: 'avc1.42001f', width: W, height: H, bitrate: 300_000, framerate: 30, latencyMode: 'realtime' };
  const { chunks, decoderConfig } = await encodeClip(config, 8);
  const i420 = new Uint8Array((W * H * 3) / 2);
  const rgba = new Uint8Array(W * H * 4);
  const copies = [];
  const { codec: decoder, step } = lockstep(VideoDecoder, (frame) => {
    copies.push(frame.copyTo(i420), frame.copyTo(rgba, { format: 'RGBA' }));
    frame.close();
  });
  decoder.configure({ ...decoderConfig, optimizeForLatency: true });
  // A pass over the clip per round; flushing between passes lets the next
  // start again at the key frame.
  const round = async () => {
    for (const chunk of chunks) await step((dec) => dec.decode(chunk));
    await decoder.flush();
  };
  const used = await measure(1, 2, round);
  await Promise.all(copies);
  // Per chunk: its pooled copy and one staging buffer for the RGBA rows.
  assertAllHits(used, 2 * chunks.length * 2);
  decoder.close();
});

test('AudioData construct, copyTo (converting) and close: all pool hits', async () => {
  const samples = new Float32Array(2 * 480).fill(0.25);
  const out = new Int16Array(480);
  const round = () => {
    const data = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 480, timestamp: 0, data: samples });
    data.copyTo(out, { planeIndex: 1, format: 's16-planar' });
    data.close();
  };
  const used = await measure(2, 30, round);
  assertAllHits(used, 30);
  assert.equal(out[0], 8192, 'the copy really happened');
});

test('AudioEncoder converting s16-planar for Opus: the AudioData, conversions and frames are all pool hits', async () => {
  const samples = new Int16Array(2 * 960);
  const { codec: encoder, step } = lockstep(AudioEncoder, () => {});
  encoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 64000 });
  const round = (i) =>
    step((enc) => {
      for (let s = 0; s < samples.length; s++) samples[s] = Math.round(8000 * Math.sin(((i * 960 + (s % 960)) * 2 * Math.PI * 440) / 48000));
      const data = new AudioData({ format: 's16-planar', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 960, timestamp: i * 20_000, data: samples });
      enc.encode(data);
      data.close();
    });
  const used = await measure(3, 20, round);
  // Per AudioData: its own buffer, the converted samples and the encoder's frame.
  assertAllHits(used, 20 * 3);
  await encoder.flush();
  encoder.close();
});

test('AudioDecoder: the chunk copies and the interleaved outputs are all pool hits', async () => {
  const { chunks, decoderConfig } = await encodeOpus(12);
  const plane = new Float32Array(960);
  const { codec: decoder, step } = lockstep(AudioDecoder, (data) => {
    data.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
    data.close();
  });
  decoder.configure(decoderConfig);
  const round = async () => {
    for (const chunk of chunks) await step((dec) => dec.decode(chunk));
    await decoder.flush();
  };
  const used = await measure(1, 2, round);
  // Per chunk: its copy for the decoder and the interleaved output.
  assertAllHits(used, 2 * chunks.length * 2);
  decoder.close();
});

/** `count` 20 ms Opus chunks of a 440 Hz tone. */
async function encodeOpus(count) {
  const chunks = [];
  let decoderConfig = null;
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      chunks.push(chunk);
      decoderConfig ??= meta?.decoderConfig;
    },
    error: (e) => {
      throw e;
    },
  });
  encoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
  const samples = new Float32Array(2 * 960);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < 960; s++) samples[s] = samples[960 + s] = 0.3 * Math.sin(((i * 960 + s) * 2 * Math.PI * 440) / 48000);
    const data = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 960, timestamp: i * 20_000, data: samples });
    encoder.encode(data);
    data.close();
  }
  await encoder.flush();
  encoder.close();
  return { chunks, decoderConfig };
}
