// Teardown: worker_threads running encoders, decoders, a Muxer, a Demuxer
// and an ImageDecoder, terminated at chosen points (mid-configure,
// mid-flush, inside output and error callbacks, while a muxer finalizes or
// a demuxer opens or reads), hundreds of times; many workers at once;
// workers and processes that never call close(); process.exit() with all
// of that in flight. The process never crashes, its OS threads are back to
// the baseline after every worker has ended, and no handle is left open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { runNode, runScript } from '../helpers/process.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const STAGES = [
  'configure', 'encoder-output', 'decoder-output', 'audio-encoder-output', 'audio-decoder-output', 'flush', 'error-callback',
  'muxer-new', 'muxer-finalize', 'demuxer-open', 'demuxer-chunk', 'image-decode',
];

/** Runs teardown-rounds.mjs; returns its report once it exited normally. */
function rounds(...args) {
  const run = spawnSync(process.execPath, [fixture('teardown-rounds.mjs'), ...args.map(String)], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(run.signal, null, `the process died: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout.trim().split('\n').pop());
  assert.deepEqual(report.leaks, [], 'OS threads back to the baseline after every worker');
  assert.equal(report.after, report.baseline, `threads: ${report.baseline} before, ${report.after} after (${report.names.join(', ')})`);
  assert.deepEqual(report.resourcesAfter, report.resourcesBefore, 'no handle left open');
  return report;
}

test('200 workers terminated at chosen points: no abnormal exit, OS threads back to baseline after each', () => {
  assert.equal(rounds(200).rounds, 200);
});

test('the addon in 8 workers at once, and 5 workers that end without closing anything', () => {
  const report = rounds(0, 8, 5);
  assert.equal(report.parallel, 8);
  assert.deepEqual(report.exitCodes, [0, 0, 0, 0, 0]);
});

test('process.exit() with codecs, a muxer, a demuxer and an image decoder at work', () => {
  for (const stage of STAGES) {
    const run = runNode([fixture('codec-worker.mjs'), JSON.stringify({ codec: 'avc1.42001f', stage, occurrence: 2 })]);
    assert.equal(run.signal, null, `${stage}: the process died: ${run.stderr}`);
    assert.equal(run.status, 0, `${stage}: ${run.stderr}`);
    assert.equal(run.stderr, '', stage);
  }
});

test('process.exit() while encoder threads resample into pooled buffers, 12 times', () => {
  // exit() runs static destructors while codec threads still run: the pool
  // registry was one, and a thread that used it then crashed the process
  // (about 1 run in 10 before it became immortal).
  const script = `
    import { AudioData, AudioEncoder } from 'webcodecs-native';
    const encoders = Array.from({ length: 4 }, () => {
      const encoder = new AudioEncoder({ output() {}, error() {} });
      encoder.configure({ codec: 'opus', sampleRate: 44100, numberOfChannels: 2 });
      return encoder;
    });
    for (let n = 0; ; n++) {
      for (const encoder of encoders) {
        const data = new AudioData({ format: 'f32-planar', sampleRate: 44100, numberOfFrames: 4410, numberOfChannels: 2, timestamp: n * 100000, data: new Float32Array(8820) });
        encoder.encode(data);
        data.close();
      }
      if (n === 20) process.exit(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  `;
  for (let i = 0; i < 12; i++) {
    const run = runScript(script);
    assert.equal(run.signal, null, `run ${i}: the process died: ${run.stderr}`);
    assert.equal(run.status, 0, `run ${i}: ${run.stderr}`);
  }
});

test('a process that never calls close() ends by itself with no handle open', () => {
  const run = runNode([fixture('codec-worker.mjs'), JSON.stringify({ codec: 'vp8', stage: 'none', rounds: 30 })]);
  assert.equal(run.signal, null, run.stderr);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), []);
});
