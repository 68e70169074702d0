// Transcoding a 1080p H.264 + AAC file to H.264 + AAC MP4: our transcoder
// (cli/transcode.mjs, on the public API) against
// `ffmpeg -i in -c:v libx264 ... -c:a aac out.mp4` with the settings our
// encoders derive from the same configs, in the same run, as ratios
// (CLI time / our time: higher is better), with event-loop lag and peak RSS.
//
//   node bench/transcode.mjs [--runs 3] [--seconds 10] [--json out.json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { cli, compare, job } from './lib/harness.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const media = join(import.meta.dirname, '.media');
mkdirSync(media, { recursive: true });

// The input: a noisy 1080p30 test pattern (so the encoder has real work)
// and a stereo tone, as H.264 High + AAC-LC in MP4.
const input = join(media, `transcode-src-1080-${SECONDS}s.mp4`);
if (!existsSync(input)) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30,noise=alls=6:allf=t',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000,pan=stereo|c0=c0|c1=0.5*c0',
    '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'fast', '-b:v', '8M', '-c:a', 'aac', '-b:a', '192k', input]);
}

// Our transcoder picks avc1.640028 (High, level 4.0, the lowest level for
// 1080p30) in 'quality' latency mode (src/core/video_encoder_setup.cc:
// preset medium, forced IDR key frames) with a key frame every 2 s, and
// AAC-LC at 128 kbit/s; the CLI is given the same.
const ourOutput = join(media, 'transcode-ours.mp4');
const cliOutput = join(media, 'transcode-cli.mp4');
const options = { videoCodec: 'h264', audioCodec: 'aac', bitrate: 5_000_000, audioBitrate: 128_000 };
const cliArgs = ['-i', input, '-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'high', '-level', '4.0', '-b:v', '5M',
  '-forced-idr', '1', '-force_key_frames', 'expr:gte(t,n_forced*2)', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', cliOutput];

const row = compare(
  'transcode 1080p h264+aac',
  RUNS,
  () => cli(cliArgs),
  (o) => job(join(import.meta.dirname, 'transcode-job.mjs'), 'transcode', { input, output: ourOutput, options }, o),
);
const results = { machine: `${cpus().length} x ${cpus()[0].model}`, node: process.version, runs: RUNS, seconds: SECONDS, transcode: [row] };
if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
