// Image test media: files written by the ffmpeg CLI from lavfi sources (and
// AVIF by avifenc), the CLI's or avifdec's own decode of them (the
// reference), and ImageDecoder drivers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';

import { ImageDecoder } from 'webcodecs-native';

import { ffmpeg, ffprobeJson, tempDir } from './media.mjs';

const dir = tempDir('wcn-image-');
let counter = 0;

/** Writes an image with the ffmpeg CLI; `args` go between the input and the output file. */
export function makeImage(ext, { source = 'testsrc2=size=64x48:rate=10', frames = 1, args = [], inputs } = {}) {
  const file = join(dir, `img${counter++}.${ext}`);
  const input = inputs ?? ['-f', 'lavfi', '-i', source];
  ffmpeg([...input, '-frames:v', String(frames), ...args, file]);
  return { file, data: readFileSync(file) };
}

/** The CLI's decode of `file` as raw frames of `pixFmt` (each `frameBytes` long). */
export function cliFrames(file, pixFmt, frameBytes, { filter, map } = {}) {
  const raw = ffmpeg([
    '-i', file,
    ...(map ? ['-map', map] : []),
    ...(filter ? ['-vf', filter] : []),
    '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-',
  ]);
  const frames = [];
  for (let pos = 0; pos + frameBytes <= raw.length; pos += frameBytes) frames.push(new Uint8Array(raw.subarray(pos, pos + frameBytes)));
  return frames;
}

/** The source frames themselves (lavfi through the CLI's conversion), for formats the CLI cannot decode. */
export function sourceFrames(source, frames, pixFmt, frameBytes) {
  const raw = ffmpeg(['-f', 'lavfi', '-i', source, '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', pixFmt, '-']);
  const out = [];
  for (let pos = 0; pos + frameBytes <= raw.length; pos += frameBytes) out.push(new Uint8Array(raw.subarray(pos, pos + frameBytes)));
  return out;
}

/**
 * An AVIF written by avifenc (speed 10, `args`) from a PNG, or a y4m for
 * `frames` > 1 (`input`), that the ffmpeg CLI made of `source` through
 * `filter`.
 */
export function makeAvif({ source = 'testsrc2=size=64x48:rate=10', frames = 1, filter, args = [] } = {}) {
  const input = join(dir, `avif-input${counter++}.${frames > 1 ? 'y4m' : 'png'}`);
  const pixFmt = frames > 1 ? 'yuv420p' : 'rgba';
  ffmpeg(['-f', 'lavfi', '-i', source, '-frames:v', String(frames), ...(filter ? ['-vf', filter] : []), '-pix_fmt', pixFmt, input]);
  const file = join(dir, `img${counter++}.avif`);
  execFileSync('avifenc', ['-s', '10', ...args, input, file], { stdio: 'ignore' });
  return { file, data: readFileSync(file), input };
}

/** The planes of a YUV4MPEG2 stream, per frame: [Y, U, V] (and A for C444alpha). */
export function readY4m(buffer) {
  const headerEnd = buffer.indexOf(0x0a);
  const fields = buffer.subarray(0, headerEnd).toString('latin1').split(' ');
  const field = (key) => fields.find((f) => f[0] === key)?.slice(1);
  const width = Number(field('W'));
  const height = Number(field('H'));
  const c = field('C') ?? '420jpeg';
  const bytes = /p1[02]/.test(c) ? 2 : 1;
  const [cw, ch] = c.startsWith('444') ? [width, height] : c.startsWith('422') ? [Math.ceil(width / 2), height] : [Math.ceil(width / 2), Math.ceil(height / 2)];
  const sizes = [width * height, cw * ch, cw * ch, ...(c.endsWith('alpha') ? [width * height] : [])].map((n) => n * bytes);
  const frames = [];
  for (let pos = headerEnd + 1; pos < buffer.length; ) {
    pos = buffer.indexOf(0x0a, pos) + 1;  // FRAME line
    frames.push(sizes.map((n) => {
      const plane = new Uint8Array(buffer.subarray(pos, pos + n));
      pos += n;
      return plane;
    }));
  }
  return { width, height, frames };
}

/**
 * avifdec's decode of frame `index`: its colour planes (from its y4m
 * output, which leaves clap/irot/imir unapplied) and, with `alpha`, its
 * alpha channel (from its PNG output).
 */
export function avifdecFrame(file, { index = 0, alpha = false } = {}) {
  const y4m = join(dir, `avifdec${counter++}.y4m`);
  execFileSync('avifdec', ['--index', String(index), file, y4m], { stdio: 'ignore' });
  const { width, height, frames } = readY4m(readFileSync(y4m));
  const out = { width, height, planes: frames[0].slice(0, 3) };
  if (alpha) {
    const png = join(dir, `avifdec${counter++}.png`);
    execFileSync('avifdec', ['--index', String(index), file, png], { stdio: 'ignore' });
    [out.alpha] = cliFrames(png, 'gray', width * height, { filter: 'alphaextract' });
  }
  return out;
}

/** Packet timing of the file's video stream as ffprobe reports it, in microseconds. */
export function probeTiming(file) {
  const { packets } = ffprobeJson(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', file]);
  return packets.map((p) => ({
    timestamp: Math.round(Number(p.pts_time) * 1e6),
    duration: Math.round(Number(p.duration_time) * 1e6),
  }));
}

/** A ReadableStream of `bytes` in chunks of `size` (one chunk per pull). */
export function chunkedStream(bytes, size) {
  let pos = 0;
  return new ReadableStream({
    pull(controller) {
      if (pos >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(bytes.subarray(pos, pos + size)));
      pos += size;
    },
  });
}

/** A stream the test feeds by hand: push(bytes), end(). */
export function manualStream() {
  let controller;
  const stream = new ReadableStream({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    push: (bytes) => controller.enqueue(new Uint8Array(bytes)),
    end: () => controller.close(),
    fail: (err) => controller.error(err),
  };
}

/** The frame's bytes in its own format and layout (tightly packed). */
export async function frameBytes(frame) {
  const out = new Uint8Array(frame.allocationSize());
  await frame.copyTo(out);
  return out;
}

/** Every frame of an image: [{format, width, height, timestamp, duration, bytes}]. */
export async function decodeAll(init) {
  const decoder = new ImageDecoder(init);
  await decoder.tracks.ready;
  await decoder.completed;
  const track = decoder.tracks.selectedTrack;
  const frames = [];
  // frameCount can still grow after `completed` (the demuxer may lag the
  // data); decoding until the index is out of range sees every frame.
  for (let i = 0; ; i++) {
    let result;
    try {
      result = await decoder.decode({ frameIndex: i });
    } catch (err) {
      if (err instanceof RangeError && i > 0) break;
      throw err;
    }
    const { image, complete } = result;
    frames.push({
      format: image.format,
      width: image.codedWidth,
      height: image.codedHeight,
      timestamp: image.timestamp,
      duration: image.duration,
      complete,
      colorSpace: image.colorSpace.toJSON(),
      bytes: await frameBytes(image),
    });
    image.close();
  }
  const info = { animated: track.animated, frameCount: track.frameCount, repetitionCount: track.repetitionCount };
  decoder.close();
  return { frames, info };
}

/** RGB bytes of packed 3- or 4-byte pixels (drops X or A). */
export function rgbOf(bytes, bytesPerPixel) {
  const n = bytes.length / bytesPerPixel;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out.set(bytes.subarray(i * bytesPerPixel, i * bytesPerPixel + 3), i * 3);
  return out;
}

/** True when two byte arrays are equal; cheaper to report than deepEqual on large arrays. */
export function sameBytes(a, b) {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** The offset of box `type` (4 ASCII letters) in an ISO-BMFF file: a search, enough for our small files. */
const boxAt = (bytes, type) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(type, 0, 'latin1') - 4;

/**
 * A copy of an image file whose header declares width x height (the first
 * frame's too, for animations), other fields as they were: PNG/APNG IHDR
 * (CRC updated), GIF screen and image descriptor, BMP, JPEG SOF, WebP VP8X
 * canvas (extended files only), AVIF ispe, ICO's embedded PNG.
 */
export function imageWithSize(type, bytes, width, height) {
  const out = Buffer.from(bytes);
  const png = (at) => {
    out.writeUInt32BE(width, at + 16);
    out.writeUInt32BE(height, at + 20);
    out.writeUInt32BE(crc32(out.subarray(at + 12, at + 29)), at + 29);
  };
  switch (type) {
    case 'image/png':
    case 'image/apng':
      png(0);
      break;
    case 'image/x-icon':
      png(out.readUInt32LE(18)); // the first directory entry's image offset
      break;
    case 'image/gif': {
      out.writeUInt16LE(width, 6);
      out.writeUInt16LE(height, 8);
      // The first image descriptor: past the colour table and extension blocks.
      let pos = 13 + (out[10] & 0x80 ? 3 << ((out[10] & 7) + 1) : 0);
      while (out[pos] === 0x21) {
        pos += 2;
        while (out[pos]) pos += out[pos] + 1;
        pos++;
      }
      out.writeUInt16LE(width, pos + 5);
      out.writeUInt16LE(height, pos + 7);
      break;
    }
    case 'image/bmp':
      out.writeInt32LE(width, 18);
      out.writeInt32LE(height, 22);
      break;
    case 'image/jpeg':
      for (let pos = 2; ; pos += 2 + out.readUInt16BE(pos + 2)) {
        if ((out[pos + 1] & 0xf0) === 0xc0 && ![0xc4, 0xc8, 0xcc].includes(out[pos + 1])) {
          out.writeUInt16BE(height, pos + 5);
          out.writeUInt16BE(width, pos + 7);
          break;
        }
      }
      break;
    case 'image/webp':
      if (out.toString('latin1', 12, 16) !== 'VP8X') throw new Error('only extended WebP files declare a canvas');
      out.writeUIntLE(width - 1, 24, 3);
      out.writeUIntLE(height - 1, 27, 3);
      break;
    case 'image/avif': {
      const ispe = boxAt(out, 'ispe');
      out.writeUInt32BE(width, ispe + 12);
      out.writeUInt32BE(height, ispe + 16);
      break;
    }
    default:
      throw new Error(`no size rewriting for ${type}`);
  }
  return new Uint8Array(out);
}
