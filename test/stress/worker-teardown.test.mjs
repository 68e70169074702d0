// worker_threads running encoders and decoders, terminated mid-configure,
// mid-flush and inside output and error callbacks: the process never
// crashes, and every codec thread is gone once its worker has ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

test('200 workers terminated at chosen points: no abnormal exit, OS threads back to baseline', () => {
  const run = spawnSync(process.execPath, [fixture('teardown-rounds.mjs'), '200'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.signal, null, `the process died: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  const { rounds, baseline, after, names } = JSON.parse(run.stdout.trim().split('\n').pop());
  assert.equal(rounds, 200);
  assert.equal(after, baseline, `threads: ${baseline} before, ${after} after (${names.join(', ')})`);
});

test('the addon loads and runs in many workers at once, and all of them exit', () => {
  const run = spawnSync(process.execPath, [fixture('teardown-rounds.mjs'), '0', '8'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.signal, null, `the process died: ${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  const { baseline, after, parallel, names } = JSON.parse(run.stdout.trim().split('\n').pop());
  assert.equal(parallel, 8);
  assert.equal(after, baseline, `threads: ${baseline} before, ${after} after (${names.join(', ')})`);
});
