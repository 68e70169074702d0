// Model-based tests of the ImageDecoder: random sequences (fast-check) of
// decode(), reset(), close() and track selection, on a buffer or on a
// stream fed as the sequence goes, over an animated GIF (one track) and an
// AVIF with a still and a sequence (two tracks), checked against the spec:
// - decode() on a closed decoder, or with no track selected, rejects with
//   InvalidStateError; past the selected track's last frame, RangeError;
// - a decode resolves only if no reset(), close() or selection change came
//   after it, with the frame it asked for (the reference decode's
//   timestamp); one that such a call overtook rejects with AbortError;
// - every promise settles (decodes, tracks.ready, completed), nothing
//   rejects with anything else.
// WCN_MODEL_RUNS sets the number of sequences per image (default 500).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import fc from 'fast-check';
import { ImageDecoder } from 'webcodecs-native';

import { makeAvif, makeImage, manualStream } from '../helpers/images.mjs';

const RUNS = Number(process.env.WCN_MODEL_RUNS || 500);
const SRC = 'testsrc2=size=64x48:rate=10';
const turn = () => new Promise((resolve) => setImmediate(resolve));

const IMAGES = [
  { name: 'animated GIF', type: 'image/gif', make: () => makeImage('gif', { source: SRC, frames: 3 }).data },
  { name: 'AVIF still and sequence', type: 'image/avif', make: () => makeAvif({ source: SRC, frames: 3, args: ['--fps', '10'] }).data },
];

const command = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 4 }).map((frameIndex) => ({ op: 'decode', frameIndex })), weight: 6 },
  { arbitrary: fc.constant({ op: 'reset' }), weight: 1 },
  { arbitrary: fc.constant({ op: 'close' }), weight: 1 },
  { arbitrary: fc.integer({ min: -1, max: 1 }).map((track) => ({ op: 'select', track })), weight: 2 },
  { arbitrary: fc.constant({ op: 'push' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'turn' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'await' }), weight: 1 },
);
const sequence = fc.record({ stream: fc.boolean(), commands: fc.array(command, { minLength: 1, maxLength: 30 }) });

/** Per track: the timestamps of its frames, decoded once, whole. */
async function referenceOf(type, data) {
  const decoder = new ImageDecoder({ type, data });
  await decoder.tracks.ready;
  const tracks = [];
  for (let t = 0; t < decoder.tracks.length; t++) {
    decoder.tracks[t].selected = true;
    const timestamps = [];
    for (let i = 0; i < decoder.tracks[t].frameCount; i++) {
      const { image } = await decoder.decode({ frameIndex: i });
      timestamps.push(image.timestamp);
      image.close();
    }
    tracks.push(timestamps);
  }
  decoder.close();
  return tracks;
}

async function runSequence({ type, data, reference }, { stream, commands }) {
  // The data in 4 slices, pushed by the sequence (and the rest at the end).
  const feed = stream ? manualStream() : null;
  const slices = stream ? [0, 1, 2, 3].map((i) => data.subarray(Math.floor((i * data.length) / 4), Math.floor(((i + 1) * data.length) / 4))) : [];
  const decoder = new ImageDecoder({ type, data: feed ? feed.stream : data });
  let ended = !feed;
  let closed = false;
  const push = () => {
    // close() cancels the stream: nothing more can be given to it.
    if (closed) ended = true;
    if (ended) return;
    if (slices.length) feed.push(slices.shift());
    if (!slices.length && !ended) {
      feed.end();
      ended = true;
    }
  };
  let primary = -1; // the track selected once the tracks are known
  let era = 0; // reset(), close() and selection changes so far
  const decodes = [];
  const settle = (promise, record) =>
    promise.then(
      (result) => (record.settled = { ok: true, era, timestamp: result.image.timestamp, complete: result.complete, selected: decoder.tracks.selectedIndex }, result.image.close()),
      (error) => (record.settled = { ok: false, era, error }),
    );
  const ready = decoder.tracks.ready.then(() => ((primary = decoder.tracks.selectedIndex), null), (e) => e);
  const completed = decoder.completed.then(() => null, (e) => e);

  for (const c of commands) {
    switch (c.op) {
      case 'decode': {
        const list = decoder.tracks;
        const record = { frameIndex: c.frameIndex, era, closedAtCall: closed, noTrackAtCall: list.length > 0 && list.selectedIndex === -1, selectedAtCall: list.selectedIndex, settled: null };
        record.promise = settle(decoder.decode({ frameIndex: c.frameIndex }), record);
        decodes.push(record);
        break;
      }
      case 'reset':
        decoder.reset();
        era++;
        break;
      case 'close':
        decoder.close();
        if (!closed) era++;
        closed = true;
        break;
      case 'select': {
        const list = decoder.tracks;
        const track = c.track === -1 ? list[list.selectedIndex] : list[c.track];
        if (!track) break;
        const value = c.track !== -1;
        if (track.selected !== value) era++;
        track.selected = value;
        break;
      }
      case 'push':
        if (!ended) push();
        break;
      case 'turn':
        await turn();
        break;
      case 'await':
        // A decode may wait for data: the stream delivers the rest first.
        while (!ended) push();
        await decodes.at(-1)?.promise;
        break;
    }
  }
  while (!ended) push();
  await Promise.all(decodes.map((d) => d.promise));
  const [readyError, completedError] = [await ready, await completed];

  for (const e of [readyError, completedError]) {
    if (e) assert.ok(closed && e.name === 'AbortError', `tracks.ready/completed rejected with ${e.name}: only close() may`);
  }
  for (const d of decodes) {
    const s = d.settled;
    assert.ok(s, 'every decode settles');
    if (s.ok) {
      assert.ok(!d.closedAtCall, 'no decode resolves once closed');
      assert.equal(s.era, d.era, 'a decode resolves only if nothing reset it');
      const frames = reference[s.selected];
      assert.equal(s.timestamp, frames[d.frameIndex], `frame ${d.frameIndex} of track ${s.selected}`);
      assert.equal(s.complete, true);
    } else if (s.error.name === 'AbortError') {
      assert.ok(s.error instanceof DOMException && s.era > d.era, 'AbortError only after reset(), close() or a selection change');
    } else if (s.error instanceof RangeError) {
      // Past the end of the track it was asked of (the primary one if none was known yet).
      const track = d.selectedAtCall !== -1 ? d.selectedAtCall : primary;
      assert.ok(d.frameIndex >= reference[track].length, `RangeError for frame ${d.frameIndex} of track ${track}: ${s.error.message}`);
    } else {
      assert.ok(s.error instanceof DOMException && s.error.name === 'InvalidStateError', `${s.error.name}: ${s.error.message}`);
      assert.ok(d.closedAtCall || d.noTrackAtCall, 'InvalidStateError only when closed or with no track selected');
    }
  }
  decoder.close();
}

for (const image of IMAGES) {
  describe(`ImageDecoder (${image.name}): random sequences of decode, reset, close and track selection`, () => {
    const fixture = {};
    before(async () => {
      fixture.type = image.type;
      fixture.data = image.make();
      fixture.reference = await referenceOf(image.type, fixture.data);
    });

    test(`${RUNS} sequences`, async () => {
      await fc.assert(fc.asyncProperty(sequence, (s) => runSequence(fixture, s)), { numRuns: RUNS, seed: 20260507, verbose: 1 });
    });
  });
}
