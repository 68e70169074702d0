// What each frame allocates in steady state: every case runs for N and for
// 2N frames (each --runs times) in processes whose malloc, calloc, realloc,
// posix_memalign, aligned_alloc, memalign and mmap calls are counted by an
// LD_PRELOAD shim (bench/alloc/counter.c, compiled here with the system's C
// compiler). The difference of the medians, divided by N, is what one frame
// allocates; start-up, warm-up and pool filling cancel out. The ffmpeg CLI
// decoding the same stream under the same shim is the reference for what
// FFmpeg itself allocates per frame.
//
//   node bench/allocations.mjs [--frames 100] [--runs 3] [--only construct,decode] [--json out.json]
//
// Per frame: allocation calls and bytes in the size classes ([2^(k-1), 2^k)
// bytes) allocated at least once every four frames ("recurring"); classes
// below that are one-off noise (V8 growing its heap, a pool reaching its
// peak) and only counted. "largest" is the top of the largest recurring
// class. A 1080p I420 frame's planes are 518,400 and 2,073,600 bytes: the
// target is that no recurring class reaches 64 KiB.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { job } from './lib/harness.mjs';
import { h264Stream1080, media } from './lib/streams.mjs';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const N = Number(values.frames);
const RUNS = Number(values.runs);
const only = values.only ? values.only.split(',') : null;
const here = import.meta.dirname;
const LARGE = 64 * 1024;
const RECURRING = 0.25; // allocations per frame

function buildShim() {
  const source = join(here, 'alloc', 'counter.c');
  const shim = join(media, 'alloc-counter.so');
  if (!existsSync(shim) || statSync(shim).mtimeMs < statSync(source).mtimeMs) {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-o', shim, source]);
  }
  return shim;
}

// Inputs made once: an H.264 stream by the ffmpeg CLI and an AAC stream by
// our own encoder (through the throughput benchmark's job script).
function prepare() {
  const frames = 2 * N;
  const video = h264Stream1080(frames);
  const tone = join(media, 'alloc-tone.f32');
  const aac = { codec: 'mp4a.40.2', bitrate: 128000 };
  const audio = join(media, `alloc-aac-${frames}`);
  if (!existsSync(`${audio}.json`)) {
    // 1024-frame AudioData, so each becomes about one AAC chunk.
    const seconds = Math.ceil(((frames + 4) * 1024) / 48000) + 1;
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-ac', '2', '-f', 'f32le', '-c:a', 'pcm_f32le', tone]);
    job(join(here, 'audio-job.mjs'), 'encode', { source: tone, rate: 48000, channels: 2, frames: 1024, config: { ...aac, sampleRate: 48000, numberOfChannels: 2 }, out: audio });
  }
  const h264 = { codec: 'avc1.640028', latencyMode: 'realtime', bitrate: 5e6, avc: { format: 'annexb' } };
  return { h264, video, aac, audio };
}

const shim = buildShim();
const inputs = prepare();
const CASES = [
  { id: 'construct', label: 'VideoFrame(buffer) + close, 1080p I420' },
  { id: 'clone', label: 'clone() + close(), 1080p' },
  { id: 'copyTo', label: 'copyTo I420, 1080p' },
  { id: 'copyTo', label: 'copyTo RGBA, 1080p', params: { format: 'RGBA' }, key: 'copyTo-rgba' },
  { id: 'encode', label: 'encode H.264 realtime 1080p', params: { config: inputs.h264 } },
  { id: 'decode', label: 'decode H.264 1080p', params: { stream: inputs.video } },
  { id: 'decode', label: 'decode H.264 1080p + copyTo I420', params: { stream: inputs.video, copy: 'I420' }, key: 'decode-i420' },
  { id: 'decode', label: 'decode H.264 1080p + copyTo RGBA', params: { stream: inputs.video, copy: 'RGBA' }, key: 'decode-rgba' },
  { id: 'audioData', label: 'AudioData(buffer) + close, 1024 x 2 f32' },
  { id: 'audioEncode', label: 'encode AAC 48 kHz stereo', params: { config: inputs.aac } },
  { id: 'audioDecode', label: 'decode AAC 48 kHz stereo', params: { stream: inputs.audio } },
];

// The counts of one process run under the shim.
function counted(command, args, env = {}) {
  const out = join(media, `alloc-${process.pid}.json`);
  const run = spawnSync(command, args, { env: { ...process.env, ...env, LD_PRELOAD: shim, ALLOC_COUNTER_OUT: out }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed: ${run.stderr.slice(-600)}`);
  const counts = JSON.parse(readFileSync(out, 'utf8'));
  unlinkSync(out);
  return counts;
}

// Per size class and for mmap, the median of `runs` runs.
function medianCounts(runs) {
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    mmap: { calls: mid(runs.map((r) => r.mmap.calls)), bytes: mid(runs.map((r) => r.mmap.bytes)) },
    classes: runs[0].classes.map((_, k) => [mid(runs.map((r) => r.classes[k][0])), mid(runs.map((r) => r.classes[k][1]))]),
  };
}

const kib = (b) => (Math.abs(b) >= 1024 ? `${(b / 1024).toFixed(Math.abs(b) >= 10240 ? 0 : 1)} KiB` : `${Math.round(b)} B`);

function perFrame(small, big) {
  const classes = big.classes.map(([calls, bytes], k) => ({
    from: k === 0 ? 0 : 2 ** (k - 1),
    to: 2 ** k,
    calls: (calls - small.classes[k][0]) / N,
    bytes: (bytes - small.classes[k][1]) / N,
  }));
  const recurring = classes.filter((c) => c.calls >= RECURRING);
  const sum = (list, key) => list.reduce((n, c) => n + c[key], 0);
  return {
    calls: sum(recurring, 'calls'),
    bytes: sum(recurring, 'bytes'),
    oneOffCalls: sum(classes, 'calls') - sum(recurring, 'calls'),
    largest: recurring.length ? recurring[recurring.length - 1].to : 0,
    large: sum(recurring.filter((c) => c.from >= LARGE), 'calls'),
    mmapCalls: (big.mmap.calls - small.mmap.calls) / N,
    classes: recurring.map((c) => ({ range: `${kib(c.from)}-${kib(c.to)}`, calls: c.calls, bytes: c.bytes })),
  };
}

function measure(label, key, run) {
  const small = medianCounts(Array.from({ length: RUNS }, () => run(N)));
  const big = medianCounts(Array.from({ length: RUNS }, () => run(2 * N)));
  const r = { case: key, label, ...perFrame(small, big) };
  console.log(
    `${label.padEnd(40)} ${r.calls.toFixed(1).padStart(6)} calls ${kib(r.bytes).padStart(9)} per frame, largest < ${kib(r.largest)}; ` +
      `>= 64 KiB: ${r.large.toFixed(2)}; one-off ${r.oneOffCalls.toFixed(2)}; mmap ${r.mmapCalls.toFixed(2)}`,
  );
  for (const k of r.classes) console.log(`    ${k.range.padEnd(18)} ${k.calls.toFixed(2).padStart(6)} x ${kib(k.bytes).padStart(9)}`);
  return r;
}

const [load1] = loadavg();
console.log(`${N} vs ${2 * N} frames, median of ${RUNS} runs each; load average ${load1.toFixed(2)}`);
const rows = [];
for (const c of CASES) {
  const key = c.key ?? c.id;
  if (only && !only.includes(key)) continue;
  rows.push(measure(c.label, key, (frames) => counted(process.execPath, [join(here, 'allocations-job.mjs'), c.id, JSON.stringify({ ...c.params, frames })])));
}
if (!only || only.includes('cli-decode')) {
  rows.push(
    measure('ffmpeg CLI: decode H.264 1080p', 'cli-decode', (frames) =>
      counted('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', inputs.video, '-frames:v', String(frames), '-f', 'null', '-']),
    ),
  );
}
if (values.json) writeFileSync(values.json, JSON.stringify({ frames: N, runs: RUNS, load: load1, rows }, null, 2));
