// getLiveObjects(): each count follows its objects exactly, and every count
// is back to zero once everything is closed, joined and collected (the
// fixture prints the counts at each stage; beforeExit comes after every
// worker has reported that it ended).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { runNode } from '../helpers/process.mjs';

const fixture = fileURLToPath(new URL('./fixtures/live-objects.mjs', import.meta.url));
const ZERO_OBJECTS = {
  videoFrames: 0, audioData: 0, chunkBuffers: 0, videoDecoders: 0, videoEncoders: 0,
  audioDecoders: 0, audioEncoders: 0, demuxers: 0, muxers: 0, imageDecoders: 0,
};
const ZERO = { ...ZERO_OBJECTS, poolBuffers: 0 };

test('live-object counts: exact while objects live, zero after close, join and collection', () => {
  // Array buffers swept during gc(), not after it: what it frees is counted at once.
  const run = runNode(['--expose-gc', '--no-concurrent-array-buffer-sweeping', fixture]);
  assert.equal(run.signal, null, run.stderr);
  assert.equal(run.status, 0, run.stderr);
  const stages = new Map(run.stdout.trim().split('\n').map((line) => {
    const { stage, ...rest } = JSON.parse(line);
    return [stage, rest];
  }));
  const at = (stage) => {
    assert.ok(stages.has(stage), `stage ${stage} printed`);
    return stages.get(stage);
  };
  const { poolBuffers, ...held } = at('2 frames and a clone, 1 audio data and a clone');
  assert.ok(poolBuffers >= 3, 'frames and audio data built from buffers take pooled buffers');
  assert.deepEqual({ ...held, poolBuffers: 0 }, { ...ZERO, videoFrames: 2, audioData: 1 });
  const { poolBuffers: stillPooled, ...clonesOpen } = at('originals closed, clones open');
  assert.equal(stillPooled, poolBuffers, 'an open clone keeps the memory');
  assert.deepEqual({ ...clonesOpen, poolBuffers: 0 }, { ...ZERO, videoFrames: 2, audioData: 1 });
  assert.deepEqual(at('closed'), ZERO);
  assert.deepEqual(at('2 encoders, 2 decoders'), { ...ZERO, videoEncoders: 1, audioEncoders: 1, videoDecoders: 1, audioDecoders: 1 });
  const outputs = at('outputs');
  assert.ok(outputs.frames === 3 && outputs.audio > 0 && outputs.chunks > 3);
  // A decoder on frame threads (FFmpeg's VP8) keeps each thread's last
  // packet, a pooled copy of a chunk, until it decodes the next or closes;
  // each Opus AudioData held is a pooled buffer (interleaved samples).
  const { poolBuffers: held2, ...decoded } = at('decoded outputs held');
  assert.ok(held2 >= outputs.audio, `${held2} pool buffers: the ${outputs.audio} Opus outputs held hold theirs`);
  assert.ok(held2 - outputs.audio <= outputs.frames, `${held2 - outputs.audio} pool buffers held by the open video decoder`);
  assert.deepEqual(decoded, {
    ...ZERO_OBJECTS, videoEncoders: 1, audioEncoders: 1, videoDecoders: 1, audioDecoders: 1,
    videoFrames: outputs.frames, audioData: outputs.audio, chunkBuffers: outputs.chunks,
  });
  assert.equal(at('muxer').muxers, 1);
  const open = at('demuxer, image decoder, one image frame');
  assert.deepEqual([open.demuxers, open.imageDecoders, open.videoFrames], [1, 1, 1]);
  // Chunks still referenced count; demuxed chunks and muxed bytes until collected.
  assert.ok(open.chunkBuffers >= outputs.chunks, 'the encoded chunks held are counted');
  assert.ok(at('demuxed').chunks > 0);
  const closed = at('all closed');
  assert.deepEqual([closed.videoFrames, closed.audioData, closed.imageDecoders], [0, 0, 0], 'close() drops frames and image decoders at once');
  assert.deepEqual(at('exit'), ZERO);
  assert.match(run.stderr, /A VideoFrame was garbage collected without being closed/);
});
