// Real WebCodecs clients, unchanged, on our classes: mp4-muxer and
// webm-muxer fed straight from VideoEncoder and AudioEncoder, and
// Mediabunny's Conversion and sinks with the polyfill installed. Every file
// is checked by the ffmpeg CLI: frame counts, durations, luma PSNR against
// the source pattern, and the source's tones in each audio channel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import 'webcodecs-native/polyfill';
import { AudioEncoder, VideoEncoder, VideoFrame } from 'webcodecs-native';
import * as Mp4Muxer from 'mp4-muxer';
import * as WebmMuxer from 'webm-muxer';
import {
  ALL_FORMATS,
  AudioSampleSink,
  BufferSource,
  BufferTarget,
  Conversion,
  Input,
  Mp4OutputFormat,
  Output,
  VideoSampleSink,
  WebMOutputFormat,
} from 'mediabunny';

import { alignSamples, cliDecodeAudio, dominantTones, ffmpeg, ffprobeJson, makeAudioData, patternI420, psnr, SIGNALS, tempDir } from '../helpers/media.mjs';

const W = 320;
const H = 240;
const N = 30;
const FPS = 30;
const RATE = 48000;
const CHANNELS = 2;
// The source tones per channel (SIGNALS.sine): 440 Hz left, 550 Hz right.
const TONES = [440, 550];
const dir = tempDir();

/** Frame count, duration (s) and codec of a file's video stream, per ffprobe. */
function probeVideo(file) {
  const info = ffprobeJson(['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames:format=duration', file]);
  const s = info.streams[0];
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames), duration: Number(info.format.duration) };
}

/** The audio stream's codec and the CLI's decode of it: seconds of sound and the dominant tone per channel. */
function probeAudio(file) {
  const info = ffprobeJson(['-select_streams', 'a:0', '-show_entries', 'stream=codec_name,channels,sample_rate', file]);
  const s = info.streams[0];
  const planes = cliDecodeAudio(['-i', file, '-ar', String(RATE)], s.channels);
  const seconds = planes[0].length / RATE;
  return { codec: s.codec_name, channels: s.channels, seconds, tones: dominantTones(planes, RATE, [...TONES, 1000, 2000]).map((i) => [...TONES, 1000, 2000][i]) };
}

function assertAudio(file, codec, seconds = N / FPS) {
  const a = probeAudio(file);
  assert.equal(a.codec, codec);
  assert.equal(a.channels, CHANNELS);
  // Encoder priming and frame granularity add at most a few tens of ms.
  assert.ok(Math.abs(a.seconds - seconds) < 0.08, `${file}: ${a.seconds} s of audio, expected about ${seconds}`);
  assert.deepEqual(a.tones, TONES, `${file}: each channel keeps its tone`);
}

/** The CLI's decode of a file as tight I420 frames. */
function cliFrames(file) {
  const raw = ffmpeg(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  const size = (W * H * 3) / 2;
  const frames = [];
  for (let off = 0; off + size <= raw.length; off += size) frames.push(raw.subarray(off, off + size));
  return frames;
}

/** Encodes N frames of the pattern and N/FPS seconds of the tones, handing chunks to the callbacks. */
async function encodeInto(config, addChunk, audio = null) {
  let failure = null;
  const fail = (e) => (failure ??= e);
  const encoder = new VideoEncoder({ output: addChunk, error: fail });
  encoder.configure({ width: W, height: H, framerate: FPS, bitrate: 1_000_000, ...config });
  let audioEncoder = null;
  if (audio) {
    audioEncoder = new AudioEncoder({ output: audio.addChunk, error: fail });
    audioEncoder.configure({ sampleRate: RATE, numberOfChannels: CHANNELS, bitrate: 128000, ...audio.config });
  }
  const samplesPerFrame = RATE / FPS;
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
    if (audioEncoder) {
      const data = makeAudioData(SIGNALS.sine(RATE), { start: i * samplesPerFrame, frames: samplesPerFrame, channels: CHANNELS, sampleRate: RATE });
      audioEncoder.encode(data);
      data.close();
    }
  }
  await encoder.flush();
  encoder.close();
  if (audioEncoder) {
    await audioEncoder.flush();
    audioEncoder.close();
  }
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

test('mp4-muxer: H.264 and AAC chunks with their metadata make an MP4 the CLI plays frame-exact, with both tones', async () => {
  const target = new Mp4Muxer.ArrayBufferTarget();
  const muxer = new Mp4Muxer.Muxer({
    target,
    video: { codec: 'avc', width: W, height: H },
    audio: { codec: 'aac', numberOfChannels: CHANNELS, sampleRate: RATE },
    fastStart: 'in-memory',
  });
  await encodeInto({ codec: 'avc1.42001f' }, (chunk, meta) => muxer.addVideoChunk(chunk, meta), {
    config: { codec: 'mp4a.40.2' },
    addChunk: (chunk, meta) => muxer.addAudioChunk(chunk, meta),
  });
  muxer.finalize();
  const file = join(dir, 'mp4-muxer.mp4');
  writeFileSync(file, new Uint8Array(target.buffer));
  const info = probeVideo(file);
  assert.deepEqual([info.codec, info.width, info.height, info.frames], ['h264', W, H, N]);
  assert.ok(Math.abs(info.duration - N / FPS) < 0.05, `duration ${info.duration}`);
  assertMatchesSource(file, 32);
  assertAudio(file, 'aac');
});

test('webm-muxer: VP9 + Opus and VP8 + Vorbis chunks make WebM files the CLI plays', async () => {
  for (const [codec, muxCodec, name, audioCodec, audioMuxCodec, audioName] of [
    ['vp09.00.10.08', 'V_VP9', 'vp9', 'opus', 'A_OPUS', 'opus'],
    ['vp8', 'V_VP8', 'vp8', 'vorbis', 'A_VORBIS', 'vorbis'],
  ]) {
    const target = new WebmMuxer.ArrayBufferTarget();
    const muxer = new WebmMuxer.Muxer({
      target,
      video: { codec: muxCodec, width: W, height: H, frameRate: FPS },
      audio: { codec: audioMuxCodec, numberOfChannels: CHANNELS, sampleRate: RATE },
    });
    await encodeInto({ codec }, (chunk, meta) => muxer.addVideoChunk(chunk, meta), {
      config: { codec: audioCodec },
      addChunk: (chunk, meta) => muxer.addAudioChunk(chunk, meta),
    });
    muxer.finalize();
    const file = join(dir, `webm-muxer-${name}.webm`);
    writeFileSync(file, new Uint8Array(target.buffer));
    const info = probeVideo(file);
    assert.deepEqual([info.codec, info.width, info.height, info.frames], [name, W, H, N]);
    assert.ok(Math.abs(info.duration - N / FPS) < 0.05, `${name} duration ${info.duration}`);
    assertMatchesSource(file, 28);
    assertAudio(file, audioName);
  }
});

/** An H.264 + AAC MP4 made by the CLI from the same pattern and tones our tests use. */
function cliMp4() {
  const raw = join(dir, 'pattern.yuv');
  writeFileSync(raw, Buffer.concat(Array.from({ length: N }, (_, i) => patternI420(W, H, i))));
  const pcm = join(dir, 'tones.f32');
  const data = makeAudioData(SIGNALS.sine(RATE), { frames: (N / FPS) * RATE, channels: CHANNELS, sampleRate: RATE, format: 'f32' });
  const samples = new Float32Array(data.allocationSize({ planeIndex: 0 }) / 4);
  data.copyTo(samples, { planeIndex: 0 });
  data.close();
  writeFileSync(pcm, samples);
  const file = join(dir, 'cli.mp4');
  ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-r', String(FPS), '-i', raw,
    '-f', 'f32le', '-ar', String(RATE), '-ac', String(CHANNELS), '-i', pcm,
    '-c:v', 'libx264', '-crf', '18', '-bf', '2', '-c:a', 'aac', '-b:a', '128k', file]);
  return file;
}

async function convert(bytes, format, video, audio) {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const output = new Output({ format, target: new BufferTarget() });
  const conversion = await Conversion.init({ input, output, video, audio, showWarnings: false });
  assert.ok(conversion.isValid, `conversion invalid: ${JSON.stringify(conversion.discardedTracks.map((t) => t.reason))}`);
  assert.deepEqual(conversion.discardedTracks, [], 'no track is dropped');
  await conversion.execute();
  return new Uint8Array(output.target.buffer);
}

test('Mediabunny Conversion: MP4 (H.264/AAC) to WebM (VP9/Opus) and back, transcoded by our codecs', async () => {
  const source = readFileSync(cliMp4());
  const webm = await convert(source, new WebMOutputFormat(), { codec: 'vp9', forceTranscode: true }, { codec: 'opus', forceTranscode: true });
  const webmFile = join(dir, 'mediabunny.webm');
  writeFileSync(webmFile, webm);
  const w = probeVideo(webmFile);
  assert.deepEqual([w.codec, w.width, w.height, w.frames], ['vp9', W, H, N]);
  assertMatchesSource(webmFile, 28);
  assertAudio(webmFile, 'opus');

  // WebM stores no duration for its video blocks, so Mediabunny takes the
  // last frame's timestamp as the end of the input and leaves that frame out.
  const mp4 = await convert(webm, new Mp4OutputFormat(), { codec: 'avc', forceTranscode: true }, { codec: 'aac', forceTranscode: true });
  const mp4File = join(dir, 'mediabunny.mp4');
  writeFileSync(mp4File, mp4);
  const m = probeVideo(mp4File);
  assert.deepEqual([m.codec, m.width, m.height, m.frames], ['h264', W, H, N - 1]);
  assertMatchesSource(mp4File, 26, N - 1);
  assertAudio(mp4File, 'aac');
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

test('Mediabunny AudioSampleSink decodes the AAC track with our AudioDecoder to the CLI\'s samples', async () => {
  const file = cliMp4();
  const reference = cliDecodeAudio(file, CHANNELS);
  const input = new Input({ source: new BufferSource(readFileSync(file)), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  assert.ok(await track.canDecode(), 'Mediabunny finds our AudioDecoder able to decode the track');
  const planes = Array.from({ length: CHANNELS }, () => []);
  for await (const sample of new AudioSampleSink(track).samples()) {
    for (let c = 0; c < CHANNELS; c++) {
      const plane = new Float32Array(sample.numberOfFrames);
      sample.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
      planes[c].push(plane);
    }
    sample.close();
  }
  const ours = planes.map((p) => Float32Array.from(p.flatMap((a) => [...a])));
  for (let c = 0; c < CHANNELS; c++) {
    // The same FFmpeg decoder on both sides: equal samples, however each
    // side trims the encoder's priming.
    const { maxDiff, compared } = alignSamples(reference[c], ours[c], { maxOffset: 2048 });
    assert.ok(compared >= reference[c].length - 2048, `channel ${c}: ${compared} samples compared`);
    assert.ok(maxDiff < 1e-6, `channel ${c}: largest difference ${maxDiff}`);
  }
});
