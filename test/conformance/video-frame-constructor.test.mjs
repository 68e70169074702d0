// VideoFrame constructor, attributes, allocationSize/copyTo and close, as the
// spec's algorithms define them, over every pixel format. Expected sizes come
// from this file's own table of plane geometry, not from the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { VideoFrame } from 'webcodecs-native';

// format: [planes as [sampleBytes, subX, subY]]
const FORMATS = {
  I420: [[1, 1, 1], [1, 2, 2], [1, 2, 2]],
  I420P10: [[2, 1, 1], [2, 2, 2], [2, 2, 2]],
  I420P12: [[2, 1, 1], [2, 2, 2], [2, 2, 2]],
  I420A: [[1, 1, 1], [1, 2, 2], [1, 2, 2], [1, 1, 1]],
  I420AP10: [[2, 1, 1], [2, 2, 2], [2, 2, 2], [2, 1, 1]],
  I420AP12: [[2, 1, 1], [2, 2, 2], [2, 2, 2], [2, 1, 1]],
  I422: [[1, 1, 1], [1, 2, 1], [1, 2, 1]],
  I422P10: [[2, 1, 1], [2, 2, 1], [2, 2, 1]],
  I422P12: [[2, 1, 1], [2, 2, 1], [2, 2, 1]],
  I422A: [[1, 1, 1], [1, 2, 1], [1, 2, 1], [1, 1, 1]],
  I422AP10: [[2, 1, 1], [2, 2, 1], [2, 2, 1], [2, 1, 1]],
  I422AP12: [[2, 1, 1], [2, 2, 1], [2, 2, 1], [2, 1, 1]],
  I444: [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
  I444P10: [[2, 1, 1], [2, 1, 1], [2, 1, 1]],
  I444P12: [[2, 1, 1], [2, 1, 1], [2, 1, 1]],
  I444A: [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]],
  I444AP10: [[2, 1, 1], [2, 1, 1], [2, 1, 1], [2, 1, 1]],
  I444AP12: [[2, 1, 1], [2, 1, 1], [2, 1, 1], [2, 1, 1]],
  NV12: [[1, 1, 1], [2, 2, 2]],
  RGBA: [[4, 1, 1]],
  RGBX: [[4, 1, 1]],
  BGRA: [[4, 1, 1]],
  BGRX: [[4, 1, 1]],
};
const RGB = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);
const OPAQUE = { I420A: 'I420', I420AP10: 'I420P10', I420AP12: 'I420P12', I422A: 'I422', I422AP10: 'I422P10',
  I422AP12: 'I422P12', I444A: 'I444', I444AP10: 'I444P10', I444AP12: 'I444P12', RGBA: 'RGBX', BGRA: 'BGRX' };

/** Tight plane layouts and total size for a w x h rect of `format`. */
function tightLayout(format, w, h) {
  let offset = 0;
  const layout = FORMATS[format].map(([bytes, sx, sy]) => {
    const stride = Math.ceil(w / sx) * bytes;
    const plane = { offset, stride, rows: Math.ceil(h / sy) };
    offset += stride * plane.rows;
    return plane;
  });
  return { layout, size: offset };
}

function patterned(size, seed = 1) {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + seed) & 0xff;
  return data;
}

function isDom(name) {
  return (e) => e instanceof DOMException && e.name === name;
}

const W = 6;
const H = 4;

for (const format of Object.keys(FORMATS)) {
  const { layout, size } = tightLayout(format, W, H);
  const base = { format, codedWidth: W, codedHeight: H, timestamp: 1000 };

  test(`${format}: tight buffer gives the spec's attributes and an exact copy`, async () => {
    const data = patterned(size);
    const frame = new VideoFrame(data, { ...base, duration: 40 });
    assert.equal(frame.format, format);
    assert.equal(frame.codedWidth, W);
    assert.equal(frame.codedHeight, H);
    assert.deepEqual(
      [frame.codedRect.x, frame.codedRect.y, frame.codedRect.width, frame.codedRect.height],
      [0, 0, W, H],
    );
    assert.deepEqual(
      [frame.visibleRect.x, frame.visibleRect.y, frame.visibleRect.width, frame.visibleRect.height],
      [0, 0, W, H],
    );
    assert.equal(frame.displayWidth, W);
    assert.equal(frame.displayHeight, H);
    assert.equal(frame.rotation, 0);
    assert.equal(frame.flip, false);
    assert.equal(frame.timestamp, 1000);
    assert.equal(frame.duration, 40);
    const expectedColor = RGB.has(format)
      ? { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true }
      : { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };
    assert.deepEqual(frame.colorSpace.toJSON(), expectedColor);
    assert.equal(frame.allocationSize(), size);
    const out = new Uint8Array(size);
    const planes = await frame.copyTo(out);
    assert.deepEqual(planes, layout.map(({ offset, stride }) => ({ offset, stride })));
    assert.deepEqual(out, data);
    frame.close();
  });

  test(`${format}: a buffer one byte short is a TypeError`, () => {
    assert.throws(() => new VideoFrame(new Uint8Array(size - 1), base), TypeError);
  });

  test(`${format}: explicit padded layout is honoured`, async () => {
    // Planes in reverse order with 3 bytes of row padding.
    let offset = 0;
    const padded = [];
    for (let p = layout.length - 1; p >= 0; p--) {
      padded[p] = { offset, stride: layout[p].stride + 3 };
      offset += padded[p].stride * layout[p].rows;
    }
    const data = patterned(offset, 5);
    const frame = new VideoFrame(data, { ...base, layout: padded });
    const out = new Uint8Array(size);
    await frame.copyTo(out);
    for (let p = 0; p < layout.length; p++) {
      for (let r = 0; r < layout[p].rows; r++) {
        const src = data.subarray(padded[p].offset + r * padded[p].stride, padded[p].offset + r * padded[p].stride + layout[p].stride);
        const dst = out.subarray(layout[p].offset + r * layout[p].stride, layout[p].offset + (r + 1) * layout[p].stride);
        assert.deepEqual(dst, src, `plane ${p} row ${r}`);
      }
    }
    // The same padded layout works for copyTo's destination.
    const dest = new Uint8Array(offset).fill(0xee);
    assert.deepEqual(await frame.copyTo(dest, { layout: padded }), padded);
    for (let p = 0; p < layout.length; p++) {
      const row0 = dest.subarray(padded[p].offset, padded[p].offset + layout[p].stride);
      assert.deepEqual(row0, data.subarray(padded[p].offset, padded[p].offset + layout[p].stride));
      assert.equal(dest[padded[p].offset + layout[p].stride], 0xee, 'padding left untouched');
    }
    frame.close();
  });

  test(`${format}: layout errors are TypeErrors`, () => {
    const data = patterned(size * 4);
    // Wrong number of planes.
    assert.throws(() => new VideoFrame(data, { ...base, layout: [...layout, { offset: 0, stride: 8 }] }), TypeError);
    // Stride shorter than a row.
    const short = layout.map((l, i) => ({ offset: l.offset, stride: i === 0 ? l.stride - 1 : l.stride }));
    assert.throws(() => new VideoFrame(data, { ...base, layout: short }), TypeError);
    if (layout.length > 1) {
      // Planes overlapping.
      const overlap = layout.map((l, i) => ({ offset: i === 1 ? 1 : l.offset, stride: l.stride }));
      assert.throws(() => new VideoFrame(data, { ...base, layout: overlap }), TypeError);
    }
    // Members out of the unsigned long range.
    const negative = layout.map((l) => ({ offset: -1, stride: l.stride }));
    assert.throws(() => new VideoFrame(data, { ...base, layout: negative }), TypeError);
    const missingStride = layout.map((l) => ({ offset: l.offset }));
    assert.throws(() => new VideoFrame(data, { ...base, layout: missingStride }), TypeError);
  });

  const [, chroma] = FORMATS[format];
  const subX = chroma ? chroma[1] : 1;
  const subY = chroma ? chroma[2] : 1;

  test(`${format}: visibleRect alignment follows the subsampling`, () => {
    const data = patterned(size);
    const odd = { x: 1, y: 1, width: 2, height: 2 };
    if (subX === 1 && subY === 1) {
      const frame = new VideoFrame(data, { ...base, visibleRect: odd });
      assert.deepEqual([frame.codedWidth, frame.codedHeight], [2, 2]);
      frame.close();
    } else {
      assert.throws(() => new VideoFrame(data, { ...base, visibleRect: odd }), TypeError);
    }
    if (subX === 2 && subY === 1) {
      const frame = new VideoFrame(data, { ...base, visibleRect: { x: 2, y: 1, width: 2, height: 2 } });
      assert.deepEqual([frame.codedWidth, frame.codedHeight], [2, 2]);
      frame.close();
    }
  });

  test(`${format}: a visible rect is copied out of the coded image and becomes the frame`, async () => {
    // The data holds the whole coded image (tightly, or as a layout says);
    // the frame is the visible rect, at the origin (the spec's "MAY copy only
    // the visible rectangle ... reposition it", as Chromium and WPT do).
    const rectInit = { x: 2, y: 2, width: 4, height: 2 };
    const data = patterned(size, 9);
    const expected = [];
    FORMATS[format].forEach(([bytes, sx, sy], p) => {
      const { offset, stride } = layout[p];
      for (let row = rectInit.y / sy; row < (rectInit.y + rectInit.height) / sy; row++) {
        const start = offset + row * stride + (rectInit.x / sx) * bytes;
        expected.push(...data.subarray(start, start + (rectInit.width / sx) * bytes));
      }
    });
    for (const init of [{ ...base, visibleRect: rectInit }, { ...base, visibleRect: rectInit, layout }]) {
      const frame = new VideoFrame(data, init);
      assert.deepEqual([frame.codedWidth, frame.codedHeight], [4, 2]);
      assert.deepEqual(frame.visibleRect.toJSON(), { x: 0, y: 0, width: 4, height: 2, top: 0, right: 4, bottom: 2, left: 0 });
      assert.deepEqual([frame.displayWidth, frame.displayHeight], [4, 2]);
      assert.equal(frame.allocationSize(), expected.length);
      const out = new Uint8Array(expected.length);
      await frame.copyTo(out);
      assert.deepEqual([...out], expected, 'the rect\'s samples of every plane');
      frame.close();
    }
    assert.throws(() => new VideoFrame(data.subarray(1), { ...base, visibleRect: rectInit }), TypeError, 'the data must hold the coded image');
  });

  test(`${format}: alpha "discard" gives the equivalent opaque format`, async () => {
    const frame = new VideoFrame(patterned(size), base);
    const opaque = new VideoFrame(frame, { alpha: 'discard' });
    assert.equal(opaque.format, OPAQUE[format] ?? format);
    const kept = new VideoFrame(frame, { alpha: 'keep' });
    assert.equal(kept.format, format);
    const expected = tightLayout(opaque.format, W, H).size;
    assert.equal(opaque.allocationSize(), expected);
    const a = new Uint8Array(expected);
    const b = new Uint8Array(size);
    await opaque.copyTo(a);
    await frame.copyTo(b);
    assert.deepEqual(a, b.subarray(0, expected), 'opaque planes are the same bytes');
    for (const f of [frame, opaque, kept]) f.close();
  });
}

test('VideoFrameBufferInit validity: every invalid init is a TypeError', () => {
  const data = new Uint8Array(64 * 64 * 4);
  const ok = { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 0 };
  const cases = {
    'missing format': { codedWidth: 4, codedHeight: 2, timestamp: 0 },
    'missing codedWidth': { format: 'I420', codedHeight: 2, timestamp: 0 },
    'missing codedHeight': { format: 'I420', codedWidth: 4, timestamp: 0 },
    'missing timestamp': { format: 'I420', codedWidth: 4, codedHeight: 2 },
    'unknown format': { ...ok, format: 'YV12' },
    'lower-case format': { ...ok, format: 'i420' },
    'codedWidth 0': { ...ok, codedWidth: 0 },
    'codedHeight 0': { ...ok, codedHeight: 0 },
    'codedWidth negative': { ...ok, codedWidth: -4 },
    'codedWidth NaN': { ...ok, codedWidth: NaN },
    'codedWidth 2^32': { ...ok, codedWidth: 2 ** 32 },
    'timestamp Infinity': { ...ok, timestamp: Infinity },
    'duration negative': { ...ok, duration: -1 },
    'visibleRect negative x': { ...ok, visibleRect: { x: -2, y: 0, width: 2, height: 2 } },
    'visibleRect NaN width': { ...ok, visibleRect: { x: 0, y: 0, width: NaN, height: 2 } },
    'visibleRect infinite height': { ...ok, visibleRect: { x: 0, y: 0, width: 2, height: Infinity } },
    'visibleRect zero width': { ...ok, visibleRect: { x: 0, y: 0, width: 0, height: 2 } },
    'visibleRect past codedWidth': { ...ok, visibleRect: { x: 2, y: 0, width: 4, height: 2 } },
    'visibleRect past codedHeight': { ...ok, visibleRect: { x: 0, y: 2, width: 2, height: 2 } },
    'displayWidth without displayHeight': { ...ok, displayWidth: 4 },
    'displayHeight without displayWidth': { ...ok, displayHeight: 4 },
    'displayWidth 0': { ...ok, displayWidth: 0, displayHeight: 4 },
    'layout not a sequence': { ...ok, layout: 5 },
    'colorSpace with a bad enum': { ...ok, colorSpace: { matrix: 'nope' } },
    'transfer not a sequence': { ...ok, transfer: 1 },
    'transfer of a view': { ...ok, transfer: [data] },
  };
  for (const [name, init] of Object.entries(cases)) {
    assert.throws(() => new VideoFrame(data, init), TypeError, name);
  }
  assert.throws(() => new VideoFrame(data), TypeError, 'init is required for buffers');
  assert.throws(() => new VideoFrame(data, null), TypeError, 'null init');
  assert.throws(() => new VideoFrame({}, ok), TypeError, 'not an image or buffer');
  assert.throws(() => new VideoFrame('pixels', ok), TypeError, 'string source');
});

test('VideoFrame accepts ArrayBuffer, SharedArrayBuffer and any ArrayBufferView', async () => {
  const init = { format: 'RGBA', codedWidth: 2, codedHeight: 1, timestamp: 0 };
  const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
  const sab = new SharedArrayBuffer(8);
  new Uint8Array(sab).set(bytes);
  const sources = [new Uint8Array(bytes).buffer, sab, new Uint16Array(new Uint8Array(bytes).buffer), new DataView(new Uint8Array(bytes).buffer)];
  for (const source of sources) {
    const frame = new VideoFrame(source, init);
    const out = new Uint8Array(8);
    await frame.copyTo(out);
    assert.deepEqual([...out], bytes);
    frame.close();
  }
});

test('transfer: duplicates and detached buffers are DataCloneError; success detaches', () => {
  const init = { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 };
  const buffer = new ArrayBuffer(16);
  assert.throws(() => new VideoFrame(buffer, { ...init, transfer: [buffer, buffer] }), isDom('DataCloneError'));
  assert.equal(buffer.byteLength, 16, 'nothing detached when construction fails');
  const gone = new ArrayBuffer(16);
  structuredClone(gone, { transfer: [gone] });
  assert.throws(() => new VideoFrame(buffer, { ...init, transfer: [gone] }), isDom('DataCloneError'));
  // Validity errors come before transfer checks.
  assert.throws(() => new VideoFrame(buffer, { ...init, codedWidth: 0, transfer: [buffer, buffer] }), TypeError);
  const extra = new ArrayBuffer(4);
  const frame = new VideoFrame(buffer, { ...init, transfer: [buffer, extra] });
  assert.equal(buffer.byteLength, 0);
  assert.equal(extra.byteLength, 0);
  assert.equal(frame.format, 'RGBA');
  frame.close();
});

test('rotation is parsed to a multiple of 90 and swaps the default display size', () => {
  const data = new Uint8Array(6 * 4 * 4);
  const init = { format: 'RGBA', codedWidth: 6, codedHeight: 4, timestamp: 0 };
  const expectations = [
    [0, 0], [44, 0], [45, 90], [90, 90], [134, 90], [135, 180], [270, 270], [315, 0], [359, 0], [360, 0],
    [-45, 0], [-46, 270], [-90, 270], [-180, 180], [720, 0], [810, 90],
  ];
  for (const [given, parsed] of expectations) {
    const frame = new VideoFrame(data, { ...init, rotation: given });
    assert.equal(frame.rotation, parsed, `rotation ${given}`);
    const quarter = parsed === 90 || parsed === 270;
    assert.equal(frame.displayWidth, quarter ? 4 : 6, `displayWidth for ${given}`);
    assert.equal(frame.displayHeight, quarter ? 6 : 4, `displayHeight for ${given}`);
    frame.close();
  }
  assert.throws(() => new VideoFrame(data, { ...init, rotation: NaN }), TypeError);
  const flipped = new VideoFrame(data, { ...init, flip: true, displayWidth: 12, displayHeight: 4 });
  assert.equal(flipped.flip, true);
  assert.equal(flipped.displayWidth, 12, 'explicit display size is kept as given');
  flipped.close();
});

test('frame from frame: overrides, rotation composition and display scaling', () => {
  const data = new Uint8Array(8 * 4 * 4);
  const source = new VideoFrame(data, {
    format: 'RGBA', codedWidth: 8, codedHeight: 4, timestamp: 5, duration: 7,
    displayWidth: 16, displayHeight: 4, rotation: 90, flip: true, metadata: { rtpTimestamp: 42 },
  });
  assert.equal(source.displayWidth, 16);
  const same = new VideoFrame(source);
  assert.equal(same.timestamp, 5);
  assert.equal(same.duration, 7);
  assert.equal(same.rotation, 90);
  assert.equal(same.flip, true);
  assert.equal(same.displayWidth, 16);
  assert.equal(same.displayHeight, 4);
  assert.deepEqual(same.metadata(), {}, 'metadata is not inherited from the source frame');
  assert.deepEqual(source.metadata(), { rtpTimestamp: 42 });

  const over = new VideoFrame(source, { timestamp: 9, duration: 1, rotation: 90, flip: true });
  assert.equal(over.timestamp, 9);
  assert.equal(over.duration, 1);
  // With the source flipped, rotations subtract: 90 - 90 = 0; flips cancel.
  assert.equal(over.rotation, 0);
  assert.equal(over.flip, false);

  // Cropping keeps the pixel aspect ratio: the unrotated display size of the
  // source is 4x16 for an 8x4 visible rect (x0.5 horizontally, x4 vertically).
  const cropped = new VideoFrame(source, { visibleRect: { x: 0, y: 0, width: 4, height: 2 } });
  assert.equal(cropped.rotation, 90);
  assert.equal(cropped.displayWidth, 8, 'rotated: width comes from the scaled height');
  assert.equal(cropped.displayHeight, 2);
  assert.throws(() => new VideoFrame(source, { visibleRect: { x: 6, y: 0, width: 4, height: 2 } }), TypeError);
  assert.throws(() => new VideoFrame(source, { displayWidth: 3 }), TypeError);
  assert.throws(() => new VideoFrame(source, { alpha: 'remove' }), TypeError);
  for (const f of [source, same, over, cropped]) f.close();
  assert.throws(() => new VideoFrame(source), isDom('InvalidStateError'));
  // The init is converted (WebIDL) before the steps find the source closed.
  assert.throws(() => new VideoFrame(source, { alpha: 'remove' }), TypeError);
});

test("frame from frame: VideoFrameInit's times are plain long long / unsigned long long (no [EnforceRange])", () => {
  const source = new VideoFrame(new Uint8Array(8 * 4 * 4), { format: 'RGBA', codedWidth: 8, codedHeight: 4, timestamp: 5, duration: 7 });
  const times = (init) => {
    const f = new VideoFrame(source, init);
    const t = [f.timestamp, f.duration];
    f.close();
    return t;
  };
  assert.deepEqual(times({ timestamp: NaN, duration: Infinity }), [0, 0], 'NaN and infinities convert to 0');
  assert.deepEqual(times({ timestamp: '12.9', duration: 'abc' }), [12, 0]);
  assert.deepEqual(times({ timestamp: -3.7, duration: 2.5 }), [-3, 2], 'truncated toward zero');
  assert.deepEqual(times({ timestamp: 2 ** 63, duration: -1 }), [-(2 ** 63), 2 ** 64], 'wrapped modulo 2^64');
  assert.throws(() => new VideoFrame(source, { timestamp: 1n }), TypeError, 'a BigInt is no number');
  // VideoFrameBufferInit's do have [EnforceRange].
  const init = { format: 'RGBA', codedWidth: 8, codedHeight: 4 };
  assert.throws(() => new VideoFrame(new Uint8Array(128), { ...init, timestamp: NaN }), TypeError);
  assert.throws(() => new VideoFrame(new Uint8Array(128), { ...init, timestamp: 0, duration: -1 }), TypeError);
  source.close();
});

test('metadata keeps only registered members and is copied', () => {
  const metadata = { rtpTimestamp: 1234, custom: 'dropped' };
  const frame = new VideoFrame(new Uint8Array(4), {
    format: 'RGBA', codedWidth: 1, codedHeight: 1, timestamp: 0, metadata,
  });
  const got = frame.metadata();
  assert.deepEqual(got, { rtpTimestamp: 1234 });
  got.rtpTimestamp = 1;
  assert.equal(frame.metadata().rtpTimestamp, 1234, 'metadata() returns a copy');
  frame.close();
});

test('copyTo options: format conversion is limited to RGB targets', async () => {
  const frame = new VideoFrame(new Uint8Array(6 * 4 * 3 / 2), { format: 'I420', codedWidth: 6, codedHeight: 4, timestamp: 0 });
  assert.throws(() => frame.allocationSize({ format: 'NV12' }), isDom('NotSupportedError'));
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { format: 'I444' }), isDom('NotSupportedError'));
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { format: 'bogus' }), TypeError);
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { colorSpace: 'rec2020' }), TypeError);
  assert.equal(frame.allocationSize({ format: 'RGBA' }), 6 * 4 * 4);
  assert.equal(frame.allocationSize({ format: 'BGRX', rect: { x: 2, y: 2, width: 2, height: 2 } }), 16);
  await assert.rejects(frame.copyTo(new Uint8Array(95), { format: 'RGBA' }), TypeError);
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { rect: { x: 1, y: 0, width: 2, height: 2 } }), TypeError);
  assert.throws(() => frame.allocationSize({ rect: { x: 0, y: 0, width: 8, height: 2 } }),
    { name: 'TypeError', message: /^Invalid VideoFrameCopyToOptions\.rect; expected x \+ width <= codedWidth \(6\), received 8\.$/ });
  assert.throws(() => new VideoFrame(frame, { visibleRect: { x: 1, y: 0, width: 2, height: 2 } }),
    { name: 'TypeError', message: /^Invalid VideoFrameInit\.visibleRect; expected x and y aligned/ });
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { rect: { x: 0, y: 0, width: 8, height: 2 } }), TypeError);
  await assert.rejects(frame.copyTo(new Uint8Array(1000), { rect: { x: 0, y: 0, width: 0, height: 2 } }), TypeError);
  await assert.rejects(frame.copyTo(new Uint8Array(35)), TypeError, 'destination one byte short');
  const layouts = await frame.copyTo(new Uint8Array(96), { format: 'RGBA' });
  assert.deepEqual(layouts, [{ offset: 0, stride: 24 }]);
  frame.close();
});

test('close(): attributes reset, methods throw InvalidStateError, timestamp stays', async () => {
  const frame = new VideoFrame(new Uint8Array(16), {
    format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 77, duration: 5, rotation: 90, flip: true,
  });
  frame.close();
  assert.equal(frame.format, null);
  assert.equal(frame.codedWidth, 0);
  assert.equal(frame.codedHeight, 0);
  assert.equal(frame.codedRect, null);
  assert.equal(frame.visibleRect, null);
  assert.equal(frame.displayWidth, 0);
  assert.equal(frame.displayHeight, 0);
  assert.equal(frame.rotation, 0);
  assert.equal(frame.flip, false);
  assert.equal(frame.timestamp, 77);
  assert.equal(frame.duration, 5);
  assert.throws(() => frame.clone(), isDom('InvalidStateError'));
  assert.throws(() => frame.metadata(), isDom('InvalidStateError'));
  assert.throws(() => frame.allocationSize(), isDom('InvalidStateError'));
  await assert.rejects(frame.copyTo(new Uint8Array(16)), isDom('InvalidStateError'));
  frame.close();  // closing twice is allowed
});

test('clones are independent: closing one leaves the other readable', async () => {
  const data = patterned(16);
  const frame = new VideoFrame(data, { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 3 });
  const clone = frame.clone();
  frame.close();
  assert.equal(clone.format, 'RGBA');
  assert.equal(clone.timestamp, 3);
  const out = new Uint8Array(16);
  await clone.copyTo(out);
  assert.deepEqual(out, data);
  clone.close();
});
