// Encoder to decoder, chunk by chunk, for every video codec with a colour
// space in its bitstream: the decoder's frames carry the colour space the
// encoder's decoderConfig announced, whether the decoder is configured with
// it or with `colorSpace: {}` (the bitstream's then: H.264/HEVC VUI, VP9's
// colour space, AV1's colour config). Constant bitrate, the mode this runs
// in, must be supported by every encoder, SVT-AV1's included.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { VideoDecoder, VideoEncoder, VideoFrame } from 'webcodecs-native';

const W = 320;
const H = 200;
const SRGB = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
const CODECS = [
  { codec: 'av01.0.04M.08' },
  { codec: 'av01.0.04M.08', latencyMode: 'realtime' },
  { codec: 'vp09.00.10.08' },
  { codec: 'vp09.02.10.10' },
  { codec: 'avc1.640028', avc: { format: 'avc' }, latencyMode: 'realtime' },
  { codec: 'avc1.42001E', avc: { format: 'annexb' } },
  { codec: 'hvc1.1.6.L123.00', hevc: { format: 'hevc' }, latencyMode: 'realtime' },
];

/** An RGBA frame, canvas-like (sRGB), with i + 1 black squares on a coloured ground. */
function frame(i) {
  const data = new Uint8Array(W * H * 4);
  for (let p = 0; p < W * H; p++) data.set([200, 150, 40, 255], p * 4);
  for (let k = 0; k <= i; k++) {
    for (let y = 60; y < 72; y++) data.fill(0, (y * W + 10 + k * 18) * 4, (y * W + 22 + k * 18) * 4);
  }
  return new VideoFrame(data, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: i, colorSpace: SRGB });
}

for (const settings of CODECS) {
  for (const strip of [false, true]) {
    test(`${settings.codec}${settings.latencyMode ? ' realtime' : ''}: frames carry the announced colour space (decoder config ${strip ? 'colorSpace {}' : 'as announced'})`, async () => {
      const config = { ...settings, width: W, height: H, bitrate: 1_000_000, bitrateMode: 'constant', framerate: 30 };
      const support = await VideoEncoder.isConfigSupported(config);
      assert.equal(support.supported, true, 'constant bitrate is supported');
      const failures = [];
      let announced = null;
      const decoded = [];
      const decoder = new VideoDecoder({
        output: (f) => {
          decoded.push({ timestamp: f.timestamp, colorSpace: f.colorSpace.toJSON(), width: f.visibleRect.width });
          f.close();
        },
        error: (e) => failures.push(e),
      });
      const encoder = new VideoEncoder({
        output: (chunk, metadata) => {
          const dc = metadata?.decoderConfig;
          if (dc) {
            announced = dc.colorSpace;
            decoder.configure(strip ? { ...dc, colorSpace: {} } : dc);
          }
          decoder.decode(chunk);
        },
        error: (e) => failures.push(e),
      });
      encoder.configure(config);
      for (let i = 0; i < 16; i++) {
        const f = frame(i);
        encoder.encode(f, { keyFrame: i % 5 === 0 });
        f.close();
      }
      await encoder.flush();
      await decoder.flush();
      encoder.close();
      decoder.close();
      assert.deepEqual(failures, []);
      assert.ok(announced && announced.matrix !== null, 'the decoderConfig names a colour space');
      assert.deepEqual(decoded.map((d) => d.timestamp), [...Array(16).keys()]);
      for (const d of decoded) {
        assert.deepEqual(d.colorSpace, announced, `frame ${d.timestamp}`);
        assert.equal(d.width, W);
      }
    });
  }
}

test('a decoder config colour space overrides member by member; null members keep the stream\'s', async () => {
  const chunks = [];
  let dc = null;
  const encoder = new VideoEncoder({ output: (c, m) => (chunks.push(c), (dc ??= m?.decoderConfig)), error: (e) => assert.fail(e) });
  encoder.configure({ codec: 'avc1.42001E', width: 64, height: 64 });
  const f = new VideoFrame(new Uint8Array(64 * 64 * 3 / 2), { format: 'I420', codedWidth: 64, codedHeight: 64, timestamp: 0 });
  encoder.encode(f);
  f.close();
  await encoder.flush();
  const colours = [];
  const decoder = new VideoDecoder({ output: (frame) => (colours.push(frame.colorSpace.toJSON()), frame.close()), error: (e) => assert.fail(e) });
  decoder.configure({ ...dc, colorSpace: { matrix: 'smpte170m', fullRange: true } });
  decoder.decode(chunks[0]);
  await decoder.flush();
  assert.deepEqual(colours, [{ primaries: 'bt709', transfer: 'bt709', matrix: 'smpte170m', fullRange: true }]);
});

test('H.264 and HEVC without a colour description in the VUI are limited range, as both standards infer', async () => {
  const { Demuxer } = await import('webcodecs-native');
  const { ffmpeg, tempDir } = await import('../helpers/media.mjs');
  const dir = tempDir('wcn-norange-');
  for (const [encoder, file] of [['libx264', 'a.mp4'], ['libx265', 'b.mp4']]) {
    const path = `${dir}/${file}`;
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x64:d=0.2', '-c:v', encoder, '-pix_fmt', 'yuv420p', path]);
    const demuxer = await Demuxer.open(path);
    const [track] = demuxer.videoTracks;
    const ranges = [];
    const decoder = new VideoDecoder({ output: (f) => (ranges.push(f.colorSpace.fullRange), f.close()), error: (e) => assert.fail(e) });
    decoder.configure(track.config);
    for await (const { chunk } of demuxer.chunks(track)) decoder.decode(chunk);
    await decoder.flush();
    decoder.close();
    assert.ok(ranges.length > 0 && ranges.every((r) => r === false), `${encoder}: ${ranges}`);
  }
});
