// One measurement of bench/audio.mjs, in its own process. Prints one JSON line.
//
//   node bench/audio-job.mjs encode '{"source": raw f32 interleaved, "rate", "channels", "frames": per AudioData, "config", "out"}'
//   node bench/audio-job.mjs decode '{"stream": written by encode}'
import { readFileSync, writeFileSync } from 'node:fs';

import { AudioData, AudioDecoder, AudioEncoder } from 'webcodecs-native';

import { callTimer, report, start, stop, waitForDequeue } from './lib/job.mjs';
import { readAudioStream } from './lib/streams.mjs';

const [mode, json] = process.argv.slice(2);
const job = JSON.parse(json ?? '{}');

// A run over the first WARMUP_SECONDS first, untimed and with codecs of its
// own, so the measured run sees compiled JavaScript and filled pools, as a
// server past its first file does. A minute of audio is only tens of
// milliseconds of codec work: V8's first compilations alone would
// otherwise weigh more than our steady-state overhead.
const WARMUP_SECONDS = 10;

async function encodeRange(samples, total, calls) {
  const { rate, channels, frames, config } = job;
  const chunks = [];
  let decoderConfig = null;
  let failure = null;
  const encoder = new AudioEncoder({
    output: (chunk, metadata) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ timestamp: chunk.timestamp, duration: chunk.duration, data });
      if (metadata?.decoderConfig) decoderConfig = metadata.decoderConfig;
    },
    error: (e) => {
      failure = e;
    },
  });
  encoder.configure(config);
  for (let at = 0; at < total; at += frames) {
    const n = Math.min(frames, total - at);
    const data = new AudioData({
      format: 'f32',
      sampleRate: rate,
      numberOfChannels: channels,
      numberOfFrames: n,
      timestamp: Math.round((at * 1e6) / rate),
      data: samples.subarray(at * channels, (at + n) * channels),
    });
    calls.time(() => encoder.encode(data));
    data.close();
    if (encoder.encodeQueueSize > 8) await waitForDequeue(encoder);
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw failure;
  return { chunks, decoderConfig };
}

async function encode() {
  const { source, rate, channels, out } = job;
  const samples = new Float32Array(readFileSync(source).buffer.slice(0));
  const total = samples.length / channels;
  await encodeRange(samples, Math.min(total, rate * WARMUP_SECONDS), callTimer());
  const calls = callTimer();
  start();
  const { chunks, decoderConfig } = await encodeRange(samples, total, calls);
  const seconds = stop();
  const description = decoderConfig.description ? [...new Uint8Array(decoderConfig.description.buffer ?? decoderConfig.description)] : null;
  writeFileSync(`${out}.chunks`, Buffer.concat(chunks.map((c) => c.data)));
  writeFileSync(
    `${out}.json`,
    JSON.stringify({
      config: { ...decoderConfig, description },
      index: chunks.map((c) => ({ size: c.data.length, timestamp: c.timestamp, duration: c.duration })),
    }),
  );
  report({ seconds, chunks: chunks.length, bytes: chunks.reduce((n, c) => n + c.data.length, 0), callMs: calls.summary() });
}

async function decodeRange(chunks, config, calls) {
  let frames = 0;
  let failure = null;
  const decoder = new AudioDecoder({
    output: (data) => {
      frames += data.numberOfFrames;
      data.close();
    },
    error: (e) => {
      failure = e;
    },
  });
  decoder.configure(config);
  for (const chunk of chunks) {
    calls.time(() => decoder.decode(chunk));
    if (decoder.decodeQueueSize > 8) await waitForDequeue(decoder);
  }
  await decoder.flush();
  decoder.close();
  if (failure) throw failure;
  return frames;
}

async function decode() {
  const { meta, chunks } = readAudioStream(job.stream);
  const { description, ...rest } = meta.config;
  const config = description ? { ...rest, description: new Uint8Array(description) } : rest;
  const warmup = chunks.filter((c) => c.timestamp < WARMUP_SECONDS * 1e6);
  await decodeRange(warmup, config, callTimer());
  const calls = callTimer();
  start();
  const frames = await decodeRange(chunks, config, calls);
  const seconds = stop();
  report({ seconds, frames, callMs: calls.summary() });
}

const jobs = { encode, decode };
if (!jobs[mode]) throw new Error(`unknown mode ${mode}; expected encode or decode`);
await jobs[mode]();
