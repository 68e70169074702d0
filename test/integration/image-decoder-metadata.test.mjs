// ImageDecoder and the metadata browsers honour: EXIF orientation (JPEG,
// PNG, WebP) as the output VideoFrame's rotation and flip, and ICC profiles
// (converted to sRGB, or described). Each oriented file stores the upright
// test pattern transformed by the inverse of its orientation (ffmpeg's
// transpose/flip filters), so drawing the decoded frame as its rotation
// and flip say must give back the upright pattern. Profiles are built by
// the test helper from primaries and curves; conversions are checked
// against the colorimetric definitions computed in the test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ImageDecoder } from 'webcodecs-native';

import { cliFrames, frameBytes, makeAvif, makeImage, rgbOf, sameBytes, sourceFrames } from '../helpers/images.mjs';
import {
  convertToSrgb,
  drawOriented,
  exifOrientation,
  iccProfile,
  jpegWithExif,
  jpegWithIcc,
  pngWithExif,
  pngWithIcc,
  webpWithExif,
} from '../helpers/image-metadata.mjs';
import { psnr, tempDir } from '../helpers/media.mjs';

const W = 64;
const H = 48;
const SRC = `testsrc2=size=${W}x${H}:rate=10`;

// The filter that stores the upright image for each EXIF orientation, and
// the orientation browsers display it with (rotate clockwise, then mirror).
const ORIENTATIONS = [
  { exif: 1, filter: 'null', rotation: 0, flip: false },
  { exif: 2, filter: 'hflip', rotation: 0, flip: true },
  { exif: 3, filter: 'hflip,vflip', rotation: 180, flip: false },
  { exif: 4, filter: 'vflip', rotation: 180, flip: true },
  { exif: 5, filter: 'transpose=cclock_flip', rotation: 90, flip: true },
  { exif: 6, filter: 'transpose=cclock', rotation: 90, flip: false },
  { exif: 7, filter: 'transpose=clock_flip', rotation: 270, flip: true },
  { exif: 8, filter: 'transpose=clock', rotation: 270, flip: false },
];

const upright = sourceFrames(SRC, 1, 'rgb24', W * H * 3)[0];
const uprightLuma = sourceFrames(SRC, 1, 'gray', W * H)[0];

async function decodeFirst(data, type, init = {}) {
  const decoder = new ImageDecoder({ data, type, ...init });
  const { image } = await decoder.decode();
  decoder.close();
  return image;
}

function corners(bytes, width, height, bpp) {
  return [0, width - 1, (height - 1) * width, height * width - 1].map((i) => [...bytes.subarray(i * bpp, (i + 1) * bpp)]);
}

function assertOrientation(image, o) {
  const turned = o.rotation % 180 !== 0;
  assert.deepEqual(
    [image.rotation, image.flip, image.displayWidth, image.displayHeight, image.codedWidth, image.codedHeight],
    [o.rotation, o.flip, W, H, turned ? H : W, turned ? W : H],
    `orientation ${o.exif}`,
  );
}

describe('ImageDecoder: EXIF orientation becomes rotation and flip', () => {
  for (const [label, ext, type, args, tag] of [
    ['PNG eXIf', 'png', 'image/png', [], pngWithExif],
    ['lossless WebP EXIF', 'webp', 'image/webp', ['-c:v', 'libwebp', '-lossless', '1', '-pix_fmt', 'bgra'], (d, t, o) => webpWithExif(d, o.rotation % 180 ? H : W, o.rotation % 180 ? W : H, t)],
  ]) {
    test(`${label}: all 8 orientations draw the upright image exactly`, async () => {
      for (const o of ORIENTATIONS) {
        const { data } = makeImage(ext, { source: SRC, args: ['-vf', o.filter, ...args] });
        const image = await decodeFirst(tag(data, exifOrientation(o.exif), o), type);
        assertOrientation(image, o);
        const drawn = drawOriented(rgbOf(await frameBytes(image), 4), image.codedWidth, image.codedHeight, 3, o.rotation, o.flip);
        image.close();
        assert.deepEqual(corners(drawn.bytes, W, H, 3), corners(upright, W, H, 3), `corners, orientation ${o.exif}`);
        assert.ok(sameBytes(drawn.bytes, upright), `pixels, orientation ${o.exif}`);
      }
    });
  }

  test('JPEG APP1: all 8 orientations draw the CLI decode of the stored image, >= 30 dB from upright', async () => {
    for (const o of ORIENTATIONS) {
      const { file, data } = makeImage('jpg', { source: SRC, args: ['-vf', o.filter, '-q:v', '2'] });
      const image = await decodeFirst(jpegWithExif(data, exifOrientation(o.exif)), 'image/jpeg');
      assertOrientation(image, o);
      const { codedWidth: cw, codedHeight: ch } = image;
      const luma = (await frameBytes(image)).subarray(0, cw * ch);
      image.close();
      const [reference] = cliFrames(file, 'gray', cw * ch);
      assert.ok(sameBytes(luma, reference), `stored pixels, orientation ${o.exif}`);
      const drawn = drawOriented(luma, cw, ch, 1, o.rotation, o.flip);
      assert.ok(psnr(drawn.bytes, uprightLuma) >= 30, `orientation ${o.exif}`);
      corners(drawn.bytes, W, H, 1).forEach(([v], i) => {
        assert.ok(Math.abs(v - corners(uprightLuma, W, H, 1)[i][0]) <= 16, `corner ${i}, orientation ${o.exif}`);
      });
    }
  });

  test('desiredWidth/desiredHeight are the displayed size: a quarter turn scales the stored image to the swapped size', async () => {
    const o = ORIENTATIONS[5];
    const { data } = makeImage('png', { source: SRC, args: ['-vf', o.filter] });
    const image = await decodeFirst(pngWithExif(data, exifOrientation(6)), 'image/png', { desiredWidth: 32, desiredHeight: 24 });
    assert.deepEqual([image.codedWidth, image.codedHeight, image.displayWidth, image.displayHeight, image.rotation], [24, 32, 32, 24, 90]);
    image.close();
  });

  test('an Orientation outside 1-8, or EXIF without one, leaves the image upright', async () => {
    const { data } = makeImage('png', { source: SRC });
    for (const tiff of [exifOrientation(9), exifOrientation(0), Buffer.from('II*\0\x08\0\0\0\0\0', 'latin1')]) {
      const image = await decodeFirst(pngWithExif(data, tiff), 'image/png');
      assert.deepEqual([image.rotation, image.flip, image.displayWidth, image.displayHeight], [0, false, W, H]);
      image.close();
    }
  });
});

const SRGB = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
const ADOBE_GAMMA = 563 / 256;

/** The largest per-sample difference, and how many samples differ by more than `by`. */
function difference(a, b, by) {
  let max = 0;
  let over = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    if (d > by) over++;
  }
  return { max, over };
}

/** The decoded image, and its samples as RGB in their own gamut (copyTo converts no primaries). */
async function decodeRgb(data, type, colorSpaceConversion) {
  const image = await decodeFirst(data, type, { colorSpaceConversion });
  const rgbx = new Uint8Array(image.displayWidth * image.displayHeight * 4);
  await image.copyTo(rgbx, { format: 'RGBX', colorSpace: image.colorSpace.primaries === 'smpte432' ? 'display-p3' : 'srgb' });
  const result = { format: image.format, colorSpace: image.colorSpace.toJSON(), rgb: rgbOf(rgbx, 4), bytes: await frameBytes(image) };
  image.close();
  return result;
}

describe('ImageDecoder: ICC profiles', () => {
  test('PNG with a Display P3 profile: "default" converts to sRGB, "none" keeps the samples and says P3', async () => {
    const { file, data } = makeImage('png', { source: SRC });
    const tagged = pngWithIcc(data, iccProfile('p3', { name: 'Display P3' }));
    const [samples] = cliFrames(file, 'rgb24', W * H * 3);

    const none = await decodeRgb(tagged, 'image/png', 'none');
    assert.deepEqual(none.colorSpace, { ...SRGB, primaries: 'smpte432' });
    assert.ok(sameBytes(none.rgb, samples));

    const converted = await decodeRgb(tagged, 'image/png', 'default');
    assert.equal(converted.format, 'RGBX');
    assert.deepEqual(converted.colorSpace, SRGB);
    const expected = convertToSrgb(samples, 'p3');
    const { max } = difference(converted.rgb, expected, 1);
    assert.ok(max <= 2, `largest difference from the colorimetric conversion: ${max}`);
    // The pattern's saturated colours really move (about 400 of its samples
    // by more than 8 levels; none would unconverted).
    const moved = difference(converted.rgb, samples, 8).over;
    assert.ok(moved > 200, `samples moved by more than 8: ${moved}`);
  });

  test('JPEG with an Adobe RGB (1998) profile: converted to sRGB RGBX; "none" keeps I420 with no primaries to name', async () => {
    const { data } = makeImage('jpg', { source: SRC, args: ['-q:v', '2'] });
    const tagged = jpegWithIcc(data, iccProfile('adobe', { gamma: ADOBE_GAMMA, name: 'Adobe RGB (1998)' }));

    const none = await decodeRgb(tagged, 'image/jpeg', 'none');
    assert.equal(none.format, 'I420');
    assert.deepEqual(none.colorSpace, { primaries: null, transfer: null, matrix: 'bt470bg', fullRange: true });
    const plain = await decodeRgb(data, 'image/jpeg', 'none');
    assert.ok(sameBytes(none.bytes, plain.bytes));

    const converted = await decodeRgb(tagged, 'image/jpeg', 'default');
    assert.deepEqual([converted.format, converted.colorSpace], ['RGBX', SRGB]);
    const { max } = difference(converted.rgb, convertToSrgb(none.rgb, 'adobe', { gamma: ADOBE_GAMMA }), 1);
    assert.ok(max <= 2, `largest difference from the colorimetric conversion: ${max}`);
  });

  test('an sRGB profile changes nothing but the tags; an unreadable one is ignored', async () => {
    const { data } = makeImage('jpg', { source: SRC });
    const plain = await decodeRgb(data, 'image/jpeg', 'default');
    assert.equal(plain.colorSpace.primaries, null);
    const srgb = await decodeRgb(jpegWithIcc(data, iccProfile('srgb')), 'image/jpeg', 'default');
    assert.deepEqual([srgb.format, srgb.colorSpace], ['I420', { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt470bg', fullRange: true }]);
    assert.ok(sameBytes(srgb.bytes, plain.bytes));
    const garbage = await decodeRgb(jpegWithIcc(data, Buffer.alloc(300, 7)), 'image/jpeg', 'default');
    assert.deepEqual([garbage.format, garbage.colorSpace], [plain.format, plain.colorSpace]);
    assert.ok(sameBytes(garbage.bytes, plain.bytes));
  });

  test('AVIF with a Display P3 profile (libavif) converts to sRGB too', async () => {
    const icc = join(tempDir(), 'p3.icc');
    writeFileSync(icc, iccProfile('p3'));
    const { data } = makeAvif({ args: ['--icc', icc] });
    const none = await decodeRgb(data, 'image/avif', 'none');
    assert.deepEqual([none.format, none.colorSpace.primaries, none.colorSpace.transfer], ['I444', 'smpte432', 'iec61966-2-1']);
    const converted = await decodeRgb(data, 'image/avif', 'default');
    assert.deepEqual([converted.format, converted.colorSpace], ['RGBX', SRGB]);
    const { max } = difference(converted.rgb, convertToSrgb(none.rgb, 'p3'), 1);
    assert.ok(max <= 2, `largest difference from the colorimetric conversion: ${max}`);
  });
});
