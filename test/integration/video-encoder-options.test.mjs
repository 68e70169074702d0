// VideoEncoderConfig members and encode options with real encoders:
// bitstream formats, temporal layers, B-frame timestamps, high bit depth
// and alpha (quantizer mode: video-encoder-quantizer.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EncodedVideoChunk, VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

import { decodeChunks, encodeClip } from '../helpers/codecs.mjs';
import { annexbNals, chunkBytes, ffmpeg, ffprobeJson, frameI420, lengthPrefixedToAnnexB, patternI420, psnr, tempDir, writeIvf } from '../helpers/media.mjs';

const W = 320;
const H = 240;
const dir = tempDir();

function nalTypes(bytes, hevc) {
  return annexbNals(bytes).map((n) => (hevc ? (n[0] >> 1) & 0x3f : n[0] & 0x1f));
}

for (const [family, codec, hevc] of [['h264', 'avc1.64001e', false], ['hevc', 'hvc1.1.6.L93.B0', true]]) {
  test(`${family}: annexb format has start codes, in-band parameter sets on key frames and no description`, async () => {
    const config = { codec, width: W, height: H, bitrate: 500000, framerate: 30, [hevc ? 'hevc' : 'avc']: { format: 'annexb' } };
    const { chunks, decoderConfig } = await encodeClip(config, 10, { keyEvery: 5 });
    assert.equal(decoderConfig.description, undefined);
    for (const c of chunks) {
      const bytes = chunkBytes(c);
      assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 0, 1], 'starts with a start code');
      const types = nalTypes(bytes, hevc);
      const paramSet = hevc ? 32 : 7; // VPS / SPS
      assert.equal(types.includes(paramSet), c.type === 'key', `parameter sets on key chunks only (${types})`);
    }
    const frames = await decodeChunks({ codec: decoderConfig.codec }, chunks);
    assert.equal(frames.length, 10);
    frames.forEach((f) => f.close());
  });

  test(`${family}: default format is length-prefixed with a configuration record description`, async () => {
    const { chunks, decoderConfig } = await encodeClip({ codec, width: W, height: H, bitrate: 500000 }, 5);
    const desc = decoderConfig.description;
    assert.ok(desc instanceof Uint8Array && desc.length > 6, 'description present');
    assert.equal(desc[0], 1, 'configurationVersion 1');
    for (const c of chunks) {
      const bytes = chunkBytes(c);
      let pos = 0;
      while (pos < bytes.length) {
        const len = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
        assert.ok(len > 0 && pos + 4 + len <= bytes.length, 'NAL lengths tile the chunk');
        pos += 4 + len;
      }
    }
    // The codec string names what the record says.
    if (!hevc) {
      const hex = (n) => n.toString(16).padStart(2, '0');
      assert.equal(decoderConfig.codec, `avc1.${hex(desc[1])}${hex(desc[2])}${hex(desc[3])}`);
    } else {
      assert.match(decoderConfig.codec, /^hvc1\.1\.[0-9A-F]+\.L\d+/);
    }
    // The CLI decodes it once converted to Annex B with the record's parameter sets.
    const file = join(dir, `desc.${family}`);
    writeFileSync(file, lengthPrefixedToAnnexB(chunks, desc, hevc));
    const frames = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']).length / ((W * H * 3) / 2);
    assert.equal(frames, 5);
  });
}

test('H.264 quality mode uses B-frames and every chunk keeps its frame timestamp', async () => {
  const { chunks, decoderConfig } = await encodeClip({ codec: 'avc1.64001e', width: W, height: H, bitrate: 800000, latencyMode: 'quality' }, 20);
  const order = chunks.map((c) => c.timestamp);
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i * 33333));
  assert.notDeepEqual(order, [...order].sort((a, b) => a - b), 'decode order differs from presentation order');
  // Each decoded frame matches the source frame its timestamp names.
  const frames = await decodeChunks(decoderConfig, chunks);
  for (const f of frames) {
    const i = f.timestamp / 33333;
    const db = psnr((await frameI420(f)).subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H));
    assert.ok(db > 30, `frame at ${f.timestamp}: ${db.toFixed(1)} dB`);
    f.close();
  }
});

// Temporal layers over every codec and latency mode. x264 and x265 build
// layers from B-frames nothing references, which reorder frames, so they
// have none in realtime (and x265 has a single sub-layer above the base);
// libvpx layers P-frames in both modes; AV1 has no layers in this build.
const LAYER_SUPPORT = {
  'avc1.64001e': { quality: [1, 2, 3], realtime: [1] },
  'hvc1.1.6.L93.B0': { quality: [1, 2], realtime: [1] },
  vp8: { quality: [1, 2, 3], realtime: [1, 2, 3] },
  'vp09.00.10.08': { quality: [1, 2, 3], realtime: [1, 2, 3] },
  'av01.0.04M.08': { quality: [1], realtime: [1] },
};

for (const [codec, byMode] of Object.entries(LAYER_SUPPORT)) {
  for (const latencyMode of ['quality', 'realtime']) {
    for (const layers of [1, 2, 3]) {
      const supported = byMode[latencyMode].includes(layers);
      test(`${codec} L1T${layers} ${latencyMode}: ${supported ? 'layer ids, base layer decodes alone' : 'NotSupportedError'}`, async () => {
        const { VideoEncoder } = await import('webcodecs-native');
        const config = { codec, width: W, height: H, bitrate: 600000, framerate: 30, scalabilityMode: `L1T${layers}`, latencyMode };
        assert.equal((await VideoEncoder.isConfigSupported(config)).supported, supported);
        if (!supported) {
          await assert.rejects(encodeClip(config, 1), (e) => e.name === 'NotSupportedError' && /temporal|L1T2/i.test(e.message));
          return;
        }
        const { chunks, metadata, decoderConfig } = await encodeClip(config, 24);
        const order = chunks.map((c) => c.timestamp);
        if (latencyMode === 'realtime') assert.deepEqual(order, [...order].sort((a, b) => a - b), 'realtime does not reorder');
        if (layers === 1) return;
        const ids = metadata.map((m) => m.svc?.temporalLayerId);
        assert.ok(ids.every((id) => Number.isInteger(id) && id >= 0 && id < layers), `ids ${ids}`);
        // By presentation order the layers follow the dyadic pattern.
        const byTime = chunks.map((c, i) => [c.timestamp, ids[i]]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
        const pattern = layers === 2 ? [0, 1] : [0, 2, 1, 2];
        const expected = byTime.map((_, i) => pattern[i % pattern.length]);
        // A stream starts with a key frame and B-frame structures end with a P
        // frame, so the first and the last group are left out of the comparison.
        assert.deepEqual(byTime.slice(1, -pattern.length), expected.slice(1, -pattern.length), 'layer pattern');
        const base = chunks.filter((_, i) => ids[i] === 0);
        const frames = await decodeChunks(decoderConfig, base);
        assert.equal(frames.length, base.length, 'every base-layer chunk decodes without the others');
        for (const f of frames) {
          const i = f.timestamp / 33333;
          const db = psnr((await frameI420(f)).subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H));
          assert.ok(db > 25, `base layer frame ${i}: ${db.toFixed(1)} dB`);
          f.close();
        }
      });
    }
  }
}

test('unsupported scalability modes are NotSupportedError', async () => {
  const { VideoEncoder } = await import('webcodecs-native');
  for (const [codec, mode] of [['avc1.42001e', 'L2T1'], ['vp8', 'S2T1'], ['vp8', 'L1T4']]) {
    const support = await VideoEncoder.isConfigSupported({ codec, width: W, height: H, scalabilityMode: mode });
    assert.equal(support.supported, false, `${codec} ${mode}`);
  }
});

test('an H.264 level limits the frame size, not the frame rate (as browsers do)', async () => {
  const { VideoEncoder } = await import('webcodecs-native');
  // Level 1.1 holds 396 macroblocks: 320x240 (300) fits at any frame rate.
  for (const framerate of [undefined, 30, 60]) {
    const support = await VideoEncoder.isConfigSupported({ codec: 'avc1.64000b', width: 320, height: 240, framerate });
    assert.equal(support.supported, true, `320x240 at ${framerate} fps`);
  }
  // Level 3.1 holds 3600: 1920x1080 (8160) does not.
  assert.equal((await VideoEncoder.isConfigSupported({ codec: 'avc1.42001f', width: 1920, height: 1080 })).supported, false);
  assert.equal((await VideoEncoder.isConfigSupported({ codec: 'avc1.640028', width: 1920, height: 1080 })).supported, true);
  const { chunks, decoderConfig } = await encodeClip({ codec: 'avc1.64000b', width: 320, height: 240, framerate: 30 }, 3);
  assert.equal(chunks.length, 3);
  assert.equal(decoderConfig.codec, 'avc1.64000b');
});

// VP9 and AV1 levels bind nothing (browsers accept vp09.00.10.08 and
// av01.0.04M.08 at every size, and code written for them relies on it): the
// output's codec string names the level of what was produced. For VP9, whose
// streams carry no level, that is the lowest Annex A level holding the
// picture size and breadth, the luma sample rate and the configured bitrate.
for (const [config, expected] of [
  [{ codec: 'vp09.00.10.08', width: 1920, height: 1080 }, 'vp09.00.40.08'],
  [{ codec: 'vp09.00.10.08', width: 256, height: 144, framerate: 20 }, 'vp09.00.10.08'],
  [{ codec: 'vp09.00.10.08', width: 256, height: 144 }, 'vp09.00.11.08'], // 30 fps: 1105920 samples/s > 829440
  [{ codec: 'vp09.00.41.08', width: 320, height: 240 }, 'vp09.00.20.08'],
  [{ codec: 'vp09.00.41.08', width: 320, height: 240, bitrate: 5_000_000 }, 'vp09.00.30.08'], // 2.1 allows 3.6 Mbit/s
  [{ codec: 'vp09.00.41.08', width: 320, height: 240, bitrate: 5_000_000, bitrateMode: 'quantizer' }, 'vp09.00.20.08'],
  [{ codec: 'vp09.00.20.08', width: 1000, height: 64 }, 'vp09.00.21.08'], // 1000 samples wide: 2.0 allows 960
  [{ codec: 'vp09.02.31.10.01.09.16.09.01', width: 320, height: 240 }, 'vp09.02.20.10.01.09.16.09.01'],
]) {
  test(`${config.codec} at ${config.width}x${config.height} ${JSON.stringify(config)}: the output codec string is ${expected}`, async () => {
    const { decoderConfig } = await encodeClip(config, 1);
    assert.equal(decoderConfig.codec, expected);
  });
}

for (const [config, level] of [
  [{ codec: 'av01.0.04M.08', width: 320, height: 240 }, 0],
  [{ codec: 'av01.0.04M.08', width: 1920, height: 1080 }, 8],
  [{ codec: 'av01.0.08M.10', width: 640, height: 480, framerate: 60 }, 4],
  [{ codec: 'av01.1.08M.08', width: 320, height: 240 }, 0], // 4:4:4: libaom
]) {
  test(`${config.codec} at ${config.width}x${config.height}: the output codec string carries the stream's seq_level_idx ${level}`, async () => {
    const { chunks, decoderConfig } = await encodeClip(config, 2);
    const parts = config.codec.split('.');
    parts[2] = `${String(level).padStart(2, '0')}M`;
    assert.equal(decoderConfig.codec, parts.join('.'));
    const file = join(dir, `level-${config.codec}-${config.width}.ivf`);
    writeFileSync(file, writeIvf('av1', config.width, config.height, chunks));
    const [stream] = ffprobeJson(['-show_entries', 'stream=level', file]).streams;
    assert.equal(stream.level, level, 'the level the sequence header signals');
  });
}

function pattern10(w, h, index) {
  const eight = patternI420(w, h, index);
  const out = new Uint16Array(eight.length);
  for (let i = 0; i < eight.length; i++) out[i] = eight[i] << 2;
  return out;
}

for (const codec of ['vp09.02.10.10', 'hvc1.2.4.L93.B0', 'av01.0.04M.10']) {
  test(`${codec}: 10-bit frames encode and decode as I420P10`, async () => {
    const frames = [];
    for (let i = 0; i < 6; i++) {
      frames.push(new VideoFrame(pattern10(W, H, i), { format: 'I420P10', codedWidth: W, codedHeight: H, timestamp: i * 33333 }));
    }
    const chunks = [];
    let decoderConfig;
    const { VideoEncoder } = await import('webcodecs-native');
    const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); decoderConfig ??= m?.decoderConfig; }, error: (e) => assert.fail(e.message) });
    enc.configure({ codec, width: W, height: H, bitrate: 1_000_000 });
    frames.forEach((f) => enc.encode(f));
    await enc.flush();
    enc.close();
    const decoded = await decodeChunks(decoderConfig, chunks);
    assert.equal(decoded.length, 6);
    for (const f of decoded) {
      assert.equal(f.format, 'I420P10');
      const out = new Uint16Array(f.allocationSize() / 2);
      await f.copyTo(out);
      const i = f.timestamp / 33333;
      const db = psnr(out.subarray(0, W * H), pattern10(W, H, i).subarray(0, W * H), 1023);
      assert.ok(db > 30, `frame ${i}: ${db.toFixed(1)} dB`);
      f.close();
    }
    frames.forEach((f) => f.close());
  });
}

test('VP9 alpha "keep": alphaSideData is a VP9 stream of the alpha plane', async () => {
  const { VideoEncoder } = await import('webcodecs-native');
  const chunks = [];
  const metas = [];
  const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); metas.push(m); }, error: (e) => assert.fail(e.message) });
  enc.configure({ codec: 'vp09.00.10.08', width: W, height: H, bitrate: 800000, alpha: 'keep' });
  const alphaOf = (i) => {
    const a = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) a[y * W + x] = (x + i * 8) % 256;
    return a;
  };
  for (let i = 0; i < 6; i++) {
    const yuv = patternI420(W, H, i);
    const data = new Uint8Array(yuv.length + W * H);
    data.set(yuv);
    data.set(alphaOf(i), yuv.length);
    const f = new VideoFrame(data, { format: 'I420A', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
    enc.encode(f);
    f.close();
  }
  await enc.flush();
  enc.close();
  assert.equal(chunks.length, 6);
  assert.ok(metas.every((m) => m.alphaSideData instanceof ArrayBuffer && m.alphaSideData.byteLength > 0));
  const alphaChunks = metas.map((m, i) => new EncodedVideoChunk({ type: chunks[i].type, timestamp: chunks[i].timestamp, data: m.alphaSideData }));
  const frames = await decodeChunks({ codec: 'vp09.00.10.08' }, alphaChunks);
  for (const f of frames) {
    const i = f.timestamp / 33333;
    const db = psnr((await frameI420(f)).subarray(0, W * H), alphaOf(i));
    assert.ok(db > 28, `alpha of frame ${i}: ${db.toFixed(1)} dB`);
    f.close();
  }
  // With alpha discarded there is no side data.
  const { metadata } = await encodeClip({ codec: 'vp09.00.10.08', width: W, height: H }, 2);
  assert.ok(metadata.every((m) => m.alphaSideData === undefined));
});

test('displayWidth/displayHeight become the decoderConfig display aspect', async () => {
  const { decoderConfig } = await encodeClip({ codec: 'vp8', width: W, height: H, displayWidth: 640, displayHeight: 240 }, 1);
  assert.equal(decoderConfig.displayAspectWidth, 640);
  assert.equal(decoderConfig.displayAspectHeight, 240);
  const dec = [];
  const decoder = new VideoDecoder({ output: (f) => dec.push(f), error: (e) => assert.fail(e.message) });
  const { chunks } = await encodeClip({ codec: 'vp8', width: W, height: H }, 1);
  decoder.configure(decoderConfig);
  decoder.decode(chunks[0]);
  await decoder.flush();
  assert.equal(dec[0].displayWidth, 640);
  assert.equal(dec[0].displayHeight, 240);
  dec[0].close();
  decoder.close();
});

test('IVF of our VP8 stream plays in the CLI with the right frame count', async () => {
  const { chunks } = await encodeClip({ codec: 'vp8', width: W, height: H, bitrate: 400000 }, 15);
  const file = join(dir, 'vp8.ivf');
  writeFileSync(file, writeIvf('vp8', W, H, chunks));
  const out = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  assert.equal(out.length / ((W * H * 3) / 2), 15);
});

test('an encoder that fails to restart after configure() succeeded is an EncodingError, not NotSupportedError', async () => {
  const { VideoEncoder } = await import('webcodecs-native');
  // SVT-AV1 opens for the configuration, then refuses the identity (RGB)
  // matrix of the first frame's colour space on 4:2:0 when it restarts to
  // tag the stream with it.
  const errors = [];
  const enc = new VideoEncoder({ output() {}, error: (e) => errors.push(e) });
  enc.configure({ codec: 'av01.0.04M.08', width: W, height: H });
  const frame = new VideoFrame(patternI420(W, H, 0), {
    format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0, colorSpace: { matrix: 'rgb' },
  });
  enc.encode(frame);
  frame.close();
  await assert.rejects(enc.flush(), (e) => e instanceof DOMException && e.name === 'EncodingError');
  assert.deepEqual(errors.map((e) => e.name), ['EncodingError']);
  assert.match(errors[0].message, /libsvtav1/);
  assert.equal(enc.state, 'closed');
});

test('frames in flight on the native side are bounded by their bytes: 2 at 1080p, 4 at 720p and below', async () => {
  // encode() calls made in one go: no completion can arrive between them, so
  // encodeQueueSize shows exactly how many went to the worker.
  for (const [width, height, inFlight] of [[1920, 1080, 2], [1280, 720, 4], [320, 240, 4]]) {
    const encoder = new VideoEncoder({ output: () => {}, error: (e) => assert.fail(e) });
    encoder.configure({ codec: 'vp8', width, height, bitrate: 1e6 });
    await encoder.flush(); // the configuration applied: the queue is no longer blocked by it
    const bytes = new Uint8Array((width * height * 3) / 2);
    for (let i = 0; i < 8; i++) {
      const frame = new VideoFrame(bytes, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: i * 33333 });
      encoder.encode(frame);
      frame.close();
    }
    assert.equal(encoder.encodeQueueSize, 8 - inFlight, `${width}x${height}`);
    await encoder.flush();
    assert.equal(encoder.encodeQueueSize, 0);
    encoder.close();
  }
});

test('AV1 forceScreenContentTools (the AV1 registration) reaches the encoder and the returned config', async () => {
  const support = await VideoEncoder.isConfigSupported({ codec: 'av01.0.04M.08', width: 128, height: 128, av1: { forceScreenContentTools: true, x: 1 } });
  assert.deepEqual(support.config.av1, { forceScreenContentTools: true });
  const vp9 = await VideoEncoder.isConfigSupported({ codec: 'vp09.00.10.08', width: 128, height: 128, av1: { forceScreenContentTools: true } });
  assert.equal('av1' in vp9.config, false, 'another codec\'s member stays out of the clone');
  // Smooth, camera-like content: SVT-AV1 would not pick its screen tools by
  // itself, so forcing them changes what it codes at a fixed quantizer.
  const frame = (i) => {
    const d = new Uint8Array(128 * 128 * 4);
    for (let p = 0; p < 128 * 128; p++) {
      const x = p % 128;
      const y = (p / 128) | 0;
      const v = Math.round(128 + 60 * Math.sin(x / 7 + i) * Math.cos(y / 5));
      d.set([v, (v * 3) & 255, (x * y) & 255, 255], p * 4);
    }
    return new VideoFrame(d, { format: 'RGBA', codedWidth: 128, codedHeight: 128, timestamp: i * 33333 });
  };
  const bytes = async (force) => {
    const config = { codec: 'av01.0.04M.08', width: 128, height: 128, bitrateMode: 'quantizer', av1: { forceScreenContentTools: force } };
    const { chunks } = await encodeClip(config, 4, { frame, options: () => ({ av1: { quantizer: 30 } }) });
    return chunks.reduce((n, c) => n + c.byteLength, 0);
  };
  const [off, on, offAgain] = [await bytes(false), await bytes(true), await bytes(false)];
  assert.equal(off, offAgain, 'deterministic');
  assert.notEqual(on, off, `forced screen content tools change the stream (${on} vs ${off} bytes)`);
});
