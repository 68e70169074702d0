// Metadata written into test images by hand: EXIF orientation (JPEG APP1,
// PNG eXIf, WebP EXIF), ICC profiles (JPEG APP2, PNG iCCP) built here from
// primaries and a transfer curve, and the colorimetry to check conversions
// against (independent of the code under test).
import { crc32, deflateSync } from 'node:zlib';

/** A little-endian TIFF structure whose IFD0 holds only Orientation = `value`. */
export function exifOrientation(value) {
  const tiff = Buffer.alloc(26);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);  // IFD0 offset
  tiff.writeUInt16LE(1, 8);  // one entry
  tiff.writeUInt16LE(0x0112, 10);  // Orientation
  tiff.writeUInt16LE(3, 12);  // SHORT
  tiff.writeUInt32LE(1, 14);  // count
  tiff.writeUInt16LE(value, 18);
  tiff.writeUInt32LE(0, 22);  // no next IFD
  return tiff;
}

function jpegSegment(marker, payload) {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** The JPEG with an APP1 Exif segment right after SOI. */
export function jpegWithExif(jpeg, tiff) {
  const app1 = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

/** The JPEG with its ICC profile in one APP2 segment. */
export function jpegWithIcc(jpeg, icc) {
  const app2 = jpegSegment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc]));
  return Buffer.concat([jpeg.subarray(0, 2), app2, jpeg.subarray(2)]);
}

function pngChunk(type, data) {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** The PNG with a chunk inserted right after IHDR (signature 8 + IHDR 25 bytes). */
export function pngWithChunk(png, type, data) {
  return Buffer.concat([png.subarray(0, 33), pngChunk(type, data), png.subarray(33)]);
}

export const pngWithExif = (png, tiff) => pngWithChunk(png, 'eXIf', tiff);
export const pngWithIcc = (png, icc) =>
  pngWithChunk(png, 'iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)]));

/** A simple (VP8/VP8L) WebP of `width` x `height` turned into an extended one with an EXIF chunk. */
export function webpWithExif(webp, width, height, tiff) {
  const vp8x = Buffer.alloc(18);
  vp8x.write('VP8X', 0, 'latin1');
  vp8x.writeUInt32LE(10, 4);
  vp8x[8] = 0x08;  // EXIF present
  vp8x.writeUIntLE(width - 1, 12, 3);
  vp8x.writeUIntLE(height - 1, 15, 3);
  const exif = Buffer.alloc(8 + tiff.length + (tiff.length & 1));
  exif.write('EXIF', 0, 'latin1');
  exif.writeUInt32LE(tiff.length, 4);
  tiff.copy(exif, 8);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), vp8x, webp.subarray(12), exif]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

// --- Colorimetry -------------------------------------------------------------

export const PRIMARIES = {
  srgb: [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06]],
  p3: [[0.68, 0.32], [0.265, 0.69], [0.15, 0.06]],
  adobe: [[0.64, 0.33], [0.21, 0.71], [0.15, 0.06]],
};
const D65 = [0.3127 / 0.329, 1, (1 - 0.3127 - 0.329) / 0.329];
const D50 = [0.9642, 1, 0.8249];

const mul = (m, v) => m.map((row) => row[0] * v[0] + row[1] * v[1] + row[2] * v[2]);
const matmul = (a, b) => a.map((row) => [0, 1, 2].map((j) => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]));

function invert(m) {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** Linear RGB (D65 white) to XYZ for the given primaries. */
export function rgbToXyz(primaries) {
  const cols = primaries.map(([x, y]) => [x / y, 1, (1 - x - y) / y]);
  const m = [0, 1, 2].map((r) => cols.map((c) => c[r]));
  const s = mul(invert(m), D65);
  return m.map((row) => row.map((v, j) => v * s[j]));
}

// Bradford adaptation from D65 to D50, as ICC profiles store colorants.
const BRADFORD = [
  [0.8951, 0.2664, -0.1614],
  [-0.7502, 1.7135, 0.0367],
  [0.0389, -0.0685, 1.0296],
];
function d65ToD50() {
  const src = mul(BRADFORD, D65);
  const dst = mul(BRADFORD, D50);
  const scale = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? dst[i] / src[i] : 0)));
  return matmul(invert(BRADFORD), matmul(scale, BRADFORD));
}

export const srgbDecode = (v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
export const srgbEncode = (v) => (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

/**
 * 8-bit RGB samples in `from` primaries (with the sRGB curve, or a pure
 * gamma) converted to sRGB by the colorimetric definitions, clipped.
 */
export function convertToSrgb(rgb, from, { gamma } = {}) {
  const m = matmul(invert(rgbToXyz(PRIMARIES.srgb)), rgbToXyz(PRIMARIES[from]));
  const decode = gamma ? (v) => v ** gamma : srgbDecode;
  const out = new Uint8Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) {
    const lin = [0, 1, 2].map((c) => decode(rgb[i + c] / 255));
    mul(m, lin).forEach((v, c) => {
      out[i + c] = Math.round(255 * srgbEncode(Math.min(1, Math.max(0, v))));
    });
  }
  return out;
}

// --- ICC profiles ------------------------------------------------------------

const s15 = (v) => Math.round(v * 65536);

function xyzTag(xyz) {
  const tag = Buffer.alloc(20);
  tag.write('XYZ ', 0, 'latin1');
  xyz.forEach((v, i) => tag.writeInt32BE(s15(v), 8 + 4 * i));
  return tag;
}

function textTag(text) {
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  const tag = Buffer.alloc(28 + utf16.length);
  tag.write('mluc', 0, 'latin1');
  tag.writeUInt32BE(1, 8);
  tag.writeUInt32BE(12, 12);
  tag.write('enUS', 16, 'latin1');
  tag.writeUInt32BE(utf16.length, 20);
  tag.writeUInt32BE(28, 24);
  utf16.copy(tag, 28);
  return tag;
}

function curveTag(gamma) {
  if (gamma) {
    // 'para' type 0: Y = X^gamma.
    const tag = Buffer.alloc(16);
    tag.write('para', 0, 'latin1');
    tag.writeInt32BE(s15(gamma), 12);
    return tag;
  }
  // 'para' type 3: the sRGB curve.
  const tag = Buffer.alloc(32);
  tag.write('para', 0, 'latin1');
  tag.writeUInt16BE(3, 8);
  [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045].forEach((v, i) => tag.writeInt32BE(s15(v), 12 + 4 * i));
  return tag;
}

/** An ICC v4 display profile: matrix (from `primaries`) and curves (sRGB's, or a gamma). */
export function iccProfile(primaries, { gamma, name = 'test profile' } = {}) {
  const colorants = matmul(d65ToD50(), rgbToXyz(PRIMARIES[primaries]));
  const chad = Buffer.alloc(44);
  chad.write('sf32', 0, 'latin1');
  d65ToD50().flat().forEach((v, i) => chad.writeInt32BE(s15(v), 8 + 4 * i));
  const curve = curveTag(gamma);
  const tags = [
    ['desc', textTag(name)],
    ['cprt', textTag('No copyright')],
    ['wtpt', xyzTag(D50)],
    ['chad', chad],
    ['rXYZ', xyzTag(colorants.map((row) => row[0]))],
    ['gXYZ', xyzTag(colorants.map((row) => row[1]))],
    ['bXYZ', xyzTag(colorants.map((row) => row[2]))],
    ['rTRC', curve],
    ['gTRC', curve],
    ['bTRC', curve],
  ];
  const table = Buffer.alloc(4 + 12 * tags.length);
  table.writeUInt32BE(tags.length, 0);
  const data = [];
  let offset = 128 + table.length;
  tags.forEach(([sig, body], i) => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    table.write(sig, 4 + 12 * i, 'latin1');
    table.writeUInt32BE(offset, 8 + 12 * i);
    table.writeUInt32BE(body.length, 12 + 12 * i);
    data.push(padded);
    offset += padded.length;
  });
  const header = Buffer.alloc(128);
  header.writeUInt32BE(offset, 0);
  header.writeUInt32BE(0x04300000, 8);
  header.write('mntrRGB XYZ ', 12, 'latin1');
  header.write('acsp', 36, 'latin1');
  D50.forEach((v, i) => header.writeInt32BE(s15(v), 68 + 4 * i));
  return Buffer.concat([header, table, ...data]);
}

// --- Orientation ---------------------------------------------------------------

/**
 * Draws packed pixels (`bpp` bytes each) as a VideoFrame with `rotation`
 * and `flip` is displayed: rotated clockwise, then mirrored left to right.
 */
export function drawOriented(bytes, width, height, bpp, rotation, flip) {
  const turned = rotation === 90 || rotation === 270;
  const w = turned ? height : width;
  const h = turned ? width : height;
  const out = new Uint8Array(bytes.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = flip ? w - 1 - x : x;  // position before the mirror
      let sx, sy;
      if (rotation === 0) [sx, sy] = [dx, y];
      else if (rotation === 90) [sx, sy] = [y, height - 1 - dx];
      else if (rotation === 180) [sx, sy] = [width - 1 - dx, height - 1 - y];
      else [sx, sy] = [width - 1 - y, dx];
      out.set(bytes.subarray((sy * width + sx) * bpp, (sy * width + sx + 1) * bpp), (y * w + x) * bpp);
    }
  }
  return { bytes: out, width: w, height: h };
}
