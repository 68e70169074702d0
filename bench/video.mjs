// Video encode/decode throughput against the ffmpeg CLI doing the same work
// with the same codec options, in the same run, reported as ratios
// (ours / CLI, higher is better), plus event-loop lag, call latency and peak
// RSS of our side. Each measurement runs in its own process.
//
//   node bench/video.mjs [--runs 3] [--only h264-1080-rt,vp9] [--lag] [--json out.json]
//
// The CLI's time is its own `-benchmark` rtime (transcoding only, without
// process start-up); ours is from the first encode()/decode() to the
// resolved flush() (and every copyTo() when copying).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { EncodedVideoChunk } from 'webcodecs-native';

import { writeIvf } from '../test/helpers/media.mjs';

import { cli, compare, job } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'string' },
    // Also measure the event-loop lag of the same harness doing no codec
    // work while the CLI does the same work beside it (CPU sharing alone).
    lag: { type: 'boolean' },
  },
});
const RUNS = Number(values.runs);
// Decodes take 0.1-1 s, where a run moves by 5-10 %: more runs for the
// medians, at little cost.
const DECODE_RUNS = 2 * RUNS + 1;
const only = values.only ? values.only.split(',') : null;
const media = join(import.meta.dirname, '.media');
mkdirSync(media, { recursive: true });

// Each case gives our VideoEncoderConfig and the CLI options that
// src/core/video_encoder_setup.cc derives from it.
const SIZES = { 1080: [1920, 1080], 720: [1280, 720] };
const CASES = [
  {
    id: 'h264-1080-rt', size: 1080, frames: 300, family: 'h264',
    config: { codec: 'avc1.640028', latencyMode: 'realtime', bitrate: 5e6, avc: { format: 'annexb' } },
    cli: ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level', '4.0', '-forced-idr', '1', '-b:v', '5M'],
  },
  {
    id: 'h264-1080-q', size: 1080, frames: 150, family: 'h264',
    config: { codec: 'avc1.640028', latencyMode: 'quality', bitrate: 5e6, avc: { format: 'annexb' } },
    cli: ['-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'high', '-level', '4.0', '-forced-idr', '1', '-b:v', '5M'],
  },
  {
    id: 'h264-720-rt', size: 720, frames: 300, family: 'h264',
    config: { codec: 'avc1.64001f', latencyMode: 'realtime', bitrate: 2.5e6, avc: { format: 'annexb' } },
    cli: ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-level', '3.1', '-forced-idr', '1', '-b:v', '2500k'],
  },
  {
    id: 'h264-720-q', size: 720, frames: 300, family: 'h264',
    config: { codec: 'avc1.64001f', latencyMode: 'quality', bitrate: 2.5e6, avc: { format: 'annexb' } },
    cli: ['-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'high', '-level', '3.1', '-forced-idr', '1', '-b:v', '2500k'],
  },
  {
    id: 'hevc-1080-rt', size: 1080, frames: 150, family: 'hevc',
    config: { codec: 'hvc1.1.6.L120.B0', latencyMode: 'realtime', bitrate: 4e6, hevc: { format: 'annexb' } },
    cli: ['-c:v', 'libx265', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-forced-idr', '1', '-b:v', '4M',
      '-x265-params', 'log-level=error:info=0:level-idc=4:high-tier=0'],
  },
  {
    id: 'vp8-1080-rt', size: 1080, frames: 150, family: 'vp8',
    config: { codec: 'vp8', latencyMode: 'realtime', bitrate: 5e6 },
    cli: ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-auto-alt-ref', '0', '-lag-in-frames', '0', '-b:v', '5M'],
  },
  {
    id: 'vp9-1080-rt', size: 1080, frames: 150, family: 'vp9',
    config: { codec: 'vp09.00.40.08', latencyMode: 'realtime', bitrate: 4e6 },
    cli: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-lag-in-frames', '0', '-b:v', '4M'],
  },
  {
    id: 'vp9-720-q', size: 720, frames: 60, family: 'vp9',
    config: { codec: 'vp09.00.31.08', latencyMode: 'quality', bitrate: 2e6 },
    cli: ['-c:v', 'libvpx-vp9', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-b:v', '2M'],
  },
  {
    id: 'av1-1080-rt', size: 1080, frames: 150, family: 'av1',
    config: { codec: 'av01.0.08M.08', latencyMode: 'realtime', bitrate: 3e6 },
    cli: ['-c:v', 'libsvtav1', '-preset', '12', '-svtav1-params', 'pred-struct=1', '-b:v', '3M'],
  },
  {
    id: 'av1-720-q', size: 720, frames: 60, family: 'av1',
    config: { codec: 'av01.0.05M.08', latencyMode: 'quality', bitrate: 2e6 },
    cli: ['-c:v', 'libsvtav1', '-preset', '8', '-b:v', '2M'],
  },
];
// Every encoded stream is then decoded by both sides (ours, written by the
// encode case), with and without a copy of every frame. VP9 decodes with
// libvpx (src/core/video_decoder.cc: it reports the corrupt frames FFmpeg's
// own decoder conceals), so the CLI is given it too; the rest use the
// decoders the CLI picks by itself.
const CLI_DECODERS = { vp9: 'libvpx-vp9' };

function sourceFile(size, frames) {
  const [w, h] = SIZES[size];
  const file = join(media, `src-${size}-${frames}.yuv`);
  if (!existsSync(file)) {
    // A test pattern with film-like noise, so the encoders have real work.
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=30,noise=alls=6:allf=t`,
      '-frames:v', String(frames), '-pix_fmt', 'yuv420p', '-f', 'rawvideo', file]);
  }
  return file;
}

const ours = (mode, params, options) => job(join(import.meta.dirname, 'video-job.mjs'), mode, params, options);

/**
 * compare() of both sides; with --lag, the row also gets the p99 event-loop
 * lag of an idle harness beside the CLI doing the same work (median of
 * the runs), and our excess over it.
 */
function compareRuns(label, runCli, runOurs, cliArgs, runs = RUNS) {
  const row = compare(label, runs, runCli, runOurs);
  if (values.lag && cliArgs) {
    const lags = Array.from({ length: runs }, () => ours('beside', { args: cliArgs }, { probe: true }).lagMs.p99).sort((a, b) => a - b);
    row.besideLagP99Ms = lags[Math.floor(runs / 2)];
    row.excessLagP99Ms = Number((row.lagMs.p99 - row.besideLagP99Ms).toFixed(2));
    console.log(`${' '.repeat(24)} lag p99 beside the CLI ${row.besideLagP99Ms}ms: ours exceeds it by ${row.excessLagP99Ms}ms`);
  }
  return row;
}

const results = { machine: `${cpus().length} x ${cpus()[0].model}`, node: process.version, runs: RUNS, encode: [], decode: [], idle: [] };
for (const size of Object.keys(SIZES)) {
  const [width, height] = SIZES[size];
  results.idle.push({ size, ...ours('idle', { width, height }) });
}
console.log(`idle RSS: ${results.idle.map((r) => `${r.size}p ${r.maxRssMiB} MiB`).join(', ')}`);

const streams = {};
for (const c of CASES) {
  if (only && !only.some((o) => c.id.startsWith(o))) continue;
  const [width, height] = SIZES[c.size];
  const source = sourceFile(c.size, c.frames);
  const out = join(media, `ours-${c.id}`);
  const config = { ...c.config, width, height, framerate: 30 };
  const input = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', '30', '-i', source, '-frames:v', String(c.frames)];
  const cliArgs = [...input, ...c.cli, '-flags', '+global_header', '-f', 'null', '-'];
  results.encode.push(
    compareRuns(`encode ${c.id}`, () => cli(cliArgs), (o) => ours('encode', { source, width, height, frames: c.frames, config, out }, o), cliArgs),
  );
  streams[c.id] = { out, family: c.family, width, height };
}

for (const [id, s] of Object.entries(streams)) {
  const meta = JSON.parse(readFileSync(`${s.out}.json`, 'utf8'));
  const payload = readFileSync(`${s.out}.chunks`);
  // The same stream in a file the CLI reads.
  let file;
  let format;
  if (s.family === 'h264' || s.family === 'hevc') {
    file = `${s.out}.${s.family}`;
    format = s.family;
    writeFileSync(file, payload);
  } else {
    file = `${s.out}.ivf`;
    format = 'ivf';
    const chunks = meta.index.map(
      (e) => new EncodedVideoChunk({ type: e.key ? 'key' : 'delta', timestamp: e.timestamp, data: payload.subarray(e.offset, e.offset + e.size) }),
    );
    writeFileSync(file, writeIvf(s.family, s.width, s.height, chunks));
  }
  const cliDecoder = CLI_DECODERS[s.family];
  // The decoder options src/core/video_decoder.cc sets: CRC/hash checks, stop at the first error.
  const input = [...(cliDecoder ? ['-c:v', cliDecoder] : []), '-err_detect', 'crccheck+explode', '-f', format, '-i', file];
  const decodeArgs = [...input, '-f', 'null', '-'];
  results.decode.push(compareRuns(`decode ${id}`, () => cli(decodeArgs), (o) => ours('decode', { stream: s.out }, o), decodeArgs, DECODE_RUNS));
  results.decode.push(
    compareRuns(`decode ${id} +I420`, () => cli([...input, '-pix_fmt', 'yuv420p', '-f', 'rawvideo', '-y', '/dev/null']), (o) =>
      ours('decode', { stream: s.out, copy: 'I420' }, o), null, DECODE_RUNS,
    ),
  );
  results.decode.push(
    compareRuns(`decode ${id} +RGBA`, () => cli([...input, '-pix_fmt', 'rgba', '-f', 'null', '-']), (o) =>
      ours('decode', { stream: s.out, copy: 'RGBA' }, o), null, DECODE_RUNS,
    ),
  );
}

if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
