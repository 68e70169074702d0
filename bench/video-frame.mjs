// VideoFrame micro-benchmarks against memcpy (issue 8's targets):
//   - 3840x2160 I420 construct from a buffer vs one memcpy of the same bytes (<= 1.3x)
//   - clone() + close() (<= 1 us) and the memory a held clone costs (0 bytes of frame memory)
//   - copyTo in the frame's own format vs memcpy (<= 1.2x)
//   - 200 construct/close cycles of 1080p frames: RSS flat (< +20 MiB) without a GC
//   - the first frame of a new shape: cold pools vs preallocate()
// The memcpy is TypedArray.prototype.set between two buffers whose pages are
// already mapped, as the pooled planes are in steady state. Each measurement
// runs in its own process.
//
//   node bench/video-frame.mjs [--json out.json]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

import { VideoFrame, getPoolStats, preallocate } from 'webcodecs-native';

const { values } = parseArgs({ options: { job: { type: 'string' }, json: { type: 'string' } } });

const UHD = { width: 3840, height: 2160 };
const HD = { width: 1920, height: 1080 };
const i420Bytes = ({ width, height }) => (width * height * 3) / 2;
const init = ({ width, height }) => ({ format: 'I420', codedWidth: width, codedHeight: height, timestamp: 0 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function pattern(size) {
  const bytes = new Uint8Array(i420Bytes(size));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}

/** Median milliseconds of `fn` over `n` runs after `warm` unmeasured ones. */
function time(fn, n = 60, warm = 5) {
  for (let i = 0; i < warm; i++) fn();
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const MiB = 2 ** 20;
const rss = () => process.memoryUsage().rss;

const jobs = {
  construct() {
    const src = pattern(UHD);
    const dst = new Uint8Array(src.length).fill(1);
    const memcpyMs = time(() => dst.set(src));
    const constructMs = time(() => new VideoFrame(src, init(UHD)).close());
    return { memcpyMs, constructMs, ratio: constructMs / memcpyMs };
  },
  copyTo() {
    const src = pattern(UHD);
    const dst = new Uint8Array(src.length).fill(1);
    const frame = new VideoFrame(src, init(UHD));
    const memcpyMs = time(() => dst.set(src));
    // copyTo's work is done when it returns; the promise only reports it.
    const copyToMs = time(() => frame.copyTo(dst));
    frame.close();
    return { memcpyMs, copyToMs, ratio: copyToMs / memcpyMs };
  },
  clone() {
    const frame = new VideoFrame(pattern(UHD), init(UHD));
    const n = 200_000;
    for (let i = 0; i < 10_000; i++) frame.clone().close();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) frame.clone().close();
    const cloneCloseUs = ((performance.now() - t0) * 1000) / n;
    frame.close();
    return { cloneCloseUs };
  },
  heldClones() {
    const frame = new VideoFrame(pattern(UHD), init(UHD));
    globalThis.gc();
    const sample = () => ({
      rss: rss(),
      heap: process.memoryUsage().heapUsed,
      external: getPoolStats().externalMemory,
      inUse: getPoolStats().total.inUse,
    });
    const before = sample();
    const clones = Array.from({ length: 1000 }, () => frame.clone());
    const after = sample();
    for (const c of clones) c.close();
    frame.close();
    const per = (key) => (after[key] - before[key]) / clones.length;
    return {
      clones: clones.length,
      rssBytesPerClone: per('rss'),
      heapBytesPerClone: per('heap'),
      externalBytesPerClone: per('external'),
      poolBuffersTaken: after.inUse - before.inUse,
    };
  },
  cycles() {
    // GCs are only watched, never asked for, until the cycles are done.
    const gcs = [];
    const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e) => e.detail.kind)));
    observer.observe({ entryTypes: ['gc'] });
    const src = pattern(HD);
    const base = rss();
    let peak = base;
    for (let i = 0; i < 200; i++) {
      new VideoFrame(src, { ...init(HD), timestamp: i }).close();
      peak = Math.max(peak, rss());
    }
    const end = rss();
    return new Promise((resolve) =>
      setImmediate(() => {
        observer.disconnect();
        globalThis.gc();
        // perf_hooks' NODE_PERFORMANCE_GC_* kinds: 1 minor (scavenge), 2 major, 4 incremental, 8 weak callbacks.
        const kinds = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
        const counts = {};
        for (const k of gcs) counts[kinds[k] ?? k] = (counts[kinds[k] ?? k] ?? 0) + 1;
        resolve({ rssGrowthMiB: (end - base) / MiB, peakGrowthMiB: (peak - base) / MiB, gcsDuringCycles: counts, rssAfterGcMiB: (rss() - base) / MiB });
      }),
    );
  },
  firstFrame({ prealloc }) {
    const src = pattern(UHD);
    // The code paths are warmed on a tiny frame: what is left is the memory.
    new VideoFrame(new Uint8Array(384), init({ width: 16, height: 16 })).close();
    if (prealloc) preallocate({ format: 'I420', width: UHD.width, height: UHD.height, count: 1 });
    const t0 = performance.now();
    new VideoFrame(src, init(UHD)).close();
    return { firstConstructMs: performance.now() - t0 };
  },
};

if (values.job) {
  const { name, ...params } = JSON.parse(values.job);
  console.log(JSON.stringify(await jobs[name](params)));
} else {
  const run = (name, params = {}) =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', import.meta.filename, '--job', JSON.stringify({ name, ...params })]).toString());
  const results = { machine: `${cpus().length} x ${cpus()[0].model}`, node: process.version, load: loadavg()[0] };
  const c = (results.construct = run('construct'));
  console.log(`construct 3840x2160 I420: ${c.constructMs.toFixed(3)} ms vs memcpy ${c.memcpyMs.toFixed(3)} ms: ${c.ratio.toFixed(2)}x (target <= 1.3x)`);
  const k = (results.clone = run('clone'));
  console.log(`clone() + close(): ${k.cloneCloseUs.toFixed(3)} us (target <= 1 us)`);
  const h = (results.heldClones = run('heldClones'));
  console.log(
    `${h.clones} held clones of a 3840x2160 frame: ${h.externalBytesPerClone} external bytes and ${h.poolBuffersTaken} pool buffers in all; ` +
      `per clone ${h.rssBytesPerClone.toFixed(0)} bytes of RSS, ${h.heapBytesPerClone.toFixed(0)} of JS heap (target 0 bytes of frame memory)`,
  );
  const p = (results.copyTo = run('copyTo'));
  console.log(`copyTo 3840x2160 I420 -> I420: ${p.copyToMs.toFixed(3)} ms vs memcpy ${p.memcpyMs.toFixed(3)} ms: ${p.ratio.toFixed(2)}x (target <= 1.2x)`);
  const y = (results.cycles = run('cycles'));
  console.log(
    `200 construct/close of 1920x1080: RSS +${y.rssGrowthMiB.toFixed(1)} MiB (peak +${y.peakGrowthMiB.toFixed(1)}; target < +20 MiB), ` +
      `GCs meanwhile ${JSON.stringify(y.gcsDuringCycles)}, after gc() +${y.rssAfterGcMiB.toFixed(1)} MiB`,
  );
  const cold = median([0, 1, 2, 3, 4].map(() => run('firstFrame', { prealloc: false }).firstConstructMs));
  const warm = median([0, 1, 2, 3, 4].map(() => run('firstFrame', { prealloc: true }).firstConstructMs));
  results.firstFrame = { coldMs: cold, preallocatedMs: warm };
  console.log(`first 3840x2160 frame of a process (code already warm): ${cold.toFixed(3)} ms with empty pools, ${warm.toFixed(3)} ms after preallocate() (pages faulted in)`);
  console.log(`machine: ${results.machine}; load average ${results.load.toFixed(2)}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}
