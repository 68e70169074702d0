// The buffer pools' public controls: process-wide limits, counted fallbacks
// at a limit (never a failure), idle buffers of an old shape making way for
// a new one, preallocation for a known video or audio shape, and the
// statistics that show all of it. Every test uses frame sizes of its own and
// reads the pool of that buffer size, so the tests do not see each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioData, VideoFrame, configurePools, getPoolStats, preallocate, trimPools } from 'webcodecs-native';

const DEFAULTS = { maxBytes: 2 ** 30, maxBuffersPerPool: 256, idleTrimMs: 30000 };

/** The statistics of the pool of `bufferSize`-byte buffers (zeros before its first use). */
function pool(bufferSize) {
  const found = getPoolStats().pools.find((p) => p.bufferSize === bufferSize);
  return found ?? { capacity: 0, available: 0, inUse: 0, acquires: 0, releases: 0, freshAllocations: 0, fallbacks: 0, hits: 0, bytesHeld: 0 };
}

/** An RGBA frame: one plane of width * height * 4 bytes (widths multiple of 8 need no row padding). */
function rgba(width, height) {
  return new VideoFrame(new Uint8Array(width * height * 4).fill(7), { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: 0 });
}

function withLimits(limits, body) {
  configurePools(limits);
  try {
    body();
  } finally {
    configurePools(DEFAULTS);
  }
}

test('configurePools() reports the limits in force; members left out keep their value', () => {
  assert.deepEqual(configurePools(), DEFAULTS);
  withLimits({ maxBuffersPerPool: 3 }, () => {
    assert.deepEqual(configurePools(), { ...DEFAULTS, maxBuffersPerPool: 3 });
    assert.deepEqual(configurePools({ maxBytes: 1000 }), { ...DEFAULTS, maxBytes: 1000, maxBuffersPerPool: 3 });
    assert.deepEqual(configurePools({ idleTrimMs: 0 }), { ...DEFAULTS, maxBytes: 1000, maxBuffersPerPool: 3, idleTrimMs: 0 });
  });
  assert.deepEqual(configurePools(), DEFAULTS);
});

test('configurePools() rejects limits that are not non-negative integers', () => {
  for (const bad of [{ maxBytes: -1 }, { maxBytes: Infinity }, { maxBuffersPerPool: NaN }, { maxBuffersPerPool: 'many' }, { idleTrimMs: -5 }]) {
    assert.throws(() => configurePools(bad), TypeError, JSON.stringify(bad));
  }
  assert.throws(() => configurePools(42), TypeError);
  assert.deepEqual(configurePools(), DEFAULTS, 'a rejected call changes nothing');
});

test('a pool unused for idleTrimMs frees its idle buffers while the process does nothing else', async () => {
  const idle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  configurePools({ idleTrimMs: 20 });
  try {
    trimPools();
    // Every pool empty: the trimmer waits for the next use, which must wake it.
    await idle(100);
    rgba(88, 8).close(); // 2816-byte buffers
    rgba(104, 8).close();
    // Time is what is tested: 50 idle times, for a loaded machine.
    await idle(1000);
    for (const size of [2816, 3328]) {
      const s = pool(size);
      assert.deepEqual([s.acquires, s.releases, s.freshAllocations, s.fallbacks], [1, 1, 1, 0], `${size}: one pooled buffer, released`);
      assert.equal(s.capacity, 0, `${size}: the idle pool gave its buffer back with no other pool use`);
    }
    const held = rgba(88, 8);
    await idle(1000);
    assert.deepEqual([pool(2816).inUse, pool(2816).capacity], [1, 1], 'a buffer in use is never taken');
    held.close();
    await idle(1000);
    assert.deepEqual([pool(2816).releases, pool(2816).capacity], [2, 0], 'released after a trim, it is freed an idle time later');
  } finally {
    configurePools(DEFAULTS);
  }
});

test('past the per-pool limit a frame still gets memory: a counted fallback, freed when closed', () => {
  const size = 24 * 8 * 4;
  withLimits({ maxBuffersPerPool: 2 }, () => {
    const frames = [rgba(24, 8), rgba(24, 8), rgba(24, 8)];
    let s = pool(size);
    assert.equal(s.capacity, 2);
    assert.equal(s.inUse, 3);
    assert.equal(s.fallbacks, 1);
    assert.equal(s.freshAllocations, 2);
    assert.equal(s.bytesHeld, 2 * size, 'a fallback is not pool memory');
    const pixels = new Uint8Array(size);
    frames[2].copyTo(pixels);
    assert.ok(pixels.every((v) => v === 7), 'the fallback frame holds its pixels like any other');
    for (const f of frames) f.close();
    s = pool(size);
    assert.equal(s.inUse, 0);
    assert.equal(s.releases, 3);
    assert.equal(s.available, 2, 'the fallback was freed, the pooled buffers kept');
  });
});

test('lowering the limits frees idle buffers at once and buffers in use as they come back', () => {
  const size = 40 * 8 * 4;
  const frames = Array.from({ length: 4 }, () => rgba(40, 8));
  rgba(40, 8).close();
  assert.equal(pool(size).capacity, 5);
  withLimits({ maxBuffersPerPool: 2 }, () => {
    assert.equal(pool(size).capacity, 4, 'the idle buffer went at once');
    for (const f of frames) f.close();
    const s = pool(size);
    assert.equal(s.capacity, 2, 'two buffers past the limit were freed on close');
    assert.equal(s.available, 2);
  });
});

test('at the byte cap, idle buffers of a shape no longer used make way for a new shape', () => {
  const oldSize = 56 * 8 * 4;
  const newSize = 56 * 16 * 4;
  trimPools(); // only this test's buffers are held from here
  const frames = [rgba(56, 8), rgba(56, 8), rgba(56, 8)];
  for (const f of frames) f.close();
  assert.equal(pool(oldSize).available, 3);
  const held = getPoolStats().total.bytesHeld;
  assert.equal(held, 3 * oldSize);
  // Room for exactly what is held: the new shape has to displace old buffers.
  withLimits({ maxBytes: held }, () => {
    const next = rgba(56, 16);
    assert.equal(pool(newSize).fallbacks, 0, 'no fallback while idle buffers could be freed');
    assert.equal(pool(newSize).freshAllocations, 1);
    assert.equal(pool(oldSize).capacity, 1, 'two idle old-shape buffers freed for the new one');
    assert.ok(getPoolStats().total.bytesHeld <= held);
    next.close();
  });
});

test('at the byte cap with nothing idle to free, requests fall back and keep working', () => {
  const size = 72 * 8 * 4;
  withLimits({ maxBytes: 0 }, () => {
    for (let i = 0; i < 3; i++) rgba(72, 8).close();
    const s = pool(size);
    assert.equal(s.acquires, 3);
    assert.equal(s.fallbacks, 3, 'maxBytes 0 turns pooling off');
    assert.equal(s.capacity, 0);
    assert.equal(s.hits, 0);
  });
});

test('preallocate() fills the pools for a video shape: the frames that follow are all hits', () => {
  // I420 88x20: a 96-byte-stride luma plane and two equal chroma planes.
  const luma = 96 * 20;
  const chroma = 64 * 10;
  assert.equal(preallocate({ format: 'I420', width: 88, height: 20, count: 3 }), 9);
  assert.equal(preallocate({ format: 'I420', width: 88, height: 20, count: 3 }), 0, 'the pools already hold enough');
  assert.equal(pool(luma).available, 3);
  assert.equal(pool(chroma).available, 6, 'the chroma planes share a pool');
  const init = { format: 'I420', codedWidth: 88, codedHeight: 20, timestamp: 0 };
  const frames = Array.from({ length: 3 }, () => new VideoFrame(new Uint8Array(88 * 20 + 2 * 44 * 10), init));
  for (const size of [luma, chroma]) {
    const s = pool(size);
    assert.equal(s.freshAllocations, 0);
    assert.equal(s.hits, s.acquires);
  }
  assert.equal(pool(luma).acquires, 3);
  assert.equal(pool(chroma).acquires, 6);
  for (const f of frames) f.close();
});

test('preallocate() fills the pools for an audio shape, within the limits', () => {
  // f32-planar, 2 channels of 1000 frames: one buffer of two 4,032-byte (64-aligned) planes.
  const size = 2 * 4032;
  withLimits({ maxBuffersPerPool: 2 }, () => {
    assert.equal(preallocate({ format: 'f32-planar', numberOfChannels: 2, numberOfFrames: 1000, count: 4 }), 2, 'stopped at the limit');
  });
  const make = () =>
    new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfChannels: 2, numberOfFrames: 1000, timestamp: 0, data: new Float32Array(2000) });
  const data = [make(), make()];
  const s = pool(size);
  assert.equal(s.acquires, 2);
  assert.equal(s.freshAllocations, 0);
  for (const d of data) d.close();
});

test('preallocate() checks its shape like the constructors do', () => {
  assert.throws(() => preallocate({ format: 'I420', width: 16, height: 16 }), TypeError, 'count is required');
  assert.throws(() => preallocate({ format: 'NV99', width: 16, height: 16, count: 1 }), TypeError);
  assert.throws(() => preallocate({ format: 'I420', width: 0, height: 16, count: 1 }), TypeError);
  assert.throws(() => preallocate({ format: 'I420', width: 16, count: 1 }), TypeError, 'height is required');
  assert.throws(() => preallocate({ format: 's16', numberOfChannels: 99, numberOfFrames: 16, count: 1 }), TypeError);
  assert.throws(() => preallocate({ format: 's16', numberOfChannels: 2, count: 1 }), TypeError, 'numberOfFrames is required');
});

test('getPoolStats() totals are the sums of the pools, hits what neither allocated nor fell back', () => {
  const { pools, total } = getPoolStats();
  assert.ok(pools.length > 0);
  for (const key of ['capacity', 'available', 'inUse', 'acquires', 'releases', 'freshAllocations', 'fallbacks', 'bytesHeld']) {
    assert.equal(total[key], pools.reduce((n, p) => n + p[key], 0), key);
  }
  for (const p of [...pools, total]) {
    assert.equal(p.hits, p.acquires - p.freshAllocations - p.fallbacks);
    assert.equal(p.inUse, p.acquires - p.releases);
  }
  assert.ok(total.peakInUse >= Math.max(...pools.map((p) => p.peakInUse)));
  assert.equal(total.bytesHeld, pools.reduce((n, p) => n + p.capacity * p.bufferSize, 0));
});
