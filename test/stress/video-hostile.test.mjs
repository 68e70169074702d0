// Hostile input for every video decoder (and the encoders' frame handling):
// the corpus (CORPUS_CASES deterministic mutations per decoder, see
// hostile-corpus.mjs) and targeted cases, both mutating streams we encode
// (bit flips, truncation, empty and garbage chunks, mislabelled and
// reordered chunks, broken descriptions, headers declaring huge frames).
// Whatever the input,
// the process survives, no promise hangs, and the codec either decodes or
// reports exactly one error through the spec's paths: EncodingError through
// the error callback (flush rejects with the same exception, the codec
// closes, no output follows), DataError thrown by decode() when the key
// chunk it requires is not one, NotSupportedError for a description the
// decoder cannot use. Where the decoder library can detect a mutation, the
// test requires that it is reported rather than concealed.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

import {
  av1ObuEnds, av1WithSize, h264WithSize, hevcWithSize, vp8KeyFrameWithSize, vp9InterFrameWithSize, vp9KeyFrameWithSize,
} from '../helpers/bitstream.mjs';
import { encodeClip } from '../helpers/codecs.mjs';
import { VIDEO_CLIP, VIDEO_TARGETS } from '../helpers/hostile-corpus.mjs';
import { checkVideo, decodeAll as decodeWith, describeCorpus, flipped, garbage, prng, runCorpusTarget } from '../helpers/hostile.mjs';
import { annexbAccessUnits, chunkBytes, ffmpeg, frameI420, makeFrame, psnr } from '../helpers/media.mjs';

// Chunks 0 and 6 of the clip are key chunks; the traits of each decoder
// (what its bitstream lets it detect) are in hostile-corpus.mjs.
const { width: W, height: H, frames: FRAMES, keyEvery: KEY_EVERY } = VIDEO_CLIP;

const chunk = (type, timestamp, data, duration = 33333) => new EncodedVideoChunk({ type, timestamp, duration, data });
const relabel = (c, type) => chunk(type, c.timestamp, chunkBytes(c));
const withData = (c, data) => chunk(c.type, c.timestamp, data);

/** Decodes `chunks` with a VideoDecoder (see checkReport for what is recorded). */
const decodeAll = (config, chunks) => decodeWith(VideoDecoder, config, chunks);

const check = (label, r, opts) => checkVideo(label, r, { width: W, height: H, ...opts });

const timestamps = (chunks) => new Set(chunks.map((c) => c.timestamp));
const MiB = 1 << 20;

for (const spec of VIDEO_TARGETS) {
  describe(`hostile input: ${spec.name}`, () => {
    let chunks;
    let decoderConfig;
    let reference; // timestamp -> I420 bytes of the clean decode

    before(async () => {
      ({ chunks, decoderConfig } = await encodeClip({ ...spec.config, width: W, height: H, bitrate: 200000, framerate: 30 }, FRAMES, {
        keyEvery: KEY_EVERY,
      }));
      assert.deepEqual(chunks.map((c) => c.type === 'key'), chunks.map((_, i) => i % KEY_EVERY === 0));
      const clean = await decodeAll(decoderConfig, chunks);
      assert.deepEqual(clean.errors, []);
      reference = new Map();
      for (const f of clean.outputs) reference.set(f.timestamp, await frameI420(f));
      clean.outputs.forEach((f) => f.close());
      assert.equal(reference.size, FRAMES);
    });

    /** Runs `mutated` (chunks) and checks it; the mutation is at chunk `at`. */
    const run = async (label, mutated, at, opts) => {
      const intact = opts.expect === 'clean' ? timestamps(mutated) : timestamps(chunks.slice(0, at));
      const r = await decodeAll(opts.config ?? decoderConfig, mutated);
      await check(`${spec.name} ${label}`, r, { reference, intact, ...opts });
      return r;
    };
    const replaced = (at, c) => [...chunks.slice(0, at), c, ...chunks.slice(at + 1)];

    test('a chunk that is not a key chunk where one is required throws DataError', async () => {
      const cases = [
        ['delta chunk first', [chunks[1], ...chunks.slice(2)]],
        ['key data labelled delta first', [relabel(chunks[0], 'delta'), ...chunks.slice(1)]],
        ['delta data labelled key first', [relabel(chunks[1], 'key'), ...chunks.slice(2)]],
      ];
      for (const [label, mutated] of cases) {
        const r = await decodeAll(decoderConfig, mutated);
        assert.equal(r.thrown?.name, 'DataError', `${label}: ${r.thrown}`);
        assert.deepEqual(r.errors, [], label);
        assert.equal(r.state, 'configured', `${label}: the codec stays usable`);
      }
    });

    test('empty chunks are EncodingErrors, never end-of-stream', async () => {
      await run('empty key chunk first', [chunk('key', 0, new Uint8Array(0)), ...chunks.slice(1)], 0, { expect: 'rejected' });
      await run('empty delta chunk', replaced(3, chunk('delta', chunks[3].timestamp, new Uint8Array(0))), 3, { expect: 'rejected' });
      await run('empty chunk labelled key mid-stream', replaced(4, chunk('key', chunks[4].timestamp, new ArrayBuffer(0))), 4, {
        expect: 'rejected',
      });
    });

    test('truncated chunks', async () => {
      for (const at of [0, 1, 6, 8]) {
        const bytes = chunkBytes(chunks[at]);
        // An AV1 chunk cut after a whole OBU is a shorter valid temporal unit.
        const boundaries = spec.family === 'av1' ? av1ObuEnds(bytes) : [];
        for (const fraction of [0, 0.25, 0.5, 0.75, 0.95]) {
          const length = Math.max(1, Math.floor(bytes.length * fraction));
          await run(`chunk ${at} cut to ${length} of ${bytes.length} bytes`, replaced(at, withData(chunks[at], bytes.subarray(0, length))), at, {
            expect: spec.truncation && !boundaries.includes(length) ? 'rejected' : 'any',
            dataError: at === 0,
          });
        }
      }
    });

    test('bit flips', async () => {
      let cases = 0;
      let reported = 0;
      for (const at of [0, 1, 5, 7]) {
        for (const flips of [1, 8]) {
          for (let seed = 1; seed <= 4; seed++) {
            const random = prng(seed * 1000 + at * 10 + flips);
            const data = flipped(chunkBytes(chunks[at]), flips, random);
            const r = await run(`chunk ${at}, ${flips} bit(s) flipped, seed ${seed}`, replaced(at, withData(chunks[at], data)), at, {
              expect: 'any',
              dataError: at === 0,
            });
            cases++;
            if (r.errors.length || r.thrown) reported++;
          }
        }
      }
      assert.ok(reported / cases >= spec.flips, `${reported} of ${cases} flipped chunks reported; at least ${spec.flips * 100}% expected`);
    });

    test('random garbage', async () => {
      const random = prng(7);
      for (const length of [1, 7, 100, 5000, 200000]) {
        const data = garbage(length, random);
        await run(`${length} random bytes as the key chunk`, [chunk('key', 0, data), ...chunks.slice(1)], 0, {
          expect: 'rejected',
          dataError: true,
        });
        await run(`${length} random bytes as delta chunk 2`, replaced(2, chunk('delta', chunks[2].timestamp, data)), 2, {
          expect: spec.family === 'vp9' || spec.family === 'av1' ? 'rejected' : 'any',
        });
      }
    });

    if (spec.family === 'av1') {
      test('chunks that are not OBUs are EncodingErrors (dav1d ignores the forbidden bit and skips reserved types)', async () => {
        // 0xed: forbidden bit, reserved type 13, no size: dav1d decoded it to nothing.
        for (const bytes of [[0xed, 1, 2, 3], [0x80, 0], [0x12, 0x05, 1], [0x7e]]) {
          const r = await run(`chunk ${bytes}`, replaced(3, chunk('delta', chunks[3].timestamp, Uint8Array.from(bytes))), 3, { expect: 'rejected' });
          assert.match(r.errors[0].message, /not AV1 OBUs/);
        }
      });
    }

    test('chunk types only matter where a key chunk is required', async () => {
      await run('delta chunk labelled key mid-stream', replaced(3, relabel(chunks[3], 'key')), 3, { expect: 'clean' });
      await run('second key chunk labelled delta', replaced(6, relabel(chunks[6], 'delta')), 6, { expect: 'clean' });
      await run('starting at the second key chunk', chunks.slice(6), 0, { expect: 'clean' });
    });

    test('chunks sharing a timestamp keep their own durations, 0 and none included', async () => {
      for (const second of [0, undefined]) {
        const dup = [new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 111, data: chunkBytes(chunks[0]) }),
          new EncodedVideoChunk({ type: 'delta', timestamp: 0, duration: second, data: chunkBytes(chunks[1]) })];
        const r = await decodeAll(decoderConfig, dup);
        assert.deepEqual(r.errors, []);
        assert.deepEqual(r.outputs.map((f) => [f.timestamp, f.duration]), [[0, 111], [0, second ?? null]]);
        r.outputs.forEach((f) => f.close());
      }
    });

    test('reordered, dropped and repeated chunks', async () => {
      await run('deltas swapped', [...chunks.slice(0, 2), chunks[3], chunks[2], ...chunks.slice(4)], 2, { expect: 'any' });
      await run('a delta dropped', [...chunks.slice(0, 2), ...chunks.slice(3)], 2, { expect: 'any' });
      // The repeat has chunk 2's timestamp, so only frames before it are known.
      await run('a delta repeated', [...chunks.slice(0, 3), relabel(chunks[2], 'delta'), ...chunks.slice(3)], 2, { expect: 'any' });
      await run('key chunks reversed', [chunks[6], ...chunks.slice(7), chunks[0], ...chunks.slice(1, 6)], 6, { expect: 'any' });
    });

    if (spec.description) {
      test('broken descriptions are NotSupportedError; corrupt parameter sets are reported or decoded', async () => {
        const desc = decoderConfig.description;
        const edit = (patch) => {
          const d = desc.slice();
          patch(d);
          return d;
        };
        const hevc = spec.family === 'hevc';
        const structural = [
          ['1 byte', desc.subarray(0, 1)],
          ['cut before its NAL length size', desc.subarray(0, hevc ? 20 : 4)],
          ['cut inside its parameter sets', desc.subarray(0, desc.length - 3)],
          ['all 0xff', new Uint8Array(desc.length).fill(0xff)],
          ['version 0', edit((d) => (d[0] = 0))],
          ['3-byte NAL lengths', edit((d) => (d[hevc ? 21 : 4] = (d[hevc ? 21 : 4] & 0xfc) | 2))],
          [hevc ? '255 arrays' : '31 SPS', edit((d) => (d[hevc ? 22 : 5] = 0xff))],
          ['a 65535-byte parameter set length', edit((d) => ((d[hevc ? 26 : 6] = 0xff), (d[hevc ? 27 : 7] = 0xff)))],
          ['random bytes', garbage(desc.length, prng(11))],
          ['more than 1 MiB', (() => {
            const d = new Uint8Array(MiB + desc.length);
            d.set(desc);
            return d;
          })()],
        ];
        for (const [label, description] of structural) {
          await run(`description ${label}`, chunks, 0, { config: { ...decoderConfig, description }, expect: 'unsupported' });
        }
        for (let seed = 1; seed <= 6; seed++) {
          const random = prng(seed);
          // Flips past the record's fixed fields: in the parameter sets.
          const start = hevc ? 28 : 8;
          const d = desc.slice();
          for (let i = 0; i < 3; i++) d[start + Math.floor(random() * (d.length - start))] ^= 1 << Math.floor(random() * 8);
          await run(`description with parameter set bits flipped, seed ${seed}`, chunks, 0, {
            config: { ...decoderConfig, description: d },
            expect: 'any',
            dataError: true,
            errorNames: ['EncodingError', 'NotSupportedError'],
          });
        }
      });
    } else if (spec.family !== 'h264' && spec.family !== 'hevc') {
      test('a description, which this codec does not use, is ignored', async () => {
        for (const description of [new Uint8Array(0), new Uint8Array(64).fill(0xff), garbage(5000, prng(3))]) {
          await run(`description of ${description.length} bytes`, chunks, 0, { config: { ...decoderConfig, description }, expect: 'clean' });
        }
      });
    }
  });
}

describe('hostile input: headers declaring huge frames fail before anything is allocated', () => {
  const bombs = [];
  let clips;

  before(async () => {
    clips = {};
    for (const [key, config] of [
      ['h264', { codec: 'avc1.42001f', avc: { format: 'annexb' } }],
      ['hevc', { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'annexb' } }],
      ['vp8', { codec: 'vp8' }],
      ['vp9', { codec: 'vp09.00.10.08' }],
      ['av1', { codec: 'av01.0.04M.08' }],
    ]) {
      clips[key] = await encodeClip({ ...config, width: W, height: H, bitrate: 200000 }, 3);
    }
    const key = (family) => chunkBytes(clips[family].chunks[0]);
    bombs.push(
      ['H.264 SPS of 65536x65536', 'h264', h264WithSize(key('h264'), 65536, 65536)],
      ['H.264 SPS of 16400x16400', 'h264', h264WithSize(key('h264'), 16400, 16400)],
      ['HEVC SPS of 65535x65535', 'hevc', hevcWithSize(key('hevc'), 65528, 65528)],
      ['HEVC SPS of 16392x16392', 'hevc', hevcWithSize(key('hevc'), 16392, 16392)],
      // Within the limits, but far more macroblocks than the chunk's
      // first partition can code (libvpx allocated 900 MB for it).
      ['VP8 key frame of 16383x16383', 'vp8', vp8KeyFrameWithSize(key('vp8'), 16383, 16383)],
      ['VP8 key frame of 4000x3000', 'vp8', vp8KeyFrameWithSize(key('vp8'), 4000, 3000)],
      ['VP9 key frame of 65536x65536', 'vp9', vp9KeyFrameWithSize(key('vp9'), 65536, 65536)],
      ['VP9 key frame of 16385x16384', 'vp9', vp9KeyFrameWithSize(key('vp9'), 16385, 16384)],
      ['AV1 sequence header of 65536x65536', 'av1', av1WithSize(key('av1'), 65536, 65536)],
      ['AV1 sequence header of 20000x20000', 'av1', av1WithSize(key('av1'), 20000, 20000)],
    );
  });

  test('the header rewriting itself is sound: at the stream\'s own size the edited chunks decode', async () => {
    const rewrite = { h264: h264WithSize, hevc: hevcWithSize, vp8: vp8KeyFrameWithSize, vp9: vp9KeyFrameWithSize, av1: av1WithSize };
    for (const [family, edit] of Object.entries(rewrite)) {
      const { decoderConfig, chunks } = clips[family];
      const r = await decodeAll({ codec: decoderConfig.codec }, [chunk('key', 0, edit(chunkBytes(chunks[0]), W, H)), ...chunks.slice(1)]);
      assert.deepEqual(r.errors, [], family);
      assert.equal(r.outputs.length, 3, family);
      r.outputs.forEach((f) => f.close());
    }
  });

  test('each is an EncodingError and the process stays small', async () => {
    for (const [label, family, data] of bombs) {
      const before = process.memoryUsage().rss;
      const { decoderConfig, chunks } = clips[family];
      const r = await decodeAll({ codec: decoderConfig.codec }, [chunk('key', 0, data), ...chunks.slice(1)]);
      const grown = process.memoryUsage().rss - before;
      await check(label, r, { expect: 'rejected', reference: new Map(), dataError: false });
      if (family === 'vp9') assert.match(r.errors[0].message, /declares a \d+x\d+ frame/, `${label}: rejected by our own check`);
      if (family === 'vp8') assert.match(r.errors[0].message, /more than its \d+-byte first partition can code/, `${label}: rejected by our own check`);
      assert.ok(grown < 256 * MiB, `${label}: resident memory grew by ${Math.round(grown / MiB)} MiB`);
    }
  });

  test('VP8 key frames as small as a flat picture gets stay within the first-partition bound', async () => {
    // A flat frame costs libvpx about 3.4 bits per macroblock; the bound is 1.5.
    const [w, h] = [3840, 2160];
    const flat = () => new VideoFrame(new Uint8Array((w * h * 3) / 2).fill(128), { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
    const { chunks, decoderConfig } = await encodeClip({ codec: 'vp8', width: w, height: h, bitrate: 10000 }, 1, { frame: flat });
    assert.ok(chunks[0].byteLength < ((w / 16) * (h / 16) * 4) / 8, `a ${chunks[0].byteLength}-byte key frame is near the bound`);
    const r = await decodeAll(decoderConfig, chunks);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.outputs.map((f) => [f.codedWidth, f.codedHeight]), [[w, h]]);
    r.outputs.forEach((f) => f.close());
  });

  test('a VP9 inter frame taking a huge size instead of a reference size', async () => {
    const { decoderConfig, chunks } = clips.vp9;
    const inter = vp9InterFrameWithSize(40000, 40000, garbage(64, prng(5)));
    const r = await decodeAll(decoderConfig, [chunks[0], chunk('delta', 1, inter)]);
    await check('VP9 inter frame of 40000x40000', r, { expect: 'rejected', reference: new Map([[0, null]]) });
    assert.match(r.errors[0].message, /declares a 40000x40000 frame/);
  });

  test('a chunk beyond the 256 MiB limit is an EncodingError from decoding, not from decode()', async () => {
    const { decoderConfig, chunks } = clips.vp9;
    const big = new ArrayBuffer(256 * MiB + 1);
    const r = await decodeAll(decoderConfig, [chunks[0], new EncodedVideoChunk({ type: 'delta', timestamp: 1, data: big, transfer: [big] })]);
    await check('oversized chunk', r, { expect: 'rejected', reference: new Map([[0, null]]) });
    assert.match(r.errors[0].message, /268435457 bytes; chunks of at most 268435456 bytes/);
  });
});

test('hostile input: HEVC pictures that fail the stream\'s own MD5 hashes are reported', async () => {
  // x265 --hash=1 writes a decoded picture hash SEI for every picture.
  const bytes = ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=30`, '-frames:v', '8', '-c:v', 'libx265',
    '-x265-params', 'hash=1:aud=1:keyint=8:log-level=error', '-f', 'hevc', '-']);
  const units = annexbAccessUnits(bytes, true);
  assert.equal(units.length, 8);
  const asChunks = (list) => list.map((u, i) => chunk(u.key ? 'key' : 'delta', i * 33333, u.data));
  const clean = await decodeAll({ codec: 'hvc1.1.6.L93' }, asChunks(units));
  assert.deepEqual(clean.errors, []);
  assert.equal(clean.outputs.length, 8);
  clean.outputs.forEach((f) => f.close());
  let cases = 0;
  let reported = 0;
  for (let at = 1; at < units.length; at++) {
    for (let seed = 1; seed <= 4; seed++) {
      const mutated = units.map((u, i) => (i === at ? { ...u, data: flipped(u.data, 1, prng(seed * 100 + at)) } : u));
      const r = await decodeAll({ codec: 'hvc1.1.6.L93' }, asChunks(mutated));
      await check(`picture ${at}, seed ${seed}`, r, { expect: 'any', reference: new Map(asChunks(units).map((c) => [c.timestamp, null])) });
      cases++;
      if (r.errors.length) reported++;
    }
  }
  // Without the hashes FFmpeg finds almost none of these (see above).
  assert.ok(reported / cases >= 0.8, `${reported} of ${cases} corrupted pictures reported`);
});

describe('hostile input: failures stay inside their codec', () => {
  test('healthy decoders beside failing ones produce exactly the reference frames', async () => {
    const healthy = [];
    for (const spec of VIDEO_TARGETS) {
      const { chunks, decoderConfig } = await encodeClip({ ...spec.config, width: W, height: H, bitrate: 200000 }, FRAMES, { keyEvery: KEY_EVERY });
      const solo = await decodeAll(decoderConfig, chunks);
      const reference = new Map();
      for (const f of solo.outputs) reference.set(f.timestamp, await frameI420(f));
      solo.outputs.forEach((f) => f.close());
      healthy.push({ spec, chunks, decoderConfig, reference });
    }
    const random = prng(99);
    const failing = healthy.flatMap(({ chunks, decoderConfig }) => [
      decodeAll(decoderConfig, [chunks[0], chunk('delta', 1, garbage(3000, random)), ...chunks.slice(2)]),
      decodeAll(decoderConfig, [chunks[0], chunk('delta', 1, new Uint8Array(0))]),
      decodeAll({ codec: decoderConfig.codec }, [chunk('key', 0, garbage(20000, random))]),
    ]);
    const results = await Promise.all([...healthy.map((h) => decodeAll(h.decoderConfig, h.chunks)), ...failing]);
    for (let i = 0; i < healthy.length; i++) {
      const { spec, chunks, reference } = healthy[i];
      await check(`${spec.name} beside failing decoders`, results[i], { expect: 'clean', reference, intact: timestamps(chunks) });
    }
    const failures = results.slice(healthy.length);
    assert.ok(failures.filter((r) => r.errors.length === 1).length >= healthy.length * 2, 'the hostile decoders did fail');
    failures.forEach((r) => r.outputs.forEach((f) => f.close()));
  });

  test('a healthy encoder beside failing ones produces the same bytes as alone', async () => {
    const config = { codec: 'vp8', width: W, height: H, bitrate: 200000, framerate: 30 };
    const alone = await encodeClip(config, FRAMES, { keyEvery: KEY_EVERY });
    const failing = [];
    for (const bad of [
      { codec: 'vp8', width: 1000000, height: H },
      { codec: 'avc1.42001f', width: W + 1, height: H },
      { codec: 'vp8', width: W, height: H, scalabilityMode: 'L3T3' },
      { codec: 'hev1.4.10.L93.B0', width: W, height: H },
    ]) {
      const errors = [];
      const enc = new VideoEncoder({ output() {}, error: (e) => errors.push(e) });
      enc.configure(bad);
      failing.push(enc.flush().then(
        () => assert.fail(`${JSON.stringify(bad)} should be unsupported`),
        (e) => {
          assert.equal(e.name, 'NotSupportedError');
          assert.deepEqual(errors, [e]);
        },
      ));
    }
    const [beside] = await Promise.all([encodeClip(config, FRAMES, { keyEvery: KEY_EVERY }), ...failing]);
    assert.equal(beside.chunks.length, alone.chunks.length);
    beside.chunks.forEach((c, i) => assert.deepEqual(chunkBytes(c), chunkBytes(alone.chunks[i]), `chunk ${i}`));
  });
});

describe('hostile input: encoder frames', () => {
  test('a bitrate of 1 bit per second still gives one chunk per frame', async () => {
    // libvpx's VP8 meets a target rounded down to 0 kbit/s by dropping every frame.
    for (const codec of ['vp8', 'vp09.00.10.08', 'avc1.42001f']) {
      const { chunks } = await encodeClip({ codec, width: 64, height: 64, bitrate: 1 }, 10);
      assert.equal(chunks.length, 10, codec);
    }
  });

  test('a frame far larger than the configured size is scaled without holding copies of it', async () => {
    const big = 6144;
    const outputs = [];
    const errors = [];
    const enc = new VideoEncoder({ output: (c, m) => outputs.push([c, m]), error: (e) => errors.push(e) });
    enc.configure({ codec: 'vp8', width: 64, height: 48, bitrate: 100000 });
    const data = new Uint8Array((big * big * 3) / 2).fill(128);
    const frame = new VideoFrame(data, { format: 'I420', codedWidth: big, codedHeight: big, timestamp: 0 });
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++) enc.encode(frame, { keyFrame: i === 0 });
    frame.close();
    await enc.flush();
    const grown = process.memoryUsage().rss - before;
    assert.deepEqual(errors, []);
    assert.equal(outputs.length, 3);
    assert.equal(outputs[0][1].decoderConfig.codedWidth, 64);
    assert.ok(grown < data.length, `resident memory grew by ${Math.round(grown / MiB)} MiB for a ${Math.round(data.length / MiB)} MiB frame`);
    enc.close();
  });

  test('frames whose visible rect is a sliver or the whole of a tall frame encode at the configured size', async () => {
    const { chunks, decoderConfig } = await (async () => {
      const out = [];
      let cfg;
      const enc = new VideoEncoder({ output: (c, m) => (out.push(c), (cfg ??= m?.decoderConfig)), error: (e) => assert.fail(e) });
      enc.configure({ codec: 'avc1.42001f', width: W, height: H, bitrate: 200000 });
      const tall = makeFrame(2, 4096, 0);
      const sliver = new VideoFrame(makeFrame(W * 4, H * 4, 1), { visibleRect: { x: 2, y: 2, width: 2, height: 2 } });
      for (const f of [tall, sliver]) {
        enc.encode(f);
        f.close();
      }
      await enc.flush();
      enc.close();
      return { chunks: out, decoderConfig: cfg };
    })();
    assert.equal(chunks.length, 2);
    const r = await decodeAll(decoderConfig, chunks);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.outputs.map((f) => [f.codedWidth >= W, f.visibleRect.width, f.visibleRect.height]), [[true, W, H], [true, W, H]]);
    // A uniform sliver scales to a nearly uniform frame.
    const pixels = await frameI420(r.outputs[1]);
    const y = pixels.subarray(0, W * H);
    assert.ok(psnr(y, new Uint8Array(y.length).fill(y[0])) > 30, 'scaled from the visible rect only');
    r.outputs.forEach((f) => f.close());
  });
});

describe('hostile corpus: every video decoder', { concurrency: 2 }, () => {
  for (const target of VIDEO_TARGETS) {
    test(target.name, async (t) => t.diagnostic(describeCorpus(await runCorpusTarget('video', target.name))));
  }
});
