// Test media helpers: the ffmpeg CLI, synthetic frames and audio, PSNR and
// SNR, the simple stream files (IVF, Annex B) the CLI reads and writes, and
// audio packets as ffprobe demuxes them.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AudioData, Demuxer, VideoFrame } from 'webcodecs-native';

/** Runs the ffmpeg CLI (or ffprobe) and returns stdout as a Buffer. */
export function ffmpeg(args, { tool = 'ffmpeg', input } = {}) {
  const base = tool === 'ffmpeg' ? ['-hide_banner', '-loglevel', 'error', '-y'] : ['-v', 'error'];
  return execFileSync(tool, [...base, ...args], { input, maxBuffer: 1 << 30 });
}

export function ffprobeJson(args) {
  return JSON.parse(ffmpeg(['-of', 'json', ...args], { tool: 'ffprobe' }).toString());
}

/** A lavfi test pattern (testsrc2), as a filter graph. */
export const testPattern = (width, height, { rate = 25, seconds = 1 } = {}) => `testsrc2=size=${width}x${height}:rate=${rate}:duration=${seconds}`;

/** ffmpeg input arguments of the test pattern. */
export const lavfiVideo = (width, height, options) => ['-f', 'lavfi', '-i', testPattern(width, height, options)];

/** ffmpeg input arguments of two channels, two tones (440 Hz left, 660 Hz right). */
export const lavfiTones = (rate = 48000, { seconds = 1 } = {}) => ['-f', 'lavfi', '-i', `aevalsrc=0.5*sin(2*PI*440*t)|0.4*sin(2*PI*660*t):s=${rate}:d=${seconds}`];

/** A temporary directory removed when the test process exits. */
export function tempDir(prefix = 'wcn-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * I420 bytes of a moving test pattern: gradients plus a bright square that
 * moves with `index`, so motion and detail both exist.
 */
export function patternI420(width, height, index) {
  const ySize = width * height;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const data = new Uint8Array(ySize + 2 * cw * ch);
  const sx = (index * 4) % Math.max(1, width - 32);
  const sy = (index * 2) % Math.max(1, height - 32);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = x >= sx && x < sx + 32 && y >= sy && y < sy + 32;
      data[y * width + x] = inSquare ? 235 : 16 + ((x * 3 + y * 2 + index) % 200);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      data[ySize + y * cw + x] = 64 + ((x * 2 + index) % 128);
      data[ySize + cw * ch + y * cw + x] = 192 - ((y * 2 + index) % 128);
    }
  }
  return data;
}

export function makeFrame(width, height, index, { fps = 30, format = 'I420' } = {}) {
  const duration = Math.round(1e6 / fps);
  return new VideoFrame(patternI420(width, height, index), {
    format,
    codedWidth: width,
    codedHeight: height,
    timestamp: index * duration,
    duration,
  });
}

/** A width x height 24-bit BMP file, grey (with no encoder involved). */
export function bmpImage(width, height) {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + stride * height, 0x80);
  bmp.write('BM', 0);
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(0, 6);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(width, 18);
  bmp.writeInt32LE(height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.fill(0, 30, 54); // no compression; sizes and palette left to the decoder
  return bmp;
}

/** PSNR (dB) of two equally sized byte arrays; Infinity when identical. */
export function psnr(a, b, max = 255) {
  if (a.length !== b.length) throw new Error(`psnr: sizes differ (${a.length} vs ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  if (se === 0) return Infinity;
  return 10 * Math.log10((max * max) / (se / a.length));
}

/** Luma plane of tight I420 bytes. */
export function luma(i420, width, height) {
  return i420.subarray(0, width * height);
}

/** Copies a decoded frame's visible rect out as tight I420 (8-bit formats only). */
export async function frameI420(frame) {
  const out = new Uint8Array(frame.allocationSize());
  await frame.copyTo(out);
  return out;
}

// --- IVF (VP8, VP9, AV1) -------------------------------------------------

const IVF_FOURCC = { vp8: 'VP80', vp9: 'VP90', av1: 'AV01' };

export function writeIvf(family, width, height, chunks, timebase = [1, 1000000]) {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0);
  header.writeUInt16LE(0, 4);
  header.writeUInt16LE(32, 6);
  header.write(IVF_FOURCC[family], 8);
  header.writeUInt16LE(width, 12);
  header.writeUInt16LE(height, 14);
  header.writeUInt32LE(timebase[1], 16);
  header.writeUInt32LE(timebase[0], 20);
  header.writeUInt32LE(chunks.length, 24);
  const parts = [header];
  for (const c of chunks) {
    const bytes = Buffer.alloc(c.byteLength);
    c.copyTo(bytes);
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(bytes.length, 0);
    fh.writeBigInt64LE(BigInt(c.timestamp), 4);
    parts.push(fh, bytes);
  }
  return Buffer.concat(parts);
}

/** Frames of an IVF file: [{data, pts}]. */
export function readIvf(buffer) {
  const headerSize = buffer.readUInt16LE(6);
  const frames = [];
  let pos = headerSize;
  while (pos + 12 <= buffer.length) {
    const size = buffer.readUInt32LE(pos);
    const pts = Number(buffer.readBigInt64LE(pos + 4));
    frames.push({ data: new Uint8Array(buffer.subarray(pos + 12, pos + 12 + size)), pts });
    pos += 12 + size;
  }
  return frames;
}

// --- Annex B (H.264, HEVC) -------------------------------------------------

/** NAL units of Annex B bytes. */
export function annexbNals(bytes) {
  const nals = [];
  let i = 0;
  const starts = [];
  while (i + 2 < bytes.length) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
      starts.push(i + 3);
      i += 3;
    } else {
      i++;
    }
  }
  for (let k = 0; k < starts.length; k++) {
    let end = k + 1 < starts.length ? starts[k + 1] - 3 : bytes.length;
    while (end > starts[k] && bytes[end - 1] === 0) end--;
    nals.push(bytes.subarray(starts[k], end));
  }
  return nals;
}

/**
 * Access units of an Annex B stream written with access unit delimiters
 * (x264/x265 aud=1): each AU starts at an AUD NAL.
 */
export function annexbAccessUnits(bytes, hevc) {
  const aus = [];
  let current = [];
  for (const nal of annexbNals(bytes)) {
    const type = hevc ? (nal[0] >> 1) & 0x3f : nal[0] & 0x1f;
    if (type === (hevc ? 35 : 9) && current.length) {
      aus.push(current);
      current = [];
    }
    current.push(nal);
  }
  if (current.length) aus.push(current);
  return aus.map((nals) => {
    const key = nals.some((n) => (hevc ? ((n[0] >> 1) & 0x3f) >= 16 && ((n[0] >> 1) & 0x3f) <= 23 : (n[0] & 0x1f) === 5));
    return { data: concatNals(nals), key };
  });
}

function concatNals(nals) {
  const size = nals.reduce((a, n) => a + 4 + n.length, 0);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const n of nals) {
    out.set([0, 0, 0, 1], pos);
    out.set(n, pos + 4);
    pos += 4 + n.length;
  }
  return out;
}

/** Annex B bytes of length-prefixed chunks, parameter sets taken from avcC/hvcC. */
export function lengthPrefixedToAnnexB(chunks, description, hevc) {
  const params = [];
  if (hevc) {
    let pos = 23;
    const arrays = description[22];
    for (let a = 0; a < arrays; a++) {
      const count = (description[pos + 1] << 8) | description[pos + 2];
      pos += 3;
      for (let n = 0; n < count; n++) {
        const len = (description[pos] << 8) | description[pos + 1];
        params.push(description.subarray(pos + 2, pos + 2 + len));
        pos += 2 + len;
      }
    }
  } else {
    let pos = 5;
    const sps = description[pos++] & 0x1f;
    for (let n = 0; n < sps; n++) {
      const len = (description[pos] << 8) | description[pos + 1];
      params.push(description.subarray(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    const pps = description[pos++];
    for (let n = 0; n < pps; n++) {
      const len = (description[pos] << 8) | description[pos + 1];
      params.push(description.subarray(pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
  }
  const parts = [concatNals(params)];
  for (const c of chunks) {
    const bytes = new Uint8Array(c.byteLength);
    c.copyTo(bytes);
    const nals = [];
    let pos = 0;
    while (pos + 4 <= bytes.length) {
      const len = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
      nals.push(bytes.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    parts.push(concatNals(nals));
  }
  return Buffer.concat(parts);
}

/**
 * The QPs of every macroblock of an H.264 file as the ffmpeg CLI's decoder
 * reports them (-debug qp): one sorted list of the distinct values per
 * frame, in presentation order.
 */
export function cliMacroblockQps(file) {
  const log = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'debug', '-threads', '1', '-debug', 'qp', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (log.status !== 0) throw new Error(`ffmpeg -debug qp failed: ${log.stderr.slice(-500)}`);
  // The demuxer's probing decodes the first frames with a decoder of its
  // own: the output's decoder is the last one to start decoding.
  const byDecoder = new Map();
  for (const line of log.stderr.split('\n')) {
    const m = /^\[h264 @ (\w+)\] (.*)$/.exec(line);
    if (!m) continue;
    const [, decoder, text] = m;
    if (/^New frame, type:/.test(text)) {
      if (!byDecoder.has(decoder)) byDecoder.set(decoder, []);
      byDecoder.get(decoder).push(new Set());
      continue;
    }
    // A row of the QP table: two characters per macroblock.
    const frames = byDecoder.get(decoder);
    if (frames && /^(?:[ \d]\d)+$/.test(text)) for (let i = 0; i < text.length; i += 2) frames.at(-1).add(Number(text.slice(i, i + 2)));
  }
  const frames = [...byDecoder.values()].at(-1) ?? [];
  return frames.map((qps) => [...qps].sort((a, b) => a - b));
}

export function chunkBytes(chunk) {
  const out = new Uint8Array(chunk.byteLength);
  chunk.copyTo(out);
  return out;
}

// --- Containers ------------------------------------------------------------------

/** Every chunk a Demuxer reads from `source` (all tracks with a config): {tracks, chunks: [{track (id), chunk}]}. */
export async function demuxAll(source, init) {
  const demuxer = await Demuxer.open(source, init);
  try {
    const chunks = [];
    for await (const { track, chunk } of demuxer.chunks()) chunks.push({ track: track.id, chunk });
    return { tracks: demuxer.tracks, chunks };
  } finally {
    demuxer.close();
  }
}

/** A file's chunks per track type ("video", "audio"): [{key: the chunk's type, timestamp, sha1 of the bytes}]. */
export async function chunksByType(file) {
  const { tracks, chunks } = await demuxAll(file);
  const out = {};
  for (const c of chunks) {
    const { type } = tracks.find((t) => t.id === c.track);
    const { sha1, timestamp, type: key } = chunkDigest(c);
    (out[type] ??= []).push({ key, timestamp, sha1 });
  }
  return out;
}

/** A demuxed chunk as comparable data: track, type, timestamp, duration and a hash of the bytes. */
export const chunkDigest = ({ track, chunk }) => ({
  track,
  type: chunk.type,
  timestamp: chunk.timestamp,
  duration: chunk.duration,
  sha1: createHash('sha1').update(chunkBytes(chunk)).digest('hex'),
});

// --- Audio -------------------------------------------------------------------

/**
 * Test signals, as f32 sample functions of (frame index, channel): a sine
 * (a different tone per channel), a mix of tones, and deterministic white noise.
 */
export const SIGNALS = {
  sine: (rate) => (i, c) => 0.5 * Math.sin((2 * Math.PI * (440 + 110 * c) * i) / rate),
  // Three incommensurate tones: no two alignments of a few thousand samples look alike.
  tones: (rate) => (i, c) =>
    [440, 1234.5, 3456.7].reduce((v, f, k) => v + 0.2 * Math.sin((2 * Math.PI * f * (1 + 0.1 * c) * i) / rate + k), 0),
  noise: () => (i, c) => {
    // A 32-bit integer hash of (i, c), scaled to [-0.5, 0.5).
    let x = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(c + 7, 0x85ebca77);
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
    x ^= x >>> 12;
    return (x >>> 0) / 2 ** 32 - 0.5;
  },
};

const SAMPLE_ARRAYS = { u8: Uint8Array, s16: Int16Array, s32: Int32Array, f32: Float32Array };

/** A sample value of `type` for an f32 value (clipped, rounded to nearest). */
export function quantize(type, v) {
  const clip = Math.max(-1, Math.min(1, v));
  if (type === 'f32') return Math.fround(v);
  if (type === 'u8') return Math.min(255, Math.round(clip * 128) + 128);
  if (type === 's16') return Math.min(32767, Math.round(clip * 32768));
  return Math.min(2147483647, Math.round(clip * 2 ** 31));
}

/**
 * AudioData of `frames` frames starting at frame `start` of `signal`
 * (f32 function of frame and channel), in `format`, timestamped by its
 * position at `sampleRate`.
 */
export function makeAudioData(signal, { start = 0, frames, channels, sampleRate, format = 'f32-planar' }) {
  const type = format.replace('-planar', '');
  const planar = format.endsWith('-planar');
  const data = new SAMPLE_ARRAYS[type](frames * channels);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) data[planar ? c * frames + f : f * channels + c] = quantize(type, signal(start + f, c));
  }
  return new AudioData({
    format,
    sampleRate,
    numberOfFrames: frames,
    numberOfChannels: channels,
    timestamp: Math.floor((start * 1e6) / sampleRate),
    data,
  });
}

/** Signal-to-noise ratio (dB) of `actual` against `reference` (equal lengths). */
export function snr(reference, actual) {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    signal += reference[i] * reference[i];
    const d = actual[i] - reference[i];
    noise += d * d;
  }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/** ffprobe's hexdump ("00000000: 4f70 7573 ...  OpusHead" lines) as bytes. */
function hexDumpBytes(dump) {
  return Buffer.from((dump ?? '').split('\n').map((l) => l.slice(10, 49).replace(/ /g, '')).join(''), 'hex');
}

/**
 * `value` in units of time base `from` ("1/90000") in units of `to`,
 * rounded as FFmpeg's av_rescale_q rounds (to nearest, halves away from zero).
 */
export function rescaleTime(value, from, to) {
  const [fromNum, fromDen] = from.split('/').map(BigInt);
  const [toNum, toDen] = to.split('/').map(BigInt);
  const x = BigInt(value) * fromNum * toDen;
  const den = fromDen * toNum;
  const q = x / den;
  const r = x % den;
  const away = 2n * (r < 0n ? -r : r) >= den;
  return Number(away ? q + (x < 0n ? -1n : 1n) : q);
}

/** `value` in units of `timeBase` as microseconds (FFmpeg's rounding). */
export const toMicroseconds = (value, timeBase) => rescaleTime(value, timeBase, '1/1000000');

/**
 * A file as ffprobe demuxes it: its streams (ffprobe's fields, plus
 * `extradataBytes`, null when none) and packets ({stream, key, size,
 * timestamp: pts or else dts in microseconds, null when neither; dts in
 * microseconds or null; duration in microseconds; skipStart, skipEnd: the samples the container says to
 * drop from the start and the end of the packet's decode}).
 */
export function probeContainer(file) {
  const { streams } = ffprobeJson(['-show_streams', '-show_data', file]);
  for (const s of streams) s.extradataBytes = s.extradata_size > 0 ? new Uint8Array(hexDumpBytes(s.extradata)) : null;
  const entries = 'packet=stream_index,pts,dts,duration,flags,size:packet_side_data=side_data_type,skip_samples,discard_padding';
  const { packets } = ffprobeJson(['-show_entries', entries, file]);
  const timeBase = (i) => streams.find((s) => s.index === i).time_base;
  return {
    streams,
    packets: packets.map((p) => {
      const ts = p.pts ?? p.dts;
      const skip = (p.side_data_list ?? []).find((d) => d.side_data_type === 'Skip Samples');
      return {
        stream: p.stream_index,
        key: p.flags[0] === 'K',
        size: Number(p.size),
        timestamp: ts === undefined ? null : toMicroseconds(ts, timeBase(p.stream_index)),
        dts: p.dts === undefined ? null : toMicroseconds(p.dts, timeBase(p.stream_index)),
        duration: p.duration === undefined ? null : toMicroseconds(p.duration, timeBase(p.stream_index)),
        skipStart: skip?.skip_samples ?? 0,
        skipEnd: skip?.discard_padding ?? 0,
      };
    }),
  };
}

/**
 * The audio packets of a media file as ffprobe demuxes them: each packet's
 * bytes, pts and duration in microseconds, and the stream's codec
 * extradata (null when it has none).
 */
export function probeAudioPackets(file) {
  const j = ffprobeJson(['-select_streams', 'a:0', '-show_packets', '-show_streams', '-show_data', file]);
  const hex = hexDumpBytes;
  const stream = j.streams[0];
  const [num, den] = stream.time_base.split('/').map(Number);
  const us = (t) => Math.round((Number(t) * num * 1e6) / den);
  return {
    sampleRate: Number(stream.sample_rate),
    channels: stream.channels,
    extradata: stream.extradata_size > 0 ? new Uint8Array(hex(stream.extradata)) : null,
    packets: j.packets.map((p) => ({ timestamp: us(p.pts), duration: us(p.duration), data: new Uint8Array(hex(p.data)) })),
  };
}

/**
 * The CLI's decode of a file (or of the input arguments given): f32
 * samples, one Float32Array per channel.
 */
export function cliDecodeAudio(input, channels) {
  const inputArgs = typeof input === 'string' ? ['-i', input] : input;
  const raw = ffmpeg([...inputArgs, '-f', 'f32le', '-acodec', 'pcm_f32le', '-']);
  const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  const frames = interleaved.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    const plane = new Float32Array(frames);
    for (let f = 0; f < frames; f++) plane[f] = interleaved[f * channels + c];
    return plane;
  });
}

/**
 * The offset (0 to maxOffset) at which `longer` starts matching `reference`
 * best (least squared difference over `window` samples), and that residual's
 * largest absolute difference.
 */
export function alignSamples(reference, longer, { maxOffset = 4096, window = 4096, from = 0 } = {}) {
  let best = { offset: 0, error: Infinity };
  for (let off = 0; off <= maxOffset; off++) {
    let e = 0;
    for (let i = from; i < from + window && e < best.error; i++) {
      const d = (longer[i + off] ?? 0) - reference[i];
      e += d * d;
    }
    if (e < best.error) best = { offset: off, error: e };
  }
  let maxDiff = 0;
  const n = Math.min(reference.length, longer.length - best.offset);
  for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(longer[i + best.offset] - reference[i]));
  return { offset: best.offset, maxDiff, compared: n };
}

/**
 * Which of `freqs` (Hz) dominates each plane: the index of the tone with
 * the most energy (correlation over the middle of the signal).
 */
export function dominantTones(planes, rate, freqs) {
  return planes.map((p) => {
    let best = -1;
    let index = -1;
    const from = Math.floor(p.length / 4);
    const to = Math.floor((3 * p.length) / 4);
    freqs.forEach((f, t) => {
      let s = 0;
      let c = 0;
      for (let i = from; i < to; i++) {
        s += p[i] * Math.sin((2 * Math.PI * f * i) / rate);
        c += p[i] * Math.cos((2 * Math.PI * f * i) / rate);
      }
      if (Math.hypot(s, c) > best) {
        best = Math.hypot(s, c);
        index = t;
      }
    });
    return index;
  });
}
