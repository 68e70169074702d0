// Muxer: our encoders' chunks and metadata written into MP4 (plain, fast
// start, fragmented), MOV, WebM and Matroska, to a path, a Node Writable
// and a web WritableStream, and checked with the ffmpeg CLI:
// - ffprobe reads back the codecs, sizes, rates, frame counts, durations
//   and start times;
// - the CLI decodes every frame at PSNR >= 30 dB against the source pattern
//   (160x120 at 1 Mbit/s gives 47 dB and more) and the audio at the
//   registration's priming offset, at an SNR per codec (AUDIO) against the
//   source tones;
// - reordered H.264/HEVC get decode timestamps that increase and never pass
//   the presentation timestamps; Annex B, ADTS and AV1 without a
//   description are taken; Opus's pre-skip and end trimming reach the
//   container (decoded length = input length where the demuxer trims);
// - a slow stream target sees every byte, in order, with bounded buffering;
// - demux -> mux copies keep every chunk's bytes and timestamps;
// - misuse is the documented error, and close() mid-way is harmless.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { Demuxer, Muxer } from 'webcodecs-native';

import { encodeAudio, encodeClip } from '../helpers/codecs.mjs';
import { cliFrames, sameBytes } from '../helpers/images.mjs';
import {
  SIGNALS,
  alignSamples,
  chunkBytes,
  chunksByType,
  cliDecodeAudio,
  ffmpeg,
  lavfiTones,
  lavfiVideo,
  makeAudioData,
  patternI420,
  probeContainer,
  psnr,
  snr,
  tempDir,
} from '../helpers/media.mjs';

const dir = tempDir('wcn-mux-');
const W = 160;
const H = 120;
const FRAMES = 30; // one second at the pattern's 30 fps
const RATE = 48000;
const BLOCK = 960; // 20 ms AudioData
const BLOCKS = 50; // one second
const MIN_PSNR = 30;

const video = (codec, extra = {}) => ({ codec, width: W, height: H, bitrate: 1_000_000, framerate: 30, ...extra });
// latencyMode 'quality' lets x264/x265 use B-frames.
const VIDEO = {
  h264: video('avc1.64000d', { latencyMode: 'quality' }),
  h264AnnexB: video('avc1.64000d', { latencyMode: 'quality', avc: { format: 'annexb' } }),
  hevc: video('hvc1.1.6.L93.B0', { latencyMode: 'quality' }),
  vp8: video('vp8'),
  vp9: video('vp09.00.10.08'),
  av1: video('av01.0.04M.08'),
};
const audio = (codec, extra = {}) => ({ codec, sampleRate: RATE, numberOfChannels: 2, ...extra });
// priming: samples the CLI's decode gives before the first input sample.
// tail: the most it may give after the last one (the final frame's padding
// no container trims; Matroska trims Opus's, see below).
// minSnr (dB): the codecs at their default bitrates on three tones (AAC-LC
// at 128 kbit/s shapes its noise, so its waveform SNR is the lowest).
const AUDIO = {
  aac: { config: audio('mp4a.40.2'), priming: 1024, tail: 1023, minSnr: 15 },
  adts: { config: audio('mp4a.40.2', { aac: { format: 'adts' } }), priming: 1024, tail: 1023, minSnr: 15 },
  opus: { config: audio('opus'), priming: 0, tail: 959, minSnr: 35 },
  vorbis: { config: audio('vorbis'), priming: 0, tail: 2047, minSnr: 30 },
  flac: { config: audio('flac'), priming: 0, tail: 0, minSnr: 80 },
  mp3: { config: audio('mp3'), priming: 1105, tail: 1151, minSnr: 35 },
};
const FFPROBE_NAME = { h264: 'h264', h264AnnexB: 'h264', hevc: 'hevc', vp8: 'vp8', vp9: 'vp9', av1: 'av1', aac: 'aac', adts: 'aac', opus: 'opus', vorbis: 'vorbis', flac: 'flac', mp3: 'mp3' };

// Three incommensurate tones: the CLI's decode aligns with the source at one offset only.
const signal = SIGNALS.tones(RATE);
const encoded = new Map();
/** Encoder output for a VIDEO or AUDIO key, once per file. */
function encode(key) {
  if (!encoded.has(key)) {
    encoded.set(
      key,
      VIDEO[key]
        ? encodeClip(VIDEO[key], FRAMES, { keyEvery: 15 })
        : encodeAudio(AUDIO[key].config, BLOCKS, (i) => makeAudioData(signal, { start: i * BLOCK, frames: BLOCK, channels: 2, sampleRate: RATE })),
    );
  }
  return encoded.get(key);
}

/** [chunk, metadata] pairs of both tracks in timestamp order (each track's own order kept). */
function interleave(...tracks) {
  const queues = tracks.filter(Boolean).map(({ chunks, metadata }) => chunks.map((c, i) => [c, metadata[i]]));
  const out = [];
  while (queues.some((q) => q.length)) {
    const next = queues.filter((q) => q.length).reduce((a, b) => (b[0][0].timestamp < a[0][0].timestamp ? b : a));
    out.push(next.shift());
  }
  return out;
}

/** Adds every pair, awaiting each addChunk() as a producer honouring backpressure does, then finalizes. */
async function muxAll(muxer, pairs) {
  for (const [chunk, metadata] of pairs) await muxer.addChunk(chunk, metadata);
  await muxer.finalize();
}

/**
 * A Node Writable that acknowledges each write only after the event loop
 * has turned once: slower than the muxer, so its buffer fills. Records
 * the bytes and the most it ever held.
 */
function slowNodeWritable(highWaterMark) {
  const parts = [];
  const target = new Writable({
    highWaterMark,
    write(chunk, _encoding, callback) {
      target.maxHeld = Math.max(target.maxHeld, target.writableLength);
      parts.push(Buffer.from(chunk));
      setImmediate(callback);
    },
  });
  target.maxHeld = 0;
  target.bytes = () => Buffer.concat(parts);
  return target;
}

/** The web equivalent: a WritableStream whose writes complete a turn later. */
function slowWebWritable(highWaterMark) {
  const parts = [];
  let held = 0;
  const target = new WritableStream(
    {
      write(chunk) {
        held += chunk.byteLength;
        target.maxHeld = Math.max(target.maxHeld, held);
        parts.push(Buffer.from(chunk));
        return new Promise((resolve) =>
          setImmediate(() => {
            held -= chunk.byteLength;
            resolve();
          }),
        );
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark }),
  );
  target.maxHeld = 0;
  target.bytes = () => Buffer.concat(parts);
  return target;
}

// --- Files from our encoders, checked by the CLI ------------------------------------------

// target: 'path', 'node' (Node Writable) or 'web' (WritableStream).
const CASES = [
  { name: 'mp4: H.264 with B-frames + AAC, to a path', file: 'h264-aac.mp4', video: 'h264', audio: 'aac', target: 'path' },
  { name: 'mp4 fast start: HEVC with B-frames + Opus, to a path', file: 'hevc-opus.mp4', options: { fastStart: true }, video: 'hevc', audio: 'opus', target: 'path' },
  { name: 'mp4 to a Node Writable: H.264 + MP3', file: 'h264-mp3.mp4', video: 'h264', audio: 'mp3', target: 'node' },
  { name: 'fragmented mp4: AV1 without description + ADTS AAC, to a Node Writable', file: 'av1-adts.mp4', options: { fragmented: true }, video: 'av1', audio: 'adts', target: 'node' },
  { name: 'fragmented mp4: H.264 with B-frames + Opus, to a path', file: 'h264-opus-frag.mp4', options: { fragmented: true }, video: 'h264', audio: 'opus', target: 'path' },
  { name: 'mov: Annex B H.264 + AAC, to a path', file: 'annexb-aac.mov', video: 'h264AnnexB', audio: 'aac', target: 'path' },
  { name: 'webm: VP9 + Opus, to a web WritableStream', file: 'vp9-opus.webm', video: 'vp9', audio: 'opus', target: 'web' },
  { name: 'webm: VP8 + Vorbis, to a path', file: 'vp8-vorbis.webm', video: 'vp8', audio: 'vorbis', target: 'path' },
  { name: 'mkv: HEVC + FLAC, to a web WritableStream', file: 'hevc-flac.mkv', video: 'hevc', audio: 'flac', target: 'web' },
  { name: 'mkv: Annex B H.264 + Opus, to a Node Writable', file: 'annexb-opus.mkv', video: 'h264AnnexB', audio: 'opus', target: 'node' },
];

/** Muxes a case to its target; resolves with the file's path. */
async function writeCase(c) {
  const path = join(dir, c.file);
  const format = c.file.split('.').pop();
  const pairs = interleave(await encode(c.video), await encode(c.audio));
  if (c.target === 'path') {
    await muxAll(new Muxer({ target: path, video: { frameRate: 30 }, audio: true, ...c.options }), pairs);
    return path;
  }
  const target = c.target === 'node' ? slowNodeWritable(16384) : slowWebWritable(16384);
  await muxAll(new Muxer({ target, format, video: { frameRate: 30 }, audio: true, ...c.options }), pairs);
  writeFileSync(path, target.bytes());
  return path;
}

function checkVideo(file, probe, c) {
  const v = probe.streams.find((s) => s.codec_type === 'video');
  assert.deepEqual([v.codec_name, v.width, v.height], [FFPROBE_NAME[c.video], W, H]);
  assert.equal(Number(v.start_time), 0, 'video starts at 0');
  const packets = probe.packets.filter((p) => p.stream === v.index);
  assert.equal(packets.length, FRAMES, 'one packet per frame');
  // The last frame ends at one second (30 frames of 33333 us; Matroska counts milliseconds).
  const end = Math.max(...packets.map((p) => p.timestamp + p.duration));
  const matroska = /\.(webm|mkv)$/.test(file);
  assert.ok(Math.abs(end - FRAMES * 33333) <= (matroska ? 500 : 0), `the video ends at ${end} us`);
  const reordered = ['h264', 'h264AnnexB', 'hevc'].includes(c.video);
  assert.equal(packets.some((p, i) => i > 0 && p.timestamp < packets[i - 1].timestamp), reordered, 'frames are reordered (B-frames) exactly when the encoder reorders');
  if (!matroska) {
    // MP4/MOV decode timestamps (Matroska stores none): strictly increasing,
    // never after their packet's presentation.
    packets.forEach((p, i) => {
      assert.ok(p.dts <= p.timestamp, `packet ${i}: dts ${p.dts} <= pts ${p.timestamp}`);
      if (i > 0) assert.ok(p.dts > packets[i - 1].dts, `packet ${i}: dts ${p.dts} after ${packets[i - 1].dts}`);
    });
  }
  // The CLI decodes every frame, close to the source.
  const frames = cliFrames(file, 'yuv420p', W * H * 1.5, { map: '0:v:0' });
  assert.equal(frames.length, FRAMES);
  frames.forEach((f, i) => {
    const p = psnr(f, patternI420(W, H, i));
    assert.ok(p >= MIN_PSNR, `frame ${i}: PSNR ${p.toFixed(1)} dB`);
  });
}

async function checkAudio(file, probe, c) {
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  assert.deepEqual([a.codec_name, Number(a.sample_rate), a.channels], [FFPROBE_NAME[c.audio], RATE, 2]);
  const matroska = /\.(webm|mkv)$/.test(file);
  const { chunks } = await encode(c.audio);
  // Opus's pre-skip (312 samples, 6.5 ms) comes before zero: MP4 packets
  // start there and the edit list presents from zero; ffprobe puts the
  // start before zero for Matroska's CodecDelay (in milliseconds) and for a
  // fragmented MP4's edit list (which has no duration).
  const preSkip = c.audio === 'opus' ? 6500 : 0;
  const beforeZero = matroska || c.options?.fragmented ? preSkip : 0;
  assert.ok(Math.abs(Number(a.start_time) * 1e6 + beforeZero) <= (matroska ? 500 : 0), `audio starts at ${a.start_time} s`);
  if (!matroska && !c.options?.fragmented) {
    // MP4 keeps each chunk's duration (fragments do not keep the last one's):
    // the track ends where the chunks do (within the two roundings to microseconds).
    const last = probe.packets.filter((p) => p.stream === a.index).at(-1);
    const end = chunks.at(-1).timestamp + chunks.at(-1).duration - preSkip;
    assert.ok(Math.abs(last.timestamp + last.duration - end) <= 1, `the audio ends at ${last.timestamp + last.duration} us, the chunks at ${end}`);
  }
  const planes = cliDecodeAudio(['-i', file, '-map', '0:a:0'], 2);
  const n = BLOCKS * BLOCK;
  const { priming, tail, minSnr } = AUDIO[c.audio];
  const extra = planes[0].length - priming - n;
  assert.ok(extra >= 0 && extra <= (c.audio === 'opus' && matroska ? 0 : tail), `${extra} samples decoded after the input`);
  const source = [0, 1].map((ch) => Float32Array.from({ length: n }, (_, i) => signal(i, ch)));
  for (let ch = 0; ch < 2; ch++) {
    const { offset } = alignSamples(source[ch], planes[ch], { maxOffset: 2048, from: 4096 });
    assert.equal(offset, priming, `channel ${ch}: the first input sample's place in the CLI's decode`);
    const s = snr(source[ch], planes[ch].subarray(offset, offset + n));
    assert.ok(s >= minSnr, `channel ${ch}: SNR ${s.toFixed(1)} dB`);
  }
}

describe('Muxer: our encoders into files the CLI reads', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const file = await writeCase(c);
      const probe = probeContainer(file);
      checkVideo(file, probe, c);
      await checkAudio(file, probe, c);
    });
  }
});

// --- Opus: pre-skip and end trimming ------------------------------------------------------

/** Boxes of an ISO BMFF byte range: [{type, start (payload), end}]. */
function boxes(bytes, start = 0, end = bytes.length) {
  const out = [];
  for (let pos = start; pos + 8 <= end; ) {
    const size = bytes.readUInt32BE(pos);
    out.push({ type: bytes.toString('latin1', pos + 4, pos + 8), start: pos + 8, end: pos + size });
    pos += size;
  }
  return out;
}

/** The edit list of an MP4's audio track: [{segmentDuration (movie timescale), mediaTime (media timescale)}]. */
function audioEditList(file) {
  const bytes = readFileSync(file);
  const child = (box, type) => boxes(bytes, box.start, box.end).find((b) => b.type === type);
  const moov = boxes(bytes).find((b) => b.type === 'moov');
  const trak = boxes(bytes, moov.start, moov.end).find((t) => t.type === 'trak' && bytes.toString('latin1', child(child(t, 'mdia'), 'hdlr').start + 8, child(child(t, 'mdia'), 'hdlr').start + 12) === 'soun');
  const elst = child(child(trak, 'edts'), 'elst');
  assert.equal(bytes[elst.start], 0, 'a version 0 edit list');
  const count = bytes.readUInt32BE(elst.start + 4);
  return Array.from({ length: count }, (_, i) => ({
    segmentDuration: bytes.readUInt32BE(elst.start + 8 + 12 * i),
    mediaTime: bytes.readInt32BE(elst.start + 12 + 12 * i),
  }));
}

describe('Muxer: Opus pre-skip and end trimming reach the container', () => {
  const INPUT = BLOCKS * BLOCK;
  const PRE_SKIP = 312; // libopus's, in 48 kHz samples
  const source = Float32Array.from({ length: INPUT }, (_, i) => signal(i, 0));

  /** Our Opus chunks muxed into `name`; the CLI's decode of its left channel. */
  async function opusFile(name) {
    const { chunks, metadata, decoderConfig } = await encode('opus');
    assert.equal(new DataView(decoderConfig.description.buffer, decoderConfig.description.byteOffset).getUint16(10, true), PRE_SKIP);
    const file = join(dir, name);
    await muxAll(new Muxer({ target: file, audio: true }), interleave({ chunks, metadata }));
    const [left] = cliDecodeAudio(file, 2);
    assert.equal(alignSamples(source, left, { maxOffset: 2048, from: 4096 }).offset, 0, 'the first decoded sample is the first input sample');
    return { file, left };
  }

  for (const name of ['opus.webm', 'opus.mkv']) {
    test(`${name}: CodecDelay and DiscardPadding; the CLI decodes exactly the input`, async () => {
      const { left } = await opusFile(name);
      assert.equal(left.length, INPUT, 'decoded samples');
    });
  }

  test('opus.mp4: the edit list skips the pre-skip and spans the input', async () => {
    const { file, left } = await opusFile('opus.mp4');
    // Movie timescale 1000: the input's one second; media time in 48 kHz samples.
    assert.deepEqual(audioEditList(file), [{ segmentDuration: 1000, mediaTime: PRE_SKIP }]);
    // FFmpeg's MP4 demuxer applies an edit list's start, not its end (its own Opus MP4s decode the same).
    assert.equal(left.length, probeContainer(file).packets.length * 960 - PRE_SKIP, 'decoded samples');
  });
});

// --- Backpressure --------------------------------------------------------------------------

describe('Muxer: a slow stream target sets the pace', () => {
  // 6 s of 96 kHz stereo f32 PCM in Matroska, 10 ms chunks: 4.6 MB.
  const rate = 96000;
  const frames = 960;
  const pcm = () => encodeAudio({ codec: 'pcm-f32', sampleRate: rate, numberOfChannels: 2 }, 600, (i) =>
    makeAudioData(SIGNALS.noise(), { start: i * frames, frames, channels: 2, sampleRate: rate }),
  );
  // What the target may hold: its own high-water mark, the muxer's 256 KiB
  // write buffer and the output of the chunks in flight (64 of 7.5 KiB).
  const BOUND = 1 << 20;

  for (const [label, makeTarget] of [
    ['Node Writable', slowNodeWritable],
    ['web WritableStream', slowWebWritable],
  ]) {
    test(`${label}: every byte arrives, in order, and the target never holds more than ${BOUND} bytes`, async () => {
      const { chunks, metadata } = await pcm();
      const target = makeTarget(65536);
      await muxAll(new Muxer({ target, format: 'mkv', audio: true }), interleave({ chunks, metadata }));
      const bytes = target.bytes();
      assert.ok(bytes.length > 4 * BOUND, `${bytes.length} bytes written`);
      assert.ok(target.maxHeld <= BOUND, `the target held up to ${target.maxHeld} bytes`);
      // Complete and in order: the file demuxes to the very chunks.
      const demuxer = await Demuxer.open(bytes);
      let i = 0;
      for await (const { chunk } of demuxer.chunks()) {
        assert.equal(chunk.timestamp, Math.round(chunks[i].timestamp / 1000) * 1000, `chunk ${i}: timestamp (milliseconds in Matroska)`);
        assert.ok(sameBytes(chunkBytes(chunk), chunkBytes(chunks[i])), `chunk ${i}: bytes`);
        i++;
      }
      demuxer.close();
      assert.equal(i, chunks.length);
    });
  }
});

// --- Demux -> mux copies ---------------------------------------------------------------------

/** Copies every track of `source` (a path) into a new file with a Muxer; resolves with its path. */
async function copy(source, file, options = {}) {
  const demuxer = await Demuxer.open(source);
  const has = (type) => demuxer.tracks.some((t) => t.type === type && t.config);
  const muxer = new Muxer({ target: join(dir, file), video: has('video'), audio: has('audio'), ...options });
  const configured = new Set();
  for await (const { track, chunk } of demuxer.chunks()) {
    await muxer.addChunk(chunk, configured.has(track.id) ? undefined : { decoderConfig: track.config });
    configured.add(track.id);
  }
  demuxer.close();
  await muxer.finalize();
  return join(dir, file);
}

describe('Muxer: demux -> mux copies keep every chunk', () => {
  const SOURCES = [
    { name: 'mp4 (H.264 with B-frames + AAC) to mp4', file: 'cli.mp4', args: ['-c:v', 'libx264', '-g', '12', '-c:a', 'aac'], to: 'copy.mp4' },
    { name: 'mov (HEVC + PCM) to mov', file: 'cli.mov', args: ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-c:a', 'pcm_s16le'], to: 'copy.mov' },
    { name: 'webm (VP9 + Opus) to webm', file: 'cli.webm', args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus'], to: 'copy.webm' },
    { name: 'mkv (H.264 + FLAC) to mkv', file: 'cli.mkv', args: ['-c:v', 'libx264', '-c:a', 'flac'], to: 'copy.mkv' },
    { name: 'mp4 (AV1 + Opus) to fragmented mp4', file: 'cli-av1.mp4', args: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-c:a', 'libopus'], to: 'copy-frag.mp4', options: { fragmented: true } },
    { name: 'mp4 (H.264 with B-frames + AAC) to fragmented mp4', file: 'cli.mp4', args: ['-c:v', 'libx264', '-g', '12', '-c:a', 'aac'], to: 'copy-frag-h264.mp4', options: { fragmented: true } },
  ];
  for (const s of SOURCES) {
    test(s.name, async () => {
      const source = join(dir, s.file);
      if (!existsSync(source)) ffmpeg([...lavfiVideo(W, H), ...lavfiTones(RATE), ...s.args, source]);
      const copied = await copy(source, s.to, s.options);
      assert.deepEqual(await chunksByType(copied), await chunksByType(source));
    });
  }

  test('our own MP4 with Opus, copied twice', async () => {
    const first = await writeCase(CASES.find((c) => c.audio === 'opus' && c.file.endsWith('.mp4')));
    const second = await copy(first, 'copy-again.mp4');
    assert.deepEqual(await chunksByType(second), await chunksByType(first));
  });
});

// --- Misuse ------------------------------------------------------------------------------------

const isDom = (name) => (e) => e instanceof DOMException && e.name === name;

describe('Muxer: misuse is the documented error', () => {
  test('a codec the container cannot hold: NotSupportedError, and no file', async () => {
    for (const [file, key, kind] of [
      ['vp8.mp4', 'vp8', 'video'],
      ['h264.webm', 'h264', 'video'],
      ['aac.webm', 'aac', 'audio'],
      // FFmpeg refuses these only when it writes the header.
      ['vp8.mov', 'vp8', 'video'],
      ['av1.mov', 'av1', 'video'],
      ['flac.mp4', 'flac', 'audio'],
    ]) {
      const { chunks, metadata } = await encode(key);
      const target = join(dir, file);
      const muxer = new Muxer({ target, [kind]: true });
      await assert.rejects(muxAll(muxer, interleave({ chunks, metadata })), (e) => isDom('NotSupportedError')(e) && /cannot hold/.test(e.message), file);
      assert.equal(existsSync(target), false, `${file} was not created`);
    }
  });

  test('the first chunk of a track without a decoderConfig: TypeError', async () => {
    const { chunks, metadata } = await encode('vp9');
    const muxer = new Muxer({ target: join(dir, 'no-config.webm'), video: true });
    await assert.rejects(muxer.addVideoChunk(chunks[0]), TypeError);
    // The track takes its config from the next chunk that brings one.
    await muxAll(muxer, chunks.map((c, i) => [c, metadata[i]]));
    assert.equal(probeContainer(join(dir, 'no-config.webm')).packets.length, FRAMES);
  });

  test('a chunk of a track the muxer does not have: TypeError', async () => {
    const { chunks, metadata } = await encode('opus');
    const muxer = new Muxer({ target: join(dir, 'video-only.webm'), video: true });
    await assert.rejects(muxer.addChunk(chunks[0], metadata[0]), TypeError);
    muxer.close();
  });

  test('adding after finalize, or finalizing twice: InvalidStateError', async () => {
    const { chunks, metadata } = await encode('vp9');
    const muxer = new Muxer({ target: join(dir, 'twice.webm'), video: true });
    await muxAll(muxer, chunks.map((c, i) => [c, metadata[i]]));
    await assert.rejects(muxer.addVideoChunk(chunks[0], metadata[0]), isDom('InvalidStateError'));
    await assert.rejects(muxer.finalize(), isDom('InvalidStateError'));
  });

  test('finalize with no chunks: InvalidStateError, and no file', async () => {
    const target = join(dir, 'empty.mp4');
    await assert.rejects(new Muxer({ target, video: true, audio: true }).finalize(), (e) => isDom('InvalidStateError')(e) && /No chunks/.test(e.message));
    assert.equal(existsSync(target), false);
  });

  test('close() with chunks in flight: later calls reject, the process muxes on', async () => {
    const { chunks, metadata } = await encode('h264');
    for (const target of [join(dir, 'closed.mp4'), slowNodeWritable(1024)]) {
      const muxer = new Muxer({ target, format: 'mp4', fragmented: typeof target !== 'string', video: true });
      const pending = chunks.map((c, i) => muxer.addVideoChunk(c, metadata[i]));
      muxer.close();
      await Promise.allSettled(pending);
      await assert.rejects(muxer.addVideoChunk(chunks[0], metadata[0]), isDom('InvalidStateError'));
      await assert.rejects(muxer.finalize(), isDom('InvalidStateError'));
    }
    const file = await writeCase(CASES[0]);
    assert.equal(probeContainer(file).packets.length > FRAMES, true);
  });

  test('a stream target that fails: finalize() rejects with its error', async () => {
    const failure = new Error('the disk is full');
    const target = new Writable({ write: (_chunk, _encoding, callback) => callback(failure) });
    const { chunks, metadata } = await encode('vp9');
    await assert.rejects(muxAll(new Muxer({ target, format: 'webm', video: true }), chunks.map((c, i) => [c, metadata[i]])), (e) => e === failure);
  });
});
