// Image test media: files written by the ffmpeg CLI from lavfi sources, the
// CLI's own decode of them (the reference), and ImageDecoder drivers.
import { readFileSync } from 'node:fs';
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
