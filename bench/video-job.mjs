// One measurement of bench/video.mjs, in its own process so that peak RSS
// and event-loop lag belong to this job alone. Prints one JSON line.
//
//   node bench/video-job.mjs encode '{"source":..., "width":..., "height":..., "frames":..., "config":{...}, "out":...}'
//   node bench/video-job.mjs decode '{"stream":..., "codec":..., "copy":null|"I420"|"RGBA"}'
//   node bench/video-job.mjs idle   '{"width":..., "height":...}'
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame, getPoolStats } from 'webcodecs-native';

const [mode, json] = process.argv.slice(2);
const job = JSON.parse(json ?? '{}');

// The lag of the event loop during the work: a 1 ms timer's lateness.
const lag = monitorEventLoopDelay({ resolution: 1 });

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0;
}

// CPU time of the process from the start of the measured work.
let cpuFrom = process.cpuUsage();

function report(extra) {
  const ms = (ns) => Number((ns / 1e6).toFixed(2));
  const pools = getPoolStats().total;
  console.log(
    JSON.stringify({
      ...extra,
      cpuSeconds: Number(((process.cpuUsage(cpuFrom).user + process.cpuUsage(cpuFrom).system) / 1e6).toFixed(3)),
      lagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
      maxRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
      pool: { acquires: pools.acquires, fresh: pools.freshAllocations },
    }),
  );
}

const waitForDequeue = (codec) => new Promise((resolve) => codec.addEventListener('dequeue', resolve, { once: true }));

async function encode() {
  const { source, width, height, frames, config, out, fps = 30 } = job;
  const frameBytes = (width * height * 3) / 2;
  const buffer = Buffer.allocUnsafe(frameBytes);
  const fd = openSync(source, 'r');
  const chunks = [];
  const callMs = [];
  let failure = null;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ key: chunk.type === 'key', timestamp: chunk.timestamp, duration: chunk.duration, data });
    },
    error: (e) => {
      failure = e;
    },
  });
  encoder.configure(config);
  lag.enable();
  cpuFrom = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    // The raw file is read frame by frame, as the CLI reads it.
    readSync(fd, buffer, 0, frameBytes, i * frameBytes);
    const timestamp = Math.round((i * 1e6) / fps);
    const frame = new VideoFrame(buffer, { format: 'I420', codedWidth: width, codedHeight: height, timestamp, duration: Math.round(1e6 / fps) });
    const c0 = performance.now();
    encoder.encode(frame);
    callMs.push(performance.now() - c0);
    frame.close();
    if (encoder.encodeQueueSize > 4) await waitForDequeue(encoder);
  }
  const f0 = performance.now();
  const flushed = encoder.flush();
  const flushCallMs = performance.now() - f0;
  await flushed;
  const seconds = (performance.now() - t0) / 1000;
  lag.disable();
  encoder.close();
  closeSync(fd);
  if (failure) throw failure;
  // The stream for the decode jobs: payloads back to back, plus an index.
  const total = chunks.reduce((n, c) => n + c.data.length, 0);
  const payload = new Uint8Array(total);
  let offset = 0;
  const index = chunks.map((c) => {
    payload.set(c.data, offset);
    const entry = { offset, size: c.data.length, key: c.key, timestamp: c.timestamp, duration: c.duration };
    offset += c.data.length;
    return entry;
  });
  writeFileSync(`${out}.chunks`, payload);
  writeFileSync(`${out}.json`, JSON.stringify({ codec: config.codec, width, height, index }));
  callMs.sort((a, b) => a - b);
  report({ seconds, frames, bytes: total, callMs: { p50: percentile(callMs, 0.5), p99: percentile(callMs, 0.99) }, flushCallMs });
}

async function decode() {
  const { stream, copy } = job;
  const meta = JSON.parse(readFileSync(`${stream}.json`, 'utf8'));
  const payload = readFileSync(`${stream}.chunks`);
  const chunks = meta.index.map(
    (e) =>
      new EncodedVideoChunk({
        type: e.key ? 'key' : 'delta',
        timestamp: e.timestamp,
        duration: e.duration ?? undefined,
        data: payload.subarray(e.offset, e.offset + e.size),
      }),
  );
  let frames = 0;
  let failure = null;
  const copies = [];
  // A few destinations reused in turn: copyTo is asynchronous.
  const ring = [];
  const decoder = new VideoDecoder({
    output: (frame) => {
      frames++;
      if (!copy) {
        frame.close();
        return;
      }
      const options = copy === 'I420' ? {} : { format: copy };
      const dest = (ring[frames % 4] ??= new Uint8Array(frame.allocationSize(options)));
      copies.push(frame.copyTo(dest, options).finally(() => frame.close()));
    },
    error: (e) => {
      failure = e;
    },
  });
  decoder.configure({ codec: meta.codec, codedWidth: meta.width, codedHeight: meta.height });
  const callMs = [];
  lag.enable();
  cpuFrom = process.cpuUsage();
  const t0 = performance.now();
  for (const chunk of chunks) {
    const c0 = performance.now();
    decoder.decode(chunk);
    callMs.push(performance.now() - c0);
    if (decoder.decodeQueueSize > 4) await waitForDequeue(decoder);
  }
  await decoder.flush();
  await Promise.all(copies);
  const seconds = (performance.now() - t0) / 1000;
  lag.disable();
  decoder.close();
  if (failure) throw failure;
  callMs.sort((a, b) => a - b);
  report({ seconds, frames, callMs: { p50: percentile(callMs, 0.5), p99: percentile(callMs, 0.99) } });
}

// The same process with no codec work: the RSS baseline.
async function idle() {
  const buffer = Buffer.alloc((job.width * job.height * 3) / 2);
  new VideoFrame(buffer, { format: 'I420', codedWidth: job.width, codedHeight: job.height, timestamp: 0 }).close();
  lag.enable();
  await new Promise((resolve) => setImmediate(resolve));
  lag.disable();
  report({ seconds: 0 });
}

const jobs = { encode, decode, idle };
if (!jobs[mode]) throw new Error(`unknown mode ${mode}; expected encode, decode or idle`);
await jobs[mode]();
