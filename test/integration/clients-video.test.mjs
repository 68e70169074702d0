// Real WebCodecs clients, unchanged, on our classes: mp4-muxer and
// webm-muxer fed straight from VideoEncoder, and Mediabunny's Conversion and
// sinks with the polyfill installed. Every file is checked by the ffmpeg CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import 'webcodecs-native/polyfill';
import { VideoEncoder, VideoFrame } from 'webcodecs-native';
import * as Mp4Muxer from 'mp4-muxer';
import * as WebmMuxer from 'webm-muxer';
import { ALL_FORMATS, BufferSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output, VideoSampleSink, WebMOutputFormat } from 'mediabunny';

import { ffmpeg, ffprobeJson, patternI420, psnr, tempDir } from '../helpers/media.mjs';

const W = 320;
const H = 240;
const N = 30;
const FPS = 30;
const dir = tempDir();

/** Frame count, duration (s) and codec of a file's video stream, per ffprobe. */
function probeVideo(file) {
  const info = ffprobeJson(['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames:format=duration', file]);
  const s = info.streams[0];
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames), duration: Number(info.format.duration) };
}

/** The CLI's decode of a file as tight I420 frames. */
function cliFrames(file) {
  const raw = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  const size = (W * H * 3) / 2;
  const frames = [];
  for (let off = 0; off + size <= raw.length; off += size) frames.push(raw.subarray(off, off + size));
  return frames;
}

async function encodeInto(config, addChunk) {
  let failure = null;
  const encoder = new VideoEncoder({ output: addChunk, error: (e) => (failure = e) });
  encoder.configure({ width: W, height: H, framerate: FPS, bitrate: 1_000_000, ...config });
  for (let i = 0; i < N; i++) {
    const frame = new VideoFrame(patternI420(W, H, i), {
      format: 'I420',
      codedWidth: W,
      codedHeight: H,
      timestamp: Math.round((i * 1e6) / FPS),
      duration: Math.round(1e6 / FPS),
    });
    encoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw failure;
}

function assertMatchesSource(file, minPsnr, count = N) {
  const frames = cliFrames(file);
  assert.equal(frames.length, count);
  for (let i = 0; i < count; i++) {
    const db = psnr(frames[i].subarray(0, W * H), patternI420(W, H, i).subarray(0, W * H));
    assert.ok(db >= minPsnr, `frame ${i}: luma PSNR ${db.toFixed(2)} dB < ${minPsnr}`);
  }
}

test('mp4-muxer: H.264 chunks and metadata from VideoEncoder make an MP4 the CLI plays frame-exact', async () => {
  const target = new Mp4Muxer.ArrayBufferTarget();
  const muxer = new Mp4Muxer.Muxer({ target, video: { codec: 'avc', width: W, height: H }, fastStart: 'in-memory' });
  await encodeInto({ codec: 'avc1.42001f' }, (chunk, meta) => muxer.addVideoChunk(chunk, meta));
  muxer.finalize();
  const file = join(dir, 'mp4-muxer.mp4');
  writeFileSync(file, new Uint8Array(target.buffer));
  const info = probeVideo(file);
  assert.deepEqual([info.codec, info.width, info.height, info.frames], ['h264', W, H, N]);
  assert.ok(Math.abs(info.duration - N / FPS) < 0.05, `duration ${info.duration}`);
  assertMatchesSource(file, 32);
});

test('webm-muxer: VP9 and VP8 chunks from VideoEncoder make WebM files the CLI plays', async () => {
  for (const [codec, muxCodec, name] of [
    ['vp09.00.10.08', 'V_VP9', 'vp9'],
    ['vp8', 'V_VP8', 'vp8'],
  ]) {
    const target = new WebmMuxer.ArrayBufferTarget();
    const muxer = new WebmMuxer.Muxer({ target, video: { codec: muxCodec, width: W, height: H, frameRate: FPS } });
    await encodeInto({ codec }, (chunk, meta) => muxer.addVideoChunk(chunk, meta));
    muxer.finalize();
    const file = join(dir, `webm-muxer-${name}.webm`);
    writeFileSync(file, new Uint8Array(target.buffer));
    const info = probeVideo(file);
    assert.deepEqual([info.codec, info.width, info.height, info.frames], [name, W, H, N]);
    assert.ok(Math.abs(info.duration - N / FPS) < 0.05, `${name} duration ${info.duration}`);
    assertMatchesSource(file, 28);
  }
});

/** An H.264 MP4 made by the CLI from the same pattern our tests use. */
function cliMp4() {
  const raw = join(dir, 'pattern.yuv');
  writeFileSync(raw, Buffer.concat(Array.from({ length: N }, (_, i) => patternI420(W, H, i))));
  const file = join(dir, 'cli.mp4');
  ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-r', String(FPS), '-i', raw, '-c:v', 'libx264', '-crf', '18', '-bf', '2', file]);
  return file;
}

async function convert(bytes, format, video) {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const output = new Output({ format, target: new BufferTarget() });
  const conversion = await Conversion.init({ input, output, video, showWarnings: false });
  assert.ok(conversion.isValid, `conversion invalid: ${JSON.stringify(conversion.discardedTracks.map((t) => t.reason))}`);
  await conversion.execute();
  return new Uint8Array(output.target.buffer);
}

test('Mediabunny Conversion: MP4 (H.264) to WebM (VP9) and back, transcoded by our codecs', async () => {
  const source = readFileSync(cliMp4());
  const webm = await convert(source, new WebMOutputFormat(), { codec: 'vp9', forceTranscode: true });
  const webmFile = join(dir, 'mediabunny.webm');
  writeFileSync(webmFile, webm);
  const w = probeVideo(webmFile);
  assert.deepEqual([w.codec, w.width, w.height, w.frames], ['vp9', W, H, N]);
  assertMatchesSource(webmFile, 28);

  // WebM stores no duration for its video blocks, so Mediabunny takes the
  // last frame's timestamp as the end of the input and leaves that frame out.
  const mp4 = await convert(webm, new Mp4OutputFormat(), { codec: 'avc', forceTranscode: true });
  const mp4File = join(dir, 'mediabunny.mp4');
  writeFileSync(mp4File, mp4);
  const m = probeVideo(mp4File);
  assert.deepEqual([m.codec, m.width, m.height, m.frames], ['h264', W, H, N - 1]);
  assertMatchesSource(mp4File, 26, N - 1);
});

test('Mediabunny VideoSampleSink decodes every frame of an MP4 with our VideoDecoder, equal to the CLI', async () => {
  const file = cliMp4();
  const reference = cliFrames(file);
  const input = new Input({ source: new BufferSource(readFileSync(file)), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  assert.ok(await track.canDecode(), 'Mediabunny finds our VideoDecoder able to decode the track');
  const sink = new VideoSampleSink(track);
  let i = 0;
  for await (const sample of sink.samples()) {
    assert.ok(Math.abs(sample.timestamp - i / FPS) < 1e-3, `sample ${i} at ${sample.timestamp}s`);
    const pixels = new Uint8Array(sample.allocationSize());
    await sample.copyTo(pixels);
    assert.ok(Buffer.compare(Buffer.from(pixels), Buffer.from(reference[i])) === 0, `sample ${i} differs from the CLI's decode`);
    sample.close();
    i++;
  }
  assert.equal(i, N);
});
