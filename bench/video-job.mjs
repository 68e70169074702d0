// One measurement of bench/video.mjs, in its own process so that peak RSS
// and event-loop lag belong to this job alone. Prints one JSON line.
//
//   node bench/video-job.mjs encode '{"source":..., "width":..., "height":..., "frames":..., "config":{...}, "out":...}'
//   node bench/video-job.mjs decode '{"stream":..., "codec":..., "copy":null|"I420"|"RGBA"}'
//   node bench/video-job.mjs idle   '{"width":..., "height":...}'
//   node bench/video-job.mjs beside '{"args":[...ffmpeg arguments]}'
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

import { callTimer, report, start, stop, waitForDequeue } from './lib/job.mjs';

const [mode, json] = process.argv.slice(2);
const job = JSON.parse(json ?? '{}');

async function encode() {
  const { source, width, height, frames, config, out, fps = 30 } = job;
  const frameBytes = (width * height * 3) / 2;
  const buffer = Buffer.allocUnsafe(frameBytes);
  const fd = openSync(source, 'r');
  // The stream for the decode jobs goes to a file chunk by chunk, so that
  // holding it does not count in our peak RSS (the CLI writes nowhere).
  const chunksFd = openSync(`${out}.chunks`, 'w');
  const index = [];
  let total = 0;
  let scratch = new Uint8Array(1 << 16);
  const calls = callTimer();
  let failure = null;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      if (chunk.byteLength > scratch.length) scratch = new Uint8Array(chunk.byteLength * 2);
      const data = scratch.subarray(0, chunk.byteLength);
      chunk.copyTo(data);
      writeSync(chunksFd, data);
      index.push({ offset: total, size: data.length, key: chunk.type === 'key', timestamp: chunk.timestamp, duration: chunk.duration });
      total += data.length;
    },
    error: (e) => {
      failure = e;
    },
  });
  encoder.configure(config);
  start();
  for (let i = 0; i < frames; i++) {
    // The raw file is read frame by frame, as the CLI reads it.
    readSync(fd, buffer, 0, frameBytes, i * frameBytes);
    const timestamp = Math.round((i * 1e6) / fps);
    const frame = new VideoFrame(buffer, { format: 'I420', codedWidth: width, codedHeight: height, timestamp, duration: Math.round(1e6 / fps) });
    calls.time(() => encoder.encode(frame));
    frame.close();
    if (encoder.encodeQueueSize > 4) await waitForDequeue(encoder);
  }
  const f0 = performance.now();
  const flushed = encoder.flush();
  const flushCallMs = performance.now() - f0;
  await flushed;
  const seconds = stop();
  encoder.close();
  closeSync(fd);
  closeSync(chunksFd);
  if (failure) throw failure;
  writeFileSync(`${out}.json`, JSON.stringify({ codec: config.codec, width, height, index }));
  report({ seconds, frames, bytes: total, callMs: calls.summary(), flushCallMs });
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
  const calls = callTimer();
  start();
  for (const chunk of chunks) {
    calls.time(() => decoder.decode(chunk));
    if (decoder.decodeQueueSize > 4) await waitForDequeue(decoder);
  }
  await decoder.flush();
  await Promise.all(copies);
  const seconds = stop();
  decoder.close();
  if (failure) throw failure;
  report({ seconds, frames, callMs: calls.summary() });
}

// The same process with no codec work: the RSS baseline.
async function idle() {
  const buffer = Buffer.alloc((job.width * job.height * 3) / 2);
  new VideoFrame(buffer, { format: 'I420', codedWidth: job.width, codedHeight: job.height, timestamp: 0 }).close();
  start();
  await new Promise((resolve) => setImmediate(resolve));
  report({ seconds: stop() });
}

// The same harness with no codec work while the ffmpeg CLI does the same
// work beside it: the event-loop lag that CPU sharing alone causes.
async function beside() {
  start();
  const cli = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...job.args], { stdio: 'ignore' });
  const code = await new Promise((resolve) => cli.on('exit', resolve));
  const seconds = stop();
  if (code !== 0) throw new Error(`ffmpeg ${job.args.join(' ')} exited with ${code}`);
  report({ seconds });
}

const jobs = { encode, decode, idle, beside };
if (!jobs[mode]) throw new Error(`unknown mode ${mode}; expected encode, decode, idle or beside`);
await jobs[mode]();
