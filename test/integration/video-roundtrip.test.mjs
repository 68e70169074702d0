// Round trips through real codecs, checked by measurement:
// - our encoder -> our decoder: PSNR against the source;
// - our encoder -> the ffmpeg CLI's decoder: same frame count and size, and
//   the very same pixels our decoder produced (the decoders are FFmpeg's);
// - the CLI's encoder -> our decoder: every frame, identical to the CLI's
//   own decode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { EncodedVideoChunk } from 'webcodecs-native';

import { decodeChunks, encodeClip } from '../helpers/codecs.mjs';
import {
  annexbAccessUnits,
  ffmpeg,
  frameI420,
  lengthPrefixedToAnnexB,
  patternI420,
  psnr,
  readIvf,
  tempDir,
  writeIvf,
} from '../helpers/media.mjs';

const W = 320;
const H = 240;
const N = 24;
const dir = tempDir();

// Luma PSNR each codec must reach at 1 Mbit/s on the test pattern.
const CASES = [
  { name: 'H.264', family: 'h264', codec: 'avc1.64001e', minPsnr: 32 },
  { name: 'HEVC', family: 'hevc', codec: 'hvc1.1.6.L93.B0', minPsnr: 32 },
  { name: 'VP8', family: 'vp8', codec: 'vp8', minPsnr: 28 },
  { name: 'VP9', family: 'vp9', codec: 'vp09.00.10.08', minPsnr: 30 },
  { name: 'AV1', family: 'av1', codec: 'av01.0.04M.08', minPsnr: 30 },
];

/** Writes our chunks as a file the CLI reads (Annex B or IVF). */
function writeStream(family, chunks, decoderConfig, file) {
  const bytes =
    family === 'h264' || family === 'hevc'
      ? lengthPrefixedToAnnexB(chunks, decoderConfig.description, family === 'hevc')
      : writeIvf(family, W, H, chunks);
  writeFileSync(file, bytes);
}

/** The CLI's decode of a file: tight yuv420p frames. */
function cliDecode(file, format) {
  const raw = ffmpeg(['-f', format, '-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  const frameSize = (W * H * 3) / 2;
  const frames = [];
  for (let off = 0; off + frameSize <= raw.length; off += frameSize) frames.push(new Uint8Array(raw.subarray(off, off + frameSize)));
  return frames;
}

for (const { name, family, codec, minPsnr } of CASES) {
  describe(`round trip: ${name}`, () => {
    test(`our encoder -> our decoder and the ffmpeg CLI (luma PSNR >= ${minPsnr} dB, decoders agree exactly)`, async () => {
      const { chunks, decoderConfig } = await encodeClip({ codec, width: W, height: H, bitrate: 1_000_000, framerate: 30 }, N);
      assert.equal(chunks.length, N);
      const frames = await decodeChunks(decoderConfig, chunks);
      assert.equal(frames.length, N);
      const ours = [];
      for (const [i, frame] of frames.entries()) {
        assert.equal(frame.timestamp, chunks.map((c) => c.timestamp).sort((a, b) => a - b)[i]);
        const pixels = await frameI420(frame);
        ours.push(pixels);
        const db = psnr(pixels.subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H));
        assert.ok(db >= minPsnr, `frame ${i}: luma PSNR ${db.toFixed(2)} dB < ${minPsnr}`);
        frame.close();
      }
      const file = join(dir, `ours-${family}.${family === 'h264' || family === 'hevc' ? family : 'ivf'}`);
      writeStream(family, chunks, decoderConfig, file);
      const cli = cliDecode(file, family === 'h264' ? 'h264' : family === 'hevc' ? 'hevc' : 'ivf');
      assert.equal(cli.length, N, 'the CLI decodes every chunk');
      for (let i = 0; i < N; i++) assert.ok(Buffer.compare(cli[i], ours[i]) === 0, `frame ${i}: CLI and our decode differ`);
    });
  });
}

// The CLI's encoders, writing streams our decoder must read.
const CLI_CASES = [
  { name: 'H.264 (libx264, B-frames)', family: 'h264', args: ['-c:v', 'libx264', '-bf', '3', '-x264-params', 'aud=1'], format: 'h264', codec: 'avc1.64001e' },
  { name: 'HEVC (libx265)', family: 'hevc', args: ['-c:v', 'libx265', '-x265-params', 'aud=1:log-level=error'], format: 'hevc', codec: 'hev1.1.6.L93.B0' },
  { name: 'VP8 (libvpx)', family: 'vp8', args: ['-c:v', 'libvpx', '-b:v', '1M'], format: 'ivf', codec: 'vp8' },
  { name: 'VP9 (libvpx-vp9)', family: 'vp9', args: ['-c:v', 'libvpx-vp9', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8'], format: 'ivf', codec: 'vp09.00.10.08' },
  { name: 'AV1 (libaom)', family: 'av1', args: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-b:v', '1M'], format: 'ivf', codec: 'av01.0.04M.08' },
];

for (const { name, family, args, format, codec } of CLI_CASES) {
  test(`ffmpeg CLI ${name} stream decoded by us matches the CLI's own decode`, async () => {
    const file = join(dir, `cli-${family}.${format}`);
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=30`, '-frames:v', String(N), '-pix_fmt', 'yuv420p', ...args, '-f', format, file]);
    const bytes = readFileSync(file);
    const units =
      format === 'ivf'
        ? readIvf(bytes).map((f, i) => ({ data: f.data, key: i === 0, pts: f.pts }))
        : annexbAccessUnits(new Uint8Array(bytes), family === 'hevc').map((au, i) => ({ ...au, pts: i }));
    assert.equal(units.length, N);
    const chunks = units.map(
      (u, i) => new EncodedVideoChunk({ type: i === 0 ? 'key' : 'delta', timestamp: i * 1000, duration: 1000, data: u.data }),
    );
    const frames = await decodeChunks({ codec }, chunks);
    assert.equal(frames.length, N);
    const reference = cliDecode(file, format);
    for (const [i, frame] of frames.entries()) {
      const pixels = await frameI420(frame);
      assert.equal(frame.visibleRect.width, W);
      assert.ok(Buffer.compare(Buffer.from(pixels), Buffer.from(reference[i])) === 0, `frame ${i} differs from the CLI's decode`);
      frame.close();
    }
  });
}
