// The hostile-input corpus: for every video and audio decoder, the Demuxer
// over each container and the ImageDecoder per image type, a deterministic
// list of mutations of small media (case i of a target is always the same
// input), each run through the public API and checked against what the
// spec lets happen. test/stress/fixtures/hostile-corpus.mjs runs one target
// per process, so its peak RSS is its own; the *-hostile.test.mjs suites
// run the targets two at a time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AudioDecoder, Demuxer, EncodedAudioChunk, EncodedVideoChunk, ImageDecoder, VideoDecoder } from 'webcodecs-native';

import {
  av1ObuEnds, av1WellFormed, av1WithSize, avcDescriptionWithSize, h264WithSize, hevcDescriptionWithSize, hevcWithSize, vp8KeyFrameWithSize,
  vp9KeyFrameWithSize, vp9ShowsExistingFrame,
} from './bitstream.mjs';
import { AUDIO_CODECS, audioConfig, encodeAudio, encodeClip } from './codecs.mjs';
import {
  below, checkReport, checkVideo, decodeAll, flipped, flippedAtRate, garbage, prng, spliced, withBoundaryValues,
} from './hostile.mjs';
import { chunkedStream, imageWithSize, makeAvif, makeImage } from './images.mjs';
import { SIGNALS, annexbNals, chunkBytes, ffmpeg, frameI420, lavfiTones, lavfiVideo, makeAudioData, tempDir } from './media.mjs';

const MiB = 1 << 20;
const pick = (list, random) => list[below(list.length, random)];

// --- Video decoders ------------------------------------------------------------------

/** The clip every video target mutates: chunks 0 and 6 are key chunks. */
export const VIDEO_CLIP = { width: 128, height: 96, frames: 12, keyEvery: 6 };

// `truncation`: whether a chunk cut short is always reported. HEVC Annex B
// and VP8 can lose their tail without anything in the bitstream telling.
// `flips`: the share of bit-flip cases the decoder must report (measured on
// video-hostile's deterministic set; the rest decode into frames, as
// nothing in those bitstreams protects every bit: FFmpeg's HEVC decoder
// finds almost none, libvpx's VP9 decoder almost all, FFmpeg's VP8
// decoder 1 in 32; libvpx's VP8 decoder, which we used before, at least
// 1 in 10, taking 1.6 times as long). `description`: the
// stream comes with an avcC/hvcC. `bombs`: sizes beyond the limits (VP8's
// 14-bit sizes cannot pass them: sizes its chunk cannot code instead).
export const VIDEO_TARGETS = [
  { name: 'H.264 avc', family: 'h264', config: { codec: 'avc1.42001f' }, truncation: true, flips: 0.6, description: true },
  { name: 'H.264 annexb', family: 'h264', config: { codec: 'avc1.42001f', avc: { format: 'annexb' } }, truncation: true, flips: 0.6 },
  { name: 'HEVC hevc', family: 'hevc', config: { codec: 'hvc1.1.6.L93.B0' }, truncation: true, flips: 0, description: true },
  { name: 'HEVC annexb', family: 'hevc', config: { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'annexb' } }, truncation: false, flips: 0 },
  { name: 'VP8', family: 'vp8', config: { codec: 'vp8' }, truncation: false, flips: 0.03 },
  { name: 'VP9', family: 'vp9', config: { codec: 'vp09.00.10.08' }, truncation: true, flips: 0.9 },
  { name: 'AV1', family: 'av1', config: { codec: 'av01.0.04M.08' }, truncation: true, flips: 0.7 },
];

const BOMBS = {
  h264: [[65536, 65536], [16400, 16400], [32768, 8208]],
  hevc: [[65528, 65528], [16392, 16392], [32768, 8200]],
  vp8: [[16383, 16383], [4000, 3000], [16383, 64]],
  vp9: [[65536, 65536], [16385, 16384], [40000, 7000]],
  av1: [[65536, 65536], [20000, 20000], [65536, 8]],
};
const CHUNK_REWRITE = { h264: h264WithSize, hevc: hevcWithSize, vp8: vp8KeyFrameWithSize, vp9: vp9KeyFrameWithSize, av1: av1WithSize };
const RECORD_REWRITE = { h264: avcDescriptionWithSize, hevc: hevcDescriptionWithSize };

/** Lengths at which a chunk holds whole NAL units or OBUs: a valid, shorter chunk. */
function unitEnds(target, bytes) {
  if (target.family === 'av1') return av1ObuEnds(bytes);
  if (target.family !== 'h264' && target.family !== 'hevc') return [];
  const ends = [];
  if (target.description) {
    for (let pos = 0; pos + 4 <= bytes.length; ) {
      pos += 4 + ((bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]);
      ends.push(pos);
    }
    return ends;
  }
  // Annex B: a NAL's end, plus the zeros that may follow it.
  for (const nal of annexbNals(bytes)) {
    for (let end = nal.byteOffset - bytes.byteOffset + nal.length; end <= bytes.length; end++) {
      ends.push(end);
      if (bytes[end] !== 0) break;
    }
  }
  return ends;
}

/** What decoding a video target's mutations must give (see chunkCase). */
function videoRules(target, clip) {
  const descriptionErrors = ['EncodingError', 'NotSupportedError'];
  return {
    cut: (at, bytes, length) => (target.truncation && !unitEnds(target, bytes).includes(length) ? 'rejected' : 'any'),
    // Random bytes can happen to be valid: AV1 OBUs of reserved types
    // (ignored), a VP9 header showing an earlier frame again.
    garbage(at, data) {
      if (at === 0) return 'rejected';
      if (target.family === 'vp9') return vp9ShowsExistingFrame(data) ? 'any' : 'rejected';
      return target.family === 'av1' && !av1WellFormed(data) ? 'rejected' : 'any';
    },
    huge(random) {
      const [w, h] = pick(BOMBS[target.family], random);
      if (target.description) {
        const description = RECORD_REWRITE[target.family](clip.config.description, w, h);
        return { config: { ...clip.config, description }, expect: 'rejected', errorNames: descriptionErrors };
      }
      const key = { ...clip.chunks[0], data: CHUNK_REWRITE[target.family](clip.chunks[0].data, w, h) };
      return { chunks: [key, ...clip.chunks.slice(1)], expect: 'rejected' };
    },
    description(random) {
      const own = clip.config.description;
      if (!own) {
        const description = garbage(below(5000, random), random);
        // VP8, VP9 and AV1 ignore a description; AVC and HEVC take one for an avcC/hvcC.
        if (target.family === 'h264' || target.family === 'hevc') return { config: { ...clip.config, description }, expect: 'any', dataError: true, errorNames: descriptionErrors };
        return { config: { ...clip.config, description }, expect: 'clean' };
      }
      switch (below(5, random)) {
        case 0:
          return { config: { ...clip.config, description: flippedAtRate(own, pick([0.001, 0.01, 0.05], random), random) }, expect: 'any', dataError: true, errorNames: descriptionErrors };
        case 1:
          // (An empty description is no description.)
          return { config: { ...clip.config, description: own.subarray(0, 1 + below(own.length - 1, random)) }, expect: 'unsupported' };
        case 2:
          return { config: { ...clip.config, description: garbage(1 + below(200, random), random) }, expect: 'unsupported' };
        case 3:
          return { config: { ...clip.config, description: withBoundaryValues(own, 1 + below(3, random), random) }, expect: 'any', dataError: true, errorNames: descriptionErrors };
        default: {
          const big = new Uint8Array(MiB + 1 + below(1000, random));
          big.set(own);
          return { config: { ...clip.config, description: big }, expect: 'unsupported' };
        }
      }
    },
  };
}

/** Encodes a video target's clip; `reference` maps timestamps to the I420 bytes of its clean decode. */
async function videoClip(target) {
  const { width, height, frames, keyEvery } = VIDEO_CLIP;
  const { chunks, decoderConfig } = await encodeClip({ ...target.config, width, height, bitrate: 200000, framerate: 30 }, frames, { keyEvery });
  const clean = await decodeAll(VideoDecoder, decoderConfig, chunks);
  assert.deepEqual(clean.errors, []);
  const reference = new Map();
  for (const f of clean.outputs) reference.set(f.timestamp, await frameI420(f));
  clean.outputs.forEach((f) => f.close());
  assert.equal(reference.size, frames);
  const plain = chunks.map((c) => ({ type: c.type, timestamp: c.timestamp, duration: c.duration, data: chunkBytes(c) }));
  return { chunks: plain, config: decoderConfig, reference };
}

// --- Audio decoders ------------------------------------------------------------------

// `framed`: a cut chunk is always reported (frame lengths or CRCs tell);
// Opus and Vorbis packets of any length are valid bitstream. `flips`: the
// share of bit-flip cases that must be reported (FLAC's CRC-16 finds every
// one, AAC's syntax most, MP3 and the others have nothing that protects
// every bit). `garbage`: random bytes are always reported. PCM and G.711
// (not listed): any whole frames are valid.
const AUDIO_TRAITS = {
  Opus: { framed: false, flips: 0, garbage: false },
  'Opus (ogg format)': { framed: false, flips: 0, garbage: false },
  'AAC-LC': { framed: true, flips: 0.5, garbage: true },
  'AAC-LC ADTS': { framed: true, flips: 0.5, garbage: true },
  'MPEG-2 AAC-LC': { framed: true, flips: 0.5, garbage: true },
  MP3: { framed: true, flips: 0, garbage: true },
  FLAC: { framed: true, flips: 1, garbage: true },
  Vorbis: { framed: false, flips: 0, garbage: false },
};

/** An AUDIO_CODECS entry with its traits and `frameBytes` (PCM: bytes per stereo frame, else 0). */
export const AUDIO_TARGETS = AUDIO_CODECS.map((entry) => ({
  ...entry,
  ...(AUDIO_TRAITS[entry.name] ?? { framed: true, flips: 0, garbage: false }),
  frameBytes: entry.pcmBytes ? entry.pcmBytes * 2 : 0,
}));

function audioRules(target, clip) {
  const { frameBytes } = target;
  const rawAac = target.codec.startsWith('mp4a') && target.extra?.aac?.format !== 'adts';
  const errorNames = ['EncodingError', 'NotSupportedError'];
  return {
    cut: (at, bytes, length) => (frameBytes ? (length % frameBytes ? 'rejected' : 'clean') : target.framed ? 'rejected' : 'any'),
    garbage(at, data) {
      if (frameBytes) return data.length % frameBytes ? 'rejected' : 'clean';
      // Raw AAC (no ADTS header) whose first element is a data stream,
      // fill or END element can be a valid, empty frame.
      if (rawAac && [4, 6, 7].includes(data[0] >> 5)) return 'any';
      return target.garbage ? 'rejected' : 'any';
    },
    huge(random) {
      // Declared sample rates and channel counts past the limits, or a
      // description's size and count fields at their extremes.
      const own = clip.config.description;
      if (own && random() < 0.5) {
        return { config: { ...clip.config, description: withBoundaryValues(own, 1 + below(4, random), random) }, expect: 'any', errorNames };
      }
      const numberOfChannels = pick([33, 255, 2 ** 31, 2 ** 32 - 1], random);
      const sampleRate = pick([1, 2999, 768001, 2 ** 32 - 1], random);
      const config = random() < 0.5 ? { ...clip.config, numberOfChannels } : { ...clip.config, sampleRate };
      return { config, expect: 'unsupported' };
    },
    description(random) {
      const own = clip.config.description ?? garbage(64, random);
      switch (below(4, random)) {
        case 0:
          return { config: { ...clip.config, description: flippedAtRate(own, pick([0.001, 0.01, 0.05], random), random) }, expect: 'any', errorNames };
        case 1:
          return { config: { ...clip.config, description: own.subarray(0, below(own.length, random)) }, expect: 'any', errorNames };
        case 2:
          return { config: { ...clip.config, description: garbage(1 + below(5000, random), random) }, expect: 'any', errorNames };
        default:
          return { config: { ...clip.config, description: new Uint8Array(MiB + 1 + below(1000, random)) }, expect: 'unsupported' };
      }
    },
  };
}

async function audioClip(target) {
  const config = audioConfig(target);
  const rate = config.sampleRate;
  const frames = Math.floor(rate / 50);
  const { chunks, decoderConfig } = await encodeAudio(config, 6, (i) =>
    makeAudioData(SIGNALS.tones(rate), { start: i * frames, frames, channels: 2, sampleRate: rate }),
  );
  const clean = await decodeAll(AudioDecoder, decoderConfig, chunks);
  assert.deepEqual(clean.errors, []);
  clean.outputs.forEach((o) => o.close());
  const plain = chunks.map((c) => ({ type: c.type, timestamp: c.timestamp, duration: c.duration, data: chunkBytes(c) }));
  return { chunks: plain, config: decoderConfig };
}

// --- Chunk-stream mutations (video and audio) ------------------------------------------

const CHUNK_KINDS = [
  'flip', 'flip-rate', 'flip-stream', 'truncate', 'empty', 'garbage', 'garbage-inserted', 'reordered', 'mislabelled',
  'dropped-or-repeated', 'huge', 'description',
];

/** A stable number for a name (the seed of its cases). */
const seedOf = (name) => [...name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);

/**
 * Case `i` of a chunk stream's corpus: {kind, chunks, config, at, expect,
 * dataError, errorNames}. `at` is the first index whose chunk changed
 * (frames of the chunks before it must equal the clean decode). The first
 * chunk must be a key chunk (DataError otherwise); beyond it, labels do
 * not matter ("clean").
 */
function chunkCase(name, clip, rules, i) {
  const random = prng(seedOf(name) + i * 7919);
  const kind = CHUNK_KINDS[i % CHUNK_KINDS.length];
  const src = clip.chunks;
  const n = src.length;
  const at = below(n, random);
  const withData = (k, data) => src.map((c, j) => (j === k ? { ...c, data } : c));
  const base = { kind, chunks: src, config: clip.config, at, expect: 'any', dataError: at === 0, errorNames: ['EncodingError'] };
  const firstIsKey = (chunks) => (chunks[0].type === 'key' ? 'any' : 'dataError');
  switch (kind) {
    case 'flip':
      return { ...base, chunks: withData(at, flipped(src[at].data, 1 + below(3, random), random)) };
    case 'flip-rate':
      return { ...base, chunks: withData(at, flippedAtRate(src[at].data, pick([0.001, 0.01, 0.1], random), random)) };
    case 'flip-stream':
      return { ...base, at: 0, dataError: true, chunks: src.map((c) => ({ ...c, data: flippedAtRate(c.data, 0.002, random) })) };
    case 'truncate': {
      const bytes = src[at].data;
      const length = 1 + below(bytes.length - 1, random);
      return { ...base, chunks: withData(at, bytes.subarray(0, length)), expect: rules.cut(at, bytes, length) };
    }
    case 'empty':
      return { ...base, chunks: withData(at, new Uint8Array(0)), expect: 'rejected', dataError: false };
    case 'garbage': {
      const data = garbage(1 + Math.floor(random() ** 2 * 8192), random);
      return { ...base, chunks: withData(at, data), expect: rules.garbage(at, data) };
    }
    case 'garbage-inserted': {
      const k = 1 + below(n - 1, random);
      const data = garbage(1 + Math.floor(random() ** 2 * 8192), random);
      // Audio chunks are all key chunks.
      const type = src.every((c) => c.type === 'key') ? 'key' : 'delta';
      const inserted = { type, timestamp: src[k - 1].timestamp + 1, duration: 1, data };
      return { ...base, at: k, dataError: false, chunks: [...src.slice(0, k), inserted, ...src.slice(k)], expect: rules.garbage(k, data) };
    }
    case 'reordered': {
      const start = below(n - 1, random);
      const window = src.slice(start);
      for (let j = window.length - 1; j > 0; j--) {
        const r = below(j + 1, random);
        [window[j], window[r]] = [window[r], window[j]];
      }
      const chunks = [...src.slice(0, start), ...window];
      return { ...base, at: start, dataError: false, chunks, expect: firstIsKey(chunks) };
    }
    case 'mislabelled': {
      const toggled = new Set(Array.from({ length: 1 + below(3, random) }, () => below(n, random)));
      const chunks = src.map((c, j) => (toggled.has(j) ? { ...c, type: c.type === 'key' ? 'delta' : 'key' } : c));
      if (chunks[0].type !== 'key') return { ...base, at: 0, dataError: false, chunks, expect: 'dataError' };
      return { ...base, at: n, dataError: false, chunks, expect: 'clean' };
    }
    case 'dropped-or-repeated': {
      const chunks = random() < 0.5 ? src.filter((_, j) => j !== at) : [...src.slice(0, at + 1), ...src.slice(at)];
      return { ...base, dataError: false, chunks, expect: firstIsKey(chunks) };
    }
    case 'huge':
      return { ...base, at: 0, dataError: false, ...rules.huge(random) };
    default:
      return { ...base, at: 0, dataError: false, ...rules.description(random) };
  }
}

/** How a decoder case ended: "decoded" or the error's name. */
const outcomeOf = (r) => (r.thrown ? r.thrown.name : r.errors[0]?.name ?? 'decoded');

/**
 * A decoder target's corpus: {prepare(), run(i) -> {kind, expect, outcome}}.
 * `check(label, result, case, clip)` checks one decode (and closes its outputs).
 */
function decoderCorpus(target, { clipOf, rulesOf, Decoder, Chunk, check }) {
  let clip;
  let rules;
  return {
    async prepare() {
      clip = await clipOf(target);
      rules = rulesOf(target, clip);
    },
    async run(i) {
      const c = chunkCase(target.name, clip, rules, i);
      const r = await decodeAll(Decoder, c.config, c.chunks.map((x) => new Chunk(x)));
      await check(`${target.name} case ${i} (${c.kind})`, r, c, clip);
      return { kind: c.kind, expect: c.expect, outcome: outcomeOf(r) };
    },
  };
}

export const videoCorpus = (target) =>
  decoderCorpus(target, {
    clipOf: videoClip,
    rulesOf: videoRules,
    Decoder: VideoDecoder,
    Chunk: EncodedVideoChunk,
    check: (label, r, c, clip) =>
      checkVideo(label, r, {
        reference: clip.reference,
        inputs: new Set(c.chunks.map((x) => x.timestamp)),
        intact: new Set((c.expect === 'clean' ? c.chunks : c.chunks.slice(0, c.at)).map((x) => x.timestamp)),
        width: VIDEO_CLIP.width,
        height: VIDEO_CLIP.height,
        ...c,
      }),
  });

export const audioCorpus = (target) =>
  decoderCorpus(target, {
    clipOf: audioClip,
    rulesOf: audioRules,
    Decoder: AudioDecoder,
    Chunk: EncodedAudioChunk,
    check(label, r, c) {
      try {
        checkReport(`${label}: `, r, c);
      } finally {
        r.outputs.forEach((o) => o.close());
      }
    },
  });

// --- Whole-file mutations (containers and images) ----------------------------------------

const FILE_KINDS = ['flip', 'flip-rate', 'truncate', 'empty', 'garbage', 'boundary-values', 'spliced', 'huge'];

/** Case `i` of a file's corpus: {kind, bytes, stream, expect}; `huge(random)` gives that kind's bytes. */
function fileCase(name, bytes, i, huge) {
  const random = prng(seedOf(name) + i * 7919);
  const kind = FILE_KINDS[i % FILE_KINDS.length];
  // Every fourth case arrives as a stream of small slices.
  const base = { kind, stream: i % 4 === 3, expect: 'any' };
  switch (kind) {
    case 'flip':
      return { ...base, bytes: flipped(bytes, 1 + below(3, random), random) };
    case 'flip-rate':
      return { ...base, bytes: flippedAtRate(bytes, pick([0.0001, 0.001, 0.01], random), random) };
    case 'truncate':
      return { ...base, bytes: bytes.subarray(0, below(bytes.length, random)) };
    case 'empty':
      return { ...base, bytes: new Uint8Array(0), expect: 'rejected' };
    case 'garbage':
      return { ...base, bytes: garbage(1 + Math.floor(random() ** 2 * 65536), random) };
    case 'boundary-values':
      // Header fields most of the time: sizes, counts and offsets.
      return { ...base, bytes: withBoundaryValues(bytes, 1 + below(4, random), random, random() < 0.7 ? 1024 : bytes.length) };
    case 'spliced':
      return { ...base, bytes: spliced(bytes, random) };
    default:
      return { ...base, ...huge(random) };
  }
}

/** A ReadableStream of `bytes` in slices of 1-4096 bytes. */
const slices = (bytes, random) => chunkedStream(bytes, 1 + below(4096, random));

// --- Containers ----------------------------------------------------------------------

const SHORT = { seconds: 0.4 };
const V = lavfiVideo(64, 48, SHORT);
const A = (rate) => lavfiTones(rate, SHORT);

/** One small file per container FFmpeg reads, written by the ffmpeg CLI. */
export const CONTAINER_TARGETS = [
  { name: 'MP4', ext: 'mp4', args: [...V, ...A(44100), '-c:v', 'libx264', '-g', '4', '-bf', '2', '-c:a', 'aac'] },
  { name: 'fragmented MP4', ext: 'mp4', args: [...V, ...A(48000), '-c:v', 'libx264', '-g', '4', '-c:a', 'aac', '-movflags', '+frag_keyframe+empty_moov'] },
  { name: 'MOV', ext: 'mov', args: [...V, ...A(44100), '-c:v', 'libx265', '-x265-params', 'log-level=error:keyint=4', '-c:a', 'pcm_s16le'] },
  { name: 'WebM', ext: 'webm', args: [...V, ...A(48000), '-c:v', 'libvpx-vp9', '-g', '4', '-deadline', 'realtime', '-c:a', 'libopus'] },
  { name: 'Matroska', ext: 'mkv', args: [...V, ...A(44100), '-c:v', 'libx264', '-g', '4', '-c:a', 'flac'] },
  { name: 'MPEG-TS', ext: 'ts', args: [...V, ...A(48000), '-c:v', 'libx264', '-g', '4', '-c:a', 'aac'] },
  { name: 'IVF', ext: 'ivf', args: [...V, '-c:v', 'libvpx', '-g', '4', '-deadline', 'realtime'] },
  { name: 'Ogg', ext: 'ogg', args: [...A(48000), '-c:a', 'libopus'] },
  { name: 'MP3', ext: 'mp3', args: [...A(44100), '-c:a', 'libmp3lame'] },
  { name: 'FLAC', ext: 'flac', args: [...A(44100), '-c:a', 'flac'] },
  { name: 'WAV', ext: 'wav', args: [...A(22050), '-c:a', 'pcm_s16le'] },
  { name: 'ADTS', ext: 'aac', args: [...A(44100), '-c:a', 'aac'] },
  { name: 'Annex B H.264', ext: 'h264', args: [...V, '-c:v', 'libx264', '-g', '4', '-bf', '0'] },
  { name: 'Annex B HEVC', ext: 'hevc', args: [...V, '-c:v', 'libx265', '-x265-params', 'log-level=error:keyint=4', '-bf', '0'] },
];

const DEMUX_ERRORS = ['NotSupportedError', 'EncodingError'];

function assertRejection(where, e, names) {
  assert.ok(e instanceof DOMException && names.includes(e.name), `${where}rejected with ${e?.name}: ${e?.message ?? e}`);
  assert.ok(e.message.length > 10, `${where}the error says what went wrong`);
}

/**
 * Demuxes one case: open() settles (a NotSupportedError or EncodingError
 * when it fails), the chunks read are sane, reading ends or fails once with
 * one of those, and the first decodable track's chunks go through its
 * decoder (any outcome the decoder's checks allow). Returns the outcome.
 */
async function demuxCase(where, c, random) {
  let demuxer;
  try {
    demuxer = await Demuxer.open(c.stream ? slices(c.bytes, random) : c.bytes);
  } catch (e) {
    assertRejection(where, e, DEMUX_ERRORS);
    if (c.expect === 'rejected') assert.equal(e.name, 'NotSupportedError', `${where}no bytes`);
    return `open: ${e.name}`;
  }
  try {
    assert.notEqual(c.expect, 'rejected', `${where}no bytes must not open`);
    const read = [];
    let failure = null;
    try {
      for await (const { track, chunk } of demuxer.chunks()) {
        assert.ok(Number.isFinite(chunk.timestamp) && chunk.byteLength <= c.bytes.length, `${where}chunk ${read.length}`);
        read.push({ track, chunk });
      }
    } catch (e) {
      failure = e;
      assertRejection(where, e, DEMUX_ERRORS);
    }
    const track = demuxer.tracks.find((t) => t.config && read.some((x) => x.track === t));
    if (track) {
      const Decoder = track.type === 'video' ? VideoDecoder : AudioDecoder;
      const chunks = read.filter((x) => x.track === track).slice(0, 12).map((x) => x.chunk);
      const r = await decodeAll(Decoder, track.config, chunks);
      try {
        checkReport(`${where}decoding its ${track.codec} track: `, r, { expect: 'any', dataError: true, errorNames: ['EncodingError', 'NotSupportedError'] });
      } finally {
        r.outputs.forEach((o) => o.close());
      }
    }
    return failure ? `read: ${failure.name}` : 'read';
  } finally {
    demuxer.close();
  }
}

export function containerCorpus(target) {
  let bytes;
  return {
    async prepare() {
      const file = join(tempDir('wcn-corpus-'), `clip.${target.ext}`);
      ffmpeg([...target.args, file]);
      bytes = new Uint8Array(readFileSync(file));
    },
    async run(i) {
      // Huge declared sizes and counts: boundary values in the header.
      const c = fileCase(target.name, bytes, i, (random) => ({ bytes: withBoundaryValues(bytes, 2 + below(6, random), random, 512) }));
      const outcome = await demuxCase(`${target.name} case ${i} (${c.kind}): `, c, prng(i));
      return { kind: c.kind, expect: c.expect, outcome };
    },
  };
}

// --- Images --------------------------------------------------------------------------

const IMG = 'testsrc2=size=64x48:rate=10';

/** One small file per image type (animated where the type animates); `extended`: WebP with a VP8X header. */
export const IMAGE_TARGETS = [
  { name: 'JPEG', type: 'image/jpeg', make: () => makeImage('jpg', { source: IMG }) },
  { name: 'PNG', type: 'image/png', make: () => makeImage('png', { source: IMG }) },
  { name: 'APNG', type: 'image/apng', make: () => makeImage('apng', { source: IMG, frames: 3, args: ['-plays', '0'] }) },
  { name: 'GIF', type: 'image/gif', make: () => makeImage('gif', { source: IMG, frames: 3 }) },
  { name: 'WebP', type: 'image/webp', make: () => makeImage('webp', { source: IMG, args: ['-c:v', 'libwebp'] }), bomb: 'any' },
  { name: 'animated WebP', type: 'image/webp', make: () => makeImage('webp', { source: IMG, frames: 3, args: ['-c:v', 'libwebp_anim', '-loop', '0'] }) },
  { name: 'BMP', type: 'image/bmp', make: () => makeImage('bmp', { source: IMG }) },
  { name: 'ICO', type: 'image/x-icon', make: () => makeImage('ico', { source: 'testsrc2=size=32x32', args: ['-c:v', 'png', '-pix_fmt', 'rgba'] }) },
  { name: 'AVIF', type: 'image/avif', make: () => makeAvif({ source: IMG }) },
];

/**
 * Decodes one image case frame by frame: each decode() resolves with a
 * frame or rejects with RangeError (no such frame, or cut short: the
 * decoder stays open) or EncodingError (the decoder closes: later decodes
 * reject with InvalidStateError); tracks.ready and completed settle.
 */
async function imageCase(where, type, c, random) {
  if (c.bytes.length === 0) {
    assert.throws(() => new ImageDecoder({ type, data: c.bytes }), TypeError, `${where}empty data`);
    return 'TypeError';
  }
  const decoder = new ImageDecoder({ type, data: c.stream ? slices(c.bytes, random) : c.bytes });
  const settled = (p) => p.then(() => null, (e) => e);
  const ready = settled(decoder.tracks.ready);
  const completed = settled(decoder.completed);
  let outcome = 'decoded';
  for (let frameIndex = 0; frameIndex < 8; frameIndex++) {
    try {
      const { image } = await decoder.decode({ frameIndex });
      assert.ok(image.codedWidth > 0 && image.codedHeight > 0 && image.format, `${where}frame ${frameIndex}`);
      image.close();
    } catch (e) {
      if (e instanceof RangeError) {
        if (frameIndex === 0) outcome = 'RangeError';
        break;
      }
      assertRejection(`${where}frame ${frameIndex}: `, e, ['EncodingError']);
      await assert.rejects(decoder.decode({ frameIndex }), (again) => again instanceof DOMException && again.name === 'InvalidStateError', `${where}closed after its error`);
      outcome = e.name;
      break;
    }
  }
  for (const e of [await ready, await completed]) if (e) assertRejection(where, e, ['EncodingError']);
  if (c.expect === 'rejected') assert.equal(outcome, 'EncodingError', `${where}must be rejected`);
  decoder.close();
  return outcome;
}

export function imageCorpus(target) {
  let bytes;
  return {
    async prepare() {
      bytes = new Uint8Array(target.make().data);
    },
    async run(i) {
      const huge = (random) => {
        // Still lossy WebP declares its size in 14 bits: within the limits.
        if (target.bomb === 'any') return { bytes: withBoundaryValues(bytes, 2 + below(6, random), random, 64) };
        const [w, h] = pick([[65535, 65535], [16385, 16384], [32768, 8193]], random);
        return { bytes: imageWithSize(target.type, bytes, w, h), expect: 'rejected' };
      };
      const c = fileCase(target.name, bytes, i, huge);
      const outcome = await imageCase(`${target.name} case ${i} (${c.kind}): `, target.type, c, prng(i));
      return { kind: c.kind, expect: c.expect, outcome };
    },
  };
}
