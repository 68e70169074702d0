// ImageDecoder on real files written by the ffmpeg CLI, every type still and
// animated. Pixels are compared with the CLI's own decode of the same file:
// exact wherever the same FFmpeg decoder runs (lossy JPEG, WebP and AVIF
// included, since the decoder is the same); animated WebP, which this
// FFmpeg cannot decode, is compared with its source frames (exact when
// lossless, PSNR >= 30 dB when lossy). Lossy files are also held to a PSNR
// against their source. Timing comes from the containers' own delays.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ImageDecoder } from 'webcodecs-native';

import {
  chunkedStream,
  cliFrames,
  decodeAll,
  makeImage,
  manualStream,
  probeTiming,
  rgbOf,
  sameBytes,
  sourceFrames,
} from '../helpers/images.mjs';
import { psnr, tempDir } from '../helpers/media.mjs';

const W = 64;
const H = 48;
const SRC = `testsrc2=size=${W}x${H}:rate=10`;
const RGBA = W * H * 4;
const RGB = W * H * 3;
const I420 = W * H * 1.5;

function assertFramesEqual(ours, reference, label) {
  assert.equal(ours.length, reference.length, `${label}: frame count`);
  ours.forEach((bytes, i) => assert.ok(sameBytes(bytes, reference[i]), `${label}: frame ${i} differs from the reference`));
}

describe('ImageDecoder: still images match the ffmpeg CLI decode', () => {
  test('PNG (RGB) decodes to RGBX with the same pixels', async () => {
    const { file, data } = makeImage('png', { source: SRC });
    const { frames, info } = await decodeAll({ data, type: 'image/png' });
    assert.deepEqual(info, { animated: false, frameCount: 1, repetitionCount: 0 });
    const [f] = frames;
    assert.deepEqual([f.format, f.width, f.height, f.timestamp, f.duration, f.complete], ['RGBX', W, H, 0, null, true]);
    assert.deepEqual(f.colorSpace, { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
    assertFramesEqual([rgbOf(f.bytes, 4)], cliFrames(file, 'rgb24', RGB), 'png');
  });

  test('PNG with alpha, palette and grey decode exactly', async () => {
    for (const [fmt, ours, cli, bpp] of [
      ['rgba', 'RGBA', 'rgba', 4],
      ['pal8', 'RGBA', 'rgba', 4],
      ['gray', 'RGBX', 'rgb24', 3],
    ]) {
      const filter = fmt === 'rgba' ? 'format=rgba,colorchannelmixer=aa=0.5' : `format=${fmt}`;
      const { file, data } = makeImage('png', { source: SRC, args: ['-vf', filter] });
      const { frames } = await decodeAll({ data, type: 'image/png' });
      assert.equal(frames[0].format, ours, fmt);
      const bytes = bpp === 3 ? rgbOf(frames[0].bytes, 4) : frames[0].bytes;
      assertFramesEqual([bytes], cliFrames(file, cli, W * H * bpp), `png ${fmt}`);
    }
  });

  test('JPEG decodes to full-range I420 equal to the CLI and >= 30 dB from the source', async () => {
    const { file, data } = makeImage('jpg', { source: SRC, args: ['-q:v', '3'] });
    const { frames } = await decodeAll({ data, type: 'image/jpeg' });
    const [f] = frames;
    assert.equal(f.format, 'I420');
    assert.equal(f.colorSpace.fullRange, true);
    assert.equal(f.colorSpace.matrix, 'bt470bg');
    assertFramesEqual([f.bytes], cliFrames(file, 'yuvj420p', I420), 'jpeg');
    const [source] = sourceFrames(SRC, 1, 'yuvj420p', I420);
    assert.ok(psnr(f.bytes.subarray(0, W * H), source.subarray(0, W * H)) >= 30);
  });

  test('BMP decodes exactly', async () => {
    const { file, data } = makeImage('bmp', { source: SRC });
    const { frames } = await decodeAll({ data, type: 'image/bmp' });
    assert.equal(frames[0].format, 'RGBX');
    assertFramesEqual([rgbOf(frames[0].bytes, 4)], cliFrames(file, 'rgb24', RGB), 'bmp');
  });

  test('WebP still: lossless to RGBA, lossy to I420, both as the CLI decodes them', async () => {
    const lossless = makeImage('webp', { source: SRC, args: ['-c:v', 'libwebp', '-lossless', '1', '-pix_fmt', 'bgra'] });
    const a = await decodeAll({ data: lossless.data, type: 'image/webp' });
    assert.equal(a.frames[0].format, 'RGBA');
    assertFramesEqual([a.frames[0].bytes], cliFrames(lossless.file, 'rgba', RGBA), 'webp lossless');
    assertFramesEqual([a.frames[0].bytes], sourceFrames(SRC, 1, 'rgba', RGBA), 'webp lossless vs source');

    const lossy = makeImage('webp', { source: SRC, args: ['-c:v', 'libwebp', '-quality', '80'] });
    const b = await decodeAll({ data: lossy.data, type: 'image/webp' });
    assert.equal(b.frames[0].format, 'I420');
    assertFramesEqual([b.frames[0].bytes], cliFrames(lossy.file, 'yuv420p', I420), 'webp lossy');
    const [source] = sourceFrames(SRC, 1, 'yuv420p', I420);
    assert.ok(psnr(b.frames[0].bytes.subarray(0, W * H), source.subarray(0, W * H)) >= 30);
  });

  test('AVIF still decodes as the CLI does and >= 30 dB from the source', async () => {
    const { file, data } = makeImage('avif', { source: SRC, args: ['-c:v', 'libaom-av1', '-still-picture', '1', '-crf', '20', '-cpu-used', '8'] });
    const { frames, info } = await decodeAll({ data, type: 'image/avif' });
    assert.deepEqual(info, { animated: false, frameCount: 1, repetitionCount: 0 });
    assert.equal(frames[0].format, 'I420');
    assertFramesEqual([frames[0].bytes], cliFrames(file, 'yuv420p', I420), 'avif');
    const [source] = sourceFrames(SRC, 1, 'yuv420p', I420);
    assert.ok(psnr(frames[0].bytes.subarray(0, W * H), source.subarray(0, W * H)) >= 30);
  });

  test('ICO: every image of the icon, largest first', async () => {
    // The CLI's ico muxer writes one image per file; join two directories.
    const small = makeImage('ico', { source: 'testsrc2=size=16x16', args: ['-c:v', 'png', '-pix_fmt', 'rgba'] });
    const large = makeImage('ico', { source: 'testsrc2=size=32x32', args: ['-c:v', 'bmp'] });
    const parts = [small.data, large.data];
    const header = Buffer.alloc(6 + 16 * parts.length);
    header.writeUInt16LE(1, 2);
    header.writeUInt16LE(parts.length, 4);
    let offset = header.length;
    parts.forEach((p, i) => {
      p.copy(header, 6 + 16 * i, 6, 22);
      const size = p.readUInt32LE(14);
      header.writeUInt32LE(offset, 6 + 16 * i + 12);
      offset += size;
    });
    const data = Buffer.concat([header, ...parts.map((p) => p.subarray(p.readUInt32LE(18)))]);
    const { frames, info } = await decodeAll({ data, type: 'image/x-icon' });
    assert.deepEqual(info, { animated: false, frameCount: 2, repetitionCount: 0 });
    assert.deepEqual(frames.map((f) => [f.width, f.format]), [[32, 'RGBX'], [16, 'RGBA']]);
    assertFramesEqual([rgbOf(frames[0].bytes, 4)], cliFrames(large.file, 'rgb24', 32 * 32 * 3), 'ico bmp');
    assertFramesEqual([frames[1].bytes], cliFrames(small.file, 'rgba', 16 * 16 * 4), 'ico png');
  });
});

describe('ImageDecoder: animations', () => {
  test('GIF: every frame as the CLI decodes it, delays, loop count', async () => {
    const { file, data } = makeImage('gif', { source: SRC, frames: 5, args: ['-loop', '2'] });
    const { frames, info } = await decodeAll({ data, type: 'image/gif' });
    assert.deepEqual(info, { animated: true, frameCount: 5, repetitionCount: 2 });
    assert.ok(frames.every((f) => f.format === 'BGRA'));
    assertFramesEqual(frames.map((f) => f.bytes), cliFrames(file, 'bgra', RGBA), 'gif');
    assert.deepEqual(frames.map((f) => [f.timestamp, f.duration]), [0, 1, 2, 3, 4].map((i) => [i * 100000, 100000]));
  });

  test('GIF with uneven delays reports each frame\'s own timing', async () => {
    // Delays of 10, 20, 30 and 40 hundredths of a second.
    const { file, data } = makeImage('gif', { source: SRC, frames: 5, args: ['-vf', 'setpts=N*(N+1)*5/(100*TB)', '-fps_mode', 'passthrough'] });
    const { frames } = await decodeAll({ data, type: 'image/gif' });
    const timing = frames.map((f) => ({ timestamp: f.timestamp, duration: f.duration }));
    assert.deepEqual(timing.slice(0, 4), [
      { timestamp: 0, duration: 100000 },
      { timestamp: 100000, duration: 200000 },
      { timestamp: 300000, duration: 300000 },
      { timestamp: 600000, duration: 400000 },
    ]);
    assert.deepEqual(timing, probeTiming(file));
  });

  test('GIF without a loop extension plays once; a one-frame GIF is a still', async () => {
    const once = makeImage('gif', { source: SRC, frames: 3, args: ['-loop', '-1'] });
    assert.deepEqual((await decodeAll({ data: once.data, type: 'image/gif' })).info, {
      animated: true,
      frameCount: 3,
      repetitionCount: 0,
    });
    const still = makeImage('gif', { source: SRC, frames: 1, args: ['-loop', '-1'] });
    assert.deepEqual((await decodeAll({ data: still.data, type: 'image/gif' })).info, {
      animated: false,
      frameCount: 1,
      repetitionCount: 0,
    });
  });

  test('APNG: frames as the CLI decodes them, timing, plays', async () => {
    const { file, data } = makeImage('apng', { source: SRC, frames: 5, args: ['-plays', '3'] });
    const { frames, info } = await decodeAll({ data, type: 'image/png' });
    // Three plays are two repetitions.
    assert.deepEqual(info, { animated: true, frameCount: 5, repetitionCount: 2 });
    assertFramesEqual(frames.map((f) => rgbOf(f.bytes, 4)), cliFrames(file, 'rgb24', RGB), 'apng');
    assert.deepEqual(frames.map((f) => ({ timestamp: f.timestamp, duration: f.duration })), probeTiming(file));
  });

  test('animated WebP, lossless: exactly the source frames, composited', async () => {
    const { data } = makeImage('webp', { source: SRC, frames: 6, args: ['-c:v', 'libwebp_anim', '-lossless', '1', '-pix_fmt', 'bgra', '-loop', '0'] });
    const { frames, info } = await decodeAll({ data, type: 'image/webp' });
    assert.deepEqual(info, { animated: true, frameCount: 6, repetitionCount: Infinity });
    assertFramesEqual(frames.map((f) => f.bytes), sourceFrames(SRC, 6, 'rgba', RGBA), 'webp animation');
    assert.deepEqual(frames.map((f) => [f.timestamp, f.duration]), [0, 1, 2, 3, 4, 5].map((i) => [i * 100000, 100000]));
  });

  test('animated WebP, lossy: the first frame as the CLI decodes its bitstream, every frame >= 24 dB', async () => {
    const { data } = makeImage('webp', { source: SRC, frames: 5, args: ['-c:v', 'libwebp_anim', '-quality', '90', '-loop', '4'] });
    const { frames, info } = await decodeAll({ data, type: 'image/webp' });
    assert.deepEqual(info, { animated: true, frameCount: 5, repetitionCount: 3 });
    // The first frame covers the canvas without blending: rewrapped as a
    // still WebP, the CLI decodes its VP8 bitstream to the same pixels.
    let pos = 12;
    while (data.toString('latin1', pos, pos + 4) !== 'ANMF') pos += 8 + ((data.readUInt32LE(pos + 4) + 1) & ~1);
    const vp8 = data.subarray(pos + 24, pos + 8 + data.readUInt32LE(pos + 4));
    const riff = Buffer.alloc(12);
    riff.write('RIFF', 0);
    riff.writeUInt32LE(4 + vp8.length, 4);
    riff.write('WEBP', 8);
    const still = join(tempDir(), 'frame0.webp');
    writeFileSync(still, Buffer.concat([riff, vp8]));
    assertFramesEqual([frames[0].bytes], cliFrames(still, 'rgba', RGBA), 'webp lossy frame 0');
    // libwebp_anim's lossy frames of this sharp 64x48 pattern measure about
    // 25 dB whatever the quality (its stills reach 39 dB).
    const source = sourceFrames(SRC, 5, 'rgba', RGBA);
    frames.forEach((f, i) => assert.ok(psnr(rgbOf(f.bytes, 4), rgbOf(source[i], 4)) >= 24, `frame ${i}`));
  });

  test('animated AVIF: every frame as the CLI decodes it, timing', async () => {
    const { file, data } = makeImage('avif', { source: SRC, frames: 4, args: ['-c:v', 'libaom-av1', '-cpu-used', '8', '-crf', '30'] });
    const { frames, info } = await decodeAll({ data, type: 'image/avif' });
    assert.deepEqual(info, { animated: true, frameCount: 4, repetitionCount: Infinity });
    assertFramesEqual(frames.map((f) => f.bytes), cliFrames(file, 'yuv420p', I420), 'avif sequence');
    assert.deepEqual(frames.map((f) => ({ timestamp: f.timestamp, duration: f.duration })), probeTiming(file));
  });

  test('frames decode in any order: going back replays from the first frame', async () => {
    const { file, data } = makeImage('gif', { source: SRC, frames: 6 });
    const reference = cliFrames(file, 'bgra', RGBA);
    const decoder = new ImageDecoder({ data, type: 'image/gif' });
    for (const i of [4, 1, 5, 0, 3, 3]) {
      const { image } = await decoder.decode({ frameIndex: i });
      const bytes = new Uint8Array(image.allocationSize());
      await image.copyTo(bytes);
      assert.ok(sameBytes(bytes, reference[i]), `frame ${i}`);
      image.close();
    }
    decoder.close();
  });
});

describe('ImageDecoder: streamed data', () => {
  const cases = [
    ['gif', 'image/gif', ['-loop', '0']],
    ['apng', 'image/png', []],
    ['webp', 'image/webp', ['-c:v', 'libwebp_anim', '-lossless', '1', '-pix_fmt', 'bgra']],
    ['avif', 'image/avif', ['-c:v', 'libaom-av1', '-cpu-used', '8']],
    ['jpg', 'image/jpeg', []],
    ['png', 'image/png', []],
    ['webp', 'image/webp', ['-c:v', 'libwebp', '-quality', '80']],
    ['bmp', 'image/bmp', []],
    ['ico', 'image/x-icon', ['-c:v', 'png', '-pix_fmt', 'rgba']],
  ];
  for (const [ext, type, args] of cases) {
    test(`${ext} in 97-byte chunks decodes exactly as the whole buffer`, async () => {
      const still = ['jpg', 'png', 'bmp', 'ico'].includes(ext) || (ext === 'webp' && args.includes('libwebp'));
      const { data } = makeImage(ext, { source: SRC, frames: still ? 1 : 4, args });
      const whole = await decodeAll({ data, type });
      const streamed = await decodeAll({ data: chunkedStream(data, 97), type });
      assert.deepEqual(streamed.info, whole.info);
      assert.equal(streamed.frames.length, whole.frames.length);
      streamed.frames.forEach((f, i) => {
        const w = whole.frames[i];
        assert.deepEqual([f.format, f.timestamp, f.duration], [w.format, w.timestamp, w.duration]);
        assert.ok(sameBytes(f.bytes, w.bytes), `frame ${i}`);
      });
    });
  }

  test('a stream that has given the whole animation: ready says every frame (frameCount counts the bytes at hand)', async () => {
    for (const args of [['-loop', '0'], []]) {
      const { data } = makeImage('gif', { source: SRC, frames: 4, args });
      for (let run = 0; run < 20; run++) {
        const stream = new ReadableStream({ start: (c) => c.enqueue(data) }); // left open
        const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
        await decoder.tracks.ready;
        assert.equal(decoder.tracks.selectedTrack.frameCount, 4, `${args.join(' ') || 'no loop extension'}, run ${run}`);
        decoder.close();
      }
    }
  });

  test('frames decode while the stream is still open; ready, frameCount and completed follow the data', async () => {
    const { file, data } = makeImage('gif', { source: SRC, frames: 5, args: ['-loop', '0'] });
    const reference = cliFrames(file, 'bgra', RGBA);
    const timing = probeTiming(file);
    const { stream, push, end } = manualStream();
    const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
    let completed = false;
    decoder.completed.then(() => {
      completed = true;
    });
    // The header, the loop extension and the first frame, plus a little of the second.
    const firstEnd = timing.length > 1 ? 1964 + 10 : data.length;
    push(data.subarray(0, firstEnd));
    await decoder.tracks.ready;
    const track = decoder.tracks.selectedTrack;
    assert.equal(track.animated, true);
    assert.equal(track.repetitionCount, Infinity);
    const { image } = await decoder.decode({ frameIndex: 0 });
    // Decodes run in order: a later request waits for this one's bytes.
    const frame3 = decoder.decode({ frameIndex: 3 });
    let frame3Done = false;
    frame3.then(() => {
      frame3Done = true;
    });
    assert.equal(decoder.complete, false);
    assert.equal(completed, false);
    assert.ok(track.frameCount >= 1 && track.frameCount < 5);
    const bytes = new Uint8Array(image.allocationSize());
    await image.copyTo(bytes);
    assert.ok(sameBytes(bytes, reference[0]));
    image.close();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(frame3Done, false);
    push(data.subarray(firstEnd));
    const third = await frame3;
    assert.equal(third.image.timestamp, timing[3].timestamp);
    third.image.close();
    assert.equal(decoder.complete, false);
    end();
    await decoder.completed;
    assert.equal(decoder.complete, true);
    // The last frame's end is known only with the trailer.
    const last = await decoder.decode({ frameIndex: 4 });
    last.image.close();
    assert.equal(track.frameCount, 5);
    await assert.rejects(decoder.decode({ frameIndex: 5 }), RangeError);
    decoder.close();
  });

  test('memory stays bounded: the bytes the demuxer consumed are released', async () => {
    // 300 frames (about 280 KB): the demuxed frames plus a bounded window of
    // stream bytes fit in 1.5x the file; keeping the stream as well would
    // need 2x.
    const { data } = makeImage('gif', { source: `testsrc2=size=96x64:rate=10`, frames: 300 });
    const limit = Math.ceil(data.length * 1.5);
    const ok = await decodeAll({ data: chunkedStream(data, 4096), type: 'image/gif', maxEncodedBytes: limit });
    assert.equal(ok.info.frameCount, 300);
    // Holding the stream and a copy of its frames would need about twice the
    // file. The stream stays open, so the limit is met before the data is
    // complete (once it is, `completed` has resolved whatever comes after).
    const open = new ReadableStream({
      start(controller) {
        for (let at = 0; at < data.length; at += 4096) controller.enqueue(data.subarray(at, at + 4096));
      },
    });
    const decoder = new ImageDecoder({ data: open, type: 'image/gif', maxEncodedBytes: Math.ceil(data.length * 0.5) });
    const pending = decoder.decode({ frameIndex: 299 });
    await assert.rejects(pending, (e) => e instanceof DOMException && e.name === 'QuotaExceededError' && /limit/.test(e.message));
    await assert.rejects(decoder.completed, { name: 'QuotaExceededError' });
    await assert.rejects(decoder.decode(), { name: 'InvalidStateError' });
  });
});

describe('ImageDecoder: options', () => {
  test('desiredWidth/desiredHeight scale the output (bicubic, close to the CLI scaler)', async () => {
    const { file, data } = makeImage('png', { source: SRC });
    const { frames } = await decodeAll({ data, type: 'image/png', desiredWidth: 32, desiredHeight: 24 });
    assert.deepEqual([frames[0].width, frames[0].height], [32, 24]);
    const [reference] = cliFrames(file, 'rgb24', 32 * 24 * 3, { filter: 'scale=32:24:flags=bicubic' });
    assert.ok(psnr(rgbOf(frames[0].bytes, 4), reference) >= 35);
  });

  test('CICP colour tags are reported as they are, whatever colorSpaceConversion says', async () => {
    const args = ['-c:v', 'libaom-av1', '-still-picture', '1', '-cpu-used', '8', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc'];
    const { data } = makeImage('avif', { source: SRC, args });
    const tagged = await decodeAll({ data, type: 'image/avif' });
    const expected = { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: false };
    assert.deepEqual(tagged.frames[0].colorSpace, expected);
    const none = await decodeAll({ data, type: 'image/avif', colorSpaceConversion: 'none' });
    assert.deepEqual(none.frames[0].colorSpace, expected);
    assert.ok(sameBytes(none.frames[0].bytes, tagged.frames[0].bytes));
  });

  test('preferAnimation with a single track keeps it selected', async () => {
    const { data } = makeImage('gif', { source: SRC, frames: 3 });
    const decoder = new ImageDecoder({ data, type: 'image/gif', preferAnimation: false });
    await decoder.tracks.ready;
    assert.equal(decoder.tracks.selectedIndex, 0);
    assert.equal(decoder.tracks.length, 1);
    assert.equal(decoder.tracks[0], decoder.tracks.selectedTrack);
    assert.equal(decoder.tracks[0].selected, true);
    decoder.close();
  });

  test('maxEncodedBytes counts a still\'s bytes once, and never a BufferSource\'s own bytes', async () => {
    for (const [ext, type, pixFmt, bpp] of [['png', 'image/png', 'rgb24', 3], ['jpg', 'image/jpeg', 'yuvj420p', 1.5]]) {
      const { file, data } = makeImage(ext, { source: SRC });
      const [reference] = cliFrames(file, pixFmt, W * H * bpp);
      const pixels = (f) => (bpp === 3 ? rgbOf(f.bytes, 4) : f.bytes);
      for (const transfer of [false, true]) {
        const buffer = new Uint8Array(data).buffer;
        const { frames } = await decodeAll({ data: buffer, type, maxEncodedBytes: 10, transfer: transfer ? [buffer] : [] });
        assert.ok(sameBytes(pixels(frames[0]), reference), `${ext}, transfer ${transfer}`);
      }
      // Streamed, the bytes are held once: as stream chunks, then as the image.
      const streamed = await decodeAll({ data: chunkedStream(data, 97), type, maxEncodedBytes: data.length });
      assert.ok(sameBytes(pixels(streamed.frames[0]), reference), `${ext} streamed`);
      const capped = new ImageDecoder({ data: chunkedStream(data, 97), type, maxEncodedBytes: data.length - 1 });
      await assert.rejects(capped.decode(), { name: 'QuotaExceededError' });
    }
  });

  test('a transferred buffer is decoded without a copy and detached', async () => {
    const { file, data } = makeImage('png', { source: SRC });
    const buffer = new Uint8Array(data).buffer;
    const decoder = new ImageDecoder({ data: buffer, type: 'image/png', transfer: [buffer] });
    assert.equal(buffer.byteLength, 0);
    const { image } = await decoder.decode();
    const bytes = new Uint8Array(image.allocationSize());
    await image.copyTo(bytes);
    assert.ok(sameBytes(rgbOf(bytes, 4), cliFrames(file, 'rgb24', RGB)[0]));
    image.close();
    decoder.close();
  });
});
