// Model-based tests over the real codecs: random call sequences (fast-check)
// against VideoEncoder, VideoDecoder, AudioEncoder and AudioDecoder with
// small, fast configurations (VP8 realtime 64x48, PCM), checked against a
// model of the spec's state machine (test/unit/codec-state-machine.test.mjs
// does the same against a fake native codec):
// - what each call throws, synchronously, with the spec's exact type
//   (InvalidStateError, TypeError, DataError), and the state it leaves;
// - every flush promise settles: resolved only if nothing ended its
//   configuration first, and then after the output of every input queued
//   before it; AbortError after reset()/close(); the codec's error
//   otherwise, the very exception its error callback got;
// - the error callback runs at most once, with the codec closed, with
//   NotSupportedError only after an unsupported configure() and
//   EncodingError only after corrupt data;
// - no output after reset() or close() of work queued before it, none twice,
//   none while not configured;
// - the queue size is back to 0 once everything has run.
// WCN_MODEL_RUNS sets the number of sequences per codec (default 500).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import fc from 'fast-check';
import {
  AudioData, AudioDecoder, AudioEncoder, EncodedAudioChunk, EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame,
} from 'webcodecs-native';

import { encodeClip } from '../helpers/codecs.mjs';
import { chunkBytes } from '../helpers/media.mjs';

const RUNS = Number(process.env.WCN_MODEL_RUNS || 500);
const W = 64;
const H = 48;
const turn = () => new Promise((resolve) => setImmediate(resolve));

const videoFrame = (timestamp) => new VideoFrame(new Uint8Array((W * H * 3) / 2).fill(timestamp % 251), { format: 'I420', codedWidth: W, codedHeight: H, timestamp });
// 480 stereo frames at 48 kHz: 10 ms, so contiguous inputs are 10000 us apart.
const audioData = (timestamp) => new AudioData({ format: 's16', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 2, timestamp, data: new Int16Array(960).fill(timestamp % 997) });
const detached = (make) => {
  const input = make(0);
  input.close();
  return input;
};

// A VP8 clip (realtime: one chunk per frame, one frame per chunk) with a key chunk every 4.
let vp8;

/**
 * What each codec type needs: its configs (supported, valid but
 * unsupported, invalid), and for each input kind the input with the
 * timestamp `ts` (null: nothing can be made, the command is skipped).
 * `type` is the chunk type a decoder checks; `corrupt` inputs fail the codec.
 */
/** An encoder's driver: `make(ts)` builds its input. */
const encoderDriver = (Codec, configs, make, extra = {}) => ({
  Codec,
  configs,
  input(kind, ts) {
    if (kind === 'detached') return { value: detached(make), throws: 'TypeError' };
    return { value: make(ts), options: { keyFrame: kind === 'key' }, close: true };
  },
  submit: (codec, input) => codec.encode(input.value, input.options),
  queueSize: (codec) => codec.encodeQueueSize,
  ...extra,
});

const DRIVERS = {
  VideoEncoder: encoderDriver(
    VideoEncoder,
    {
      ok: { codec: 'vp8', width: W, height: H, bitrate: 200000, latencyMode: 'realtime' },
      unsupported: { codec: 'vp8', width: W, height: H, scalabilityMode: 'L3T3' },
      invalid: { codec: 'vp8', width: 0, height: H },
    },
    videoFrame,
  ),
  AudioEncoder: encoderDriver(
    AudioEncoder,
    {
      ok: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 },
      unsupported: { codec: 'mp4a.40.5', sampleRate: 48000, numberOfChannels: 2 },
      invalid: { codec: 'pcm-s16', sampleRate: 0, numberOfChannels: 2 },
    },
    audioData,
    // Chunks are stamped by sample count: inputs must be 10 ms apart.
    { step: 10000 },
  ),
  VideoDecoder: {
    Codec: VideoDecoder,
    configs: {
      ok: null, // the clip's decoderConfig, once encoded
      unsupported: { codec: 'vp09.04.10.08' },
      invalid: { codec: 'vp8', codedWidth: 0, codedHeight: H },
    },
    // A key chunk (which one, by the timestamp), or the chunk after the
    // last one fed, in clip order (chunk 1 after the clip's end).
    input(kind, ts, model) {
      if (kind === 'corrupt') return { value: new EncodedVideoChunk({ type: 'delta', timestamp: ts, data: new Uint8Array(40).fill(0xa5) }), corrupt: true, type: 'delta' };
      const chunks = vp8.chunks;
      const index = kind === 'key' ? 4 * ((ts / 1000) % (chunks.length / 4)) : model.next !== null && model.next < chunks.length ? model.next : 1;
      const c = chunks[index];
      return { value: new EncodedVideoChunk({ type: c.type, timestamp: ts, data: chunkBytes(c) }), type: c.type, index };
    },
    submit: (codec, input) => codec.decode(input.value),
    queueSize: (codec) => codec.decodeQueueSize,
    keyed: true,
  },
  AudioDecoder: {
    Codec: AudioDecoder,
    configs: {
      ok: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 },
      unsupported: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 33 },
      invalid: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 0 },
    },
    input(kind, ts) {
      // PCM chunks must hold whole frames (4 bytes): 3 bytes is corrupt.
      if (kind === 'corrupt') return { value: new EncodedAudioChunk({ type: 'key', timestamp: ts, data: new Uint8Array(3) }), corrupt: true, type: 'key' };
      const type = kind === 'delta' ? 'delta' : 'key';
      return { value: new EncodedAudioChunk({ type, timestamp: ts, data: new Uint8Array(1920) }), type };
    },
    submit: (codec, input) => codec.decode(input.value),
    queueSize: (codec) => codec.decodeQueueSize,
    keyed: true,
  },
};

const command = fc.oneof(
  { arbitrary: fc.constantFrom('ok', 'ok', 'ok', 'unsupported', 'invalid').map((kind) => ({ op: 'configure', kind })), weight: 3 },
  { arbitrary: fc.constantFrom('key', 'delta', 'delta', 'delta', 'corrupt', 'detached').map((kind) => ({ op: 'submit', kind })), weight: 8 },
  { arbitrary: fc.constant({ op: 'flush' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'reset' }), weight: 1 },
  { arbitrary: fc.constant({ op: 'close' }), weight: 1 },
  { arbitrary: fc.constant({ op: 'turn' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'await' }), weight: 1 },
);

// Most sequences start configured, so that work, outputs and flushes happen.
const sequence = fc
  .tuple(fc.boolean({ trueWeight: 3 }), fc.array(command, { minLength: 1, maxLength: 40 }))
  .map(([configured, commands]) => (configured ? [{ op: 'configure', kind: 'ok' }, ...commands] : commands));

const throwsName = (fn) => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DOMException ? e.name : e.constructor.name;
  }
};

/** Runs `commands` on a real codec of `driver`'s type and checks it against the model. */
async function runSequence(driver, commands) {
  const model = { state: 'unconfigured', era: 0, keyRequired: true, allowed: new Set(), next: null };
  const submissions = new Map(); // timestamp -> {era}
  const outputs = [];
  const errors = [];
  const flushes = [];
  let timestamp = 0;
  const codec = new driver.Codec({
    output: (out) => {
      outputs.push({ ts: out.timestamp, era: model.era, state: codec.state });
      out.close?.();
    },
    error: (e) => errors.push({ error: e, state: codec.state, allowed: new Set(model.allowed) }),
  });
  // The codec closes itself on an error: the model follows.
  const sync = () => {
    if (errors.length && model.state !== 'closed') {
      model.state = 'closed';
      model.era++;
    }
    assert.equal(codec.state, model.state);
  };

  for (const c of commands) {
    sync();
    switch (c.op) {
      case 'configure': {
        const config = c.kind === 'ok' ? driver.configs.ok ?? vp8.decoderConfig : driver.configs[c.kind];
        // The config is checked before the state.
        const expected = c.kind === 'invalid' ? 'TypeError' : model.state === 'closed' ? 'InvalidStateError' : null;
        assert.equal(throwsName(() => codec.configure(config)), expected, `configure(${c.kind}) while ${model.state}`);
        if (!expected) {
          model.state = 'configured';
          model.keyRequired = true;
          model.next = null;
          if (c.kind === 'unsupported') model.allowed.add('NotSupportedError');
        }
        break;
      }
      case 'submit': {
        if (c.kind === 'corrupt' && !driver.keyed) break;
        if (c.kind === 'detached' && driver.keyed) break;
        const ts = timestamp + (driver.step ?? 1000);
        const input = driver.input(c.kind, ts, model);
        let expected = input.throws ?? null;
        if (!expected && model.state !== 'configured') expected = 'InvalidStateError';
        if (!expected && driver.keyed && model.keyRequired && input.type !== 'key') expected = 'DataError';
        assert.equal(throwsName(() => driver.submit(codec, input)), expected, `${c.kind} input while ${model.state}`);
        if (input.close) input.value.close();
        if (expected) break;
        timestamp = ts;
        submissions.set(ts, { era: model.era, corrupt: !!input.corrupt });
        if (input.corrupt) model.allowed.add('EncodingError');
        model.keyRequired = false;
        if (input.index !== undefined) model.next = input.index + 1;
        break;
      }
      case 'flush': {
        const record = { era: model.era, stateAtCall: model.state, before: [...submissions].filter(([, s]) => s.era === model.era && !s.corrupt).map(([ts]) => ts), settled: null };
        record.promise = codec.flush().then(
          () => (record.settled = { ok: true, era: model.era, seen: new Set(outputs.map((o) => o.ts)) }),
          (e) => (record.settled = { ok: false, era: model.era, error: e }),
        );
        flushes.push(record);
        if (model.state === 'configured') {
          model.keyRequired = true;
          model.next = null;
        }
        break;
      }
      case 'reset':
      case 'close': {
        const expected = model.state === 'closed' ? 'InvalidStateError' : null;
        assert.equal(throwsName(() => codec[c.op]()), expected, `${c.op}() while ${model.state}`);
        if (!expected) {
          model.state = c.op === 'reset' ? 'unconfigured' : 'closed';
          model.era++;
          model.allowed.clear();
          model.keyRequired = true;
          model.next = null;
        }
        break;
      }
      case 'turn':
        await turn();
        break;
      case 'await':
        await flushes.at(-1)?.promise;
        break;
    }
    sync();
  }

  // Drain: a last flush runs whatever is queued; every promise must settle.
  if (model.state === 'configured') await codec.flush().catch(() => {});
  await Promise.all(flushes.map((f) => f.promise));
  await turn();
  sync();
  if (model.state !== 'closed') assert.equal(driver.queueSize(codec), 0, 'the queue drains to 0');

  assert.ok(errors.length <= 1, 'the error callback runs at most once');
  for (const { error, state, allowed } of errors) {
    assert.equal(state, 'closed', 'the codec is closed when its error callback runs');
    assert.ok(error instanceof DOMException && allowed.has(error.name), `${error.name} (${error.message}) after ${[...allowed]}`);
  }
  const delivered = new Set();
  for (const o of outputs) {
    const s = submissions.get(o.ts);
    assert.ok(s, `output ${o.ts} belongs to an input`);
    assert.ok(!delivered.has(o.ts), `output ${o.ts} delivered once`);
    delivered.add(o.ts);
    assert.equal(o.era, s.era, `no output of input ${o.ts} after reset()/close()`);
    assert.equal(o.state, 'configured', 'outputs arrive while configured');
  }
  for (const f of flushes) {
    assert.ok(f.settled, 'every flush promise settles');
    if (f.stateAtCall !== 'configured') {
      assert.equal(f.settled.error?.name, 'InvalidStateError');
    } else if (f.settled.ok) {
      assert.equal(f.settled.era, f.era, 'resolved with nothing ending its configuration first');
      for (const ts of f.before) assert.ok(f.settled.seen.has(ts), `the output of input ${ts} came before its flush resolved`);
    } else if (f.settled.era > f.era && f.settled.error.name === 'AbortError') {
      // reset() or close() came first.
    } else {
      assert.equal(f.settled.error, errors[0]?.error, `flush rejected with ${f.settled.error.name}: the codec's error`);
    }
  }
  if (model.state !== 'closed') codec.close();
}

for (const [name, driver] of Object.entries(DRIVERS)) {
  describe(`${name}: random call sequences follow the spec's state machine (real codec)`, () => {
    before(async () => {
      vp8 ??= await encodeClip({ codec: 'vp8', width: W, height: H, bitrate: 200000, latencyMode: 'realtime' }, 16, { keyEvery: 4 });
    });

    test(`${RUNS} sequences`, async () => {
      await fc.assert(
        fc.asyncProperty(sequence, (commands) => runSequence(driver, commands)),
        { numRuns: RUNS, seed: 20260507, verbose: 1 },
      );
    });
  });
}
