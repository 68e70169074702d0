// Codecs and the Node process: an idle configured codec must not keep a
// process alive, pending work must finish before exit, and codec calls must
// return without blocking the event loop while the work runs elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { VideoEncoder, VideoFrame } from 'webcodecs-native';

import { patternI420 } from '../helpers/media.mjs';
import { runScript } from '../helpers/process.mjs';

test('a process with an idle configured encoder and decoder exits by itself', () => {
  const result = runScript(`
    import { VideoEncoder, VideoDecoder, VideoFrame } from 'webcodecs-native';
    const chunks = [];
    let config;
    const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); config ??= m.decoderConfig; }, error: (e) => { throw e; } });
    enc.configure({ codec: 'avc1.42001e', width: 64, height: 48 });
    const f = new VideoFrame(new Uint8Array(64 * 48 * 3 / 2), { format: 'I420', codedWidth: 64, codedHeight: 48, timestamp: 0 });
    enc.encode(f);
    f.close();
    await enc.flush();
    const dec = new VideoDecoder({ output: (frame) => { console.log('decoded', frame.timestamp); frame.close(); }, error: (e) => { throw e; } });
    dec.configure(config);
    dec.decode(chunks[0]);
    await dec.flush();
    console.log('idle, not closed:', enc.state, dec.state);
  `);
  assert.equal(result.signal, null, `the process had to be killed: ${result.stderr}`);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /decoded 0/);
  assert.match(result.stdout, /idle, not closed: configured configured/);
});

test('work still in flight is finished before the process exits', () => {
  const result = runScript(`
    import { VideoEncoder, VideoFrame } from 'webcodecs-native';
    let outputs = 0;
    process.on('exit', () => console.log('outputs', outputs));
    const enc = new VideoEncoder({ output: () => outputs++, error: (e) => { throw e; } });
    enc.configure({ codec: 'vp8', width: 64, height: 48, latencyMode: 'realtime' });
    for (let i = 0; i < 5; i++) {
      const f = new VideoFrame(new Uint8Array(64 * 48 * 3 / 2), { format: 'I420', codedWidth: 64, codedHeight: 48, timestamp: i });
      enc.encode(f);
      f.close();
    }
    // No flush, no close: the realtime encoder emits each frame as it goes.
  `);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /outputs 5/);
});

test('reset() twice while the codec is busy, then work: the process waits for that work', () => {
  // The second reset dropped the first one's Reset, still queued behind the
  // frame being encoded, and counted it as a completion to wait for: the
  // codec stopped holding the process before its configure and flush
  // completed, and the process ended with the flush pending (exit code 13).
  const result = runScript(`
    import { VideoEncoder, VideoFrame } from 'webcodecs-native';
    const encoder = new VideoEncoder({ output() {}, error: (e) => { throw e; } });
    encoder.configure({ codec: 'vp8', width: 1920, height: 1080 });
    for (let i = 0; i < 3; i++) {
      const frame = new VideoFrame(new Uint8Array(1920 * 1080 * 3 / 2).fill(i), { format: 'I420', codedWidth: 1920, codedHeight: 1080, timestamp: i });
      encoder.encode(frame);
      frame.close();
    }
    encoder.reset();
    encoder.reset();
    encoder.configure({ codec: 'vp8', width: 64, height: 48 });
    await encoder.flush();
    console.log('flushed', encoder.state);
  `);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /flushed configured/);
});

test('a process that never closes a busy codec still exits cleanly', () => {
  const result = runScript(`
    import { VideoEncoder, VideoFrame } from 'webcodecs-native';
    const enc = new VideoEncoder({ output() {}, error() {} });
    enc.configure({ codec: 'avc1.64001f', width: 320, height: 240 });
    for (let i = 0; i < 20; i++) {
      const f = new VideoFrame(new Uint8Array(320 * 240 * 3 / 2), { format: 'I420', codedWidth: 320, codedHeight: 240, timestamp: i });
      enc.encode(f);
      f.close();
    }
    enc.flush();
    setImmediate(() => process.exit(0));
  `);
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.status, 0, result.stderr);
});

test('encode() and flush() return at once while a 1080p encode runs (the loop is never blocked)', async () => {
  const W = 1920;
  const H = 1080;
  const frames = [];
  for (let i = 0; i < 8; i++) frames.push(patternI420(W, H, i));
  let outputs = 0;
  const enc = new VideoEncoder({ output: () => outputs++, error: (e) => assert.fail(e.message) });
  enc.configure({ codec: 'avc1.640028', width: W, height: H, bitrate: 4_000_000, framerate: 30 });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const callTimes = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < frames.length; i++) {
      const frame = new VideoFrame(frames[i], { format: 'I420', codedWidth: W, codedHeight: H, timestamp: (round * 8 + i) * 33333 });
      const t0 = performance.now();
      enc.encode(frame);
      callTimes.push(performance.now() - t0);
      frame.close();
      // Let the loop turn between frames, as a real producer would.
      await new Promise((r) => setImmediate(r));
    }
  }
  const t0 = performance.now();
  const flushed = enc.flush();
  const flushCall = performance.now() - t0;
  await flushed;
  histogram.disable();
  enc.close();
  assert.equal(outputs, 32);
  callTimes.sort((a, b) => a - b);
  const p99 = callTimes[Math.floor(callTimes.length * 0.99) - 1];
  // Generous bounds: this asserts "no blocking", not speed. An encode()
  // that did the work on the JS thread would take 10-100 ms per 1080p frame.
  assert.ok(p99 < 5, `encode() p99 ${p99.toFixed(2)} ms`);
  assert.ok(flushCall < 5, `flush() took ${flushCall.toFixed(2)} ms`);
  // The 99th percentile: on a loaded 2-core machine single long delays come
  // from the scheduler and GC; a loop blocked by encoding would be delayed
  // by tens of milliseconds on every frame.
  const p99DelayMs = histogram.percentile(99) / 1e6;
  assert.ok(p99DelayMs < 40, `event loop delayed by ${p99DelayMs.toFixed(1)} ms at p99 (max ${(histogram.max / 1e6).toFixed(1)} ms)`);
});

test('idle configured audio codecs do not keep a process (or a worker thread) alive', () => {
  const result = runScript(`
    import { createRequire } from 'node:module';
    import { Worker } from 'node:worker_threads';
    // The same script in a worker thread and on the main thread.
    const body = \`
      const { AudioData, AudioDecoder, AudioEncoder } = require(process.cwd() + '/dist/index.js');
      (async () => {
        let config;
        const chunks = [];
        const enc = new AudioEncoder({ output: (c, m) => { chunks.push(c); config ??= m.decoderConfig; }, error: (e) => { throw e; } });
        enc.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 1 });
        const d = new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 4800, numberOfChannels: 1, timestamp: 0, data: new Float32Array(4800) });
        enc.encode(d);
        d.close();
        await enc.flush();
        const dec = new AudioDecoder({ output: (a) => a.close(), error: (e) => { throw e; } });
        dec.configure(config);
        chunks.forEach((c) => dec.decode(c));
        await dec.flush();
        console.log(require('node:worker_threads').isMainThread ? 'main' : 'worker', enc.state, dec.state, chunks.length > 0);
      })();
    \`;
    new Worker(body, { eval: true, execArgv: [] });
    new Function('require', body)(createRequire(import.meta.url));
  `);
  assert.equal(result.signal, null, `the process had to be killed: ${result.stderr}`);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /main configured configured true/);
  assert.match(result.stdout, /worker configured configured true/);
});
