// VideoColorSpace per the spec: nullable members, enum validation, toJSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { VideoColorSpace } from 'webcodecs-native';

test('VideoColorSpace: empty init gives all-null members', () => {
  for (const cs of [new VideoColorSpace(), new VideoColorSpace({}), new VideoColorSpace(undefined)]) {
    assert.deepEqual(cs.toJSON(), { primaries: null, transfer: null, matrix: null, fullRange: null });
    assert.equal(cs.primaries, null);
    assert.equal(cs.fullRange, null);
  }
});

test('VideoColorSpace: every enum value round-trips through toJSON', () => {
  const primaries = ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432'];
  const transfers = ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg'];
  const matrices = ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl'];
  for (const p of primaries) assert.equal(new VideoColorSpace({ primaries: p }).primaries, p);
  for (const t of transfers) assert.equal(new VideoColorSpace({ transfer: t }).transfer, t);
  for (const m of matrices) assert.equal(new VideoColorSpace({ matrix: m }).matrix, m);
  const init = { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: true };
  assert.deepEqual(new VideoColorSpace(init).toJSON(), init);
  assert.deepEqual(JSON.parse(JSON.stringify(new VideoColorSpace(init))), init);
});

test('VideoColorSpace: fullRange converts to boolean, null stays null', () => {
  assert.equal(new VideoColorSpace({ fullRange: 1 }).fullRange, true);
  assert.equal(new VideoColorSpace({ fullRange: 0 }).fullRange, false);
  assert.equal(new VideoColorSpace({ fullRange: null }).fullRange, null);
});

test('VideoColorSpace: unknown enum strings throw TypeError', () => {
  assert.throws(() => new VideoColorSpace({ primaries: 'BT709' }), TypeError);
  assert.throws(() => new VideoColorSpace({ transfer: 'srgb' }), TypeError);
  assert.throws(() => new VideoColorSpace({ matrix: 'bt2020' }), TypeError);
  assert.throws(() => new VideoColorSpace(5), TypeError);
});

test('VideoColorSpace: attributes are read-only', () => {
  const cs = new VideoColorSpace({ primaries: 'bt709' });
  assert.throws(() => {
    'use strict';
    cs.primaries = 'bt2020';
  }, TypeError);
  assert.equal(cs.primaries, 'bt709');
});
