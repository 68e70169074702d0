// The job side of the benchmarks: the measurements every job reports (CPU
// time from the start of the work, event-loop lag, peak RSS, pool use).
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { getPoolStats } from 'webcodecs-native';

// The lag of the event loop during the work: a 1 ms timer's lateness. The
// probe is itself work (a thousand wake-ups a second of the JS thread, each
// preempting a codec thread on 2 cores: 7 % of a 720p realtime H.264
// encode), so the driver runs it in separate runs from the timed ones
// (BENCH_LAG_PROBE=1, bench/lib/harness.mjs).
const probing = process.env.BENCH_LAG_PROBE === '1';
const lag = monitorEventLoopDelay({ resolution: 1 });
let cpuFrom = process.cpuUsage();
let t0 = performance.now();

/** Starts the clocks: call right before the measured work. */
export function start() {
  if (probing) lag.enable();
  cpuFrom = process.cpuUsage();
  t0 = performance.now();
}

/** Stops them: the seconds since start(). */
export function stop() {
  const seconds = (performance.now() - t0) / 1000;
  lag.disable();
  return seconds;
}

export function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0;
}

const WARM_CALLS = 30;

/** Times each call of `fn` (for the p50/p99 of encode()/decode()). */
export function callTimer() {
  const ms = [];
  return {
    time(fn) {
      const c0 = performance.now();
      fn();
      ms.push(performance.now() - c0);
    },
    // p99 of every call, and of the calls after the first WARM_CALLS, while
    // V8 still compiles the path (the first call takes about 0.4 ms, the
    // next ten about 0.1 ms; steady-state calls are a few microseconds).
    summary() {
      const steady = ms.slice(WARM_CALLS).sort((a, b) => a - b);
      const all = [...ms].sort((a, b) => a - b);
      return { p50: percentile(all, 0.5), p99: percentile(all, 0.99), steadyP99: percentile(steady, 0.99) };
    },
  };
}

export const waitForDequeue = (codec) => new Promise((resolve) => codec.addEventListener('dequeue', resolve, { once: true }));

/** Prints the job's one JSON line. */
export function report(extra) {
  const ms = (ns) => Number((ns / 1e6).toFixed(2));
  const cpu = process.cpuUsage(cpuFrom);
  const pools = getPoolStats().total;
  console.log(
    JSON.stringify({
      ...extra,
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
      lagMs: probing ? { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) } : null,
      maxRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
      pool: { acquires: pools.acquires, fresh: pools.freshAllocations },
    }),
  );
}
