// EncodedVideoChunk / EncodedAudioChunk per the spec's constructor,
// attributes, copyTo and transfer steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EncodedAudioChunk, EncodedVideoChunk } from 'webcodecs-native';

for (const Chunk of [EncodedVideoChunk, EncodedAudioChunk]) {
  const name = Chunk.name;

  test(`${name}: attributes reflect the init and data is copied`, () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const chunk = new Chunk({ type: 'key', timestamp: -10, duration: 33, data });
    assert.equal(chunk.type, 'key');
    assert.equal(chunk.timestamp, -10);
    assert.equal(chunk.duration, 33);
    assert.equal(chunk.byteLength, 4);
    data[0] = 99;
    const out = new Uint8Array(4);
    chunk.copyTo(out);
    assert.deepEqual([...out], [1, 2, 3, 4], 'later writes to the source do not reach the chunk');
    assert.equal(Object.prototype.toString.call(chunk), `[object ${name}]`);
  });

  test(`${name}: duration is null when absent; views use only their window`, () => {
    const buffer = new Uint8Array([9, 8, 7, 6, 5]).buffer;
    const chunk = new Chunk({ type: 'delta', timestamp: 0, data: new DataView(buffer, 1, 3) });
    assert.equal(chunk.duration, null);
    assert.equal(chunk.byteLength, 3);
    const out = new Uint8Array(5);
    chunk.copyTo(out);
    assert.deepEqual([...out], [8, 7, 6, 0, 0]);
  });

  test(`${name}: accepts ArrayBuffer, SharedArrayBuffer and typed arrays of any element type`, () => {
    const sab = new SharedArrayBuffer(2);
    new Uint8Array(sab).set([5, 6]);
    assert.equal(new Chunk({ type: 'key', timestamp: 0, data: sab }).byteLength, 2);
    assert.equal(new Chunk({ type: 'key', timestamp: 0, data: new Uint16Array(3) }).byteLength, 6);
    assert.equal(new Chunk({ type: 'key', timestamp: 0, data: new ArrayBuffer(0) }).byteLength, 0);
  });

  test(`${name}: invalid inits throw TypeError`, () => {
    const data = new Uint8Array(1);
    const cases = [
      undefined,
      {},
      { timestamp: 0, data },
      { type: 'key', data },
      { type: 'key', timestamp: 0 },
      { type: 'other', timestamp: 0, data },
      { type: 'key', timestamp: NaN, data },
      { type: 'key', timestamp: Infinity, data },
      { type: 'key', timestamp: 2 ** 53, data },
      { type: 'key', timestamp: 0, duration: -1, data },
      { type: 'key', timestamp: 0, data: [1, 2] },
      { type: 'key', timestamp: 0, data, transfer: [data] },
      { type: 'key', timestamp: 0, data, transfer: 5 },
    ];
    for (const init of cases) assert.throws(() => new Chunk(init), TypeError, JSON.stringify(init));
  });

  test(`${name}: timestamps are truncated long longs`, () => {
    assert.equal(new Chunk({ type: 'key', timestamp: 1.9, data: new Uint8Array(1) }).timestamp, 1);
    assert.equal(new Chunk({ type: 'key', timestamp: -1.9, data: new Uint8Array(1) }).timestamp, -1);
  });

  test(`${name}: detached data not in transfer is an empty byte sequence (WebIDL), not an error`, () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint16Array(buffer, 2, 2);
    const dataView = new DataView(buffer, 1, 4); // its byteLength throws once detached
    structuredClone(buffer, { transfer: [buffer] });
    for (const data of [buffer, view, dataView]) {
      const chunk = new Chunk({ type: 'key', timestamp: 0, data });
      assert.equal(chunk.byteLength, 0);
      chunk.copyTo(new Uint8Array(0));
      chunk.copyTo(buffer);
      chunk.copyTo(dataView);
    }
    const full = new Chunk({ type: 'key', timestamp: 0, data: new Uint8Array(4) });
    assert.throws(() => full.copyTo(dataView), { name: 'TypeError', message: /received a DataView of 0 bytes/ });
  });

  test(`${name}: copyTo into a smaller destination throws TypeError`, () => {
    const chunk = new Chunk({ type: 'key', timestamp: 0, data: new Uint8Array(8) });
    assert.throws(() => chunk.copyTo(new Uint8Array(7)), TypeError);
    assert.throws(() => chunk.copyTo('nope'), TypeError);
  });

  test(`${name}: transfer detaches the buffers and keeps the bytes`, () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const other = new ArrayBuffer(16);
    const chunk = new Chunk({ type: 'key', timestamp: 0, data: buffer, transfer: [buffer, other] });
    assert.equal(buffer.byteLength, 0, 'data buffer detached');
    assert.equal(other.byteLength, 0, 'other listed buffer detached');
    const out = new Uint8Array(3);
    chunk.copyTo(out);
    assert.deepEqual([...out], [1, 2, 3]);
  });

  test(`${name}: transferring a buffer through a view keeps the view's window`, () => {
    const buffer = new Uint8Array([1, 2, 3, 4, 5]).buffer;
    const chunk = new Chunk({ type: 'key', timestamp: 0, data: new Uint8Array(buffer, 1, 2), transfer: [buffer] });
    assert.equal(buffer.byteLength, 0);
    const out = new Uint8Array(2);
    chunk.copyTo(out);
    assert.deepEqual([...out], [2, 3]);
  });

  test(`${name}: duplicate or detached transfer entries throw DataCloneError and detach nothing`, () => {
    const buffer = new ArrayBuffer(4);
    assert.throws(
      () => new Chunk({ type: 'key', timestamp: 0, data: buffer, transfer: [buffer, buffer] }),
      (e) => e instanceof DOMException && e.name === 'DataCloneError',
    );
    assert.equal(buffer.byteLength, 4, 'nothing detached after a failed construction');
    const detached = new ArrayBuffer(4);
    structuredClone(detached, { transfer: [detached] });
    assert.throws(
      () => new Chunk({ type: 'key', timestamp: 0, data: new Uint8Array(1), transfer: [detached] }),
      (e) => e instanceof DOMException && e.name === 'DataCloneError',
    );
  });
}
