// Audio encode/decode of 60 s of 48 kHz stereo against the ffmpeg CLI with
// the same encoder options, in the same run, as ratios (ours / CLI,
// higher is better). Decodes read our encoded streams; the CLI gets them
// in a file it reads (ADTS, Ogg, MP3, FLAC). Our side first runs the first
// 10 s untimed in the same process (bench/audio-job.mjs: warm-up).
//
//   node bench/audio.mjs [--runs 3] [--only aac,opus] [--json out.json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { adtsFromRaw, oggOpus, rawStream } from '../test/helpers/audio-files.mjs';

import { cli, compare, job } from './lib/harness.mjs';
import { readAudioStream } from './lib/streams.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, only: { type: 'string' }, json: { type: 'string' } } });
const RUNS = Number(values.runs);
// Decodes of a minute take 0.04-0.2 s, where a run moves by 10-30 %: more
// runs for the medians, at little cost.
const DECODE_RUNS = 2 * RUNS + 1;
const only = values.only ? values.only.split(',') : null;
const media = join(import.meta.dirname, '.media');
mkdirSync(media, { recursive: true });
const RATE = 48000;
const CHANNELS = 2;
const SECONDS = 60;
// Frames per AudioData, as a capture or decode pipeline typically hands them.
const FRAMES_PER_DATA = 2048;

// Our AudioEncoderConfig and the CLI options src/core/audio_encoder_setup.cc
// derives from it (bitrateMode 'variable' is the default).
const CASES = [
  { id: 'aac', config: { codec: 'mp4a.40.2', bitrate: 128000 }, cli: ['-c:a', 'aac', '-b:a', '128k'], file: 'aac' },
  {
    id: 'opus',
    config: { codec: 'opus', bitrate: 128000 },
    cli: ['-c:a', 'libopus', '-b:a', '128k', '-frame_duration', '20', '-application', 'audio', '-vbr', 'on', '-compression_level', '9'],
    file: 'ogg',
  },
  { id: 'mp3', config: { codec: 'mp3', bitrate: 192000 }, cli: ['-c:a', 'libmp3lame', '-b:a', '192k', '-abr', '1'], file: 'mp3' },
  // f32 input is coded as 24-bit FLAC (s32 samples); the CLI would pick s16.
  { id: 'flac', config: { codec: 'flac' }, cli: ['-c:a', 'flac', '-compression_level', '5', '-sample_fmt', 's32'], file: 'flac' },
];

const source = join(media, `audio-${SECONDS}s.f32`);
if (!existsSync(source)) {
  // Two tones with noise: real work for the psychoacoustic models.
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
    `aevalsrc=0.3*sin(2*PI*440*t)+0.05*(random(0)-0.5)|0.3*sin(2*PI*660*t)+0.05*(random(1)-0.5):s=${RATE}:d=${SECONDS}`,
    '-f', 'f32le', '-c:a', 'pcm_f32le', source]);
}

const ours = (mode, params, options) => job(join(import.meta.dirname, 'audio-job.mjs'), mode, params, options);
const results = { machine: `${cpus().length} x ${cpus()[0].model}`, node: process.version, runs: RUNS, encode: [], decode: [] };
const input = ['-f', 'f32le', '-ar', String(RATE), '-ac', String(CHANNELS), '-i', source];

for (const c of CASES) {
  if (only && !only.includes(c.id)) continue;
  const out = join(media, `ours-audio-${c.id}`);
  const config = { ...c.config, sampleRate: RATE, numberOfChannels: CHANNELS };
  results.encode.push(
    compare(`encode ${c.id}`, RUNS, () => cli([...input, ...c.cli, '-f', 'null', '-']), (o) =>
      ours('encode', { source, rate: RATE, channels: CHANNELS, frames: FRAMES_PER_DATA, config, out }, o),
    ),
  );
  // Our stream in a file the CLI reads.
  const { meta, chunks } = readAudioStream(out);
  const description = meta.config.description ? new Uint8Array(meta.config.description) : null;
  const file = `${out}.${c.file}`;
  if (c.id === 'aac') writeFileSync(file, adtsFromRaw(chunks, description));
  else if (c.id === 'opus') writeFileSync(file, oggOpus(chunks, description));
  else writeFileSync(file, rawStream(chunks, description));
  // Our decoders check CRCs and stop at the first error (src/core/audio_decoder.cc).
  const decoderOptions = ['-err_detect', 'crccheck+explode'];
  results.decode.push(
    compare(`decode ${c.id}`, DECODE_RUNS, () => cli([...decoderOptions, '-i', file, '-f', 'null', '-']), (o) => ours('decode', { stream: out }, o)),
  );
}

if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
