// AVIF through libavif, on files written by avifenc: alpha auxiliary
// images, depths, lossless RGB, grids, clap/irot/imir, and files holding a
// still item and an image sequence (two tracks). Samples are compared with
// avifdec's decode of the same file: its y4m output for the colour planes
// (exact: the same AV1 decode) and its PNG output for alpha.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { ImageDecoder } from 'webcodecs-native';

import { avifdecFrame, chunkedStream, cliFrames, decodeAll, frameBytes, makeAvif, manualStream, sameBytes } from '../helpers/images.mjs';
import { drawOriented } from '../helpers/image-metadata.mjs';

const W = 64;
const H = 48;
// The test pattern with alpha rising from left to right.
const ALPHA = "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='255*X/W'";

/** Splits a frame's tightly packed bytes into planes of the given sizes. */
function planes(bytes, sizes) {
  let pos = 0;
  return sizes.map((n) => bytes.subarray(pos, (pos += n)));
}

async function decodeImage(init, options) {
  const decoder = new ImageDecoder(init);
  const result = await decoder.decode(options);
  return { decoder, image: result.image };
}

/** What HEIF displays: the clean aperture, turned `angle` quarter turns anti-clockwise, then mirrored. */
function heifDisplay(luma, width, crop, angle, mode) {
  let w = crop.width;
  let h = crop.height;
  let px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) px.set(luma.subarray((crop.y + y) * width + crop.x, (crop.y + y) * width + crop.x + w), y * w);
  for (let turn = 0; turn < angle; turn++) {
    const out = new Uint8Array(px.length);
    // Anti-clockwise: the top-right corner comes to the top-left.
    for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) out[y * h + x] = px[x * w + (w - 1 - y)];
    [px, w, h] = [out, h, w];
  }
  if (mode !== undefined) {
    const out = new Uint8Array(px.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) out[y * w + x] = mode === 0 ? px[(h - 1 - y) * w + x] : px[y * w + (w - 1 - x)];
    }
    px = out;
  }
  return { bytes: px, width: w, height: h };
}

describe('ImageDecoder: AVIF through libavif', () => {
  test('alpha: 4:4:4 and 4:2:0 stills keep their alpha plane (I444A, I420A), as avifdec decodes them', async () => {
    for (const [yuv, format, chroma] of [['444', 'I444A', W * H], ['420', 'I420A', (W / 2) * (H / 2)]]) {
      const { file, data } = makeAvif({ filter: ALPHA, args: ['-y', yuv] });
      const { frames } = await decodeAll({ data, type: 'image/avif' });
      const [f] = frames;
      assert.deepEqual([f.format, f.width, f.height], [format, W, H]);
      const reference = avifdecFrame(file, { alpha: true });
      const [y, u, v, a] = planes(f.bytes, [W * H, chroma, chroma, W * H]);
      [y, u, v].forEach((plane, i) => assert.ok(sameBytes(plane, reference.planes[i]), `${yuv} plane ${i}`));
      assert.ok(sameBytes(a, reference.alpha), `${yuv} alpha`);
      // Alpha rises from left to right, as encoded.
      assert.ok(a[0] < 16 && a[W - 1] > 240, `${yuv} alpha gradient`);
      // Streamed in small chunks, the same samples.
      const streamed = await decodeAll({ data: chunkedStream(data, 97), type: 'image/avif' });
      assert.ok(sameBytes(streamed.frames[0].bytes, f.bytes), `${yuv} streamed`);
    }
  });

  test('10-bit 4:2:0 decodes to I420P10 with avifdec\'s samples', async () => {
    const { file, data } = makeAvif({ filter: 'format=rgb48le', args: ['-d', '10', '-y', '420'] });
    const { frames } = await decodeAll({ data, type: 'image/avif' });
    assert.equal(frames[0].format, 'I420P10');
    const reference = avifdecFrame(file);
    assert.ok(sameBytes(frames[0].bytes, Buffer.concat(reference.planes)));
  });

  test('lossless (identity matrix, G/B/R planes) decodes to the source\'s exact RGBA', async () => {
    const { data, input } = makeAvif({ filter: ALPHA, args: ['-l'] });
    const { frames } = await decodeAll({ data, type: 'image/avif' });
    assert.equal(frames[0].format, 'RGBA');
    assert.deepEqual(frames[0].colorSpace, { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
    assert.ok(sameBytes(frames[0].bytes, cliFrames(input, 'rgba', W * H * 4)[0]));
  });

  test('a 2x2 grid of 64x64 cells is one 128x128 image, as avifdec assembles it', async () => {
    const { file, data } = makeAvif({ source: 'testsrc2=size=128x128:rate=10', args: ['-g', '2x2'] });
    const { frames } = await decodeAll({ data, type: 'image/avif' });
    assert.deepEqual([frames[0].format, frames[0].width, frames[0].height], ['I444', 128, 128]);
    assert.ok(sameBytes(frames[0].bytes, Buffer.concat(avifdecFrame(file).planes)));
  });

  test('irot, imir and clap: rotation, flip and visibleRect draw what HEIF displays', async () => {
    const crop = { x: 8, y: 4, width: 48, height: 40 };
    for (const angle of [0, 1, 2, 3]) {
      for (const mode of [undefined, 0, 1]) {
        const args = ['--irot', String(angle), '--crop', `${crop.x},${crop.y},${crop.width},${crop.height}`];
        if (mode !== undefined) args.push('--imir', String(mode));
        const { file, data } = makeAvif({ args });
        const label = `irot ${angle} imir ${mode}`;
        const { decoder, image } = await decodeImage({ data, type: 'image/avif' });
        const { x, y, width, height } = image.visibleRect;
        assert.deepEqual({ x, y, width, height }, crop, label);
        const expected = heifDisplay(avifdecFrame(file).planes[0], W, crop, angle, mode);
        assert.deepEqual([image.displayWidth, image.displayHeight], [expected.width, expected.height], label);
        // copyTo's default rect is the visible one: the luma of the aperture.
        const luma = (await frameBytes(image)).subarray(0, crop.width * crop.height);
        const drawn = drawOriented(luma, crop.width, crop.height, 1, image.rotation, image.flip);
        assert.ok(sameBytes(drawn.bytes, expected.bytes), label);
        image.close();
        decoder.close();
      }
    }
  });

  test('a sequence with its still: two tracks, the sequence primary, preferAnimation chooses', async () => {
    const { file, data } = makeAvif({ frames: 4, args: ['--fps', '10'] });
    for (const [prefer, selected] of [[undefined, 1], [true, 1], [false, 0]]) {
      const decoder = new ImageDecoder({ data, type: 'image/avif', preferAnimation: prefer });
      await decoder.tracks.ready;
      const summary = [0, 1].map((i) => {
        const t = decoder.tracks[i];
        return [t.animated, t.frameCount, t.repetitionCount, t.selected];
      });
      assert.deepEqual(summary, [[false, 1, 0, selected === 0], [true, 4, Infinity, selected === 1]], `prefer ${prefer}`);
      assert.equal(decoder.tracks.selectedIndex, selected);
      decoder.close();
    }
    // Every frame of the sequence, with its timing, as avifdec decodes it.
    const { frames, info } = await decodeAll({ data, type: 'image/avif' });
    assert.deepEqual(info, { animated: true, frameCount: 4, repetitionCount: Infinity });
    frames.forEach((f, i) => {
      assert.deepEqual([f.timestamp, f.duration], [i * 100000, 100000]);
      assert.ok(sameBytes(f.bytes, Buffer.concat(avifdecFrame(file, { index: i }).planes)), `frame ${i}`);
    });
    // Selecting the still: avifenc stores the first frame as the primary item.
    const decoder = new ImageDecoder({ data, type: 'image/avif' });
    await decoder.tracks.ready;
    decoder.tracks[0].selected = true;
    const { image } = await decoder.decode();
    assert.deepEqual([image.timestamp, image.duration], [0, null]);
    assert.ok(sameBytes(await frameBytes(image), frames[0].bytes));
    image.close();
    await assert.rejects(decoder.decode({ frameIndex: 1 }), RangeError);
    decoder.close();
  });

  test('a streamed sequence decodes frames while later ones are still arriving', async () => {
    const { file, data } = makeAvif({ frames: 4, args: ['--fps', '10'] });
    const { stream, push, end } = manualStream();
    const decoder = new ImageDecoder({ data: stream, type: 'image/avif' });
    // avifenc writes the samples in order at the end of the file: all but
    // the last 40 bytes hold the first frames, not the last.
    push(data.subarray(0, data.length - 40));
    await decoder.tracks.ready;
    assert.equal(decoder.tracks.selectedTrack.frameCount, 4);
    const first = await decoder.decode({ frameIndex: 0 });
    assert.ok(sameBytes(await frameBytes(first.image), Buffer.concat(avifdecFrame(file).planes)));
    first.image.close();
    const last = decoder.decode({ frameIndex: 3 });
    let done = false;
    last.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false);
    push(data.subarray(data.length - 40));
    end();
    const { image } = await last;
    assert.ok(sameBytes(await frameBytes(image), Buffer.concat(avifdecFrame(file, { index: 3 }).planes)));
    image.close();
    await decoder.completed;
    decoder.close();
  });

  test('truncated: RangeError naming the missing bytes, the decoder open; corrupt: EncodingError', async () => {
    const { data } = makeAvif();
    const cut = new ImageDecoder({ data: data.subarray(0, data.length - 100), type: 'image/avif' });
    await assert.rejects(cut.decode(), (e) => e instanceof RangeError && /ends before frame 0's data does/.test(e.message));
    assert.equal(cut.tracks.length, 1);
    cut.close();
    // The AV1 payload (mdat, last in avifenc's files) damaged.
    const corrupt = Buffer.from(data);
    const mdat = corrupt.indexOf('mdat') + 4;
    for (let i = mdat; i < mdat + 24; i++) corrupt[i] ^= 0xa5;
    const bad = new ImageDecoder({ data: corrupt, type: 'image/avif' });
    await assert.rejects(bad.decode(), (e) => e instanceof DOMException && e.name === 'EncodingError' && /AVIF/.test(e.message));
    // Not an ISOBMFF file at all.
    const junk = new ImageDecoder({ data: new TextEncoder().encode('definitely not an avif file'), type: 'image/avif' });
    await assert.rejects(junk.tracks.ready, { name: 'EncodingError' });
  });
});
