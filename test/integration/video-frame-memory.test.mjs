// VideoFrame memory: clones share the planes (no pixel copy, no new pool
// buffer, one external-memory report), close() hands the planes back to their
// pools at once, and a frame the garbage collector finds unclosed is freed
// and reported with exactly one process warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { VideoFrame, getPoolStats } from 'webcodecs-native';

import { patternI420 } from '../helpers/media.mjs';
import { runScript } from '../helpers/process.mjs';

const W = 3840;
const H = 2160;
// Pool buffers of a 4K I420 frame: rows are already 32-byte multiples.
const FRAME_BYTES = W * H + 2 * (W / 2) * (H / 2);

function totals() {
  const { total, externalMemory } = getPoolStats();
  return { ...total, externalMemory };
}

test('100 clones of a 3840x2160 frame share its planes: no RSS growth of a frame, no pool allocation', async () => {
  const source = patternI420(W, H, 3);
  const frame = new VideoFrame(source, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 });
  const before = totals();
  const rssBefore = process.memoryUsage().rss;

  const clones = [];
  for (let i = 0; i < 100; i++) clones.push(frame.clone());

  const rssGrowth = process.memoryUsage().rss - rssBefore;
  const after = totals();
  assert.ok(rssGrowth < FRAME_BYTES, `RSS grew by ${rssGrowth} bytes for 100 clones; one frame is ${FRAME_BYTES}`);
  assert.equal(after.acquires, before.acquires, 'clones acquire no pool buffer');
  assert.equal(after.freshAllocations, before.freshAllocations);
  assert.equal(after.inUse, before.inUse);
  assert.equal(after.externalMemory, before.externalMemory, 'clones report no external memory of their own');

  // The clones read the very same pixels.
  const rect = { x: 1000, y: 500, width: 64, height: 32 };
  const expected = new Uint8Array(frame.allocationSize({ rect }));
  await frame.copyTo(expected, { rect });
  const got = new Uint8Array(expected.length);
  await clones[99].copyTo(got, { rect });
  assert.deepEqual(got, expected);

  for (const c of clones) c.close();
  frame.close();
});

test('close() returns the planes to their pools at once; the last reference decides', () => {
  const data = patternI420(W, H, 5);
  const init = { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 };
  const start = totals();
  const frame = new VideoFrame(data, init);
  const created = totals();
  assert.equal(created.inUse, start.inUse + 3, 'one pool buffer per plane');
  assert.equal(created.externalMemory, start.externalMemory + FRAME_BYTES, 'reported to V8 once, at its size');

  const clone = frame.clone();
  frame.close();
  const afterOriginal = totals();
  assert.equal(afterOriginal.inUse, created.inUse, 'a live clone keeps the planes');
  assert.equal(afterOriginal.externalMemory, created.externalMemory);

  clone.close();
  const released = totals();
  assert.equal(released.inUse, start.inUse, 'the last close() releases every plane, without a GC');
  assert.equal(released.releases, created.releases + 3);
  assert.equal(released.available, created.available + 3);
  assert.equal(released.externalMemory, start.externalMemory, 'external memory given back exactly once');
  clone.close();
  assert.equal(totals().externalMemory, start.externalMemory, 'closing twice gives nothing back twice');

  // The next frame of that shape reuses the released buffers.
  const again = new VideoFrame(data, init);
  const reused = totals();
  assert.equal(reused.freshAllocations, released.freshAllocations);
  assert.equal(reused.hits, released.hits + 3);
  again.close();
});

test('clones count their references: closing one twice never releases another clone\'s', async () => {
  const frame = new VideoFrame(patternI420(64, 32, 7), { format: 'I420', codedWidth: 64, codedHeight: 32, timestamp: 0 });
  const start = totals();
  const a = frame.clone();
  const b = new VideoFrame(frame, { timestamp: 5 });
  a.close();
  a.close();
  frame.close();
  frame.close();
  assert.equal(totals().inUse, start.inUse, 'b still holds the planes');
  const pixels = new Uint8Array(b.allocationSize());
  await b.copyTo(pixels);
  assert.deepEqual(pixels, patternI420(64, 32, 7));
  b.close();
  assert.equal(totals().inUse, start.inUse - 3, 'the last reference released the three planes');
});

// Runs in a child with --expose-gc. The leak warning is emitted from a
// FinalizationRegistry callback; to know that callback had its chance, the
// script waits for a registry of its own that was fed after the collection
// that matters: V8 queues cleanup tasks in the order registries got dirty.
const GC_SCRIPT = `
  import { VideoFrame, getPoolStats } from 'webcodecs-native';
  import { once } from 'node:events';

  const warnings = [];
  process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));
  const stats = () => ({ inUse: getPoolStats().total.inUse, reported: getPoolStats().externalMemory });
  const make = () => new VideoFrame(new Uint8Array(64 * 64 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: 0 });
  let sentinel;
  function cleanupsDone() {
    return new Promise((resolve) => {
      sentinel = new FinalizationRegistry(resolve);
      (() => sentinel.register({}, 'done'))();
      gc();
    });
  }
  const base = stats();
  const report = {};

  (() => { for (let i = 0; i < 20; i++) { const f = make(); f.clone().close(); new VideoFrame(f).close(); f.close(); } })();
  gc();
  await cleanupsDone();
  report.afterClosed = { warnings: warnings.length, ...stats() };

  (() => { for (let i = 0; i < 3; i++) make().clone(); })();
  report.leaked = stats();
  gc();
  await once(process, 'warning');
  report.afterLeak = { warnings: warnings.slice(), ...stats() };

  (() => { for (let i = 0; i < 2; i++) make(); })();
  report.leakedAgain = stats();
  gc();
  await cleanupsDone();
  report.afterSecondLeak = { warnings: warnings.length, ...stats() };

  report.base = base;
  console.log(JSON.stringify(report));
`;

test('an unclosed frame that is garbage-collected is freed and warns exactly once; closed frames never warn', () => {
  const result = runScript(GC_SCRIPT, { nodeFlags: ['--expose-gc', '--no-warnings'] });
  // Exit code 13 is an unsettled top-level await: a warning that never came.
  assert.equal(result.status, 0, `child exited with ${result.status}: ${result.stderr}`);
  const r = JSON.parse(result.stdout);
  const PLANE = 64 * 64 * 4;

  assert.equal(r.afterClosed.warnings, 0, 'closed frames and clones are never reported');
  assert.equal(r.afterClosed.inUse, r.base.inUse);

  assert.equal(r.leaked.inUse, r.base.inUse + 3, 'three frames (and their clones, sharing them) hold their planes');
  assert.equal(r.leaked.reported, r.base.reported + 3 * PLANE);
  assert.equal(r.afterLeak.warnings.length, 1);
  assert.deepEqual(
    { name: r.afterLeak.warnings[0].name, code: r.afterLeak.warnings[0].code },
    { name: 'WebCodecsWarning', code: 'WEBCODECS_UNCLOSED' },
  );
  assert.match(r.afterLeak.warnings[0].message, /VideoFrame was garbage collected without being closed/);
  assert.equal(r.afterLeak.inUse, r.base.inUse, 'collected frames gave their planes back');
  assert.equal(r.afterLeak.reported, r.base.reported, 'and their external memory, exactly once');

  assert.equal(r.leakedAgain.inUse, r.base.inUse + 2);
  assert.equal(r.afterSecondLeak.warnings, 1, 'one warning per process, not one per frame');
  assert.equal(r.afterSecondLeak.inUse, r.base.inUse, 'later leaks are still freed');
  assert.equal(r.afterSecondLeak.reported, r.base.reported);
});
