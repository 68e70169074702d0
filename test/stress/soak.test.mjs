// The soak script's short run (scripts/soak.mjs; docs/reliability.md has a
// 10-minute one): encode, decode, mux, demux and decode again, round after
// round. Once everything is closed and collected every live-object count
// is back to zero; during the run nothing piles up (frames and samples are
// closed in the callbacks, muxers and demuxers end with their round); and
// RSS stays flat: the last quarter's mean within DRIFT_BOUND_MIB of the
// second quarter's.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { runNode } from '../helpers/process.mjs';

const ROUNDS = 48;
const DRIFT_BOUND_MIB = 16;

test(`soak, ${ROUNDS} rounds: every live-object count back to zero, RSS flat within ${DRIFT_BOUND_MIB} MiB`, () => {
  const run = runNode(['scripts/soak.mjs', '--rounds', String(ROUNDS), '--json'], { timeoutMs: 300_000 });
  assert.equal(run.signal, null, run.stderr);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.rounds, ROUNDS);
  assert.equal(report.framesEncoded, ROUNDS * 15);
  assert.equal(report.framesDecoded, 2 * report.framesEncoded, 'every frame decoded from the encoder and again from the file');
  assert.deepEqual(Object.values(report.live), Object.values(report.live).map(() => 0), JSON.stringify(report.live));
  const { videoFrames, audioData, videoEncoders, videoDecoders, audioEncoders, audioDecoders, demuxers, muxers } = report.liveMax;
  assert.deepEqual([videoFrames, audioData], [0, 0], 'outputs are closed as they come');
  assert.deepEqual([videoEncoders, videoDecoders, audioEncoders, audioDecoders], [1, 1, 1, 1]);
  assert.ok(demuxers <= 1 && muxers <= 1, `demuxers ${demuxers}, muxers ${muxers}: each ends with its round`);
  assert.ok(Math.abs(report.rss.driftMiB) <= DRIFT_BOUND_MIB, `RSS drifted ${report.rss.driftMiB.toFixed(1)} MiB`);
});
