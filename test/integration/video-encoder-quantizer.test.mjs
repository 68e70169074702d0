// bitrateMode "quantizer" with real encoders: per-frame quantizers applied
// to their own frames, the registration ranges, QP 0 on profiles without
// lossless coding, and lossless streams decoded bit-exactly by us and by the
// ffmpeg CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { VideoEncoder, VideoFrame } from 'webcodecs-native';

import { decodeChunks, encodeClip } from '../helpers/codecs.mjs';
import { chunkBytes, cliMacroblockQps, ffmpeg, frameI420, patternI420, psnr, tempDir, writeIvf } from '../helpers/media.mjs';

const W = 320;
const H = 240;
const dir = tempDir();

/** Annex B bytes of chunks encoded with avc/hevc format "annexb", in decode order. */
function annexbFile(name, chunks) {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(chunks.map(chunkBytes)));
  return file;
}

for (const [codec, key, hevc] of [['avc1.64001e', 'avc', false], ['avc1.42001e', 'avc', false], ['hvc1.1.6.L93.B0', 'hevc', true]]) {
  for (const latencyMode of ['quality', 'realtime']) {
    test(`${codec} ${latencyMode}: each frame is coded at its own quantizer, without restarting the encoder`, async () => {
      const quantizerOf = (i) => (i % 2 ? 45 : 15);
      const frames = 12;
      const config = { codec, width: W, height: H, bitrateMode: 'quantizer', latencyMode, [key]: { format: 'annexb' } };
      const { chunks, decoderConfig } = await encodeClip(config, frames, { options: (i) => ({ [key]: { quantizer: quantizerOf(i) } }) });
      assert.deepEqual(chunks.map((c) => c.type), ['key', ...Array(frames - 1).fill('delta')], 'one key frame');
      const index = (c) => Math.round(c.timestamp / 33333);
      const sizes = (q) => chunks.filter((c) => c.type === 'delta' && quantizerOf(index(c)) === q).map((c) => c.byteLength);
      assert.ok(Math.min(...sizes(15)) > Math.max(...sizes(45)), `quantizer 15 sizes ${sizes(15)}, quantizer 45 sizes ${sizes(45)}`);
      const quality = new Map();
      for (const f of await decodeChunks(decoderConfig, chunks)) {
        const i = index(f);
        quality.set(i, psnr((await frameI420(f)).subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H)));
        f.close();
      }
      const dbs = (q) => [...quality].filter(([i]) => quantizerOf(i) === q).map(([, db]) => db);
      assert.ok(Math.min(...dbs(15)) > Math.max(...dbs(45)), `PSNR at 15: ${dbs(15)}; at 45: ${dbs(45)}`);
      if (!hevc) {
        // Every macroblock of every frame carries that frame's quantizer.
        const qps = cliMacroblockQps(annexbFile(`alternating-${codec}-${latencyMode}.h264`, chunks));
        assert.deepEqual(qps, Array.from({ length: frames }, (_, i) => [quantizerOf(i)]));
      }
    });
  }
}

// libvpx, SVT-AV1 and libaom fix the quantizer when they open, and FFmpeg 5.1
// gives no way to change it on an open encoder: a new quantizer restarts the
// encoder, so the frame after a change is a key frame.
for (const [codec, key] of [['vp09.00.10.08', 'vp9'], ['av01.0.04M.08', 'av1']]) {
  test(`${codec}: a quantizer change restarts the encoder with a key frame, and sizes follow the quantizer`, async () => {
    const quantizerOf = (i) => [10, 10, 10, 50, 50, 10][i];
    const { chunks } = await encodeClip({ codec, width: W, height: H, bitrateMode: 'quantizer' }, 6, {
      options: (i) => ({ [key]: { quantizer: quantizerOf(i) } }),
    });
    assert.deepEqual(chunks.map((c) => c.type), ['key', 'delta', 'delta', 'key', 'delta', 'key']);
    assert.ok(chunks[3].byteLength < chunks[0].byteLength / 2 && chunks[5].byteLength > chunks[3].byteLength * 2, `sizes ${chunks.map((c) => c.byteLength)}`);
  });
}

for (const [codec, key, qs] of [
  ['avc1.64001e', 'avc', [10, 25, 40]],
  ['hvc1.1.6.L93.B0', 'hevc', [10, 25, 40]],
  // 0, the finest, included: SVT-AV1 through FFmpeg ignored it.
  ['vp09.00.10.08', 'vp9', [0, 10, 30, 55]],
  ['av01.0.04M.08', 'av1', [0, 10, 30, 55]],
]) {
  test(`${codec}: quantizer mode gives smaller chunks for larger quantizers`, async () => {
    const sizes = [];
    for (const q of qs) {
      const { chunks } = await encodeClip({ codec, width: W, height: H, bitrateMode: 'quantizer' }, 8, {
        options: () => ({ [key]: { quantizer: q } }),
      });
      sizes.push(chunks.reduce((a, c) => a + c.byteLength, 0));
    }
    assert.ok(sizes.every((size, i) => i === 0 || sizes[i - 1] > size), `sizes ${sizes} for quantizers ${qs}`);
  });
}

test('quantizer outside the registration range is a TypeError', async () => {
  const enc = new VideoEncoder({ output() {}, error() {} });
  enc.configure({ codec: 'avc1.64001e', width: W, height: H, bitrateMode: 'quantizer' });
  const frame = new VideoFrame(patternI420(W, H, 0), { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 });
  // Refused, it fixes nothing: a frame of another orientation is still the first.
  const turned = new VideoFrame(frame, { rotation: 90 });
  assert.throws(() => enc.encode(turned, { avc: { quantizer: 52 } }), TypeError);
  enc.encode(frame, { avc: { quantizer: 51 } });
  frame.close();
  turned.close();
  await enc.flush();
  enc.close();
});

test('quantizer 0 on H.264 High (no lossless coding) is QP 0, from the first frame or after others', async () => {
  const quantizerOf = (i) => [0, 0, 30, 0][i];
  const config = { codec: 'avc1.64001e', width: W, height: H, bitrateMode: 'quantizer', avc: { format: 'annexb' } };
  const { chunks, decoderConfig } = await encodeClip(config, 4, { options: (i) => ({ avc: { quantizer: quantizerOf(i) } }) });
  assert.equal(decoderConfig.codec.slice(0, 7), 'avc1.64', 'still High profile');
  assert.deepEqual(chunks.map((c) => c.type), ['key', 'delta', 'delta', 'delta']);
  assert.deepEqual(cliMacroblockQps(annexbFile('high-qp0.h264', chunks)), [[0], [0], [30], [0]]);
  for (const f of await decodeChunks(decoderConfig, chunks)) {
    const i = Math.round(f.timestamp / 33333);
    const db = psnr((await frameI420(f)).subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H));
    if (quantizerOf(i) === 0) assert.ok(db > 50, `frame ${i} at QP 0: ${db.toFixed(1)} dB`);
    f.close();
  }
});

/** I444 bytes of the test pattern: the I420 pattern's chroma repeated 2x2. */
function patternI444(index) {
  const i420 = patternI420(W, H, index);
  const out = new Uint8Array(W * H * 3);
  out.set(i420.subarray(0, W * H));
  for (let p = 0; p < 2; p++) {
    const src = i420.subarray(W * H + p * (W / 2) * (H / 2));
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[W * H * (1 + p) + y * W + x] = src[(y >> 1) * (W / 2) + (x >> 1)];
  }
  return out;
}

test('H.264 High 4:4:4 at quantizer 0 is lossless; leaving and re-entering lossless restarts with a key frame', async () => {
  const quantizerOf = (i) => [0, 0, 20, 20, 0, 0][i];
  const config = { codec: 'avc1.f4001e', width: W, height: H, bitrateMode: 'quantizer', avc: { format: 'annexb' } };
  const { chunks, decoderConfig } = await encodeClip(config, 6, {
    frame: (i) => new VideoFrame(patternI444(i), { format: 'I444', codedWidth: W, codedHeight: H, timestamp: i * 33333 }),
    options: (i) => ({ avc: { quantizer: quantizerOf(i) } }),
  });
  assert.deepEqual(chunks.map((c) => c.type), ['key', 'delta', 'key', 'delta', 'key', 'delta']);
  const decoded = await decodeChunks(decoderConfig, chunks);
  for (const f of decoded) {
    const i = Math.round(f.timestamp / 33333);
    assert.equal(f.format, 'I444');
    const same = Buffer.from(await frameI420(f)).equals(Buffer.from(patternI444(i)));
    assert.equal(same, quantizerOf(i) === 0, `frame ${i} identical to its source: ${same}`);
    f.close();
  }
  // The CLI decodes the lossless frames to the same bytes.
  const out = ffmpeg(['-i', annexbFile('lossless444.h264', chunks), '-f', 'rawvideo', '-pix_fmt', 'yuv444p', '-']);
  const frameBytes = W * H * 3;
  assert.equal(out.length, 6 * frameBytes);
  for (const i of [0, 1, 4, 5]) assert.ok(out.subarray(i * frameBytes, (i + 1) * frameBytes).equals(Buffer.from(patternI444(i))), `CLI frame ${i}`);
});

test('VP9 at quantizer 0 is lossless, decoded identically by us and by the CLI', async () => {
  const { chunks, decoderConfig } = await encodeClip({ codec: 'vp09.00.10.08', width: W, height: H, bitrateMode: 'quantizer' }, 5, {
    options: () => ({ vp9: { quantizer: 0 } }),
  });
  for (const f of await decodeChunks(decoderConfig, chunks)) {
    const i = Math.round(f.timestamp / 33333);
    assert.ok(Buffer.from(await frameI420(f)).equals(Buffer.from(patternI420(W, H, i))), `frame ${i}`);
    f.close();
  }
  const file = join(dir, 'lossless.ivf');
  writeFileSync(file, writeIvf('vp9', W, H, chunks));
  const out = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  const frameBytes = (W * H * 3) / 2;
  assert.equal(out.length, 5 * frameBytes);
  for (let i = 0; i < 5; i++) assert.ok(out.subarray(i * frameBytes, (i + 1) * frameBytes).equals(Buffer.from(patternI420(W, H, i))), `CLI frame ${i}`);
});
