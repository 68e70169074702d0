// AudioData as the spec defines it: the constructor's validity checks and
// transfer, attributes, allocationSize/copyTo over every pair of the eight
// sample formats (expected samples computed here from the spec's table of
// sample magnitudes, see expectedSample), every RangeError and
// InvalidStateError, clone and close.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioData } from 'webcodecs-native';

import { runScript } from '../helpers/process.mjs';

const FORMATS = ['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar'];
const TYPES = { u8: Uint8Array, s16: Int16Array, s32: Int32Array, f32: Float32Array };
const BYTES = { u8: 1, s16: 2, s32: 4, f32: 4 };
const typeOf = (format) => format.replace('-planar', '');
const isPlanar = (format) => format.endsWith('-planar');

const isDom = (name) => (e) => e instanceof DOMException && e.name === name;

// Sample values per type that exercise full scale, silence, rounding ties
// and clipping. Each is used in every channel, shifted by the channel index.
const VALUES = {
  u8: [0, 1, 64, 127, 128, 129, 191, 254, 255],
  s16: [-32768, -32767, -16384, -129, -128, -1, 0, 1, 127, 128, 383, 16384, 32512, 32767],
  s32: [-2147483648, -2147483647, -8388608, -32768, -1, 0, 1, 32768, 0x18000, 0x28000, 16777217, 1 << 30, 2147483647],
  f32: [-2, -1, -0.75, -0.5, -1 / 65536, 0, 1 / 256, 0.25, 0.5, 0.75, 1 - 2 ** -24, 1, 1.5, 3 / 65536, 0.5 / 128],
};

/** Round half to even, on a double holding an exact value. */
function roundHalfEven(y) {
  const f = Math.floor(y);
  const r = y - f;
  if (r > 0.5) return f + 1;
  if (r < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The spec's magnitudes with uniform quantisation: an integer sample is
 * (value - bias) / 2^(bits - 1) of full scale; f32 is itself. f32 converted
 * to an integer type rounds to nearest (ties to even) and clips to the
 * type's range; a narrower integer type keeps the top bits (rounds toward
 * -inf, as the WPT suite expects: s16 16383 -> u8 191); converting to f32
 * rounds to the nearest float; f32 -> f32 never clips.
 */
function expectedSample(from, to, v) {
  const unit = from === 'u8' ? (v - 128) / 128 : from === 's16' ? v / 32768 : from === 's32' ? v / 2 ** 31 : v;
  if (to === 'f32') return Math.fround(unit);
  const bits = BYTES[to] * 8;
  const scale = 2 ** (bits - 1);
  const round = from === 'f32' ? roundHalfEven : Math.floor;
  const q = Number.isNaN(unit) ? 0 : Math.min(scale - 1, Math.max(-scale, round(unit * scale)));
  return to === 'u8' ? q + 128 : q;
}

/** Source samples: channels x frames, sample (f, c) = VALUES[(f + c) % n]. */
function sourceSamples(type, channels) {
  const values = VALUES[type];
  const frames = values.length;
  const at = (f, c) => values[(f + c) % frames];
  return { frames, at };
}

function makeData(format, channels, timestamp = 0) {
  const type = typeOf(format);
  const { frames, at } = sourceSamples(type, channels);
  const arr = new TYPES[type](frames * channels);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) arr[isPlanar(format) ? c * frames + f : f * channels + c] = at(f, c);
  }
  const data = new AudioData({ format, sampleRate: 48000, numberOfFrames: frames, numberOfChannels: channels, timestamp, data: arr });
  return { data, frames, at, raw: arr };
}

/** What copyTo(planeIndex, frameOffset, frameCount, format) must write. */
function expectedCopy(srcFormat, at, channels, plane, offset, count, destFormat) {
  const from = typeOf(srcFormat);
  const to = typeOf(destFormat);
  const out = [];
  for (let f = offset; f < offset + count; f++) {
    if (isPlanar(destFormat)) out.push(expectedSample(from, to, at(f, plane)));
    else for (let c = 0; c < channels; c++) out.push(expectedSample(from, to, at(f, c)));
  }
  return out;
}

describe('AudioData constructor', () => {
  const base = () => ({
    format: 'f32',
    sampleRate: 48000,
    numberOfFrames: 10,
    numberOfChannels: 2,
    timestamp: 1234,
    data: new Float32Array(20),
  });

  test('a valid init for every format sets the attributes', () => {
    for (const format of FORMATS) {
      const bytes = BYTES[typeOf(format)];
      const d = new AudioData({ ...base(), format, data: new Uint8Array(20 * bytes) });
      assert.equal(d.format, format);
      assert.equal(d.sampleRate, 48000);
      assert.equal(d.numberOfFrames, 10);
      assert.equal(d.numberOfChannels, 2);
      assert.equal(d.timestamp, 1234);
      assert.equal(d.duration, 208, '10 / 48000 s is 208.33 us, truncated');
      assert.equal(Object.prototype.toString.call(d), '[object AudioData]');
      d.close();
    }
  });

  test('sampleRate is a float; duration is frames / rate in whole microseconds', () => {
    const d = new AudioData({ ...base(), sampleRate: 44100.3, numberOfFrames: 441, data: new Float32Array(882) });
    assert.equal(d.sampleRate, Math.fround(44100.3));
    assert.equal(d.duration, Math.trunc((441 * 1e6) / Math.fround(44100.3)));
    d.close();
    const exact = new AudioData({ ...base(), sampleRate: 8000, numberOfFrames: 8000, data: new Float32Array(16000) });
    assert.equal(exact.duration, 1000000);
    exact.close();
  });

  test('invalid inits throw TypeError', () => {
    const cases = {
      'no init': undefined,
      'not a dictionary': 5,
      'missing data': { ...base(), data: undefined },
      'missing format': { ...base(), format: undefined },
      'missing numberOfChannels': { ...base(), numberOfChannels: undefined },
      'missing numberOfFrames': { ...base(), numberOfFrames: undefined },
      'missing sampleRate': { ...base(), sampleRate: undefined },
      'missing timestamp': { ...base(), timestamp: undefined },
      'bogus format': { ...base(), format: 'f64' },
      'the old uppercase format names': { ...base(), format: 'FLT' },
      'zero sampleRate': { ...base(), sampleRate: 0 },
      'negative sampleRate': { ...base(), sampleRate: -48000 },
      'NaN sampleRate': { ...base(), sampleRate: NaN },
      'infinite sampleRate': { ...base(), sampleRate: Infinity },
      'sampleRate beyond float range': { ...base(), sampleRate: 1e39 },
      'zero frames': { ...base(), numberOfFrames: 0 },
      'zero channels': { ...base(), numberOfChannels: 0 },
      'negative frames': { ...base(), numberOfFrames: -1 },
      'frames beyond unsigned long': { ...base(), numberOfFrames: 2 ** 32 },
      'timestamp not finite': { ...base(), timestamp: Infinity },
      'data one byte short': { ...base(), data: new Uint8Array(79) },
      'data a string': { ...base(), data: 'abc' },
      'more channels than the limit (32)': { ...base(), numberOfChannels: 33, data: new Float32Array(330) },
      'transfer not a sequence': { ...base(), transfer: 5 },
      'transfer of a non-ArrayBuffer': { ...base(), transfer: [new Uint8Array(4)] },
    };
    for (const [name, init] of Object.entries(cases)) {
      assert.throws(() => new AudioData(init), TypeError, name);
    }
  });

  test('a view with an offset supplies the samples it covers', () => {
    const backing = new Int16Array([9, 9, 1, 2, 3, 4]);
    const d = new AudioData({ ...base(), format: 's16', numberOfFrames: 2, data: backing.subarray(2) });
    const out = new Int16Array(4);
    d.copyTo(out, { planeIndex: 0 });
    assert.deepEqual([...out], [1, 2, 3, 4]);
    d.close();
  });

  test('the samples are copied, from ArrayBuffer or shared memory: later writes to data do not show', () => {
    // AudioDataInit.data is an AllowSharedBufferSource (w3c/webcodecs#947).
    for (const buffer of [new ArrayBuffer(80), new SharedArrayBuffer(80)]) {
      const data = new Float32Array(buffer).fill(0.25);
      const d = new AudioData({ ...base(), data });
      data.fill(-1);
      const out = new Float32Array(20);
      d.copyTo(out, { planeIndex: 0 });
      assert.ok(out.every((v) => v === 0.25), buffer.constructor.name);
      d.close();
    }
  });

  test('transfer detaches the buffers; duplicates or detached buffers are DataCloneError', () => {
    const data = new Float32Array(20).fill(0.5);
    const other = new ArrayBuffer(8);
    const d = new AudioData({ ...base(), data, transfer: [data.buffer, other] });
    assert.equal(data.buffer.byteLength, 0, 'data detached');
    assert.equal(other.byteLength, 0, 'every listed buffer detached');
    const out = new Float32Array(20);
    d.copyTo(out, { planeIndex: 0 });
    assert.ok(out.every((v) => v === 0.5));
    d.close();

    const dup = new Float32Array(20);
    assert.throws(() => new AudioData({ ...base(), data: dup, transfer: [dup.buffer, dup.buffer] }), isDom('DataCloneError'));
    assert.equal(dup.buffer.byteLength, 80, 'nothing detached after a DataCloneError');
    const gone = new ArrayBuffer(4);
    structuredClone(gone, { transfer: [gone] });
    assert.throws(() => new AudioData({ ...base(), transfer: [gone] }), isDom('DataCloneError'));
  });
});

describe('AudioData copyTo and allocationSize', () => {
  for (const srcFormat of FORMATS) {
    test(`${srcFormat} to every format, every plane, with offsets`, () => {
      const channels = 3;
      const { data, frames, at } = makeData(srcFormat, channels);
      for (const destFormat of FORMATS) {
        const to = typeOf(destFormat);
        const planes = isPlanar(destFormat) ? channels : 1;
        for (let plane = 0; plane < planes; plane++) {
          for (const [offset, count] of [[0, undefined], [3, 4], [frames - 1, undefined], [2, 0]]) {
            const options = { planeIndex: plane, format: destFormat, frameOffset: offset };
            if (count !== undefined) options.frameCount = count;
            const n = count ?? frames - offset;
            const expected = expectedCopy(srcFormat, at, channels, plane, offset, n, destFormat);
            const size = data.allocationSize(options);
            assert.equal(size, expected.length * BYTES[to], `allocationSize ${JSON.stringify(options)}`);
            const out = new TYPES[to](expected.length);
            data.copyTo(out, options);
            assert.deepEqual([...out], expected, `${srcFormat} -> ${JSON.stringify(options)}`);
          }
        }
      }
      data.close();
    });
  }

  test('without a format the copy keeps the AudioData format', () => {
    const { data, raw } = makeData('s16', 2);
    const out = new Int16Array(raw.length);
    assert.equal(data.allocationSize({ planeIndex: 0 }), raw.byteLength);
    data.copyTo(out, { planeIndex: 0 });
    assert.deepEqual(out, raw);
    data.close();
  });

  test('anchors: full scale, silence and clipping', () => {
    const one = (format, value, to) => {
      const d = new AudioData({ format, sampleRate: 8000, numberOfFrames: 1, numberOfChannels: 1, timestamp: 0, data: new TYPES[typeOf(format)]([value]) });
      const out = new TYPES[typeOf(to)](1);
      d.copyTo(out, { planeIndex: 0, format: to });
      d.close();
      return out[0];
    };
    assert.equal(one('s16', -32768, 'f32-planar'), -1);
    assert.equal(one('u8', 0, 'f32'), -1);
    assert.equal(one('u8', 128, 's32'), 0);
    assert.equal(one('u8', 255, 's16'), 32512);
    assert.equal(one('f32', 1, 's16'), 32767);
    assert.equal(one('f32', -1, 'u8'), 0);
    assert.equal(one('f32', 0.5, 'u8'), 192);
    assert.equal(one('f32', 1.5, 'f32-planar'), 1.5, 'f32 is not clipped');
    assert.equal(one('f32', NaN, 's16'), 0);
    assert.equal(one('s32', 0x7fffffff, 's16'), 32767);
    assert.equal(one('s16', 0x0080, 'u8'), 128, 'narrowing keeps the top bits');
    assert.equal(one('s16', 0x0180, 'u8'), 129);
    assert.equal(one('s16', -0x0001, 'u8'), 127, 'toward -inf');
    assert.equal(one('s16', 16383, 'u8'), 191);
    assert.equal(one('s32', 1073741823, 'u8'), 191);
    assert.equal(one('s32', 1073741823, 's16'), 16383);
  });

  test('RangeError cases of Compute Copy Element Count and copyTo', () => {
    const { data, frames } = makeData('s16', 2);
    const planar = makeData('f32-planar', 2);
    const cases = [
      [data, { planeIndex: 1 }, 'interleaved format, planeIndex 1'],
      [planar.data, { planeIndex: 1, format: 's16' }, 'interleaved destination format, planeIndex 1'],
      [data, { planeIndex: 2, format: 'f32-planar' }, 'planar destination, planeIndex = numberOfChannels'],
      [planar.data, { planeIndex: 5 }, 'planar format, planeIndex beyond the channels'],
      [data, { planeIndex: 0, frameOffset: frames }, 'frameOffset = numberOfFrames'],
      [data, { planeIndex: 0, frameOffset: frames + 10 }, 'frameOffset beyond numberOfFrames'],
      [data, { planeIndex: 0, frameOffset: 2, frameCount: frames - 1 }, 'frameCount beyond the frames after frameOffset'],
      [planar.data, { planeIndex: 0, frameCount: planar.frames + 1 }, 'frameCount beyond numberOfFrames'],
    ];
    for (const [d, options, name] of cases) {
      assert.throws(() => d.allocationSize(options), RangeError, `allocationSize: ${name}`);
      assert.throws(() => d.copyTo(new Uint8Array(1 << 12), options), RangeError, `copyTo: ${name}`);
    }
    // Destination one byte too small, for the AudioData's own and a converted format.
    assert.throws(() => data.copyTo(new Uint8Array(frames * 4 - 1), { planeIndex: 0 }), RangeError);
    assert.throws(() => data.copyTo(new Uint8Array(frames * 4 - 1), { planeIndex: 0, format: 's32-planar' }), RangeError);
    data.copyTo(new Uint8Array(frames * 4), { planeIndex: 0, format: 's32-planar' });
    // A detached destination is 0 bytes long: too small, not an invalid type.
    const detached = new ArrayBuffer(frames * 4);
    const viewOfDetached = new Uint8Array(detached);
    const dataViewOfDetached = new DataView(detached);
    structuredClone(detached, { transfer: [detached] });
    assert.throws(() => data.copyTo(detached, { planeIndex: 0 }), RangeError);
    assert.throws(() => data.copyTo(viewOfDetached, { planeIndex: 0 }), RangeError);
    assert.throws(() => data.copyTo(dataViewOfDetached, { planeIndex: 0 }), RangeError);
    data.close();
    planar.data.close();
  });

  test('malformed options and destinations are TypeErrors', () => {
    const { data } = makeData('f32', 1);
    for (const options of [undefined, {}, { planeIndex: -1 }, { planeIndex: 0, format: 'FLTP' }, { planeIndex: 0, frameOffset: NaN }, { planeIndex: 0, frameCount: 2 ** 32 }]) {
      assert.throws(() => data.allocationSize(options), TypeError, JSON.stringify(options));
      assert.throws(() => data.copyTo(new Uint8Array(1024), options), TypeError, JSON.stringify(options));
    }
    assert.throws(() => data.copyTo([0, 0, 0], { planeIndex: 0 }), TypeError);
    // AllowSharedBufferSource: shared memory is a valid destination.
    const shared = new Float32Array(new SharedArrayBuffer(data.allocationSize({ planeIndex: 0 })));
    data.copyTo(shared, { planeIndex: 0 });
    assert.equal(shared[0], VALUES.f32[0]);
    data.close();
  });
});

describe('AudioData clone and close', () => {
  test('clone shares the samples and survives the original closing', () => {
    const { data, raw } = makeData('s32-planar', 2, 777);
    const copy = data.clone();
    data.close();
    assert.equal(copy.format, 's32-planar');
    assert.equal(copy.timestamp, 777);
    const out = new Int32Array(raw.length / 2);
    copy.copyTo(out, { planeIndex: 1 });
    assert.deepEqual(out, raw.subarray(raw.length / 2));
    copy.close();
  });

  test('after close: zeroed attributes, timestamp kept, InvalidStateError from methods', () => {
    const { data } = makeData('f32', 2, 42);
    data.close();
    data.close();  // idempotent
    assert.equal(data.format, null);
    assert.equal(data.sampleRate, 0);
    assert.equal(data.numberOfFrames, 0);
    assert.equal(data.numberOfChannels, 0);
    assert.equal(data.duration, 0);
    assert.equal(data.timestamp, 42);
    assert.throws(() => data.clone(), isDom('InvalidStateError'));
    assert.throws(() => data.allocationSize({ planeIndex: 0 }), isDom('InvalidStateError'));
    assert.throws(() => data.copyTo(new Uint8Array(64), { planeIndex: 0 }), isDom('InvalidStateError'));
    // Options are converted (TypeError) before the closed check.
    assert.throws(() => data.copyTo(new Uint8Array(64), {}), TypeError);
  });

  test('native memory is reported once however many clones there are, and given back on close', () => {
    const r = runScript(`
      import { AudioData, getPoolStats } from 'webcodecs-native';
      const mb = 1 << 20;
      const samples = new Float32Array(4 * mb);
      const reported = () => getPoolStats().externalMemory;
      const before = reported();
      const data = new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 2 * mb, numberOfChannels: 2, timestamp: 0, data: samples });
      const withOne = reported();
      const clones = Array.from({ length: 20 }, () => data.clone());
      const withClones = reported();
      const pooled = getPoolStats().total;
      data.close(); clones.forEach((c) => c.close());
      const after = reported();
      console.log(JSON.stringify({ one: withOne - before, clones: withClones - withOne, after: after - before,
        inUse: pooled.inUse, acquires: pooled.acquires, inUseAfter: getPoolStats().total.inUse }));
    `);
    assert.equal(r.status, 0, r.stderr);
    const { one, clones, after, inUse, acquires, inUseAfter } = JSON.parse(r.stdout);
    const bytes = 16 << 20;
    assert.ok(one >= bytes && one < bytes + 4096, `the samples are reported (${one})`);
    assert.equal(clones, 0, 'clones report nothing more');
    assert.equal(after, 0, 'closing the last reference gives the memory back');
    assert.deepEqual([inUse, acquires], [1, 1], 'one pooled buffer, shared by the clones');
    assert.equal(inUseAfter, 0, 'the buffer is back in its pool');
  });

  test('an AudioData collected without close() warns once; closed ones do not', () => {
    const script = (leak) => `
      import { AudioData } from 'webcodecs-native';
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.code));
      const make = () => new AudioData({ format: 's16', sampleRate: 8000, numberOfFrames: 8, numberOfChannels: 1, timestamp: 0, data: new Int16Array(8) });
      for (let i = 0; i < 3; i++) ${leak ? 'make()' : 'make().close()'};
      // A GC cycle ends when a sentinel it collects is finalized (and the
      // warning, emitted on the next tick, has been delivered).
      const registry = new FinalizationRegistry((resolve) => resolve());
      const cycle = async () => {
        const collected = new Promise((resolve) => registry.register({}, resolve));
        globalThis.gc();
        await collected;
        await new Promise((r) => setImmediate(r));
      };
      for (let i = 0; i < 5 && warnings.length === 0; i++) await cycle();
      console.log(JSON.stringify(warnings));
    `;
    const leaked = runScript(script(true), { nodeFlags: ['--expose-gc'] });
    assert.equal(leaked.status, 0, leaked.stderr);
    assert.deepEqual(JSON.parse(leaked.stdout), ['WEBCODECS_UNCLOSED'], 'one warning for three leaks');
    const closed = runScript(script(false), { nodeFlags: ['--expose-gc'] });
    assert.equal(closed.status, 0, closed.stderr);
    assert.deepEqual(JSON.parse(closed.stdout), []);
  });
});
