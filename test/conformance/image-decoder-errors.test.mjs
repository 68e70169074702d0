// The ImageDecoder rows of spec-errors.md: which operation raises which
// error, with the exact type (TypeError/RangeError vs DOMException name).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ImageDecoder, ImageTrack, ImageTrackList } from 'webcodecs-native';

import { imageWithSize, manualStream, makeImage } from '../helpers/images.mjs';

const SRC = 'testsrc2=size=64x48:rate=10';
const png = makeImage('png', { source: SRC }).data;
const gif = makeImage('gif', { source: SRC, frames: 5, args: ['-loop', '0'] }).data;
const jpeg = makeImage('jpg', { source: SRC, args: ['-q:v', '3'] }).data;
const webp = makeImage('webp', { source: SRC, args: ['-c:v', 'libwebp'] }).data;
const bmp = makeImage('bmp', { source: SRC }).data;

/** Offset of the first JPEG marker segment `marker` (before the scan data). */
function jpegSegment(data, marker) {
  for (let pos = 2; ; pos += 2 + data.readUInt16BE(pos + 2)) {
    if (data[pos + 1] === marker) return pos;
    if (data[pos + 1] === 0xda) throw new Error(`no marker ${marker.toString(16)} before the scan`);
  }
}

const isDom = (name) => (e) => e instanceof DOMException && e.name === name && e.message.length > 0;

describe('new ImageDecoder(init)', () => {
  test('invalid init throws TypeError', () => {
    const cases = [
      undefined,
      {},
      { data: png },
      { type: 'image/png' },
      { type: 'text/plain', data: png },
      { type: 'image', data: png },
      { type: 'image/png garbage', data: png },
      { type: 'image/png', data: new Uint8Array(0) },
      { type: 'image/png', data: 'not bytes' },
      { type: 'image/png', data: png, desiredWidth: 10 },
      { type: 'image/png', data: png, desiredHeight: 10 },
      { type: 'image/png', data: png, desiredWidth: 0, desiredHeight: 10 },
      { type: 'image/png', data: png, desiredWidth: 60000, desiredHeight: 60000 },
      { type: 'image/png', data: png, colorSpaceConversion: 'bogus' },
      { type: 'image/png', data: png, transfer: ['not a buffer'] },
    ];
    for (const init of cases) assert.throws(() => new ImageDecoder(init), TypeError, JSON.stringify(init));
  });

  test('a detached buffer, or a locked or read stream, is a TypeError', async () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    assert.throws(() => new ImageDecoder({ type: 'image/png', data: buffer }), TypeError);
    const locked = new ReadableStream();
    locked.getReader();
    assert.throws(() => new ImageDecoder({ type: 'image/png', data: locked }), TypeError);
    const read = new ReadableStream({ start: (c) => c.enqueue(new Uint8Array(png)) });
    const reader = read.getReader();
    await reader.read();
    reader.releaseLock();
    assert.throws(() => new ImageDecoder({ type: 'image/png', data: read }), TypeError);
  });

  test('transfer listing a buffer twice, or a detached one, is a DataCloneError and detaches nothing', () => {
    const data = new Uint8Array(png).buffer;
    assert.throws(() => new ImageDecoder({ type: 'image/png', data, transfer: [data, data] }), isDom('DataCloneError'));
    assert.equal(data.byteLength, png.length);
    const gone = new ArrayBuffer(4);
    structuredClone(gone, { transfer: [gone] });
    assert.throws(() => new ImageDecoder({ type: 'image/png', data, transfer: [gone] }), isDom('DataCloneError'));
    assert.equal(data.byteLength, png.length);
  });

  test('an unsupported type closes the decoder with NotSupportedError', async () => {
    const decoder = new ImageDecoder({ type: 'image/x-unknown', data: png });
    assert.equal(decoder.type, 'image/x-unknown');
    const pending = decoder.decode();
    await assert.rejects(pending, isDom('NotSupportedError'));
    await assert.rejects(decoder.tracks.ready, isDom('NotSupportedError'));
    await assert.rejects(decoder.decode(), isDom('InvalidStateError'));
  });

  test('tracks and track lists have no public constructor', () => {
    assert.throws(() => new ImageTrack(), TypeError);
    assert.throws(() => new ImageTrackList(), TypeError);
  });
});

describe('decode(options)', () => {
  test('closed: InvalidStateError', async () => {
    const decoder = new ImageDecoder({ type: 'image/png', data: png });
    decoder.close();
    await assert.rejects(decoder.decode(), isDom('InvalidStateError'));
    assert.equal(decoder.tracks.length, 0);
    assert.equal(decoder.tracks.selectedIndex, -1);
  });

  test('no selected track: InvalidStateError; changing the selection aborts pending decodes', async () => {
    const { stream, push, end } = manualStream();
    const decoder = new ImageDecoder({ type: 'image/gif', data: stream });
    push(gif.subarray(0, 1000));
    await decoder.tracks.ready;
    const pending = decoder.decode({ frameIndex: 4 });
    decoder.tracks[0].selected = false;
    await assert.rejects(pending, isDom('AbortError'));
    assert.equal(decoder.tracks.selectedIndex, -1);
    assert.equal(decoder.tracks.selectedTrack, null);
    await assert.rejects(decoder.decode(), isDom('InvalidStateError'));
    decoder.tracks[0].selected = true;
    assert.equal(decoder.tracks.selectedIndex, 0);
    push(gif.subarray(1000));
    end();
    const { image } = await decoder.decode({ frameIndex: 4 });
    assert.equal(image.timestamp, 400000);
    image.close();
    decoder.close();
  });

  test('frameIndex past the end once complete: RangeError', async () => {
    const decoder = new ImageDecoder({ type: 'image/gif', data: gif });
    await assert.rejects(decoder.decode({ frameIndex: 5 }), RangeError);
    const { image } = await decoder.decode({ frameIndex: 4 });
    image.close();
    await assert.rejects(decoder.decode({ frameIndex: -1 }), TypeError);
    decoder.close();
  });

  test('corrupt data: Close(EncodingError), pending decodes reject with it', async () => {
    const corrupt = Buffer.from(png);
    for (let i = 60; i < 160; i++) corrupt[i] ^= 0x5a;
    const decoder = new ImageDecoder({ type: 'image/png', data: corrupt });
    await assert.rejects(decoder.decode(), isDom('EncodingError'));
    await assert.rejects(decoder.decode(), isDom('InvalidStateError'));
    // Bytes that are not the type at all fail at the header.
    const junk = new ImageDecoder({ type: 'image/gif', data: new TextEncoder().encode('definitely not a gif') });
    await assert.rejects(junk.tracks.ready, isDom('EncodingError'));
  });

  test('truncated animation: complete frames decode, the cut one is a RangeError', async () => {
    const cut = new ImageDecoder({ type: 'image/gif', data: gif.subarray(0, gif.length - 30) });
    const { image } = await cut.decode({ frameIndex: 3 });
    image.close();
    await assert.rejects(cut.decode({ frameIndex: 4 }), RangeError);
    cut.close();
  });

  test('truncated stills (the data complete): RangeError naming what is missing; the decoder stays open', async () => {
    for (const [type, data, reason] of [
      ['image/png', png.subarray(0, 100), /^The PNG data \(100 bytes\) ends inside its IDAT chunk/],
      ['image/png', png.subarray(0, png.length - 12), /^The PNG data \(\d+ bytes\) ends before its IEND chunk\.$/],
      ['image/jpeg', jpeg.subarray(0, jpeg.length - 300), /^The JPEG data \(\d+ bytes\) ends before its EOI marker\.$/],
      ['image/jpeg', jpeg.subarray(0, jpegSegment(jpeg, 0xc4) + 20), /ends inside its 0xFFC4 marker segment/],
      ['image/webp', webp.subarray(0, webp.length - 40), /^The WebP data \(\d+ bytes\) is shorter than its RIFF header declares/],
      ['image/bmp', bmp.subarray(0, 3000), /^The BMP data \(3000 bytes\) ends inside its pixel array \(9270 bytes needed\)\.$/],
    ]) {
      const decoder = new ImageDecoder({ type, data });
      await assert.rejects(decoder.decode(), (e) => e instanceof RangeError && reason.test(e.message), `${type} ${data.length}`);
      // Reject Infeasible Decode does not close the decoder.
      assert.equal(decoder.tracks.length, 1);
      assert.equal(decoder.tracks.selectedTrack.frameCount, 1);
      await assert.rejects(decoder.decode(), RangeError);
      decoder.close();
    }
  });

  test('corrupt JPEGs: Close(EncodingError) with the decoder\'s reason', async () => {
    const sos = jpegSegment(jpeg, 0xda);
    for (const [label, corrupt, reason] of [
      ['scan data', (b) => b.fill(0x5a, sos + 20, sos + 60), /Decoding the image failed/],
      ['Huffman table', (b) => b.fill(0xff, jpegSegment(b, 0xc4) + 5, jpegSegment(b, 0xc4) + 25), /huffman table/i],
      ['quantisation table precision', (b) => { b[jpegSegment(b, 0xdb) + 4] = 0x5f; }, /dqt/],
      ['zero height', (b) => b.writeUInt16BE(0, jpegSegment(b, 0xc0) + 5), /64x0 is invalid/],
      ['reserved marker in the scan', (b) => b.fill(0xff, sos + 20, sos + 24), /Decoding the image failed/],
    ]) {
      const data = Buffer.from(jpeg);
      corrupt(data);
      const decoder = new ImageDecoder({ type: 'image/jpeg', data });
      await assert.rejects(decoder.decode(), (e) => isDom('EncodingError')(e) && reason.test(e.message), label);
      await assert.rejects(decoder.decode(), isDom('InvalidStateError'), label);
    }
  });

  test('dimension bombs are rejected before any allocation (EncodingError)', async () => {
    const bomb = Buffer.from(gif);
    bomb.writeUInt16LE(60000, 6);
    bomb.writeUInt16LE(60000, 8);
    const before = process.memoryUsage().rss;
    const decoder = new ImageDecoder({ type: 'image/gif', data: bomb });
    await assert.rejects(decoder.decode(), (e) => isDom('EncodingError')(e) && /60000x60000/.test(e.message));
    // 60000x60000 BGRA would be 14 GB.
    assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024);

    const pngBomb = imageWithSize('image/png', png, 60000, 60000);
    await assert.rejects(new ImageDecoder({ type: 'image/png', data: pngBomb }).decode(), isDom('EncodingError'));
    // An APNG canvas of 64x1048624, within the limits, over 64x48 frames
    // (two bits flipped, as the hostile corpus found: bit 20 of IHDR's
    // height and one of the first fcTL's sequence number; FFmpeg checks
    // neither CRC): its IDAT cannot hold that many pixels (it decoded, into
    // 270 MB frames).
    const apng = Buffer.from(makeImage('apng', { source: SRC, frames: 3, args: ['-plays', '0'] }).data);
    apng[21] ^= 0x10;
    apng[83] ^= 0x20;
    const canvas = new ImageDecoder({ type: 'image/apng', data: apng });
    await assert.rejects(canvas.decode(), (e) => isDom('EncodingError')(e) && /64x1048624 .* more than its \d+ bytes of compressed data can hold/.test(e.message));
    // A BMP this large is cut short too; being too large is what it says (it said RangeError).
    const bmpBomb = imageWithSize('image/bmp', bmp, 16385, 16384);
    await assert.rejects(new ImageDecoder({ type: 'image/bmp', data: bmpBomb }).decode(), (e) => isDom('EncodingError')(e) && /16385 16384/.test(e.message));
  });
});

describe('ReadableStream data', () => {
  test('a chunk that is not a Uint8Array: Close(DataError)', async () => {
    for (const chunk of ['text', new ArrayBuffer(4), new Uint16Array(4)]) {
      const stream = new ReadableStream({ start: (c) => c.enqueue(chunk) });
      const decoder = new ImageDecoder({ type: 'image/png', data: stream });
      await assert.rejects(decoder.decode(), isDom('DataError'));
      await assert.rejects(decoder.completed, isDom('DataError'));
    }
  });

  test('a stream that errors: Close(NotReadableError)', async () => {
    const { stream, push, fail } = manualStream();
    const decoder = new ImageDecoder({ type: 'image/gif', data: stream });
    push(gif.subarray(0, 100));
    const pending = decoder.decode();
    fail(new Error('network down'));
    await assert.rejects(pending, (e) => isDom('NotReadableError')(e) && /network down/.test(e.message));
  });

  test('reset() and close() reject pending decodes with AbortError; reset keeps decoding', async () => {
    const { stream, push, end } = manualStream();
    const decoder = new ImageDecoder({ type: 'image/gif', data: stream });
    push(gif.subarray(0, 1000));
    const a = decoder.decode({ frameIndex: 2 });
    const b = decoder.decode({ frameIndex: 3 });
    decoder.reset();
    await assert.rejects(a, isDom('AbortError'));
    await assert.rejects(b, isDom('AbortError'));
    push(gif.subarray(1000));
    end();
    const { image } = await decoder.decode({ frameIndex: 2 });
    assert.equal(image.timestamp, 200000);
    image.close();
    const c = decoder.decode({ frameIndex: 4 });
    decoder.close();
    await assert.rejects(c, isDom('AbortError'));
    // close() and reset() after close are no-ops.
    decoder.close();
    decoder.reset();
  });

  test('the memory cap: Close(QuotaExceededError)', async () => {
    const { stream, push } = manualStream();
    const decoder = new ImageDecoder({ type: 'image/gif', data: stream, maxEncodedBytes: 500 });
    const pending = decoder.decode();
    push(gif.subarray(0, 400));
    push(gif.subarray(400, 800));
    await assert.rejects(pending, isDom('QuotaExceededError'));
    assert.throws(() => new ImageDecoder({ type: 'image/gif', data: stream, maxEncodedBytes: 0 }), TypeError);
  });
});

describe('ImageDecoder.isTypeSupported(type)', () => {
  test('every type this build decodes, and what it does not', async () => {
    for (const type of ['image/jpeg', 'image/png', 'image/apng', 'image/gif', 'image/webp', 'image/bmp', 'image/avif', 'image/x-icon', 'IMAGE/PNG; charset=x']) {
      assert.equal(await ImageDecoder.isTypeSupported(type), true, type);
    }
    assert.equal(await ImageDecoder.isTypeSupported('image/x-unknown'), false);
    await assert.rejects(ImageDecoder.isTypeSupported('text/plain'), TypeError);
    await assert.rejects(ImageDecoder.isTypeSupported('png'), TypeError);
  });
});
