#!/usr/bin/env node
// Soak: encodes and decodes video and audio, muxes what it encoded into a
// WebM in memory and demuxes and decodes it back, round after round, for a
// given time (or number of rounds), sampling RSS and the live-object
// counts (getLiveObjects) after every round. At the end everything is
// closed and collected and the counts must all be back to zero.
//
//   node scripts/soak.mjs [--seconds 60 | --rounds N] [--json]
//
// Prints a summary (or one JSON object with --json): rounds, frames and
// samples through each codec, RSS at the start of the measured part, at
// its end and at peak, the drift (mean RSS of the last quarter of rounds
// minus that of the second quarter: the first quarter warms pools and
// allocators up), the largest live counts seen during the run, and the
// counts at the end. Exits 1 when a count is not back to zero.
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';

import {
  AudioData, AudioDecoder, AudioEncoder, Demuxer, Muxer, VideoDecoder, VideoEncoder, VideoFrame, getLiveObjects,
} from '../esm/index.mjs';

// A full collection on demand, with array buffers swept during it, so the
// buffers it frees are counted at once.
v8.setFlagsFromString('--expose-gc');
v8.setFlagsFromString('--no-concurrent-array-buffer-sweeping');
const gc = vm.runInNewContext('gc');

const { values: args } = parseArgs({
  options: { seconds: { type: 'string' }, rounds: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const seconds = args.rounds ? Infinity : Number(args.seconds ?? 60);
const rounds = args.rounds ? Number(args.rounds) : Infinity;

const W = 320;
const H = 240;
const FRAMES = 15; // per round: half a second of video at 30 fps
const RATE = 48000;
const AUDIO_FRAMES = 960; // 20 ms per AudioData
const AUDIO_PER_ROUND = 25;

const totals = { rounds: 0, framesEncoded: 0, framesDecoded: 0, audioEncoded: 0, audioDecoded: 0, filesMuxed: 0, chunksDemuxed: 0 };
const fail = (e) => {
  throw e;
};

function pattern(i) {
  const data = new Uint8Array((W * H * 3) / 2);
  for (let y = 0; y < H; y++) data.fill((i * 3 + y) & 0xff, y * W, y * W + W);
  data.fill(128, W * H);
  return new VideoFrame(data, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: Math.round((i * 1e6) / 30), duration: 33333 });
}

function tone(i) {
  const data = new Float32Array(AUDIO_FRAMES * 2);
  for (let s = 0; s < AUDIO_FRAMES; s++) data[s] = data[AUDIO_FRAMES + s] = 0.3 * Math.sin((2 * Math.PI * 440 * (i * AUDIO_FRAMES + s)) / RATE);
  return new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfFrames: AUDIO_FRAMES, numberOfChannels: 2, timestamp: Math.round((i * AUDIO_FRAMES * 1e6) / RATE), data });
}

// Long-lived codecs, as a server keeps them; a muxer and a demuxer per round.
const videoChunks = [];
const audioChunks = [];
let videoConfig = null;
let audioConfig = null;
const videoEncoder = new VideoEncoder({ output: (c, m) => (videoChunks.push(c), (videoConfig = m?.decoderConfig ?? videoConfig)), error: fail });
const audioEncoder = new AudioEncoder({ output: (c, m) => (audioChunks.push(c), (audioConfig = m?.decoderConfig ?? audioConfig)), error: fail });
const videoDecoder = new VideoDecoder({ output: (f) => (totals.framesDecoded++, f.close()), error: fail });
const audioDecoder = new AudioDecoder({ output: (a) => (totals.audioDecoded++, a.close()), error: fail });
videoEncoder.configure({ codec: 'vp8', width: W, height: H, bitrate: 500000, framerate: 30, latencyMode: 'realtime' });
audioEncoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 2, bitrate: 96000 });

async function round(n) {
  for (let i = 0; i < FRAMES; i++) {
    const frame = pattern(n * FRAMES + i);
    videoEncoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  }
  for (let i = 0; i < AUDIO_PER_ROUND; i++) {
    const data = tone(n * AUDIO_PER_ROUND + i);
    audioEncoder.encode(data);
    data.close();
  }
  await Promise.all([videoEncoder.flush(), audioEncoder.flush()]);
  totals.framesEncoded += FRAMES;
  totals.audioEncoded += AUDIO_PER_ROUND;
  const video = videoChunks.splice(0);
  const audio = audioChunks.splice(0);

  // Decode what was encoded (the decoders keep their configuration).
  if (videoDecoder.state !== 'configured') videoDecoder.configure(videoConfig);
  if (audioDecoder.state !== 'configured') audioDecoder.configure(audioConfig);
  video.forEach((c) => videoDecoder.decode(c));
  audio.forEach((c) => audioDecoder.decode(c));
  await Promise.all([videoDecoder.flush(), audioDecoder.flush()]);

  // Mux into a WebM in memory, demux it, decode its video again.
  const bytes = [];
  const muxer = new Muxer({ target: new Writable({ write: (b, _, done) => (bytes.push(Buffer.from(b)), done()) }), format: 'webm', video: true, audio: true });
  for (const [i, c] of video.entries()) await muxer.addChunk(c, i === 0 ? { decoderConfig: videoConfig } : undefined);
  for (const [i, c] of audio.entries()) await muxer.addChunk(c, i === 0 ? { decoderConfig: audioConfig } : undefined);
  await muxer.finalize();
  totals.filesMuxed++;
  const demuxer = await Demuxer.open(Buffer.concat(bytes));
  const [track] = demuxer.videoTracks;
  videoDecoder.configure(track.config);
  for await (const { chunk } of demuxer.chunks(track)) {
    videoDecoder.decode(chunk);
    totals.chunksDemuxed++;
  }
  demuxer.close();
  await videoDecoder.flush();
}

const MiB = 1 << 20;
const samples = []; // RSS after each round
const liveMax = {};
const start = performance.now();
for (let n = 0; n < rounds && performance.now() - start < seconds * 1000; n++) {
  await round(n);
  totals.rounds++;
  samples.push(process.memoryUsage().rss);
  for (const [k, v] of Object.entries(getLiveObjects())) liveMax[k] = Math.max(liveMax[k] ?? 0, v);
}
const elapsed = (performance.now() - start) / 1000;
for (const codec of [videoEncoder, audioEncoder, videoDecoder, audioDecoder]) codec.close();

const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length / MiB;
const quarter = Math.floor(samples.length / 4);
const measured = samples.slice(quarter);
const rss = {
  startMiB: measured[0] / MiB,
  endMiB: measured.at(-1) / MiB,
  peakMiB: Math.max(...samples) / MiB,
  // Last quarter against the second: the first quarter is warm-up.
  driftMiB: mean(samples.slice(-quarter)) - mean(samples.slice(quarter, 2 * quarter)),
};

// Closed codecs end their threads as soon as their workers say so; each
// keeps the process alive until then, so beforeExit comes after all of
// them. Then a collection frees what only the collector can (chunk bytes,
// anything dropped without close()).
process.once('beforeExit', () => {
  gc();
  setImmediate(() => {
    const live = getLiveObjects();
    const report = { seconds: elapsed, ...totals, rss, liveMax, live };
    if (args.json) {
      console.log(JSON.stringify(report));
    } else {
      console.log(`soak: ${totals.rounds} rounds in ${elapsed.toFixed(0)} s`);
      console.log(`  video: ${totals.framesEncoded} frames encoded, ${totals.framesDecoded} decoded; audio: ${totals.audioEncoded} encoded, ${totals.audioDecoded} decoded`);
      console.log(`  containers: ${totals.filesMuxed} WebM files muxed, ${totals.chunksDemuxed} chunks demuxed`);
      const f = (x) => x.toFixed(1);
      console.log(`  RSS: ${f(rss.startMiB)} MiB after warm-up, ${f(rss.endMiB)} MiB at the end, ${f(rss.peakMiB)} MiB peak, drift ${f(rss.driftMiB)} MiB`);
      console.log(`  most alive at once: ${JSON.stringify(liveMax)}`);
      console.log(`  alive at the end: ${JSON.stringify(live)}`);
    }
    if (Object.values(live).some((v) => v !== 0)) process.exitCode = 1;
  });
});
