// Demo: builds VideoFrames from a generated moving test pattern, converts
// each to RGBA, clones and closes them, and reports throughput and pool
// reuse. (The encoder issue turns this into an encode/decode round trip.)
import { VideoFrame, getPoolStats } from 'webcodecs-native';

const WIDTH = 1280;
const HEIGHT = 720;
const FRAMES = 150;

function pattern(i) {
  const ySize = WIDTH * HEIGHT;
  const cSize = (WIDTH / 2) * (HEIGHT / 2);
  const data = new Uint8Array(ySize + 2 * cSize);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) data[y * WIDTH + x] = (x + y + i * 4) & 0xff;
  }
  data.fill(128 + ((i * 3) % 64), ySize, ySize + cSize);
  data.fill(128 - ((i * 2) % 64), ySize + cSize);
  return data;
}

const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
const start = performance.now();
for (let i = 0; i < FRAMES; i++) {
  const frame = new VideoFrame(pattern(i % 30), {
    format: 'I420',
    codedWidth: WIDTH,
    codedHeight: HEIGHT,
    timestamp: Math.round((i * 1e6) / 30),
  });
  const clone = frame.clone();
  frame.close();
  await clone.copyTo(rgba, { format: 'RGBA' });
  clone.close();
}
const seconds = (performance.now() - start) / 1000;
const stats = getPoolStats().total;
console.log(`${FRAMES} frames of ${WIDTH}x${HEIGHT}: built, cloned and converted to RGBA at ${(FRAMES / seconds).toFixed(1)} fps`);
console.log(`pool: ${stats.acquires} acquires, ${stats.hits} reused, ${stats.freshAllocations} fresh allocations`);
