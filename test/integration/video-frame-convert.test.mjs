// VideoFrame.copyTo({format}) to RGBA/RGBX/BGRA/BGRX checked against the
// ffmpeg CLI's own conversion of the same pixels: the source frames are
// written by the CLI (lavfi testsrc2) in the matching pixel format, the
// reference is `ffmpeg -f rawvideo -pix_fmt <src> -i - -vf scale=... -pix_fmt rgba`
// of those bytes, with the frame's matrix and range given to the CLI as
// in_color_matrix/in_range. Both sides run the same libswscale with the same
// flags (bicubic, chroma interpolated to every pixel: swscale's default path
// for 4:2:0 sources other than 8-bit planar reads about 2 levels dark), so
// the stated error bound is 0 except where noted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { VideoFrame } from 'webcodecs-native';

import { ffmpeg, tempDir } from '../helpers/media.mjs';

const dir = tempDir('wcn-convert-');

// VideoPixelFormat -> the CLI's pix_fmt with the same memory layout.
const RGB_PIX_FMT = { RGBA: 'rgba', RGBX: 'rgb0', BGRA: 'bgra', BGRX: 'bgr0' };
// Largest |ours - CLI| allowed per channel. X is padding: not compared, but
// it must read 0xFF (the spec's RGBX/BGRX images are opaque).
const BIT_EXACT = { R: 0, G: 0, B: 0, A: 0 };

/**
 * One frame of the CLI's testsrc2 pattern as raw `pixFmt` bytes; formats with
 * alpha get an alpha ramp over every value 0..255 (testsrc2's own is opaque).
 */
function cliSource(pixFmt, width, height) {
  const alpha = /^(yuva|rgba|bgra)/.test(pixFmt) ? ',format=rgba,geq=r=r(X\\,Y):g=g(X\\,Y):b=b(X\\,Y):a=mod(X*5+Y*3\\,256)' : '';
  return ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:d=1${alpha}`,
    '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-',
  ]);
}

/**
 * The CLI's conversions of raw `pixFmt` bytes, one per output: `target` is an
 * RGB VideoPixelFormat, `filter` the -vf applied first. One CLI run for all.
 */
function cliConvert(raw, pixFmt, width, height, outputs) {
  const args = ['-f', 'rawvideo', '-pix_fmt', pixFmt, '-s', `${width}x${height}`, '-i', '-'];
  const paths = outputs.map(({ target, filter }, i) => {
    const path = join(dir, `ref-${i}.raw`);
    args.push('-vf', filter, '-f', 'rawvideo', '-pix_fmt', RGB_PIX_FMT[target], path);
    return path;
  });
  ffmpeg(args, { input: raw });
  return paths.map((path) => readFileSync(path));
}

/** The CLI filter that reads YUV as a VideoColorSpace says (defaults: REC709, limited range). */
function cliScale({ matrix = 'bt709', fullRange = false } = {}) {
  const cli = { bt709: 'bt709', smpte170m: 'smpte170m', bt470bg: 'bt601', 'bt2020-ncl': 'bt2020' }[matrix];
  return `scale=in_color_matrix=${cli}:in_range=${fullRange ? 'pc' : 'tv'}:flags=bicubic+full_chroma_int`;
}

/** Max |a - b| per channel (named by the format's letters) of two packed RGB buffers. */
function channelErrors(actual, expected, format) {
  assert.equal(actual.length, expected.length);
  const names = format;
  const max = [0, 0, 0, 0];
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d > max[i & 3]) max[i & 3] = d;
  }
  const out = {};
  for (let c = 0; c < 4; c++) if (names[c] !== 'X') out[names[c]] = max[c];
  return out;
}

function assertWithin(errors, bound, what) {
  for (const [channel, err] of Object.entries(errors)) {
    assert.ok(err <= bound[channel], `${what}: channel ${channel} differs from the CLI by ${err} (allowed ${bound[channel]})`);
  }
}

function assertOpaqueX(bytes, format, what) {
  const x = format.indexOf('X');
  if (x < 0) return;
  for (let i = x; i < bytes.length; i += 4) {
    if (bytes[i] !== 255) assert.fail(`${what}: X byte of pixel ${(i - x) / 4} is ${bytes[i]}, expected 255`);
  }
}

async function convert(frame, format, options = {}) {
  const out = new Uint8Array(frame.allocationSize({ ...options, format }));
  const layouts = await frame.copyTo(out, { ...options, format });
  assert.equal(layouts.length, 1);
  return out;
}

const W = 100;  // not a multiple of swscale's 32-pixel blocks: the staging path
const H = 60;

const SOURCES = [
  ['I420', 'yuv420p'],
  ['I420P10', 'yuv420p10le'],
  ['I420A', 'yuva420p'],
  ['I422', 'yuv422p'],
  ['I444', 'yuv444p'],
  ['I444AP10', 'yuva444p10le'],
  ['NV12', 'nv12'],
  ['RGBA', 'rgba'],
  ['BGRA', 'bgra'],
];

for (const [format, pixFmt] of SOURCES) {
  test(`${format} -> RGBA/RGBX/BGRA/BGRX matches the CLI (max error R,G,B,A = 0)`, async () => {
    const raw = cliSource(pixFmt, W, H);
    const frame = new VideoFrame(raw, { format, codedWidth: W, codedHeight: H, timestamp: 0 });
    const targets = Object.keys(RGB_PIX_FMT);
    const refs = cliConvert(raw, pixFmt, W, H, targets.map((target) => ({ target, filter: cliScale() })));
    for (const [i, target] of targets.entries()) {
      const ours = await convert(frame, target);
      assertWithin(channelErrors(ours, refs[i], target), BIT_EXACT, `${format} -> ${target}`);
      assertOpaqueX(ours, target, `${format} -> ${target}`);
    }
    frame.close();
  });
}

test('I420AP12 (held outside FFmpeg) -> RGBA: colour matches the CLI exactly, alpha within 1', async () => {
  const raw444 = cliSource('yuva444p12le', W, H);
  // Build 4:2:0 with alpha from the CLI's own 4:2:0 planes plus its alpha plane.
  const yuv420 = cliSource('yuv420p12le', W, H);
  const alpha = raw444.subarray(3 * W * H * 2);
  const raw = Buffer.concat([yuv420, alpha]);
  const frame = new VideoFrame(raw, { format: 'I420AP12', codedWidth: W, codedHeight: H, timestamp: 0 });
  const [colour] = cliConvert(yuv420, 'yuv420p12le', W, H, [{ target: 'RGBA', filter: cliScale() }]);
  const alphaRef = ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'gray12le', '-s', `${W}x${H}`, '-i', '-', '-f', 'rawvideo',
    '-pix_fmt', 'gray', '-'], { input: alpha });
  const expected = Buffer.from(colour);
  for (let i = 0; i < W * H; i++) expected[i * 4 + 3] = alphaRef[i];
  const ours = await convert(frame, 'RGBA');
  assertWithin(channelErrors(ours, expected, 'RGBA'), { R: 0, G: 0, B: 0, A: 1 }, 'I420AP12 -> RGBA');
  assert.ok(new Set(ours.filter((_, i) => (i & 3) === 3)).size > 200, 'the alpha plane really varies');
  const opaque = await convert(frame, 'BGRX');
  assertOpaqueX(opaque, 'BGRX', 'I420AP12 -> BGRX');
  frame.close();
});

// The frame's VideoColorSpace decides the matrix and range; BT.601 and BT.709
// (and full vs limited range) give visibly different RGB, so matching the CLI
// in each case shows the colour space is honoured.
const COLOR_SPACES = [
  { matrix: 'bt709', fullRange: false },
  { matrix: 'smpte170m', fullRange: false },
  { matrix: 'bt709', fullRange: true },
  { matrix: 'bt470bg', fullRange: true },
  { matrix: 'bt2020-ncl', fullRange: false },
];

for (const [format, pixFmt] of [['I420', 'yuv420p'], ['I420P10', 'yuv420p10le'], ['NV12', 'nv12'], ['I444', 'yuv444p']]) {
  test(`${format}: matrix and range of the frame's colour space are honoured (max error 0 per channel)`, async () => {
    const raw = cliSource(pixFmt, W, H);
    const refs = cliConvert(raw, pixFmt, W, H, COLOR_SPACES.map((cs) => ({ target: 'RGBA', filter: cliScale(cs) })));
    const results = [];
    for (const [i, colorSpace] of COLOR_SPACES.entries()) {
      const frame = new VideoFrame(raw, { format, codedWidth: W, codedHeight: H, timestamp: 0, colorSpace });
      const ref = refs[i];
      const ours = await convert(frame, 'RGBA');
      assertWithin(channelErrors(ours, ref, 'RGBA'), BIT_EXACT, `${format} ${JSON.stringify(colorSpace)}`);
      results.push(ours);
      frame.close();
    }
    for (let i = 1; i < results.length; i++) {
      const worst = Math.max(...Object.values(channelErrors(results[i], results[0], 'RGBA')));
      assert.ok(worst > 8, `${JSON.stringify(COLOR_SPACES[i])} must differ from REC709 (max difference ${worst})`);
    }
  });
}

test('flat colours convert to the BT.709 arithmetic within 1 in every YUV layout (8, 10, 12 bits; planar and NV12)', async () => {
  // Limited-range Y'CbCr of 8-bit codes, scaled to each depth; the RGB the
  // matrix gives, rounded. Chroma interpolation cannot hide an offset here.
  const colours = [
    { yuv: [16, 128, 128], rgb: [0, 0, 0] },
    { yuv: [126, 128, 128], rgb: [128, 128, 128] },
    { yuv: [235, 128, 128], rgb: [255, 255, 255] },
    { yuv: [63, 102, 240], rgb: [255, 0, 0] },
    { yuv: [173, 42, 26], rgb: [0, 255, 0] },
  ];
  const width = 34; // not a multiple of swscale's blocks: the staging path too
  const height = 6;
  const layouts = [
    { format: 'I420', bits: 8, cw: 17, ch: 3 },
    { format: 'NV12', bits: 8, cw: 17, ch: 3, nv12: true },
    { format: 'I422', bits: 8, cw: 17, ch: 6 },
    { format: 'I420P10', bits: 10, cw: 17, ch: 3 },
    { format: 'I422P10', bits: 10, cw: 17, ch: 6 },
    { format: 'I420P12', bits: 12, cw: 17, ch: 3 },
    { format: 'I444P10', bits: 10, cw: 34, ch: 6 },
  ];
  for (const { format, bits, cw, ch, nv12 } of layouts) {
    for (const { yuv, rgb } of colours) {
      const [y, u, v] = yuv.map((c) => c << (bits - 8));
      const luma = new Array(width * height).fill(y);
      const chroma = nv12 ? new Array(cw * ch).fill([u, v]).flat() : [...new Array(cw * ch).fill(u), ...new Array(cw * ch).fill(v)];
      const samples = [...luma, ...chroma];
      const data = bits === 8 ? Uint8Array.from(samples) : new Uint8Array(Uint16Array.from(samples).buffer);
      const frame = new VideoFrame(data, { format, codedWidth: width, codedHeight: height, timestamp: 0 });
      const out = new Uint8Array(width * height * 4);
      await frame.copyTo(out, { format: 'RGBA' });
      frame.close();
      for (let i = 0; i < out.length; i += 4) {
        for (let c = 0; c < 3; c++) {
          if (Math.abs(out[i + c] - rgb[c]) > 1) {
            assert.fail(`${format} Y'CbCr ${yuv} at pixel ${i / 4}: RGB ${[...out.subarray(i, i + 3)]}, expected ${rgb} within 1`);
          }
        }
      }
    }
  }
});

test('a frame without a colour space converts as REC709, and colorSpace "srgb" changes nothing', async () => {
  const raw = cliSource('yuv420p', W, H);
  const frame = new VideoFrame(raw, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 });
  assert.deepEqual(frame.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
  const plain = await convert(frame, 'RGBA');
  const srgb = await convert(frame, 'RGBA', { colorSpace: 'srgb' });
  assert.deepEqual(srgb, plain);
  const [ref] = cliConvert(raw, 'yuv420p', W, H, [{ target: 'RGBA', filter: cliScale() }]);
  assertWithin(channelErrors(srgb, ref, 'RGBA'), BIT_EXACT, 'I420 -> RGBA, srgb');
  frame.close();
});

// Plane geometry ([sampleBytes, subX, subY] per plane) of the formats whose
// rects are cut out below, to hand the CLI exactly the rect's pixels.
const GEOMETRY = {
  I420: [[1, 1, 1], [1, 2, 2], [1, 2, 2]],
  I420P10: [[2, 1, 1], [2, 2, 2], [2, 2, 2]],
  NV12: [[1, 1, 1], [2, 2, 2]],
};

function cutRect(raw, format, width, height, rect) {
  const parts = [];
  let offset = 0;
  for (const [bytes, sx, sy] of GEOMETRY[format]) {
    const stride = Math.ceil(width / sx) * bytes;
    const rowBytes = Math.ceil(rect.width / sx) * bytes;
    for (let y = rect.y / sy; y < Math.ceil((rect.y + rect.height) / sy); y++) {
      const start = offset + y * stride + (rect.x / sx) * bytes;
      parts.push(raw.subarray(start, start + rowBytes));
    }
    offset += stride * Math.ceil(height / sy);
  }
  return Buffer.concat(parts);
}

for (const [format, pixFmt] of [['I420', 'yuv420p'], ['I420P10', 'yuv420p10le'], ['NV12', 'nv12']]) {
  test(`${format}: copyTo with a rect converts exactly that rect (max error 0 per channel)`, async () => {
    const raw = cliSource(pixFmt, W, H);
    const frame = new VideoFrame(raw, { format, codedWidth: W, codedHeight: H, timestamp: 0 });

    // An even rect: the CLI crops it itself.
    const even = { x: 10, y: 6, width: 64, height: 40 };
    const [cropped] = cliConvert(raw, pixFmt, W, H, [
      { target: 'BGRA', filter: `crop=${even.width}:${even.height}:${even.x}:${even.y},${cliScale()}` },
    ]);
    assertWithin(channelErrors(await convert(frame, 'BGRA', { rect: even }), cropped, 'BGRA'), BIT_EXACT,
      `${format} rect ${JSON.stringify(even)}`);

    // An odd-sized rect (the CLI's crop would round it): the CLI converts
    // the rect's own samples, cut out here.
    const odd = { x: 2, y: 4, width: 37, height: 21 };
    const cut = cutRect(raw, format, W, H, odd);
    const [ref] = cliConvert(cut, pixFmt, odd.width, odd.height, [{ target: 'RGBA', filter: cliScale() }]);
    assertWithin(channelErrors(await convert(frame, 'RGBA', { rect: odd }), ref, 'RGBA'), BIT_EXACT,
      `${format} rect ${JSON.stringify(odd)}`);

    // A visible rect is the default source rect.
    const visible = new VideoFrame(frame, { visibleRect: even });
    assert.deepEqual(await convert(visible, 'BGRA'), await convert(frame, 'BGRA', { rect: even }));
    visible.close();
    frame.close();
  });
}

test('an RGB destination layout with offset and padded stride holds the same pixels', async () => {
  const raw = cliSource('yuv420p', W, H);
  const frame = new VideoFrame(raw, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 });
  const tight = await convert(frame, 'RGBX');
  const layout = [{ offset: 24, stride: W * 4 + 36 }];
  const size = frame.allocationSize({ format: 'RGBX', layout });
  assert.equal(size, 24 + layout[0].stride * H, 'offset + stride x rows, as the spec computes it');
  const padded = new Uint8Array(size).fill(7);
  assert.deepEqual(await frame.copyTo(padded, { format: 'RGBX', layout }), layout);
  for (let y = 0; y < H; y++) {
    const row = padded.subarray(24 + y * layout[0].stride, 24 + y * layout[0].stride + W * 4);
    assert.deepEqual(row, tight.subarray(y * W * 4, (y + 1) * W * 4), `row ${y}`);
    const gap = padded.subarray(24 + y * layout[0].stride + W * 4, 24 + (y + 1) * layout[0].stride);
    if (y < H - 1) assert.ok(gap.every((b) => b === 7), `row ${y}: padding left alone`);
  }
  assert.ok(padded.subarray(0, 24).every((b) => b === 7), 'bytes before the offset left alone');
  frame.close();
});

test('the fourth byte: RGBX sources read as opaque, alpha sources lose alpha only in RGBX/BGRX', async () => {
  // RGBX with junk in X converts as opaque.
  const rgba = cliSource('rgba', W, H);
  const rgbx = Buffer.from(rgba);
  for (let i = 3; i < rgbx.length; i += 4) rgbx[i] = 0x11;
  const frame = new VideoFrame(rgbx, { format: 'RGBX', codedWidth: W, codedHeight: H, timestamp: 0 });
  const asRgba = await convert(frame, 'RGBA');
  const opaqueRef = Buffer.from(rgba);
  for (let i = 3; i < opaqueRef.length; i += 4) opaqueRef[i] = 255;
  assert.deepEqual(Buffer.from(asRgba), opaqueRef);
  assertOpaqueX(await convert(frame, 'BGRX'), 'BGRX', 'RGBX -> BGRX');
  // An explicit format is "Convert to RGB frame" even to the frame's own
  // format: opaque (with or without a change of primaries); without one the
  // bytes are copied as they are.
  for (const colorSpace of ['srgb', 'display-p3']) {
    const same = new Uint8Array(W * H * 4);
    await frame.copyTo(same, { format: 'RGBX', colorSpace });
    assertOpaqueX(same, 'RGBX', `RGBX -> RGBX (${colorSpace})`);
  }
  const raw = new Uint8Array(W * H * 4);
  await frame.copyTo(raw);
  assert.deepEqual(Buffer.from(raw), rgbx, 'copyTo() without a format copies the padding byte too');
  frame.close();

  // Alpha sources keep alpha in RGBA/BGRA (checked against the CLI above)
  // but never show it in X.
  for (const [format, pixFmt] of [['RGBA', 'rgba'], ['I420A', 'yuva420p'], ['I444AP10', 'yuva444p10le']]) {
    const withAlpha = new VideoFrame(cliSource(pixFmt, W, H), { format, codedWidth: W, codedHeight: H, timestamp: 0 });
    const kept = await convert(withAlpha, 'RGBA');
    assert.ok(new Set(kept.filter((_, i) => (i & 3) === 3)).size > 200, `${format} -> RGBA keeps the alpha ramp`);
    for (const target of ['RGBX', 'BGRX']) assertOpaqueX(await convert(withAlpha, target), target, `${format} -> ${target}`);
    withAlpha.close();
  }
});

test('a frame of over a megapixel (threaded swscale) converts exactly as the CLI does', async () => {
  const w = 1280;
  const h = 800;
  const raw = cliSource('yuv420p10le', w, h);
  const frame = new VideoFrame(raw, { format: 'I420P10', codedWidth: w, codedHeight: h, timestamp: 0 });
  const [ref] = cliConvert(raw, 'yuv420p10le', w, h, [{ target: 'RGBA', filter: cliScale() }]);
  assertWithin(channelErrors(await convert(frame, 'RGBA'), ref, 'RGBA'), BIT_EXACT, 'I420P10 1280x800 -> RGBA');
  frame.close();
});

// colorSpace 'display-p3', or a frame in other primaries, changes the gamut:
// the reference is the CLI's zscale (zimg) converting the same RGB between
// those primaries, both sides using the sRGB curve that sRGB and Display P3
// share. zimg computes in float, we through 8-bit tables: max error 1. zimg
// also requantises alpha (off by up to 1); ours is checked against the source.
const GAMUT_BOUND = { R: 1, G: 1, B: 1, A: 1 };
const ZIMG_PRIMARIES = { bt709: '709', smpte170m: '170m', bt2020: '2020', smpte432: 'smpte432' };
const TARGET_PRIMARIES = { srgb: 'bt709', 'display-p3': 'smpte432' };

function zscale(from, to) {
  return `zscale=primariesin=${ZIMG_PRIMARIES[from]}:primaries=${ZIMG_PRIMARIES[to]}` +
    ':transferin=iec61966-2-1:transfer=iec61966-2-1:rangein=full:range=full,format=rgba';
}

test('copyTo converts into the requested colour space: display-p3, and frames in other primaries (max error 1)', async () => {
  const rgba = cliSource('rgba', W, H);
  const cases = [
    ['bt709', 'display-p3'],
    ['smpte432', 'srgb'],
    ['bt2020', 'srgb'],
    ['bt2020', 'display-p3'],
    ['smpte170m', 'display-p3'],
  ];
  const refs = cliConvert(rgba, 'rgba', W, H,
    cases.map(([from, to]) => ({ target: 'RGBA', filter: zscale(from, TARGET_PRIMARIES[to]) })));
  for (const [i, [primaries, colorSpace]] of cases.entries()) {
    const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: 0, colorSpace: { primaries } });
    const ours = await convert(frame, 'RGBA', { colorSpace });
    const what = `${primaries} -> ${colorSpace}`;
    assertWithin(channelErrors(ours, refs[i], 'RGBA'), GAMUT_BOUND, what);
    assert.ok(ours.every((b, j) => (j & 3) !== 3 || b === rgba[j]), `${what} keeps alpha exactly`);
    assert.ok(Math.max(...Object.values(channelErrors(ours, rgba, 'RGBA'))) > 10, `${what} really changes the pixels`);
    // Without an RGB format there is no conversion: the bytes as they are.
    const raw = new Uint8Array(frame.allocationSize());
    await frame.copyTo(raw, { colorSpace });
    assert.deepEqual(Buffer.from(raw), rgba, `${what} without format copies the frame's own bytes`);
    frame.close();
  }

  // Already in the requested primaries: nothing to convert.
  const p3 = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: 0, colorSpace: { primaries: 'smpte432' } });
  assert.deepEqual(Buffer.from(await convert(p3, 'RGBA', { colorSpace: 'display-p3' })), rgba);
  p3.close();
});

test('a YUV frame copied as display-p3 BGRA: the CLI converting to RGB, then zscale to P3 (max error 1)', async () => {
  const raw = cliSource('yuv420p', W, H);
  const frame = new VideoFrame(raw, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 });
  const rect = { x: 20, y: 10, width: 48, height: 30 };
  const crop = `crop=${rect.width}:${rect.height}:${rect.x}:${rect.y}`;
  const [full, cropped] = cliConvert(raw, 'yuv420p', W, H, [
    { target: 'BGRA', filter: `${cliScale()},format=rgba,${zscale('bt709', 'smpte432')}` },
    { target: 'BGRA', filter: `${crop},${cliScale()},format=rgba,${zscale('bt709', 'smpte432')}` },
  ]);
  assertWithin(channelErrors(await convert(frame, 'BGRA', { colorSpace: 'display-p3' }), full, 'BGRA'), GAMUT_BOUND,
    'I420 -> BGRA display-p3');
  assertWithin(channelErrors(await convert(frame, 'BGRA', { colorSpace: 'display-p3', rect }), cropped, 'BGRA'),
    GAMUT_BOUND, 'I420 rect -> BGRA display-p3');
  frame.close();
});
