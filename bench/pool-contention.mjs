// Does the buffer pools' lock show up under a 1080p decode whose frames are
// held by several JS consumers? Every decoded frame is cloned once per
// consumer; each consumer keeps its last `hold` clones and closes the oldest
// as a new one arrives, so plane buffers go back to the decoder's pool from
// the JS thread while the decoder's threads take others from it.
//
//   node bench/pool-contention.mjs [--frames 300] [--consumers 4] [--hold 8] [--runs 5]
//
// Alternating runs with 0 and with --consumers consumers give the time ratio;
// then one run with consumers under `perf record` gives the share of CPU
// samples in lock functions (pthread mutexes, futex waits in the kernel) and
// in the pool functions themselves: the upper bound of what a lock-free free
// list could save. Prints one JSON line per measurement with --job.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, unlinkSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { EncodedVideoChunk, VideoDecoder, getPoolStats } from 'webcodecs-native';

import { annexbAccessUnits } from '../test/helpers/media.mjs';

import { median } from './lib/harness.mjs';
import { waitForDequeue } from './lib/job.mjs';
import { h264Stream1080, media } from './lib/streams.mjs';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '300' },
    consumers: { type: 'string', default: '4' },
    hold: { type: 'string', default: '8' },
    runs: { type: 'string', default: '5' },
    job: { type: 'string' },
  },
});

async function decodeWithConsumers({ stream, consumers, hold }) {
  const chunks = annexbAccessUnits(readFileSync(stream), false).map(
    (au, i) => new EncodedVideoChunk({ type: au.key ? 'key' : 'delta', timestamp: i * 33_333, data: au.data }),
  );
  const held = Array.from({ length: consumers }, () => []);
  let failure = null;
  const decoder = new VideoDecoder({
    output: (frame) => {
      for (const queue of held) {
        queue.push(frame.clone());
        if (queue.length > hold) queue.shift().close();
      }
      frame.close();
    },
    error: (e) => {
      failure = e;
    },
  });
  decoder.configure({ codec: 'avc1.640028', codedWidth: 1920, codedHeight: 1080 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (const chunk of chunks) {
    decoder.decode(chunk);
    if (decoder.decodeQueueSize > 4) await waitForDequeue(decoder);
  }
  await decoder.flush();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const queue of held) for (const f of queue) f.close();
  decoder.close();
  if (failure) throw failure;
  const { acquires } = getPoolStats().total;
  console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, frames: chunks.length, ourPoolAcquires: acquires }));
}

if (values.job) {
  await decodeWithConsumers(JSON.parse(values.job));
} else {
  const stream = h264Stream1080(Number(values.frames));
  const consumers = Number(values.consumers);
  const hold = Number(values.hold);
  const args = (n) => [import.meta.filename, '--job', JSON.stringify({ stream, consumers: n, hold })];
  const run = (n) => JSON.parse(execFileSync(process.execPath, args(n)).toString().trim());

  console.log(`machine: ${cpus().length} x ${cpus()[0].model}; load average ${loadavg()[0].toFixed(2)}`);
  const alone = [];
  const shared = [];
  for (let r = 0; r < Number(values.runs); r++) {
    alone.push(run(0));
    shared.push(run(consumers));
  }
  const m = (xs, key) => median(xs.map((x) => x[key]));
  console.log(
    `decode ${values.frames} frames: ${m(alone, 'seconds').toFixed(3)} s alone, ${m(shared, 'seconds').toFixed(3)} s with ${consumers} consumers ` +
      `holding ${hold} clones each (ratio ${(m(shared, 'seconds') / m(alone, 'seconds')).toFixed(3)}; CPU ${m(alone, 'cpuSeconds').toFixed(3)} s vs ` +
      `${m(shared, 'cpuSeconds').toFixed(3)} s)`,
  );

  // Self time of every symbol that takes or waits for a lock, or is the pools' own code.
  const groups = {
    'pthread mutex lock/unlock': /\b(pthread_mutex_(un)?lock|__pthread_mutex_(un)?lock\w*|__lll_lock_wait\w*|__lll_lock_wake\w*)\b/,
    'futex (kernel; condition variables included)': /\[k\] \S*futex\S*/,
    "FFmpeg's buffer functions (av_buffer_pool_get, av_buffer_unref...)": /\bav_buffer_(pool_get|unref|ref|create|pool_buffer_get_opaque)\b/,
    'our BufferPool': /wcn::(BufferPool|PoolRegistry|PoolBudget)::/,
  };
  const data = join(media, 'pool-contention.perf');
  for (const n of [0, consumers]) {
    const perf = spawnSync('perf', ['record', '-e', 'cpu-clock', '-F', '4999', '-o', data, '--', process.execPath, ...args(n)], { encoding: 'utf8' });
    if (perf.status !== 0) {
      console.log(`perf record failed (${perf.stderr.trim().split('\n').pop()}); no profile`);
      break;
    }
    const report = execFileSync('perf', ['report', '-i', data, '--stdio', '--no-children', '--sort', 'symbol', '--percent-limit', '0'], {
      maxBuffer: 1 << 28,
    }).toString();
    const totals = Object.fromEntries(Object.keys(groups).map((k) => [k, 0]));
    for (const line of report.split('\n')) {
      const pct = /^\s+([\d.]+)%/.exec(line);
      if (!pct) continue;
      for (const [name, re] of Object.entries(groups)) if (re.test(line)) totals[name] += Number(pct[1]);
    }
    console.log(`perf, ${n} consumers: share of all CPU samples (self time)`);
    for (const [name, pct] of Object.entries(totals)) console.log(`  ${name.padEnd(68)} ${pct.toFixed(2)}%`);
  }
  unlinkSync(data);
}
