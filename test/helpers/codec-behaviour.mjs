// The spec's codec processing model as one suite, run over every video and
// audio codec: states, the error types of ../shared/spec-errors.md, queue
// sizes and dequeue events, flush/reset/close, no output after reset,
// EncodingError for bad data. Each caller supplies a `kind` describing its
// codec (see describeCodecBehaviour).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

export const isDom = (name) => (e) => e instanceof DOMException && e.name === name;

/** An encoder/decoder whose callbacks record everything; `firstError` resolves with the first error. */
export function recorder(Codec) {
  const outputs = [];
  const errors = [];
  let reportError;
  const firstError = new Promise((resolve) => {
    reportError = resolve;
  });
  const codec = new Codec({
    output: (x, meta) => outputs.push({ x, meta }),
    error: (e) => {
      errors.push(e);
      reportError(e);
    },
  });
  return { codec, outputs, errors, firstError };
}

/** A copy of a chunk with another type (or the same one). */
export function relabel(Chunk, chunk, type) {
  const data = new Uint8Array(chunk.byteLength);
  chunk.copyTo(data);
  return new Chunk({ type, timestamp: chunk.timestamp, duration: chunk.duration ?? undefined, data });
}

/** Releases decoder outputs (VideoFrame / AudioData). */
const closeAll = (outputs) => outputs.forEach((o) => o.x.close());

/**
 * kind: {
 *   name, Encoder, Decoder, Chunk,
 *   config: the encoder config,
 *   invalidEncoderConfigs / invalidDecoderConfigs: configs that must throw TypeError,
 *   unsupportedEncoderConfig / unsupportedDecoderConfig: valid but NotSupported,
 *   makeInput(i): the i-th input (VideoFrame / AudioData), caller closes it,
 *   reconfigure: { config, input(i) }: a second configuration and its inputs,
 *   encodeClip(): resolves with { chunks, decoderConfig } of a few inputs,
 *   checkEncoded(outputs, inputs): codec-specific checks of a flushed encode,
 *   checkDecoded(outputs, chunks): codec-specific checks of a full decode,
 *   keyAfterFlush(chunks): a chunk that may start decoding again,
 *   oneOutputPerInput: encoders emit exactly one chunk per input (video),
 *   corruptChunks(chunks): chunks that must end decoding with EncodingError,
 * }
 */
export function describeCodecBehaviour(kind) {
  const { Encoder, Decoder, Chunk, config } = kind;

  describe(`${Encoder.name} behaviour: ${kind.name}`, () => {
    test('constructor requires output and error callbacks', () => {
      assert.throws(() => new Encoder({}), TypeError);
      assert.throws(() => new Encoder({ output() {} }), TypeError);
      assert.throws(() => new Encoder({ error() {} }), TypeError);
      assert.throws(() => new Encoder({ output: 1, error() {} }), TypeError);
      assert.throws(() => new Encoder(), TypeError);
    });

    test('starts unconfigured; calls that need a configuration fail with InvalidStateError', async () => {
      const { codec: enc } = recorder(Encoder);
      assert.equal(enc.state, 'unconfigured');
      assert.equal(enc.encodeQueueSize, 0);
      const input = kind.makeInput(0);
      assert.throws(() => enc.encode(input), isDom('InvalidStateError'));
      await assert.rejects(enc.flush(), isDom('InvalidStateError'));
      input.close();
      enc.close();
    });

    test('invalid configs throw TypeError and leave the state alone', () => {
      const { codec: enc } = recorder(Encoder);
      for (const bad of kind.invalidEncoderConfigs) {
        assert.throws(() => enc.configure(bad), TypeError, JSON.stringify(bad));
        assert.equal(enc.state, 'unconfigured');
      }
      enc.close();
    });

    test('encodes, delivers every output before flush resolves, queue drains to 0', async () => {
      const { codec: enc, outputs, errors } = recorder(Encoder);
      enc.configure(config);
      assert.equal(enc.state, 'configured');
      let dequeues = 0;
      enc.ondequeue = () => dequeues++;
      let listenerDequeues = 0;
      enc.addEventListener('dequeue', () => listenerDequeues++);
      const inputs = [];
      for (let i = 0; i < 12; i++) {
        const input = kind.makeInput(i);
        inputs.push({ timestamp: input.timestamp, duration: input.duration });
        enc.encode(input, { keyFrame: i === 0 });
        input.close();  // the encoder holds its own reference
      }
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.equal(enc.encodeQueueSize, 0);
      assert.ok(outputs.length > 0);
      assert.ok(outputs.every((o) => o.x instanceof Chunk));
      assert.equal(outputs[0].x.type, 'key');
      assert.ok(outputs[0].meta.decoderConfig, 'first output carries decoderConfig');
      assert.ok(outputs.slice(1).every((o) => o.meta.decoderConfig === undefined), 'sent only when it changes');
      kind.checkEncoded(outputs, inputs);
      await new Promise((r) => setImmediate(r));
      assert.ok(dequeues >= 1 && dequeues <= 12, `coalesced dequeue events (${dequeues})`);
      assert.equal(listenerDequeues, dequeues);
      enc.close();
    });

    test('keeps encoding after flush(); a new configuration is announced in decoderConfig', async () => {
      const { codec: enc, outputs, errors } = recorder(Encoder);
      enc.configure(config);
      for (let i = 0; i < 3; i++) {
        const input = kind.makeInput(i);
        enc.encode(input);
        input.close();
      }
      await enc.flush();
      const first = outputs.length;
      assert.ok(first > 0);
      const more = kind.makeInput(3);
      enc.encode(more);
      more.close();
      await enc.flush();
      assert.ok(outputs.length > first, 'outputs after the flush');
      if (kind.oneOutputPerInput) assert.deepEqual([first, outputs.length], [3, 4]);
      const before = outputs.length;
      enc.configure(kind.reconfigure.config);
      const other = kind.reconfigure.input(0);
      enc.encode(other, { keyFrame: true });
      other.close();
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.ok(outputs.length > before);
      kind.reconfigure.check(outputs[before].meta.decoderConfig);
      enc.close();
    });

    test('configure() again before the outputs arrive: every chunk is described by its own configuration', async () => {
      const { codec: enc, outputs, errors } = recorder(Encoder);
      enc.configure(config);
      const inputs = [];
      for (let i = 0; i < 3; i++) {
        const input = kind.makeInput(i);
        inputs.push({ timestamp: input.timestamp, duration: input.duration });
        enc.encode(input, { keyFrame: i === 0 });
        input.close();
      }
      // No flush: the first configuration's outputs are still to come.
      enc.configure(kind.reconfigure.config);
      let secondStart;
      for (let i = 50; i < 52; i++) {
        const input = kind.reconfigure.input(i);
        secondStart ??= input.timestamp;
        enc.encode(input, { keyFrame: i === 50 });
        input.close();
      }
      await enc.flush();
      assert.deepEqual(errors, []);
      const split = outputs.findIndex((o) => o.x.timestamp >= secondStart);
      assert.ok(split > 0, `outputs of both configurations (${outputs.length}, split at ${split})`);
      const [first, second] = [outputs.slice(0, split), outputs.slice(split)];
      assert.ok(second.every((o) => o.x.timestamp >= secondStart), 'the first configuration\'s outputs all come first');
      kind.checkEncoded(first, inputs);
      kind.reconfigure.check(second[0].meta.decoderConfig);
      for (const part of [first, second]) {
        assert.ok(part.slice(1).every((o) => o.meta.decoderConfig === undefined), 'one decoderConfig per configuration');
      }
      enc.close();
    });

    test('the first chunk after configure() carries decoderConfig, even for the same configuration', async () => {
      const { codec: enc, outputs, errors } = recorder(Encoder);
      const firsts = [];
      for (const start of [0, 50]) {
        enc.configure(config);
        for (let i = start; i < start + 2; i++) {
          const input = kind.makeInput(i);
          if (i === start) firsts.push(input.timestamp);
          enc.encode(input, { keyFrame: i === start });
          input.close();
        }
      }
      await enc.flush();
      assert.deepEqual(errors, []);
      const announced = outputs.filter((o) => o.meta.decoderConfig);
      assert.deepEqual(announced.map((o) => o.x.timestamp), firsts);
      assert.deepEqual(announced[1].meta.decoderConfig, announced[0].meta.decoderConfig);
      enc.close();
    });

    test('reset() rejects pending flushes with AbortError and drops outputs', async () => {
      const { codec: enc, outputs, errors } = recorder(Encoder);
      enc.configure(config);
      for (let i = 0; i < 8; i++) {
        const input = kind.makeInput(i);
        enc.encode(input);
        input.close();
      }
      const flush = enc.flush();
      const before = outputs.length;
      enc.reset();
      assert.equal(enc.state, 'unconfigured');
      assert.equal(enc.encodeQueueSize, 0);
      await assert.rejects(flush, isDom('AbortError'));
      const late = kind.makeInput(0);
      assert.throws(() => enc.encode(late), isDom('InvalidStateError'));
      late.close();
      // Configure again: old outputs never show up, new ones do.
      enc.configure(config);
      const input = kind.makeInput(100);
      const ts = input.timestamp;
      enc.encode(input);
      input.close();
      await enc.flush();
      const after = outputs.slice(before);
      assert.ok(after.length > 0);
      assert.equal(after[0].x.timestamp, ts, 'the first output is the new input');
      assert.ok(after.every((o) => o.x.timestamp >= ts), 'nothing from before the reset');
      assert.ok(after[0].meta.decoderConfig, 'reset clears the active output config');
      assert.deepEqual(errors, [], 'reset calls no error callback');
      enc.close();
    });

    test('close() rejects flushes with AbortError, calls no error callback, and is final', async () => {
      const { codec: enc, errors } = recorder(Encoder);
      enc.configure(config);
      const input = kind.makeInput(0);
      enc.encode(input);
      input.close();
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
      const { codec: enc, errors, firstError } = recorder(Encoder);
      enc.configure(kind.unsupportedEncoderConfig);
      assert.equal(enc.state, 'configured', 'support is checked asynchronously');
      const flush = enc.flush();
      const err = await firstError;
      assert.equal(err.name, 'NotSupportedError');
      assert.equal(enc.state, 'closed');
      await assert.rejects(flush, isDom('NotSupportedError'));
      assert.equal(errors.length, 1, 'error callback exactly once');
    });

    test('encode() rejects closed inputs and other types with TypeError', async () => {
      const { codec: enc } = recorder(Encoder);
      enc.configure(config);
      const closed = kind.makeInput(0);
      closed.close();
      assert.throws(() => enc.encode(closed), TypeError);
      assert.throws(() => enc.encode({}), TypeError);
      await enc.flush();
      enc.close();
    });

    test('isConfigSupported probes and returns a clean copy of the config', async () => {
      const support = await Encoder.isConfigSupported({ ...config, futureFeature: true });
      assert.equal(support.supported, true);
      for (const key of Object.keys(config)) {
        if (typeof config[key] !== 'object') assert.equal(support.config[key], config[key], key);
      }
      assert.equal('futureFeature' in support.config, false);
      const bogus = await Encoder.isConfigSupported({ ...config, codec: 'bogus' });
      assert.equal(bogus.supported, false);
      assert.equal((await Encoder.isConfigSupported(kind.unsupportedEncoderConfig)).supported, false);
      await assert.rejects(Encoder.isConfigSupported(kind.invalidEncoderConfigs[0]), TypeError);
    });
  });

  describe(`${Decoder.name} behaviour: ${kind.name}`, () => {
    let clip;
    const getClip = async () => (clip ??= await kind.encodeClip());

    test('constructor requires callbacks; decode before configure is InvalidStateError', async () => {
      assert.throws(() => new Decoder({ output() {} }), TypeError);
      const { codec: dec } = recorder(Decoder);
      assert.equal(dec.state, 'unconfigured');
      assert.equal(dec.decodeQueueSize, 0);
      const { chunks } = await getClip();
      assert.throws(() => dec.decode(chunks[0]), isDom('InvalidStateError'));
      await assert.rejects(dec.flush(), isDom('InvalidStateError'));
      dec.close();
    });

    test('invalid configs throw TypeError', () => {
      const { codec: dec } = recorder(Decoder);
      for (const bad of kind.invalidDecoderConfigs) {
        assert.throws(() => dec.configure(bad), TypeError, JSON.stringify(bad));
      }
      assert.equal(dec.state, 'unconfigured');
      dec.close();
    });

    test('decodes every chunk', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs, errors } = recorder(Decoder);
      dec.configure(decoderConfig);
      let dequeues = 0;
      dec.ondequeue = () => dequeues++;
      for (const c of chunks) dec.decode(c);
      await dec.flush();
      assert.deepEqual(errors, []);
      kind.checkDecoded(outputs, chunks);
      closeAll(outputs);
      assert.equal(dec.decodeQueueSize, 0);
      await new Promise((r) => setImmediate(r));
      assert.ok(dequeues >= 1);
      dec.close();
    });

    test('configure() again without flush(): the outputs of earlier chunks still arrive', async () => {
      const { chunks, decoderConfig } = await getClip();
      const once = recorder(Decoder);
      once.codec.configure(decoderConfig);
      for (const c of chunks) once.codec.decode(c);
      await once.codec.flush();
      const expected = once.outputs.map((o) => o.x.timestamp);
      closeAll(once.outputs);
      once.codec.close();

      // Decoders hold frames back (reordering, frame threads, priming): a
      // reconfigure must drain them, not drop them.
      const { codec: dec, outputs, errors } = recorder(Decoder);
      dec.configure(decoderConfig);
      for (const c of chunks) dec.decode(c);
      dec.configure(decoderConfig);
      for (const c of chunks) dec.decode(c);
      await dec.flush();
      assert.deepEqual(errors, []);
      assert.deepEqual(outputs.map((o) => o.x.timestamp), [...expected, ...expected]);
      closeAll(outputs);
      dec.close();
    });

    test('a delta chunk first, or after flush, is a DataError', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, errors } = recorder(Decoder);
      dec.configure(decoderConfig);
      const delta = relabel(Chunk, chunks[1], 'delta');
      assert.throws(() => dec.decode(delta), isDom('DataError'));
      dec.decode(chunks[0]);
      dec.decode(delta);
      await dec.flush();
      assert.throws(() => dec.decode(delta), isDom('DataError'));
      dec.decode(kind.keyAfterFlush(chunks));
      await dec.flush();
      assert.deepEqual(errors, []);
      dec.close();
    });

    test('reset() rejects pending flushes with AbortError and no outputs follow', async () => {
      const { chunks, decoderConfig } = await getClip();
      const restart = [chunks[0], chunks[1]];
      const reference = recorder(Decoder);
      reference.codec.configure(decoderConfig);
      restart.forEach((c) => reference.codec.decode(c));
      await reference.codec.flush();
      reference.codec.close();
      const expected = reference.outputs.map((o) => o.x.timestamp);
      closeAll(reference.outputs);

      const { codec: dec, outputs, errors } = recorder(Decoder);
      dec.configure(decoderConfig);
      for (const c of chunks) dec.decode(c);
      const flush = dec.flush();
      const before = outputs.length;
      dec.reset();
      assert.equal(dec.decodeQueueSize, 0);
      await assert.rejects(flush, isDom('AbortError'));
      dec.configure(decoderConfig);
      restart.forEach((c) => dec.decode(c));
      await dec.flush();
      const after = outputs.slice(before);
      assert.deepEqual(after.map((o) => o.x.timestamp), expected, 'exactly what a fresh decoder outputs');
      closeAll(outputs);
      assert.deepEqual(errors, []);
      dec.close();
    });

    test('corrupt data closes the decoder with EncodingError once; flush rejects', async () => {
      const { chunks, decoderConfig } = await getClip();
      for (const bad of kind.corruptChunks(chunks)) {
        const { codec: dec, outputs, errors, firstError } = recorder(Decoder);
        dec.configure(decoderConfig);
        dec.decode(chunks[0]);
        dec.decode(bad);
        for (let i = 1; i < 3; i++) dec.decode(chunks[i]);
        await assert.rejects(dec.flush(), isDom('EncodingError'));
        await firstError;
        assert.equal(dec.state, 'closed');
        assert.equal(errors.length, 1, `exactly one error for a ${bad.byteLength}-byte bad chunk`);
        assert.equal(errors[0].name, 'EncodingError');
        closeAll(outputs);
      }
    });

    test('unsupported configs close with NotSupportedError; isConfigSupported probes', async () => {
      const { codec: dec, firstError } = recorder(Decoder);
      dec.configure(kind.unsupportedDecoderConfig);
      assert.equal((await firstError).name, 'NotSupportedError');
      assert.equal(dec.state, 'closed');
      const { decoderConfig } = await getClip();
      const support = await Decoder.isConfigSupported({ ...decoderConfig, unknownKey: 1 });
      assert.equal(support.supported, true);
      assert.equal('unknownKey' in support.config, false);
      if (decoderConfig.description) {
        assert.notEqual(support.config.description, decoderConfig.description, 'description is copied');
      }
      assert.equal((await Decoder.isConfigSupported(kind.unsupportedDecoderConfig)).supported, false);
      await assert.rejects(Decoder.isConfigSupported(kind.invalidDecoderConfigs[0]), TypeError);
    });

    test('close() is final and calls no error callback', async () => {
      const { chunks, decoderConfig } = await getClip();
      const { codec: dec, outputs, errors } = recorder(Decoder);
      dec.configure(decoderConfig);
      dec.decode(chunks[0]);
      const flush = dec.flush();
      dec.close();
      await assert.rejects(flush, isDom('AbortError'));
      assert.throws(() => dec.decode(chunks[0]), isDom('InvalidStateError'));
      assert.throws(() => dec.close(), isDom('InvalidStateError'));
      assert.deepEqual(errors, []);
      closeAll(outputs);
    });
  });
}
