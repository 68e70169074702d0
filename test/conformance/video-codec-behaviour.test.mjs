// The spec's codec processing model, run over every video codec: states,
// the error types of ../shared/spec-errors.md, queue sizes and dequeue
// events, flush/reset/close, and no output after reset.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder } from 'webcodecs-native';

import { VIDEO_CODECS, encodeClip } from '../helpers/codecs.mjs';
import { makeFrame } from '../helpers/media.mjs';

const W = 160;
const H = 120;

const isDom = (name) => (e) => e instanceof DOMException && e.name === name;

/** An encoder/decoder whose callbacks record everything. */
function recorder(Codec) {
  const outputs = [];
  const errors = [];
  const codec = new Codec({
    output: (x, meta) => outputs.push({ x, meta }),
    error: (e) => errors.push(e),
  });
  return { codec, outputs, errors };
}

/** Resolves once the error callback has been called (or after `turns` event-loop turns). */
function nextError(errors) {
  return new Promise((resolve) => {
    const check = () => (errors.length ? resolve(errors[0]) : setImmediate(check));
    check();
  });
}

for (const { name, codec } of VIDEO_CODECS) {
  const config = { codec, width: W, height: H, bitrate: 300000, framerate: 30 };

  describe(`VideoEncoder behaviour: ${name}`, () => {
    test('constructor requires output and error callbacks', () => {
      assert.throws(() => new VideoEncoder({}), TypeError);
      assert.throws(() => new VideoEncoder({ output() {} }), TypeError);
      assert.throws(() => new VideoEncoder({ error() {} }), TypeError);
      assert.throws(() => new VideoEncoder({ output: 1, error() {} }), TypeError);
      assert.throws(() => new VideoEncoder(), TypeError);
    });

    test('starts unconfigured; calls that need a configuration fail with InvalidStateError', async () => {
      const { codec: enc } = recorder(VideoEncoder);
      assert.equal(enc.state, 'unconfigured');
      assert.equal(enc.encodeQueueSize, 0);
      const frame = makeFrame(W, H, 0);
      assert.throws(() => enc.encode(frame), isDom('InvalidStateError'));
      await assert.rejects(enc.flush(), isDom('InvalidStateError'));
      frame.close();
      enc.close();
    });

    test('invalid configs throw TypeError and leave the state alone', () => {
      const { codec: enc } = recorder(VideoEncoder);
      for (const bad of [
        { ...config, width: 0 },
        { ...config, height: 0 },
        { ...config, codec: '' },
        { ...config, codec: '  ' },
        { ...config, displayWidth: 0, displayHeight: 10 },
        { ...config, bitrateMode: 'bogus' },
        { ...config, latencyMode: 'fast' },
        { ...config, framerate: NaN },
        { codec, width: W },
      ]) {
        assert.throws(() => enc.configure(bad), TypeError, JSON.stringify(bad));
        assert.equal(enc.state, 'unconfigured');
      }
      enc.close();
    });

    test('encodes, delivers every output before flush resolves, queue drains to 0', async () => {
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      enc.configure(config);
      assert.equal(enc.state, 'configured');
      let dequeues = 0;
      enc.ondequeue = () => dequeues++;
      let listenerDequeues = 0;
      enc.addEventListener('dequeue', () => listenerDequeues++);
      const timestamps = [];
      for (let i = 0; i < 12; i++) {
        const frame = makeFrame(W, H, i);
        timestamps.push(frame.timestamp);
        enc.encode(frame, { keyFrame: i === 0 });
        frame.close();  // the encoder holds its own reference
      }
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.equal(outputs.length, 12);
      assert.equal(enc.encodeQueueSize, 0);
      assert.deepEqual(outputs.map((o) => o.x.timestamp).sort((a, b) => a - b), timestamps);
      assert.ok(outputs[0].x instanceof EncodedVideoChunk);
      assert.equal(outputs[0].x.type, 'key');
      assert.ok(outputs[0].meta.decoderConfig, 'first output carries decoderConfig');
      assert.equal(outputs[0].meta.decoderConfig.codedWidth, W);
      assert.ok(outputs.slice(1).every((o) => o.meta.decoderConfig === undefined), 'sent only when it changes');
      await new Promise((r) => setImmediate(r));
      assert.ok(dequeues >= 1 && dequeues <= 12, `coalesced dequeue events (${dequeues})`);
      assert.equal(listenerDequeues, dequeues);
      enc.close();
    });

    test('keeps encoding after flush(); reconfigure with a new size works', async () => {
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      enc.configure(config);
      for (let i = 0; i < 3; i++) {
        const f = makeFrame(W, H, i);
        enc.encode(f);
        f.close();
      }
      await enc.flush();
      const f = makeFrame(W, H, 3);
      enc.encode(f);
      f.close();
      await enc.flush();
      assert.equal(outputs.length, 4);
      enc.configure({ ...config, width: W * 2, height: H * 2 });
      const big = makeFrame(W * 2, H * 2, 0);
      enc.encode(big, { keyFrame: true });
      big.close();
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.equal(outputs.length, 5);
      assert.equal(outputs[4].meta.decoderConfig?.codedWidth, W * 2, 'new size announced in decoderConfig');
      enc.close();
    });

    test('frames of other sizes and formats are scaled and converted', async () => {
      const { chunks, decoderConfig } = await encodeClip(config, 3, { width: W + 40, height: H + 20 });
      assert.equal(chunks.length, 3);
      assert.equal(decoderConfig.codedWidth, W);
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      enc.configure(config);
      const rgba = new Uint8Array(W * H * 4).fill(200);
      const frame = new (makeFrame(2, 2, 0).constructor)(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: 5 });
      enc.encode(frame);
      frame.close();
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.equal(outputs.length, 1);
      assert.equal(outputs[0].x.timestamp, 5);
      enc.close();
    });

    test('reset() rejects pending flushes with AbortError and drops outputs', async () => {
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      enc.configure(config);
      for (let i = 0; i < 8; i++) {
        const f = makeFrame(W, H, i);
        enc.encode(f);
        f.close();
      }
      const flush = enc.flush();
      const before = outputs.length;
      enc.reset();
      assert.equal(enc.state, 'unconfigured');
      assert.equal(enc.encodeQueueSize, 0);
      await assert.rejects(flush, isDom('AbortError'));
      assert.throws(() => enc.encode(makeFrame(W, H, 0)), isDom('InvalidStateError'));
      // Configure again: old outputs never show up, new ones do.
      enc.configure(config);
      const f = makeFrame(W, H, 100);
      enc.encode(f);
      f.close();
      await enc.flush();
      const after = outputs.slice(before);
      assert.deepEqual(after.map((o) => o.x.timestamp), [f.timestamp]);
      assert.ok(after[0].meta.decoderConfig, 'reset clears the active output config');
      assert.deepEqual(errors, [], 'reset calls no error callback');
      enc.close();
    });

    test('close() rejects flushes with AbortError, calls no error callback, and is final', async () => {
      const { codec: enc, errors } = recorder(VideoEncoder);
      enc.configure(config);
      const f = makeFrame(W, H, 0);
      enc.encode(f);
      f.close();
      const flush = enc.flush();
      enc.close();
      assert.equal(enc.state, 'closed');
      await assert.rejects(flush, isDom('AbortError'));
      assert.deepEqual(errors, []);
      assert.throws(() => enc.configure(config), isDom('InvalidStateError'));
      assert.throws(() => enc.reset(), isDom('InvalidStateError'));
      assert.throws(() => enc.close(), isDom('InvalidStateError'));
      await assert.rejects(enc.flush(), isDom('InvalidStateError'));
    });

    test('an unsupported config closes the codec with NotSupportedError', async () => {
      const { codec: enc, errors } = recorder(VideoEncoder);
      enc.configure({ ...config, codec: `${codec}.bogus` });
      assert.equal(enc.state, 'configured', 'support is checked asynchronously');
      const flush = enc.flush();
      const err = await nextError(errors);
      assert.equal(err.name, 'NotSupportedError');
      assert.equal(enc.state, 'closed');
      await assert.rejects(flush, isDom('NotSupportedError'));
      assert.equal(errors.length, 1, 'error callback exactly once');
    });

    test('encode() rejects closed frames (TypeError) and orientation changes (DataError)', async () => {
      const { codec: enc } = recorder(VideoEncoder);
      enc.configure(config);
      const closed = makeFrame(W, H, 0);
      closed.close();
      assert.throws(() => enc.encode(closed), TypeError);
      assert.throws(() => enc.encode({}), TypeError);
      const f = makeFrame(W, H, 0);
      enc.encode(f);
      const rotated = new (f.constructor)(f, { rotation: 90 });
      assert.throws(() => enc.encode(rotated), isDom('DataError'));
      f.close();
      rotated.close();
      await enc.flush();
      enc.close();
    });

    test('isConfigSupported probes and returns a clean copy of the config', async () => {
      const support = await VideoEncoder.isConfigSupported({ ...config, futureFeature: true });
      assert.equal(support.supported, true);
      assert.equal(support.config.codec, codec);
      assert.equal(support.config.width, W);
      assert.equal('futureFeature' in support.config, false);
      const bogus = await VideoEncoder.isConfigSupported({ ...config, codec: 'bogus' });
      assert.equal(bogus.supported, false);
      await assert.rejects(VideoEncoder.isConfigSupported({ ...config, width: 0 }), TypeError);
    });
  });

  describe(`VideoDecoder behaviour: ${name}`, () => {
    let clip;
    const getClip = async () => (clip ??= await encodeClip(config, 10, { keyEvery: 5 }));

    test('constructor requires callbacks; decode before configure is InvalidStateError', async () => {
      assert.throws(() => new VideoDecoder({ output() {} }), TypeError);
      const { codec: dec } = recorder(VideoDecoder);
      assert.equal(dec.state, 'unconfigured');
      assert.equal(dec.decodeQueueSize, 0);
      const { chunks } = await getClip();
      assert.throws(() => dec.decode(chunks[0]), isDom('InvalidStateError'));
      await assert.rejects(dec.flush(), isDom('InvalidStateError'));
      dec.close();
    });

    test('invalid configs throw TypeError', () => {
      const { codec: dec } = recorder(VideoDecoder);
      for (const bad of [
        {},
        { codec: '' },
        { codec, codedWidth: 10 },
        { codec, codedWidth: 0, codedHeight: 10 },
        { codec, displayAspectWidth: 4 },
        { codec, displayAspectWidth: 0, displayAspectHeight: 3 },
        { codec, colorSpace: { primaries: 'nope' } },
      ]) {
        assert.throws(() => dec.configure(bad), TypeError, JSON.stringify(bad));
      }
      assert.equal(dec.state, 'unconfigured');
      dec.close();
    });

    test('decodes every chunk with its timestamp and duration', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs, errors } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      let dequeues = 0;
      dec.ondequeue = () => dequeues++;
      for (const c of chunks) dec.decode(c);
      await dec.flush();
      assert.deepEqual(errors, []);
      assert.equal(outputs.length, chunks.length);
      assert.deepEqual(
        outputs.map((o) => o.x.timestamp),
        chunks.map((c) => c.timestamp).sort((a, b) => a - b),
      );
      for (const { x: frame } of outputs) {
        assert.equal(frame.duration, 33333);
        assert.equal(frame.codedWidth >= W, true);
        assert.equal(frame.visibleRect.width, W);
        assert.equal(frame.visibleRect.height, H);
        assert.equal(frame.displayWidth, W);
        frame.close();
      }
      assert.equal(dec.decodeQueueSize, 0);
      await new Promise((r) => setImmediate(r));
      assert.ok(dequeues >= 1);
      dec.close();
    });

    test('a delta chunk first, or after flush, is a DataError', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      assert.throws(() => dec.decode(chunks[1]), isDom('DataError'));
      dec.decode(chunks[0]);
      dec.decode(chunks[1]);
      await dec.flush();
      assert.throws(() => dec.decode(chunks[2]), isDom('DataError'));
      dec.decode(chunks[5]);  // the next key frame
      await dec.flush();
      assert.equal(outputs.length, 3);
      outputs.forEach((o) => o.x.close());
      dec.close();
    });

    test('a chunk labelled key that is not a key frame is a DataError', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      const lying = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: (() => {
        const b = new Uint8Array(chunks[1].byteLength);
        chunks[1].copyTo(b);
        return b;
      })() });
      assert.throws(() => dec.decode(lying), isDom('DataError'));
      dec.close();
    });

    test('reset() rejects pending flushes with AbortError and no outputs follow', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs, errors } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      for (const c of chunks) dec.decode(c);
      const flush = dec.flush();
      const before = outputs.length;
      dec.reset();
      assert.equal(dec.decodeQueueSize, 0);
      await assert.rejects(flush, isDom('AbortError'));
      dec.configure(decoderConfig);
      dec.decode(chunks[5]);
      await dec.flush();
      const after = outputs.slice(before);
      assert.deepEqual(after.map((o) => o.x.timestamp), [chunks[5].timestamp]);
      outputs.forEach((o) => o.x.close());
      assert.deepEqual(errors, []);
      dec.close();
    });

    test('corrupt data closes the decoder with EncodingError once; flush rejects', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs, errors } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      dec.decode(chunks[0]);
      const garbage = new Uint8Array(4000);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
      for (let i = 0; i < 4; i++) dec.decode(new EncodedVideoChunk({ type: 'delta', timestamp: 1000 + i, data: garbage }));
      dec.decode(new EncodedVideoChunk({ type: 'delta', timestamp: 2000, data: new Uint8Array(0) }));
      await assert.rejects(dec.flush(), isDom('EncodingError'));
      assert.equal(dec.state, 'closed');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].name, 'EncodingError');
      outputs.forEach((o) => o.x.close());
    });

    test('unsupported configs close with NotSupportedError; isConfigSupported probes', async () => {
      const { codec: dec, errors } = recorder(VideoDecoder);
      dec.configure({ codec: 'vp09.99.99.99' });
      await nextError(errors);
      assert.equal(errors[0].name, 'NotSupportedError');
      assert.equal(dec.state, 'closed');
      const { decoderConfig } = await getClip();
      const support = await VideoDecoder.isConfigSupported({ ...decoderConfig, unknownKey: 1 });
      assert.equal(support.supported, true);
      assert.equal('unknownKey' in support.config, false);
      if (decoderConfig.description) {
        assert.notEqual(support.config.description, decoderConfig.description, 'description is copied');
      }
      assert.equal((await VideoDecoder.isConfigSupported({ codec: 'avc1' })).supported, false);
      await assert.rejects(VideoDecoder.isConfigSupported({ codec: '' }), TypeError);
    });

    test('close() is final and calls no error callback', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, errors } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      dec.decode(chunks[0]);
      const flush = dec.flush();
      dec.close();
      await assert.rejects(flush, isDom('AbortError'));
      assert.throws(() => dec.decode(chunks[0]), isDom('InvalidStateError'));
      assert.throws(() => dec.close(), isDom('InvalidStateError'));
      assert.deepEqual(errors, []);
    });
  });
}
