// Demo: encodes a generated moving test pattern (1280x720, 5 s at 30 fps) to
// H.264 with VideoEncoder, decodes the stream back with VideoDecoder, and
// reports the throughput of each direction and the round-trip PSNR. The
// Annex B stream is written to a file that ffprobe/ffplay open.
//
//   node demo/demo.mjs [output.h264] [--codec avc1.64001f] [--frames 150]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { VideoDecoder, VideoEncoder, VideoFrame, getPoolStats } from 'webcodecs-native';

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 30;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    codec: { type: 'string', default: 'avc1.64001f' },
    frames: { type: 'string', default: '150' },
    bitrate: { type: 'string', default: '3000000' },
  },
});
const frameCount = Number(values.frames);
if (!Number.isInteger(frameCount) || frameCount <= 0) throw new Error(`--frames must be a positive integer, got ${values.frames}`);
const output = positionals[0] ?? join(dirname(new URL(import.meta.url).pathname), 'out', 'demo.h264');

/** I420 bytes of frame `i`: moving diagonal gradients and a bouncing square. */
function pattern(i) {
  const ySize = WIDTH * HEIGHT;
  const cw = WIDTH / 2;
  const ch = HEIGHT / 2;
  const data = new Uint8Array(ySize + 2 * cw * ch);
  const sx = Math.abs(((i * 12) % (2 * (WIDTH - 160))) - (WIDTH - 160));
  const sy = Math.abs(((i * 7) % (2 * (HEIGHT - 160))) - (HEIGHT - 160));
  for (let y = 0; y < HEIGHT; y++) {
    const row = y * WIDTH;
    const inRows = y >= sy && y < sy + 160;
    for (let x = 0; x < WIDTH; x++) {
      data[row + x] = inRows && x >= sx && x < sx + 160 ? 235 : 16 + ((x + 2 * y + 3 * i) % 200);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      data[ySize + y * cw + x] = 128 + Math.round(60 * Math.sin((x + i) / 40));
      data[ySize + cw * ch + y * cw + x] = 128 + Math.round(60 * Math.cos((y - i) / 30));
    }
  }
  return data;
}

function lumaPsnr(a, b) {
  let se = 0;
  for (let i = 0; i < WIDTH * HEIGHT; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * WIDTH * HEIGHT) / se);
}

// The clip is generated up front so the timings below measure the codecs.
const sources = Array.from({ length: Math.min(frameCount, 60) }, (_, i) => pattern(i));
const sourceOf = (i) => sources[i % sources.length];

// Encode.
const chunks = [];
let decoderConfig;
const encoder = new VideoEncoder({
  output: (chunk, metadata) => {
    chunks.push(chunk);
    decoderConfig ??= metadata?.decoderConfig;
  },
  error: (e) => {
    throw e;
  },
});
encoder.configure({
  codec: values.codec,
  width: WIDTH,
  height: HEIGHT,
  bitrate: Number(values.bitrate),
  framerate: FPS,
  avc: { format: 'annexb' },
});
let t0 = performance.now();
for (let i = 0; i < frameCount; i++) {
  const frame = new VideoFrame(sourceOf(i), {
    format: 'I420',
    codedWidth: WIDTH,
    codedHeight: HEIGHT,
    timestamp: Math.round((i * 1e6) / FPS),
    duration: Math.round(1e6 / FPS),
  });
  encoder.encode(frame, { keyFrame: i % (FPS * 2) === 0 });
  frame.close();
  // Backpressure, as a producer should: let the encoder drain its queue.
  if (encoder.encodeQueueSize > 8) await new Promise((resolve) => encoder.addEventListener('dequeue', resolve, { once: true }));
}
await encoder.flush();
encoder.close();
const encodeSeconds = (performance.now() - t0) / 1000;

const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
const stream = new Uint8Array(bytes);
let offset = 0;
for (const chunk of chunks) {
  chunk.copyTo(stream.subarray(offset));
  offset += chunk.byteLength;
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, stream);

// Decode, comparing every frame with its source.
let decoded = 0;
let psnrSum = 0;
let psnrMin = Infinity;
const pending = [];
const decoder = new VideoDecoder({
  output: (frame) => {
    const index = decoded++;
    const pixels = new Uint8Array(frame.allocationSize());
    pending.push(
      frame.copyTo(pixels).then(() => {
        const db = lumaPsnr(pixels, sourceOf(index));
        psnrSum += db;
        psnrMin = Math.min(psnrMin, db);
        frame.close();
      }),
    );
  },
  error: (e) => {
    throw e;
  },
});
decoder.configure(decoderConfig);
t0 = performance.now();
for (const chunk of chunks) decoder.decode(chunk);
await decoder.flush();
await Promise.all(pending);
decoder.close();
const decodeSeconds = (performance.now() - t0) / 1000;

const pool = getPoolStats().total;
console.log(`codec ${decoderConfig.codec}, ${WIDTH}x${HEIGHT}, ${frameCount} frames at ${FPS} fps`);
console.log(`encode: ${(frameCount / encodeSeconds).toFixed(1)} fps, ${chunks.length} chunks, ${((bytes * 8) / (frameCount / FPS) / 1e6).toFixed(2)} Mbit/s`);
console.log(`decode: ${(decoded / decodeSeconds).toFixed(1)} fps (with a copy of every frame), ${decoded} frames`);
console.log(`round trip: luma PSNR ${(psnrSum / decoded).toFixed(2)} dB mean, ${psnrMin.toFixed(2)} dB min`);
console.log(`frame pool: ${pool.acquires} buffers handed out, ${pool.hits} reused, ${pool.freshAllocations} allocated`);
console.log(`wrote ${output} (Annex B H.264: ffprobe ${output})`);
if (decoded !== frameCount) {
  console.error(`expected ${frameCount} decoded frames, got ${decoded}`);
  process.exit(1);
}
