// Packs the media scripts/fuzz-corpus.sh made into seed inputs for each fuzz
// target, in the framing test/fuzz/fuzz_common.h reads (little-endian
// integers; a "chunk" is a 24-bit length then its bytes). Chunks and
// descriptions come from our own Demuxer.
//   node scripts/fuzz-pack.mjs <media dir> <seeds dir>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';

import { Demuxer } from 'webcodecs-native';

const [mediaDir, seedsDir] = process.argv.slice(2);

const int = (value, bytes) => {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((BigInt(value) >> BigInt(8 * i)) & 255n);
  return out;
};
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const chunk = (bytes) => cat(int(bytes.length, 3), bytes);

let written = 0;
function seed(target, name, ...parts) {
  const dir = join(seedsDir, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), cat(...parts));
  written++;
}

const bytesOf = (c) => {
  const b = new Uint8Array(c.byteLength);
  c.copyTo(b);
  return b;
};

// The first track of each kind: config and up to `max` chunks.
async function demux(file, max = 24) {
  const demuxer = await Demuxer.open(readFileSync(file));
  const tracks = {};
  try {
    for (const track of [...demuxer.videoTracks, ...demuxer.audioTracks]) {
      if (track.config && !tracks[track.type]) tracks[track.type] = { config: track.config, chunks: [] };
    }
    for await (const { track, chunk: c } of demuxer.chunks()) {
      const t = tracks[track.type];
      if (t && t.config === track.config && t.chunks.length < max) t.chunks.push({ key: c.type === 'key', data: bytesOf(c) });
      if (Object.values(tracks).every((x) => x.chunks.length >= max)) break;
    }
  } finally {
    demuxer.close();
  }
  return tracks;
}

const description = (config) => (config.description ? new Uint8Array(config.description) : new Uint8Array(0));

function videoFamily(codec) {
  if (codec.startsWith('avc1') || codec.startsWith('avc3')) return 'h264';
  if (codec.startsWith('hvc1') || codec.startsWith('hev1')) return 'hevc';
  if (codec === 'vp8') return 'vp8';
  if (codec.startsWith('vp09')) return 'vp9';
  if (codec.startsWith('av01')) return 'av1';
  return null;
}

// test/fuzz/audio_decoder_fuzzer.cc kCodecs, in order.
const audioCodecs = ['aac', 'opus', 'mp3', 'flac', 'vorbis', 'pcm-u8', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'pcm-f32', 'ulaw', 'alaw'];
// ImageType's order (src/core/image_probe.h).
const imageTypes = { '.jpg': 0, '.png': 1, '.apng': 1, '.gif': 2, '.webp': 3, '.bmp': 4, '.avif': 5, '.ico': 6 };

const KEY = 1, FLUSH = 2, RESET = 4;
const files = readdirSync(mediaDir).sort();
const video = [], audio = [];
for (const name of files) {
  const path = join(mediaDir, name);
  const raw = readFileSync(path);
  if (name.startsWith('image') || name.startsWith('anim')) {
    const type = imageTypes[extname(name)];
    seed('image_decoder', name, [type, 0, 0], int(raw.length >> 1, 3), raw);
    seed('image_decoder', `${name}-scaled`, [type, 16, 12], int(0, 3), raw);
    continue;
  }
  seed('demuxer', name, [0, 0], raw);
  seed('demuxer', `${name}-stream`, [1 | 4, 0], raw);
  seed('demuxer', `${name}-seek`, [2, 0], raw);
  const tracks = await demux(path);
  if (tracks.video) video.push({ name, ...tracks.video });
  if (tracks.audio) audio.push({ name, ...tracks.audio });
}

for (const { name, config, chunks } of video) {
  const family = videoFamily(config.codec);
  if (!family) continue;
  const desc = description(config);
  // Threading variants, each with other flags: plain, a flush, a reset.
  for (const [threading, flagAt] of [[0, -1], [1, 1], [2, 2]]) {
    const body = chunks.map((c, i) =>
      cat([(c.key ? KEY : 0) | (i === flagAt ? (threading === 1 ? FLUSH : RESET) : 0)], chunk(c.data)));
    seed(`video_${family}`, `${name}-${threading}`, [threading], int(config.codedWidth, 2), int(config.codedHeight, 2),
         chunk(desc), ...body);
  }
  seed('keyframe', `${name}-key`, chunk(desc), chunks[0].data);
  seed('keyframe', `${name}-delta`, chunk(desc), chunks.at(-1).data);
  if (desc.length) seed('bitstream', `${name}-record`, [family === 'hevc' ? 16 | 64 : 64], desc);
  seed('bitstream', `${name}-chunk`, [3 | 32 | (family === 'hevc' ? 16 : 0)], chunks[0].data);
}

for (const { name, config, chunks } of audio) {
  const codec = config.codec.startsWith('mp4a') ? 'aac' : config.codec;
  const index = audioCodecs.indexOf(codec);
  if (index < 0) continue;
  const desc = description(config);
  const body = chunks.map((c, i) => cat([i === 3 ? FLUSH : 0], chunk(c.data)));
  seed('audio_decoder', name, [index], int(config.sampleRate, 3), [config.numberOfChannels, desc.length ? 1 : 0],
       chunk(desc), ...body);
  if (desc.length) seed('audio_codec_data', `${name}-description`, desc);
  if (codec === 'mp3' || (codec === 'aac' && !desc.length)) seed('audio_codec_data', `${name}-chunks`, ...chunks.map((c) => c.data));
}

// Reorder patterns a B-frame stream gives (depth 2) and a plain one.
const safe = 2n ** 53n - 1n;
const stamps = (depth, order) => [[depth], ...order.flatMap((f) => [int(BigInt(f * 33333) + safe, 8), int(33333, 8)])];
seed('decode_timestamps', 'bframes', ...stamps(2, [0, 3, 1, 2, 6, 4, 5, 9, 7, 8]));
seed('decode_timestamps', 'plain', ...stamps(0, [0, 1, 2, 3, 4]));

// frame_layout_fuzzer.cc: format, size, init rect and layout, copy rect,
// destination format, copy layout, matrix, range. Indexes are a kind byte
// (0: u16) then the value.
const index = (v) => [[0], int(v, 2)];
const rect = (r) => (r ? [[1], ...r.flatMap(index)] : [[0]]);
const layout = (planes) => (planes ? [[planes.length], ...planes.flat().flatMap(index)] : [[0]]);
const frameSeeds = {
  'i420-tight': [0, 16, 12, null, null, null, 23, null],
  'i420-rect-rgba': [0, 16, 12, [2, 2, 8, 6], null, [2, 2, 6, 4], 19, null],
  'nv12-layout': [18, 17, 9, null, [[0, 20], [400, 20]], null, 23, [[0, 18], [200, 18]]],
  'i420ap12-bgrx': [5, 8, 8, null, null, null, 22, null],
  'rgba-copy': [19, 33, 3, [1, 0, 31, 3], null, null, 20, [[8, 200]]],
};
for (const [name, [format, w, h, initRect, initLayout, copyRect, dest, copyLayout]] of Object.entries(frameSeeds)) {
  seed('frame_layout', name, [format], int(w, 2), int(h, 2), ...rect(initRect), ...layout(initLayout),
       ...rect(copyRect), [dest], ...layout(copyLayout), [0, 1]);
}

// audio_copy_fuzzer.cc: format, channels, frames, rate, planeIndex,
// frameOffset, frameCount?, format?, samples.
const samples = Buffer.from(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 1.5).buffer);
seed('audio_copy', 'f32-to-s16-planar', [3, 2], int(32, 2), int(48000, 3), int(1, 2), int(4, 2), [1], int(8, 2), [1, 5], samples);
seed('audio_copy', 's16-identity', [1, 3], int(10, 2), int(8000, 3), int(0, 2), int(0, 2), [0, 0], samples);
seed('audio_copy', 'u8-planar-to-f32', [4, 4], int(16, 2), int(44100, 3), int(0, 2), int(2, 2), [0, 1, 3], samples);

console.log(`fuzz-pack: ${written} seeds in ${seedsDir}`);
