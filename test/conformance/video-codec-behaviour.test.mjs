// The shared codec behaviour suite (test/helpers/codec-behaviour.mjs) over
// every video codec, plus what only video has: scaling and format
// conversion of inputs, orientation changes, and key frame inspection.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

import { describeCodecBehaviour, isDom, recorder, relabel } from '../helpers/codec-behaviour.mjs';
import { VIDEO_CODECS, encodeClip } from '../helpers/codecs.mjs';
import { makeFrame } from '../helpers/media.mjs';

const W = 160;
const H = 120;

for (const { name, codec } of VIDEO_CODECS) {
  const config = { codec, width: W, height: H, bitrate: 300000, framerate: 30 };

  describeCodecBehaviour({
    name,
    Encoder: VideoEncoder,
    Decoder: VideoDecoder,
    Chunk: EncodedVideoChunk,
    config,
    oneOutputPerInput: true,
    invalidEncoderConfigs: [
      { ...config, width: 0 },
      { ...config, height: 0 },
      { ...config, codec: '' },
      { ...config, codec: '  ' },
      { ...config, displayWidth: 0, displayHeight: 10 },
      { ...config, bitrateMode: 'bogus' },
      { ...config, latencyMode: 'fast' },
      { ...config, framerate: NaN },
      { codec, width: W },
    ],
    invalidDecoderConfigs: [
      { codec: '' },
      {},
      { codec, codedWidth: 10 },
      { codec, codedWidth: 0, codedHeight: 10 },
      { codec, displayAspectWidth: 4 },
      { codec, displayAspectWidth: 0, displayAspectHeight: 3 },
      { codec, colorSpace: { primaries: 'nope' } },
    ],
    unsupportedEncoderConfig: { ...config, codec: `${codec}.bogus` },
    unsupportedDecoderConfig: { codec: 'vp09.99.99.99' },
    makeInput: (i) => makeFrame(W, H, i),
    reconfigure: {
      config: { ...config, width: W * 2, height: H * 2 },
      input: (i) => makeFrame(W * 2, H * 2, i),
      check: (decoderConfig) => assert.equal(decoderConfig?.codedWidth, W * 2, 'new size announced in decoderConfig'),
    },
    encodeClip: () => encodeClip(config, 10, { keyEvery: 5 }),
    checkEncoded(outputs, inputs) {
      assert.equal(outputs.length, inputs.length);
      assert.deepEqual(outputs.map((o) => o.x.timestamp).sort((a, b) => a - b), inputs.map((i) => i.timestamp));
      assert.equal(outputs[0].meta.decoderConfig.codedWidth, W);
    },
    checkDecoded(outputs, chunks) {
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
      }
    },
    keyAfterFlush: (chunks) => chunks[5],
    corruptChunks() {
      const garbage = new Uint8Array(4000);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
      return [
        new EncodedVideoChunk({ type: 'delta', timestamp: 1000, data: garbage }),
        new EncodedVideoChunk({ type: 'delta', timestamp: 2000, data: new Uint8Array(0) }),
      ];
    },
  });

  describe(`VideoEncoder inputs: ${name}`, () => {
    test('frames of other sizes and formats are scaled and converted', async () => {
      const { chunks, decoderConfig } = await encodeClip(config, 3, { width: W + 40, height: H + 20 });
      assert.equal(chunks.length, 3);
      assert.equal(decoderConfig.codedWidth, W);
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      enc.configure(config);
      const rgba = new Uint8Array(W * H * 4).fill(200);
      const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: 5 });
      enc.encode(frame);
      frame.close();
      await enc.flush();
      assert.deepEqual(errors, []);
      assert.equal(outputs.length, 1);
      assert.equal(outputs[0].x.timestamp, 5);
      enc.close();
    });

    test('an orientation change is a DataError', async () => {
      const { codec: enc } = recorder(VideoEncoder);
      enc.configure(config);
      const f = makeFrame(W, H, 0);
      enc.encode(f);
      const rotated = new VideoFrame(f, { rotation: 90 });
      assert.throws(() => enc.encode(rotated), isDom('DataError'));
      f.close();
      rotated.close();
      await enc.flush();
      enc.close();
    });
  });

  describe(`VideoEncoder reconfiguration: ${name}`, () => {
    test('chunks encoded before a reconfigure keep their frames\' orientation in decoderConfig', async () => {
      const { codec: enc, outputs, errors } = recorder(VideoEncoder);
      const expected = [];
      for (const [start, rotation, flip] of [[0, 90, true], [50, 0, false]]) {
        enc.configure(config);
        for (let i = start; i < start + 2; i++) {
          const f = makeFrame(W, H, i);
          const oriented = new VideoFrame(f, { rotation, flip });
          if (i === start) expected.push([oriented.timestamp, rotation, flip]);
          enc.encode(oriented, { keyFrame: i === start });
          f.close();
          oriented.close();
        }
      }
      await enc.flush();
      assert.deepEqual(errors, []);
      const announced = outputs.filter((o) => o.meta.decoderConfig);
      assert.deepEqual(
        announced.map(({ x, meta }) => [x.timestamp, meta.decoderConfig.rotation, meta.decoderConfig.flip]),
        expected,
      );
      enc.close();
    });
  });

  describe(`VideoDecoder key frames: ${name}`, () => {
    test('a chunk labelled key that is not a key frame is a DataError', async () => {
      const { chunks, decoderConfig } = await encodeClip(config, 2);
      const { codec: dec } = recorder(VideoDecoder);
      dec.configure(decoderConfig);
      assert.throws(() => dec.decode(relabel(EncodedVideoChunk, chunks[1], 'key')), isDom('DataError'));
      dec.close();
    });
  });
}

describe('VideoDecoder reconfiguration', () => {
  test('frames decoded before a reconfigure keep the rotation of their configuration', async () => {
    const config = { codec: 'vp8', width: W, height: H, bitrate: 300000, framerate: 30 };
    const { chunks, decoderConfig } = await encodeClip(config, 6, { keyEvery: 3 });
    const { codec: dec, outputs, errors } = recorder(VideoDecoder);
    dec.configure({ ...decoderConfig, rotation: 90 });
    chunks.slice(0, 3).forEach((c) => dec.decode(c));
    // No flush: libvpx has no decode delay, so these frames are on their way.
    dec.configure({ ...decoderConfig, rotation: 180 });
    chunks.slice(3).forEach((c) => dec.decode(c));
    await dec.flush();
    assert.deepEqual(errors, []);
    assert.deepEqual(
      outputs.map(({ x }) => [x.timestamp, x.rotation, x.displayWidth]),
      chunks.map((c, i) => [c.timestamp, i < 3 ? 90 : 180, i < 3 ? H : W]),
    );
    outputs.forEach(({ x }) => x.close());
    dec.close();
  });
});

describe('VideoEncoder.encode() arguments', () => {
  test('the options are converted (WebIDL) before the steps check the state, every member once, in order', () => {
    const encoder = new VideoEncoder({ output() {}, error() {} });
    const frame = makeFrame(W, H, 0, 0);
    assert.throws(() => encoder.encode(frame, 5), TypeError, 'not a dictionary: TypeError before InvalidStateError');
    assert.throws(() => encoder.encode(frame, { vp9: { quantizer: 70000 } }), TypeError, 'an unsigned short is at most 65535');
    const reads = [];
    const options = {};
    for (const key of ['vp9', 'keyFrame', 'hevc', 'avc', 'av1']) {
      Object.defineProperty(options, key, { get: () => (reads.push(key), key === 'keyFrame' ? true : { quantizer: 10 }) });
    }
    assert.throws(() => encoder.encode(frame, options), isDom('InvalidStateError'));
    assert.deepEqual(reads, ['av1', 'avc', 'hevc', 'keyFrame', 'vp9']);
    frame.close();
    encoder.close();
  });
});

describe('H.264 random access points', () => {
  test('an I picture after a recovery point SEI (open GOP) is a key chunk: decoding can start there', async () => {
    const { Demuxer } = await import('webcodecs-native');
    const { ffmpeg, tempDir } = await import('../helpers/media.mjs');
    const path = `${tempDir('wcn-opengop-')}/open-gop.mp4`;
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x120:d=1.2:r=25', '-c:v', 'libx264', '-bf', '2',
      '-x264-params', 'open-gop=1:keyint=10:min-keyint=10:scenecut=0:b-pyramid=none', path]);
    const demuxer = await Demuxer.open(path);
    const [track] = demuxer.videoTracks;
    const chunks = [];
    for await (const { chunk } of demuxer.chunks(track)) chunks.push(chunk);
    demuxer.close?.();
    const starts = chunks.flatMap((c, i) => (c.type === 'key' ? [i] : []));
    assert.equal(starts.length, 3, 'the container marks the IDR and both open-GOP I pictures as sync samples');
    for (const start of starts) {
      const timestamps = [];
      const decoder = new VideoDecoder({ output: (f) => (timestamps.push(f.timestamp), f.close()), error: (e) => assert.fail(e) });
      decoder.configure(track.config);
      for (const chunk of chunks.slice(start)) decoder.decode(chunk);
      await decoder.flush();
      decoder.close();
      // Leading pictures (before the I picture, referencing the GOP before it) may be dropped.
      const from = chunks[start].timestamp;
      const expected = chunks.slice(start).map((c) => c.timestamp).filter((t) => t >= from).sort((a, b) => a - b);
      assert.deepEqual(timestamps.filter((t) => t >= from), expected, `decoding from chunk ${start}`);
      assert.ok(timestamps.length >= 9, `decoding from chunk ${start}: ${timestamps.length} frames`);
    }
    // A picture that is no random access point, labelled key, is still refused.
    const decoder = new VideoDecoder({ output: (f) => f.close(), error() {} });
    decoder.configure(track.config);
    const p = chunks[starts[1] + 1];
    const relabelled = new EncodedVideoChunk({ type: 'key', timestamp: p.timestamp, data: (() => { const b = new Uint8Array(p.byteLength); p.copyTo(b); return b; })() });
    assert.throws(() => decoder.decode(relabelled), isDom('DataError'));
    decoder.close();
  });
});

describe('VideoDecoder output timestamps', () => {
  test('each frame carries its own chunk\'s timestamp and duration, whatever order the timestamps run in (B-frames)', async () => {
    const { chunks, decoderConfig } = await encodeClip({ codec: 'avc1.64001e', width: 160, height: 120, latencyMode: 'quality' }, 20, {
      frame: (i) => makeFrame(160, 120, i, i * 33333),
    });
    assert.ok(chunks.some((c, i) => i > 0 && c.timestamp < chunks[i - 1].timestamp), 'the stream reorders');
    for (const label of [(i) => i, (i) => 1000 - i]) {
      const relabelled = chunks.map((c, i) => {
        const data = new Uint8Array(c.byteLength);
        c.copyTo(data);
        return new EncodedVideoChunk({ type: c.type, timestamp: label(i), duration: 10 + i, data });
      });
      const outputs = [];
      const decoder = new VideoDecoder({ output: (f) => (outputs.push([f.timestamp, f.duration]), f.close()), error: (e) => assert.fail(e) });
      decoder.configure(decoderConfig);
      for (const c of relabelled) decoder.decode(c);
      await decoder.flush();
      decoder.close();
      const byTimestamp = (a, b) => a[0] - b[0];
      assert.deepEqual([...outputs].sort(byTimestamp), relabelled.map((c) => [c.timestamp, c.duration]).sort(byTimestamp));
    }
  });
});
