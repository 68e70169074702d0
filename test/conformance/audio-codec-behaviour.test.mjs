// The shared codec behaviour suite (test/helpers/codec-behaviour.mjs) over
// every registry audio codec, plus the audio configs' own validity rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioDecoder, AudioEncoder, EncodedAudioChunk } from 'webcodecs-native';

import { describeCodecBehaviour, isDom, recorder } from '../helpers/codec-behaviour.mjs';
import { AUDIO_CODECS, audioConfig, decodeAudio, encodeAudio } from '../helpers/codecs.mjs';
import { SIGNALS, makeAudioData } from '../helpers/media.mjs';

// 50 ms per AudioData: several encoder frames for most codecs.
const chunkFrames = (rate) => Math.floor(rate / 20);

for (const entry of AUDIO_CODECS) {
  const config = audioConfig(entry);
  const { codec, sampleRate } = config;
  const frames = chunkFrames(sampleRate);
  const makeInput = (i, rate = sampleRate, channels = 2) =>
    makeAudioData(SIGNALS.sine(rate), { start: i * chunkFrames(rate), frames: chunkFrames(rate), channels, sampleRate: rate });

  describeCodecBehaviour({
    name: entry.name,
    Encoder: AudioEncoder,
    Decoder: AudioDecoder,
    Chunk: EncodedAudioChunk,
    config,
    invalidEncoderConfigs: [
      { ...config, codec: '' },
      { ...config, codec: ' \t' },
      { ...config, sampleRate: 0 },
      { ...config, numberOfChannels: 0 },
      { codec, numberOfChannels: 2 },
      { codec, sampleRate },
      { ...config, sampleRate: -1 },
      { ...config, bitrate: 6e9 },
      { ...config, bitrate: 0 },
      { ...config, bitrateMode: 'quantizer' },
      { ...config, opus: { frameDuration: 2501 } },
      { ...config, opus: { complexity: 11 } },
      { ...config, opus: { packetlossperc: 101 } },
      { ...config, opus: { format: 'webm' } },
      { ...config, aac: { format: 'latm' } },
      { ...config, flac: { blockSize: 15 } },
      { ...config, flac: { compressLevel: 9 } },
    ],
    invalidDecoderConfigs: [
      { codec: '', sampleRate, numberOfChannels: 2 },
      { codec, sampleRate: 0, numberOfChannels: 2 },
      { codec, sampleRate, numberOfChannels: 0 },
      { codec, numberOfChannels: 2 },
      { codec, sampleRate },
      { sampleRate, numberOfChannels: 2 },
      (() => {
        const detached = new ArrayBuffer(8);
        structuredClone(detached, { transfer: [detached] });
        return { codec, sampleRate, numberOfChannels: 2, description: detached };
      })(),
    ],
    unsupportedEncoderConfig: { ...config, numberOfChannels: 1024 },
    unsupportedDecoderConfig: { codec: `${codec}.123`, sampleRate, numberOfChannels: 2 },
    makeInput: (i) => makeInput(i),
    reconfigure: {
      config: { ...config, numberOfChannels: 1 },
      input: (i) => makeInput(i, sampleRate, 1),
      check: (decoderConfig) => assert.equal(decoderConfig?.numberOfChannels, 1, 'new channel count in decoderConfig'),
    },
    encodeClip: () => encodeAudio(config, 10, (i) => makeInput(i)),
    checkEncoded(outputs, inputs) {
      // Timestamps start at the first input's and are contiguous.
      assert.equal(outputs[0].x.timestamp, inputs[0].timestamp);
      for (let k = 1; k < outputs.length; k++) {
        const prev = outputs[k - 1].x;
        assert.equal(prev.timestamp + prev.duration, outputs[k].x.timestamp, `chunk ${k} follows chunk ${k - 1}`);
      }
      assert.ok(outputs.every((o) => o.x.type === 'key'), 'audio chunks are key chunks');
      const d = outputs[0].meta.decoderConfig;
      assert.deepEqual([d.codec, d.sampleRate, d.numberOfChannels], [codec, sampleRate, 2]);
    },
    checkDecoded(outputs, chunks) {
      assert.ok(outputs.length >= chunks.length - 1, `${outputs.length} outputs for ${chunks.length} chunks`);
      const total = outputs.reduce((n, o) => n + o.x.numberOfFrames, 0);
      // Everything encoded comes back (priming and padding may add some).
      const rate = outputs[0].x.sampleRate;
      assert.ok(total >= Math.floor((10 * frames * rate) / sampleRate), `${total} frames decoded`);
      for (let k = 1; k < outputs.length; k++) {
        const prev = outputs[k - 1].x;
        assert.ok(outputs[k].x.timestamp >= prev.timestamp, 'outputs in order');
      }
      assert.ok(outputs.every((o) => o.x.numberOfChannels === 2));
    },
    keyAfterFlush: (chunks) => chunks[2],
    corruptChunks(chunks) {
      const empty = new EncodedAudioChunk({ type: 'key', timestamp: 2000, data: new Uint8Array(0) });
      if (entry.pcmBytes) {
        // Any bytes are valid PCM: a chunk that is not whole frames is the corruption.
        return [empty, new EncodedAudioChunk({ type: 'key', timestamp: 1000, data: new Uint8Array(2 * entry.pcmBytes + 1) })];
      }
      const garbage = new Uint8Array(4000);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
      const bad = [empty, new EncodedAudioChunk({ type: 'key', timestamp: 1000, data: garbage })];
      // A chunk cut in half: Opus and Vorbis packets of any length are valid
      // bitstream (their specs decode what is there), the others' are not.
      if (!['opus', 'vorbis'].includes(codec)) {
        const whole = new Uint8Array(chunks[3].byteLength);
        chunks[3].copyTo(whole);
        bad.push(new EncodedAudioChunk({ type: 'key', timestamp: chunks[3].timestamp, data: whole.subarray(0, whole.length >> 1) }));
      }
      return bad;
    },
  });
}

describe('AudioEncoderConfig and AudioDecoderConfig details', () => {
  test('isConfigSupported fills in the registrations\' defaults', async () => {
    const { config } = await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, opus: {}, bogus: 1 });
    assert.deepEqual(config, {
      codec: 'opus',
      sampleRate: 48000,
      numberOfChannels: 2,
      bitrateMode: 'variable',
      opus: {
        application: 'audio',
        complexity: 9,
        format: 'opus',
        frameDuration: 20000,
        packetlossperc: 0,
        signal: 'auto',
        usedtx: false,
        useinbandfec: false,
      },
    });
    const flac = await AudioEncoder.isConfigSupported({ codec: 'flac', sampleRate: 44100, numberOfChannels: 1, flac: {} });
    assert.deepEqual(flac.config.flac, { blockSize: 0, compressLevel: 5 });
    const aac = await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 1, aac: {} });
    assert.deepEqual(aac.config.aac, { format: 'aac' });
    assert.equal('opus' in aac.config, false);
  });

  test('valid but unsupported encoder configs: NotSupported, with the config echoed', async () => {
    for (const config of [
      { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 1 },
      { codec: 'opus', sampleRate: 1, numberOfChannels: 2 },
      { codec: 'opus', sampleRate: 10000000, numberOfChannels: 2 },
      { codec: 'opus', sampleRate: 8000, numberOfChannels: 1024 },
      { codec: 'opus.123', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp4a.FF.9', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp4a.40.5', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp4a.40.29', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp3', sampleRate: 96000, numberOfChannels: 2 },
      { codec: 'mp3', sampleRate: 48000, numberOfChannels: 3 },
      { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 7, aac: { format: 'adts' } },
    ]) {
      const support = await AudioEncoder.isConfigSupported(config);
      assert.equal(support.supported, false, JSON.stringify(config));
      assert.deepEqual([support.config.codec, support.config.sampleRate, support.config.numberOfChannels], [config.codec, config.sampleRate, config.numberOfChannels]);
    }
  });

  test('valid but unsupported decoder configs: NotSupported', async () => {
    for (const config of [
      { codec: 'bogus', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'vp8', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'audio/webm; codecs="opus"', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'mp4a.40.42', sampleRate: 48000, numberOfChannels: 2 },
      { codec: 'opus', sampleRate: 48000, numberOfChannels: 3 },
      { codec: 'opus', sampleRate: 48000, numberOfChannels: 3, description: new Uint8Array(9) },
      { codec: 'flac', sampleRate: 44100, numberOfChannels: 2 },
      { codec: 'flac', sampleRate: 44100, numberOfChannels: 2, description: new Uint8Array(42) },
      { codec: 'vorbis', sampleRate: 44100, numberOfChannels: 2 },
      { codec: 'vorbis', sampleRate: 44100, numberOfChannels: 2, description: new Uint8Array([2, 1, 1, 0, 0, 0]) },
      { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 33 },
      { codec: 'pcm-s16', sampleRate: 1000000, numberOfChannels: 2 },
    ]) {
      const support = await AudioDecoder.isConfigSupported(config);
      assert.equal(support.supported, false, JSON.stringify(config));
      const { codec: dec, firstError } = recorder(AudioDecoder);
      dec.configure(config);
      const flush = dec.flush();
      assert.equal((await firstError).name, 'NotSupportedError', JSON.stringify(config));
      await assert.rejects(flush, isDom('NotSupportedError'));
      assert.equal(dec.state, 'closed');
    }
  });

  test('AAC stereo reconfigured to Opus mono without a flush: each part decodes with its own decoderConfig', async () => {
    const { codec: enc, outputs, errors } = recorder(AudioEncoder);
    const parts = [
      { config: { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 }, start: 0 },
      { config: { codec: 'opus', sampleRate: 48000, numberOfChannels: 1 }, start: 48000 },
    ];
    for (const { config, start } of parts) {
      enc.configure(config);
      const data = makeAudioData(SIGNALS.sine(48000), { start, frames: 9600, channels: config.numberOfChannels, sampleRate: 48000 });
      enc.encode(data);
      data.close();
    }
    await enc.flush();
    assert.deepEqual(errors, []);
    const split = outputs.findIndex((o) => o.x.timestamp >= 1e6);
    for (const [k, chunks] of [outputs.slice(0, split), outputs.slice(split)].entries()) {
      const { decoderConfig } = chunks[0].meta;
      const { codec, numberOfChannels } = parts[k].config;
      assert.deepEqual([decoderConfig.codec, decoderConfig.numberOfChannels], [codec, numberOfChannels]);
      const decoded = await decodeAudio(decoderConfig, chunks.map((o) => o.x));
      assert.equal(decoded.samples.length, numberOfChannels);
      assert.ok(decoded.samples[0].length >= 9600, `${codec}: ${decoded.samples[0].length} frames`);
    }
  });

  test('MP3 has exactly the registered codec strings: mp4a.6B, not mp4a.6b', async () => {
    const { chunks } = await encodeAudio(audioConfig({ codec: 'mp3', sampleRate: 44100 }), 4, (i) =>
      makeAudioData(SIGNALS.sine(44100), { start: i * 4410, frames: 4410, channels: 2, sampleRate: 44100 }),
    );
    for (const codec of ['mp3', 'mp4a.69', 'mp4a.6B']) {
      const decoded = await decodeAudio({ codec, sampleRate: 44100, numberOfChannels: 2 }, chunks);
      assert.ok(decoded.samples[0].length >= 4 * 4410, codec);
    }
    for (const Codec of [AudioEncoder, AudioDecoder]) {
      const support = await Codec.isConfigSupported({ codec: 'mp4a.6b', sampleRate: 44100, numberOfChannels: 2 });
      assert.equal(support.supported, false, `${Codec.name}: codec strings are case-sensitive`);
    }
  });

  test('a description in shared memory is accepted (AllowSharedBufferSource) and copied', async () => {
    const config = audioConfig({ codec: 'mp4a.40.2', sampleRate: 44100 });
    const { chunks, decoderConfig } = await encodeAudio(config, 4, (i) =>
      makeAudioData(SIGNALS.sine(44100), { start: i * 4410, frames: 4410, channels: 2, sampleRate: 44100 }),
    );
    const shared = new Uint8Array(new SharedArrayBuffer(decoderConfig.description.byteLength));
    shared.set(decoderConfig.description);
    const support = await AudioDecoder.isConfigSupported({ ...decoderConfig, description: shared });
    assert.equal(support.supported, true);
    assert.ok(support.config.description.buffer instanceof ArrayBuffer, 'the answer holds its own copy');
    const { codec: dec, outputs, errors } = recorder(AudioDecoder);
    dec.configure({ ...decoderConfig, description: shared });
    shared.fill(0xff); // too late to reach the decoder
    chunks.forEach((c) => dec.decode(c));
    await dec.flush();
    assert.deepEqual(errors, []);
    assert.ok(outputs.length >= chunks.length - 1);
    outputs.forEach(({ x }) => x.close());
    dec.close();
  });

  test('an AudioData whose channel count differs from the config is an EncodingError', async () => {
    const { codec: enc, firstError } = recorder(AudioEncoder);
    enc.configure({ codec: 'pcm-s16', sampleRate: 8000, numberOfChannels: 2 });
    const mono = makeAudioData(SIGNALS.sine(8000), { frames: 800, channels: 1, sampleRate: 8000 });
    enc.encode(mono);
    mono.close();
    await assert.rejects(enc.flush(), isDom('EncodingError'));
    assert.match((await firstError).message, /1 channels; the encoder was configured for 2/);
  });
});

describe('dequeue and flush ordering', () => {
  // The dequeue event's task is queued when the messages leave the queue,
  // before the flush's: code awaiting flush() has seen the queue empty out.
  // PCM decodes fast enough that the flush used to win about every other time.
  test('the dequeue event with decodeQueueSize 0 fires before flush() resolves, every time', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => new EncodedAudioChunk({ type: 'key', timestamp: i * 12500, data: new Uint8Array(2400) }));
    for (let run = 0; run < 40; run++) {
      const decoder = new AudioDecoder({ output: (d) => d.close(), error: (e) => assert.fail(e) });
      let last = Infinity;
      decoder.ondequeue = () => (last = decoder.decodeQueueSize);
      decoder.configure({ codec: 'pcm-f32', sampleRate: 48000, numberOfChannels: 1 });
      for (const chunk of chunks) decoder.decode(chunk);
      await decoder.flush();
      assert.equal(last, 0, `run ${run}: the last dequeue event before flush() resolved saw queue size 0`);
      decoder.close();
    }
  });
});

describe('dequeue listeners that end the codec', () => {
  // The flush's result comes after the dequeue event: a listener that
  // resets or closes the codec there makes it an AbortError, even when the
  // JS thread was busy and the codec's flush completion is already waiting.
  for (const end of ['reset', 'close']) {
    test(`${end}() in the dequeue listener rejects the pending flush with AbortError`, async () => {
      for (let run = 0; run < 10; run++) {
        const decoder = new AudioDecoder({ output: (d) => d.close(), error() {} });
        // From an immediate, as from any I/O callback: the codec's events
        // are polled before the immediates queued now.
        const flushed = await new Promise((resolve) =>
          setImmediate(() => {
            decoder.configure({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 1 });
            decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(960) }));
            decoder.ondequeue = () => decoder[end]();
            const promise = decoder.flush();
            promise.catch(() => {});
            const busyUntil = performance.now() + 20; // the application's own work
            while (performance.now() < busyUntil);
            resolve([promise]);
          }),
        );
        await assert.rejects(flushed[0], isDom('AbortError'), `run ${run}`);
        if (decoder.state !== 'closed') decoder.close();
      }
    });
  }
});
