// Demuxer against the ffmpeg CLI, on files the CLI writes from lavfi
// sources into a temporary directory, one per container and codec:
// - every track's config agrees with ffprobe's view of the stream (codec
//   string, coded size, sample rate, channels, description = extradata);
// - per track, the chunks are ffprobe's packets: count, key flags, sizes and
//   timestamps in microseconds, exactly (FFmpeg's rounding);
// - the chunks decode with our decoders to ffprobe's frame count (video:
//   the very pixels of the CLI's decode) and sample count (lossless audio:
//   the very samples of the CLI's decode);
// - a Buffer, a Node Readable and a web ReadableStream give the same chunks
//   as the path;
// - seek() lands on the last key frame at or before the time;
// - hostile input (truncated, garbage, flipped bits, failing streams) is a
//   clean rejection and the process keeps working.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { Demuxer } from 'webcodecs-native';

import { concat } from '../helpers/bitstream.mjs';
import { decodeAudio, decodeChunks } from '../helpers/codecs.mjs';
import { chunkedStream, cliFrames, sameBytes } from '../helpers/images.mjs';
import {
  annexbNals,
  chunkDigest,
  cliDecodeAudio,
  demuxAll,
  ffmpeg,
  ffprobeJson,
  frameI420,
  lavfiTones,
  lavfiVideo,
  probeContainer,
  rescaleTime,
  tempDir,
  toMicroseconds,
} from '../helpers/media.mjs';

const dir = tempDir('wcn-demux-');
const W = 160;
const H = 120;
const VIDEO = lavfiVideo(W, H);
const X264 = ['-c:v', 'libx264', '-g', '12', '-bf', '2'];
const X265 = ['-c:v', 'libx265', '-x265-params', 'log-level=error:keyint=12'];
const VP9 = ['-c:v', 'libvpx-vp9', '-g', '12', '-deadline', 'realtime'];
const AV1 = ['-c:v', 'libaom-av1', '-cpu-used', '8', '-g', '12'];

// description: whether each track's config carries one (per registration).
// stream: true when the file reads front to back from a stream; false for
// an MP4/MOV whose index comes after its media. lossless: tracks whose
// decode must equal the CLI's sample for sample.
const FILES = [
  { name: 'mp4: H.264 with B-frames + AAC, index last', file: 'h264-aac.mp4', args: [...VIDEO, ...lavfiTones(), ...X264, '-c:a', 'aac'], description: [true, true], stream: false, seek: true },
  { name: 'mp4 fast start: VP9 + Opus', file: 'vp9-opus.mp4', args: [...VIDEO, ...lavfiTones(), ...VP9, '-c:a', 'libopus', '-movflags', '+faststart'], description: [false, true], stream: true },
  { name: 'fragmented mp4: H.264 + AAC', file: 'frag.mp4', args: [...VIDEO, ...lavfiTones(), ...X264, '-c:a', 'aac', '-movflags', '+frag_keyframe+empty_moov+default_base_moof'], description: [true, true], stream: true },
  { name: 'mov: HEVC + PCM s16', file: 'hevc-pcm.mov', args: [...VIDEO, ...lavfiTones(), ...X265, '-c:a', 'pcm_s16le'], description: [true, false], stream: false, lossless: ['audio'] },
  { name: 'webm: VP9 + Opus', file: 'vp9-opus.webm', args: [...VIDEO, ...lavfiTones(), ...VP9, '-c:a', 'libopus'], description: [false, true], stream: true, seek: true },
  { name: 'mkv: H.264 + FLAC', file: 'h264-flac.mkv', args: [...VIDEO, ...lavfiTones(), ...X264, '-c:a', 'flac'], description: [true, true], stream: true, lossless: ['audio'] },
  { name: 'ivf: VP8', file: 'vp8.ivf', args: [...VIDEO, '-c:v', 'libvpx', '-g', '12', '-deadline', 'realtime'], description: [false], stream: true },
  { name: 'ivf: VP9', file: 'vp9.ivf', args: [...VIDEO, ...VP9], description: [false], stream: true },
  { name: 'ivf: AV1', file: 'av1.ivf', args: [...VIDEO, ...AV1], description: [false], stream: true },
  // Raw streams carry no timestamps; without B-frames decode order is presentation order.
  { name: 'Annex B H.264', file: 'raw.h264', args: [...VIDEO, '-c:v', 'libx264', '-g', '12', '-bf', '0'], description: [false], stream: true },
  { name: 'Annex B HEVC', file: 'raw.hevc', args: [...VIDEO, ...X265, '-bf', '0'], description: [false], stream: true },
  { name: 'ogg: Opus', file: 'opus.ogg', args: [...lavfiTones(), '-c:a', 'libopus'], description: [true], stream: true },
  { name: 'ogg: Vorbis', file: 'vorbis.ogg', args: [...lavfiTones(44100), '-c:a', 'libvorbis'], description: [true], stream: true },
  { name: 'ogg: FLAC', file: 'flac.oga', args: [...lavfiTones(), '-c:a', 'flac'], description: [true], stream: true, lossless: ['audio'] },
  { name: 'mp3', file: 'a.mp3', args: [...lavfiTones(44100), '-c:a', 'libmp3lame'], description: [false], stream: true },
  { name: 'flac', file: 'a.flac', args: [...lavfiTones(), '-c:a', 'flac'], description: [true], stream: true, lossless: ['audio'] },
  { name: 'wav: PCM s16', file: 's16.wav', args: [...lavfiTones(44100), '-c:a', 'pcm_s16le'], description: [false], stream: true, lossless: ['audio'] },
  { name: 'wav: PCM f32', file: 'f32.wav', args: [...lavfiTones(), '-c:a', 'pcm_f32le'], description: [false], stream: true, lossless: ['audio'] },
  { name: 'wav: PCM u8', file: 'u8.wav', args: [...lavfiTones(8000), '-c:a', 'pcm_u8'], description: [false], stream: true, lossless: ['audio'] },
  { name: 'wav: u-law', file: 'ulaw.wav', args: [...lavfiTones(8000), '-c:a', 'pcm_mulaw'], description: [false], stream: true, lossless: ['audio'] },
  { name: 'wav: A-law', file: 'alaw.wav', args: [...lavfiTones(8000), '-c:a', 'pcm_alaw'], description: [false], stream: true, lossless: ['audio'] },
  { name: 'ADTS AAC', file: 'a.aac', args: [...lavfiTones(44100), '-c:a', 'aac'], description: [false], stream: true },
  { name: 'mpegts: H.264 + AAC', file: 'h264-aac.ts', args: [...VIDEO, ...lavfiTones(), ...X264, '-c:a', 'aac'], description: [false, false], stream: true },
];

const made = new Map();
/** The entry's file, written by the CLI on first use. */
function fileOf(entry) {
  if (!made.has(entry.file)) {
    const path = join(dir, entry.file);
    ffmpeg([...entry.args, path]);
    made.set(entry.file, path);
  }
  return made.get(entry.file);
}

const fromPath = new Map();
/** The path's demux, once per file. */
function demuxPath(entry) {
  if (!fromPath.has(entry.file)) fromPath.set(entry.file, demuxAll(fileOf(entry)));
  return fromPath.get(entry.file);
}

// --- What ffprobe says the config should be ------------------------------------------------

const hex2 = (n) => n.toString(16).padStart(2, '0');
const H264_PROFILE_IDC = { Baseline: 0x42, 'Constrained Baseline': 0x42, Main: 0x4d, High: 0x64 };

/** profile_idc, the constraint flags and level_idc of an H.264 stream's SPS, from its extradata (avcC or Annex B). */
function h264ProfileBytes(extradata) {
  if (extradata[0] === 1) return extradata.subarray(1, 4);
  return annexbNals(extradata)
    .find((nal) => (nal[0] & 0x1f) === 7)
    .subarray(1, 4);
}
const PCM = { pcm_s16le: 'pcm-s16', pcm_f32le: 'pcm-f32', pcm_u8: 'pcm-u8', pcm_mulaw: 'ulaw', pcm_alaw: 'alaw' };

/** The codec string a stream must get: a string, or a RegExp for HEVC's constraint flags (the encoder's choice). */
function expectedCodec(s, hasDescription) {
  switch (s.codec_name) {
    case 'h264': {
      // ffprobe names the profile and level; the constraint flags come from the SPS itself.
      const [profile, constraints, level] = h264ProfileBytes(s.extradataBytes);
      assert.deepEqual([profile, level], [H264_PROFILE_IDC[s.profile], s.level]);
      return `${hasDescription ? 'avc1' : 'avc3'}.${hex2(profile)}${hex2(constraints)}${hex2(level)}`;
    }
    case 'hevc':
      // Main profile, its compatibility flags, main tier; constraint flags as the encoder set them.
      assert.equal(s.profile, 'Main');
      return new RegExp(`^${hasDescription ? 'hvc1' : 'hev1'}\\.1\\.6\\.L${s.level}(\\.[0-9A-F]{1,2})+$`);
    case 'vp8':
      return 'vp8';
    case 'vp9':
      // Level 1 is the VP9 level of 160x120 at 25 fps; 8-bit 4:2:0.
      assert.equal(s.pix_fmt, 'yuv420p');
      return `vp09.0${s.profile.at(-1)}.10.08`;
    case 'av1':
      assert.equal(s.pix_fmt, 'yuv420p');
      return `av01.${{ Main: 0, High: 1, Professional: 2 }[s.profile]}.${String(s.level).padStart(2, '0')}M.08`;
    case 'aac':
      return `mp4a.40.${{ LC: 2, 'HE-AAC': 5 }[s.profile]}`;
    default:
      return PCM[s.codec_name] ?? s.codec_name;
  }
}

/** "fLaC" and a last-block STREAMINFO header before FFmpeg's bare STREAMINFO. */
const flacDescription = (streaminfo) => new Uint8Array([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34, ...streaminfo]);

function checkTracks(entry, tracks, probe) {
  const media = probe.streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio');
  assert.equal(tracks.length, media.length, 'one track per stream');
  media.forEach((s, i) => {
    const t = tracks.find((x) => x.id === s.index);
    const { config } = t;
    assert.equal(t.type, s.codec_type);
    const codec = expectedCodec(s, entry.description[i]);
    if (codec instanceof RegExp) assert.match(config.codec, codec);
    else assert.equal(config.codec, codec);
    assert.equal(t.codec, config.codec);
    if (s.codec_type === 'video') {
      assert.deepEqual([config.codedWidth, config.codedHeight], [s.width, s.height]);
    } else {
      assert.deepEqual([config.sampleRate, config.numberOfChannels], [Number(s.sample_rate), s.channels]);
    }
    assert.equal(config.description !== undefined, entry.description[i], `track ${s.index}: description`);
    if (config.description) {
      const expected = s.codec_name === 'flac' ? flacDescription(s.extradataBytes) : s.extradataBytes;
      assert.ok(sameBytes(config.description, expected), `track ${s.index}: the description is the stream's extradata`);
    }
  });
}

// --- Chunks against ffprobe's packets ----------------------------------------------------

function checkChunks(chunks, probe) {
  for (const s of probe.streams) {
    const ours = chunks.filter((c) => c.track === s.index).map(({ chunk }) => [chunk.type === 'key', chunk.timestamp, chunk.byteLength]);
    // FFmpeg places an Opus stream's pre-skip before zero; chunks are
    // stamped from the first sample after it (as our encoder's are).
    const preSkip = s.codec_name === 'opus' ? toMicroseconds(rescaleTime(s.extradataBytes[10] | (s.extradataBytes[11] << 8), '1/48000', s.time_base), s.time_base) : 0;
    // A stream without timestamps (Annex B) is stamped by its packets' durations, as the CLI predicts them.
    let next = 0;
    const theirs = probe.packets
      .filter((p) => p.stream === s.index)
      .map((p) => {
        const timestamp = p.timestamp ?? next;
        next = timestamp + p.duration;
        return [p.key, timestamp + preSkip, p.size];
      });
    assert.ok(theirs.length > 0);
    assert.deepEqual(ours, theirs, `stream ${s.index}: [key, timestamp, size] per chunk`);
  }
}

/** Decoded samples ffprobe counts, plus what the container trims and chunks cannot carry. */
function expectedSamples(file, s, probe) {
  const { frames } = ffprobeJson(['-select_streams', String(s.index), '-show_entries', 'frame=nb_samples', file]);
  const decoded = frames.reduce((n, f) => n + f.nb_samples, 0);
  const packets = probe.packets.filter((p) => p.stream === s.index);
  // Edit lists, LAME tags and end trimming are lost in chunks; the Opus
  // pre-skip is not: OpusHead carries it and the decoder applies it.
  const start = s.codec_name === 'opus' ? 0 : packets.reduce((n, p) => n + p.skipStart, 0);
  return decoded + start + packets.reduce((n, p) => n + p.skipEnd, 0);
}

async function checkDecode(entry, { tracks, chunks }, probe) {
  const file = fileOf(entry);
  for (const track of tracks) {
    const own = chunks.filter((c) => c.track === track.id).map((c) => c.chunk);
    const s = probe.streams.find((x) => x.index === track.id);
    if (track.type === 'video') {
      const [{ nb_read_frames: count }] = ffprobeJson(['-count_frames', '-select_streams', String(s.index), '-show_entries', 'stream=nb_read_frames', file]).streams;
      const frames = await decodeChunks(track.config, own);
      assert.equal(frames.length, Number(count), 'decoded frames');
      const cli = cliFrames(file, 'yuv420p', W * H * 1.5, { map: `0:${s.index}` });
      for (let i = 0; i < frames.length; i++) {
        assert.ok(sameBytes(await frameI420(frames[i]), cli[i]), `frame ${i}: the CLI's pixels`);
        frames[i].close();
      }
    } else {
      const { samples } = await decodeAudio(track.config, own);
      assert.equal(samples[0].length, expectedSamples(file, s, probe), 'decoded samples per channel');
      if (entry.lossless?.includes('audio')) {
        const cli = cliDecodeAudio(['-i', file, '-map', `0:${s.index}`], s.channels);
        cli.forEach((plane, c) => assert.ok(sameBytes(new Uint8Array(samples[c].buffer), new Uint8Array(plane.buffer)), `channel ${c}: the CLI's samples`));
      }
    }
  }
}

describe('Demuxer: files the ffmpeg CLI wrote, against ffprobe', () => {
  for (const entry of FILES) {
    describe(entry.name, () => {
      test('tracks, chunks and decoded frames match ffprobe and the CLI', async () => {
        const probe = probeContainer(fileOf(entry));
        const result = await demuxPath(entry);
        checkTracks(entry, result.tracks, probe);
        checkChunks(result.chunks, probe);
        await checkDecode(entry, result, probe);
      });

      if (entry.stream) {
        test('a Buffer, a Node Readable and a web ReadableStream give the same chunks', async () => {
          const file = fileOf(entry);
          const expected = (await demuxPath(entry)).chunks.map(chunkDigest);
          const bytes = readFileSync(file);
          for (const [label, source] of [
            ['Buffer', bytes],
            ['Node Readable', createReadStream(file, { highWaterMark: 4096 })],
            ['ReadableStream', chunkedStream(bytes, 3001)],
          ]) {
            assert.deepEqual((await demuxAll(source)).chunks.map(chunkDigest), expected, label);
          }
        });
      } else {
        test('from a stream: a clear NotSupportedError (the index comes after the media)', async () => {
          const file = fileOf(entry);
          await assert.rejects(demuxAll(createReadStream(file)), (e) => e instanceof DOMException && e.name === 'NotSupportedError' && /fast ?start/i.test(e.message));
          // A Buffer of the same file reads, as the path does.
          assert.deepEqual((await demuxAll(readFileSync(file))).chunks.map(chunkDigest), (await demuxPath(entry)).chunks.map(chunkDigest));
        });
      }
    });
  }
});

// --- seek -----------------------------------------------------------------------------------

describe('Demuxer.seek', () => {
  for (const entry of FILES.filter((e) => e.seek)) {
    test(`${entry.name}: reading resumes at the last key frame at or before the time`, async () => {
      const file = fileOf(entry);
      const probe = probeContainer(file);
      const video = probe.streams.find((s) => s.codec_type === 'video');
      const packets = probe.packets.filter((p) => p.stream === video.index).map((p) => [p.key, p.timestamp]);
      const keys = packets.filter(([key]) => key).map(([, t]) => t);
      assert.ok(keys.length >= 3, 'several key frames');
      const demuxer = await Demuxer.open(file);
      const [track] = demuxer.videoTracks;
      const times = [keys[1] - 1, keys[1], keys[1] + 1, keys[2] + 100000, keys[0], 1e9, -1000];
      for (const t of times) {
        // Start reading first, so a read-ahead is in flight when the seek comes.
        const before = demuxer.chunks(track);
        await before.next();
        await demuxer.seek(t);
        const expected = keys.filter((k) => k <= t).at(-1) ?? keys[0];
        const rest = [];
        for await (const { chunk } of demuxer.chunks(track)) rest.push([chunk.type === 'key', chunk.timestamp]);
        const from = packets.findIndex(([key, ts]) => key && ts === expected);
        assert.deepEqual(rest, packets.slice(from), `seek(${t}): from the key frame at ${expected} to the end`);
        assert.deepEqual(await before.next(), { done: true, value: undefined }, 'the earlier iteration ended');
      }
      demuxer.close();
    });
  }

  test('a stream input cannot seek: NotSupportedError', async () => {
    const webm = FILES.find((e) => e.file.endsWith('.webm'));
    const demuxer = await Demuxer.open(createReadStream(fileOf(webm)));
    await assert.rejects(demuxer.seek(0), (e) => e instanceof DOMException && e.name === 'NotSupportedError');
    demuxer.close();
  });
});

// --- Hostile input ----------------------------------------------------------------------------

const isDom = (...names) => (e) => e instanceof DOMException && names.includes(e.name);
// What damaged container data may give: not a format FFmpeg reads, or data it cannot read.
const cleanRejection = isDom('NotSupportedError', 'EncodingError');

/** Deterministic bytes that are no container. */
function garbage(size) {
  const out = new Uint8Array(size);
  let x = 0x2545f491;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A source giving `bytes` in slices, then failing with `error`. (An async
 * generator: a Node Readable destroyed with an error drops what it buffered.)
 */
async function* failingSource(bytes, error) {
  for (let pos = 0; pos < bytes.length; pos += 4096) yield bytes.subarray(pos, pos + 4096);
  throw error;
}

describe('Demuxer: hostile input is a clean rejection', () => {
  const HOSTILE = ['h264-aac.mp4', 'vp9-opus.mp4', 'vp9-opus.webm', 'h264-flac.mkv', 'opus.ogg', 'h264-aac.ts', 'vp9.ivf', 'a.mp3', 'a.flac', 's16.wav', 'a.aac', 'raw.h264'];

  for (const name of HOSTILE) {
    test(`${name}: truncated at several points and with flipped header bytes`, async () => {
      const entry = FILES.find((e) => e.file === name);
      const bytes = readFileSync(fileOf(entry));
      const whole = (await demuxPath(entry)).chunks.map(chunkDigest);
      for (const cut of [1, 16, 100, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 1]) {
        let result;
        try {
          result = await demuxAll(bytes.subarray(0, cut));
        } catch (e) {
          assert.ok(cleanRejection(e), `cut at ${cut}: ${e}`);
          continue;
        }
        // Per track, a truncated file gives the whole file's first chunks (its last one may be cut short).
        const got = result.chunks.map(chunkDigest);
        for (const track of new Set(got.map((c) => c.track))) {
          const mine = got.filter((c) => c.track === track);
          const all = whole.filter((c) => c.track === track);
          assert.ok(mine.length <= all.length, `cut at ${cut}: no more chunks than the whole file`);
          assert.deepEqual(mine.slice(0, -1), all.slice(0, mine.length - 1), `cut at ${cut}, track ${track}: the whole file's chunks`);
        }
      }
      for (const at of [0, 4, 8, 20, 40, 64, 100, 200]) {
        const flipped = Buffer.from(bytes);
        flipped[at] ^= 0xff;
        await demuxAll(flipped).catch((e) => assert.ok(cleanRejection(e), `byte ${at} flipped: ${e}`));
      }
    });
  }

  test('no bytes, or bytes of no container: NotSupportedError', async () => {
    for (const [label, source] of [
      ['empty Buffer', new Uint8Array(0)],
      ['empty stream', Readable.from([])],
      ['garbage', garbage(65536)],
      ['garbage stream', chunkedStream(garbage(65536), 5000)],
    ]) {
      await assert.rejects(demuxAll(source), (e) => isDom('NotSupportedError')(e) && /not in a container format/.test(e.message), label);
    }
  });

  test('damaged headers give configs decoders accept, or none', async () => {
    // A WAV header declaring no channels: nothing to configure a decoder with.
    const wav = Buffer.from(readFileSync(fileOf(FILES.find((e) => e.file === 's16.wav'))));
    wav.writeUInt16LE(0, 22);
    const demuxer = await Demuxer.open(wav);
    assert.deepEqual(demuxer.audioTracks.map((t) => [t.codec, t.numberOfChannels, t.config]), [['pcm-s16', 0, null]]);
    demuxer.close();
    // A pixel aspect of 1:1000 gives the exact display aspect (reduced), which
    // a decoder accepts; a width rounded to whole pixels would have been 0.
    const mov = Buffer.from(readFileSync(fileOf(FILES.find((e) => e.file === 'hevc-pcm.mov'))));
    const pasp = mov.indexOf('pasp');
    assert.ok(pasp > 0);
    mov.writeUInt32BE(1, pasp + 4);
    mov.writeUInt32BE(1000, pasp + 8);
    const damaged = await Demuxer.open(mov);
    const [video] = damaged.videoTracks;
    assert.deepEqual([video.config.codedWidth, video.config.displayAspectWidth, video.config.displayAspectHeight], [W, 1, (H * 1000) / W]);
    const { chunks } = await demuxAll(mov);
    const frames = await decodeChunks(video.config, chunks.filter((c) => c.track === video.id).map((c) => c.chunk));
    assert.equal(frames.length, 25);
    frames.forEach((f) => f.close());
    damaged.close();
  });

  test('HEVC parameter sets FFmpeg\'s decoder rejects give no configuration record', async () => {
    // An x265 SPS with two bytes of its size fields set to 0xff: FFmpeg
    // 5.1's MP4 record writer spent over a minute on it.
    const sps = Buffer.from('42010101600000030090000003000003001ea0ffff16592ae4caf0168080000003008000000c84', 'hex');
    const nals = annexbNals(readFileSync(fileOf(FILES.find((e) => e.file === 'raw.hevc'))));
    const start = Uint8Array.of(0, 0, 0, 1);
    const stream = concat(nals.flatMap((nal) => [start, ((nal[0] >> 1) & 0x3f) === 33 ? sps : nal]));
    const demuxer = await Demuxer.open(stream);
    assert.deepEqual(demuxer.videoTracks.map((t) => [t.ffmpegCodec, t.codec, t.config]), [['hevc', null, null]]);
    demuxer.close();
  });

  test('a missing file is Node ENOENT; a directory is a clean rejection', async () => {
    await assert.rejects(demuxAll(join(dir, 'missing.mp4')), { code: 'ENOENT' });
    await assert.rejects(demuxAll(dir), (e) => cleanRejection(e) && /directory/i.test(e.message));
  });

  test('a stream that fails: its own error, after the chunks of the bytes it gave', async () => {
    const early = new Error('the source failed at once');
    await assert.rejects(demuxAll(failingSource(new Uint8Array(0), early)), (e) => e === early);
    const bytes = readFileSync(fileOf(FILES.find((e) => e.file === 'vp9-opus.webm')));
    for (const cut of [Math.floor(bytes.length / 3), Math.floor(bytes.length / 2)]) {
      const given = bytes.subarray(0, cut);
      const expected = (await demuxAll(given)).chunks.map(chunkDigest);
      const late = new Error(`the source failed after ${cut} bytes`);
      const demuxer = await Demuxer.open(failingSource(given, late));
      const read = [];
      await assert.rejects(
        (async () => {
          for await (const { track, chunk } of demuxer.chunks()) read.push(chunkDigest({ track: track.id, chunk }));
        })(),
        (e) => e === late,
      );
      demuxer.close();
      assert.ok(expected.length > 0);
      assert.deepEqual(read, expected, `cut at ${cut}: the chunks of the bytes given, as a Buffer of them has`);
    }
  });

  test('a stream of strings or numbers: DataError', async () => {
    const strings = new ReadableStream({ pull: (c) => c.enqueue('OggS not bytes') });
    await assert.rejects(demuxAll(strings), (e) => isDom('DataError')(e) && /string/.test(e.message));
    await assert.rejects(demuxAll(Readable.from([42], { objectMode: true })), isDom('DataError'));
  });

  test('a stream beyond maxBufferedBytes: QuotaExceededError', async () => {
    const file = fileOf(FILES.find((e) => e.file === 'vp9-opus.webm'));
    await assert.rejects(
      demuxAll(createReadStream(file, { highWaterMark: 16384 }), { maxBufferedBytes: 4096 }),
      (e) => isDom('QuotaExceededError')(e) && /maxBufferedBytes/.test(e.message),
    );
  });

  test('a Buffer beyond maxBufferedBytes reads (the cap bounds streams; a Buffer is already in memory)', async () => {
    const entry = FILES.find((e) => e.file === 'vp9-opus.webm');
    const bytes = readFileSync(fileOf(entry));
    const { chunks } = await demuxAll(bytes, { maxBufferedBytes: 4096 });
    assert.deepEqual(chunks.map(chunkDigest), (await demuxPath(entry)).chunks.map(chunkDigest));
  });

  test("each track's start is its first chunk's timestamp (Opus after its pre-skip, as its chunks)", async () => {
    for (const file of ['vp9-opus.webm', 'opus.ogg', 'vp9-opus.mp4']) {
      const demuxer = await Demuxer.open(fileOf(FILES.find((e) => e.file === file)));
      const first = new Map();
      for await (const { track, chunk } of demuxer.chunks()) if (!first.has(track.id)) first.set(track.id, chunk.timestamp);
      for (const track of demuxer.tracks.filter((t) => t.config)) {
        assert.equal(track.start, first.get(track.id), `${file} track ${track.id} (${track.codec})`);
      }
      demuxer.close();
    }
  });

  test('after all of that, the process still demuxes', async () => {
    const entry = FILES.find((e) => e.file === 'h264-aac.mp4');
    assert.deepEqual((await demuxAll(fileOf(entry))).chunks.map(chunkDigest), (await demuxPath(entry)).chunks.map(chunkDigest));
  });
});
