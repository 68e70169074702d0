// The driver side of the benchmarks: run the ffmpeg CLI and our job scripts
// (each measurement in its own process), alternate them, and report medians
// and ratios (ours / CLI throughput, higher is better).
import { execFileSync, spawnSync } from 'node:child_process';

/** The CLI's transcoding time (wall and CPU) from its -benchmark line. */
export function cli(args) {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-benchmark', '-y', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${run.stderr.slice(-400)}`);
  const m = /utime=([\d.]+)s stime=([\d.]+)s rtime=([\d.]+)s/.exec(run.stderr);
  if (!m) throw new Error(`no rtime in the CLI's output: ${run.stderr.slice(-400)}`);
  return { seconds: Number(m[3]), cpuSeconds: Number(m[1]) + Number(m[2]) };
}

/**
 * One measurement by a job script (bench/*-job.mjs): its JSON report. With
 * `probe`, the job measures its event-loop lag (bench/lib/job.mjs).
 */
export function job(script, mode, params, { probe = false } = {}) {
  const env = { ...process.env, BENCH_LAG_PROBE: probe ? '1' : '0' };
  const out = execFileSync(process.execPath, [script, mode, JSON.stringify(params)], { maxBuffer: 1 << 26, env });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `runs` alternating runs of each side; the median run of each, as a row.
 * `runOurs({probe})` runs our job; the timed runs go without the lag probe,
 * and as many more runs with it give the row its event-loop lag.
 */
export function compare(label, runs, runCli, runOurs) {
  const cliRuns = [];
  const ourRuns = [];
  const probeRuns = [];
  for (let r = 0; r < runs; r++) {
    // Alternate, so drift in machine load hits both sides alike.
    cliRuns.push(runCli());
    ourRuns.push(runOurs({ probe: false }));
    probeRuns.push(runOurs({ probe: true }));
  }
  const bySeconds = (a, b) => a.seconds - b.seconds;
  const theirs = cliRuns.sort(bySeconds)[Math.floor(runs / 2)];
  const mine = ourRuns.sort(bySeconds)[Math.floor(runs / 2)];
  // CPU time is the fairer measure when other work shares the machine.
  const cpuRatio = median(cliRuns.map((r) => r.cpuSeconds)) / median(ourRuns.map((r) => r.cpuSeconds));
  const { lagMs } = probeRuns.sort((a, b) => a.lagMs.p99 - b.lagMs.p99)[Math.floor(runs / 2)];
  const { seconds, ...rest } = mine;
  const row = {
    case: label,
    cliSeconds: theirs.seconds,
    oursSeconds: Number(seconds.toFixed(3)),
    ratio: Number((theirs.seconds / seconds).toFixed(3)),
    cpuRatio: Number(cpuRatio.toFixed(3)),
    ...rest,
    lagMs,
  };
  console.log(
    `${label.padEnd(24)} cli ${theirs.seconds.toFixed(2)}s  ours ${seconds.toFixed(2)}s  ratio ${row.ratio.toFixed(3)}  ` +
      `cpu ratio ${row.cpuRatio.toFixed(3)}  lag p99 ${lagMs.p99}ms max ${lagMs.max}ms  ` +
      `call p99 ${mine.callMs?.p99?.toFixed(3)}ms (steady ${mine.callMs?.steadyP99?.toFixed(3)}ms)  rss ${mine.maxRssMiB}MiB`,
  );
  return row;
}
