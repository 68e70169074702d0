// The command line end to end, in child processes (`node
// bin/webcodecs-native.mjs ...`): transcodes between MP4, WebM and Matroska
// (default codecs, copy, none, sizes, bitrates), the --stats and probe JSON,
// exit codes 0 / 1 / 2 with no output file left behind on failure, and the
// demo script. Outputs are read by ffprobe (codecs, sizes, frame counts;
// durations within 50 ms: a 40 ms frame plus the audio codec's padding)
// and decoded by the CLI: every frame at PSNR >= 30 dB against the lavfi
// source (resized outputs against the CLI's resizing of it), each
// channel's tone where it belongs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { runTranscode } from '../../cli/main.mjs';

import { cliFrames, sourceFrames } from '../helpers/images.mjs';
import {
  chunksByType,
  cliDecodeAudio,
  dominantTones,
  ffmpeg,
  ffprobeJson,
  lavfiTones,
  lavfiVideo,
  probeContainer,
  psnr,
  tempDir,
  testPattern,
} from '../helpers/media.mjs';
import { runNode } from '../helpers/process.mjs';

const dir = tempDir('wcn-cli-');
const W = 160;
const H = 120;
const FRAMES = 25;
const MIN_PSNR = 30;
const DURATION_TOLERANCE = 50000; // microseconds

/** `webcodecs-native ...args` in a child process (the timeout only stops a hang). */
const cli = (...args) => runNode(['bin/webcodecs-native.mjs', ...args], { timeoutMs: 120000 });
const at = (name) => join(dir, name);

function succeeded(result) {
  assert.equal(result.status, 0, `exit code ${result.status}: ${result.stderr}`);
  return result;
}

// The inputs: what the CLI makes from the lavfi sources.
const inputs = new Map();
function input(name) {
  if (!inputs.has(name)) {
    const codecs = name.endsWith('.webm') ? ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus'] : ['-c:v', 'libx264', '-g', '12', '-c:a', 'aac'];
    ffmpeg([...lavfiVideo(W, H), ...lavfiTones(), ...codecs, at(name)]);
    inputs.set(name, at(name));
  }
  return inputs.get(name);
}

/**
 * Checks an output: its streams' codecs and sizes, 25 video frames, the
 * duration, the CLI's decode against the source (pattern frames, the tones
 * in their channels).
 */
function checkOutput(file, { video, audio, width = W, height = H }) {
  const probe = probeContainer(file);
  const v = probe.streams.find((s) => s.codec_type === 'video');
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  assert.deepEqual(v && [v.codec_name, v.width, v.height], video && [video, width, height], 'video stream');
  assert.deepEqual(a && [a.codec_name, Number(a.sample_rate), a.channels], audio && [audio, 48000, 2], 'audio stream');
  const duration = Number(ffprobeJson(['-show_entries', 'format=duration', file]).format.duration) * 1e6;
  assert.ok(Math.abs(duration - 1e6) <= DURATION_TOLERANCE, `duration ${duration} us`);
  if (video) {
    assert.equal(probe.packets.filter((p) => p.stream === v.index).length, FRAMES, 'video frames');
    const resized = width !== W || height !== H;
    const source = sourceFrames(resized ? `${testPattern(W, H)},scale=${width}:${height}` : testPattern(W, H), FRAMES, 'yuv420p', width * height * 1.5);
    const decoded = cliFrames(file, 'yuv420p', width * height * 1.5, { map: '0:v:0' });
    assert.equal(decoded.length, FRAMES, 'frames the CLI decodes');
    decoded.forEach((frame, i) => {
      const p = psnr(frame, source[i]);
      assert.ok(p >= MIN_PSNR, `frame ${i}: PSNR ${p.toFixed(1)} dB`);
    });
  }
  if (audio) {
    const planes = cliDecodeAudio(['-i', file, '-map', '0:a:0'], 2);
    assert.ok(planes[0].length >= 48000, `${planes[0].length} samples decoded`);
    assert.deepEqual(dominantTones(planes, 48000, [440, 660]), [0, 1], 'left 440 Hz, right 660 Hz');
  }
}

describe('CLI transcode: outputs the ffmpeg CLI reads', () => {
  test('mp4 (H.264 + AAC) -> webm: VP9 + Opus by default, one summary line', () => {
    const out = at('out.webm');
    const { stderr } = succeeded(cli('transcode', input('in.mp4'), out));
    assert.match(stderr, new RegExp(`^${input('in.mp4')} -> ${out}: 25 frames, 1\\.00 s of media in [0-9.]+ s \\([0-9.]+x\\); video vp09\\.00\\.10\\.08 160x120, audio opus 48000 Hz 2 ch\\n$`));
    checkOutput(out, { video: 'vp9', audio: 'opus' });
  });

  test('webm (VP9 + Opus) -> mp4: H.264 + AAC by default', () => {
    const out = at('out.mp4');
    succeeded(cli('transcode', input('in.webm'), out, '--quiet'));
    checkOutput(out, { video: 'h264', audio: 'aac' });
  });

  test('mp4 -> mkv: H.264 + Opus by default; --format names the container', () => {
    succeeded(cli('transcode', input('in.mp4'), at('out.mkv'), '--quiet'));
    checkOutput(at('out.mkv'), { video: 'h264', audio: 'opus' });
    succeeded(cli('transcode', input('in.mp4'), at('named.video'), '--format', 'mkv', '--quiet'));
    checkOutput(at('named.video'), { video: 'h264', audio: 'opus' });
  });

  test('--width and --height resize, keeping the aspect ratio when one is given', () => {
    for (const [args, width, height] of [
      [['--width', '80'], 80, 60],
      [['--height', '60'], 80, 60],
      [['--width', '96', '--height', '64'], 96, 64],
    ]) {
      const out = at(`size-${args.join('')}.webm`);
      succeeded(cli('transcode', input('in.mp4'), out, '--audio-codec', 'none', '--quiet', ...args));
      checkOutput(out, { video: 'vp9', width, height });
    }
  });

  test('--bitrate sets the video bitrate (within 50 % at 100 kbit/s)', () => {
    const size = (bitrate) => {
      const out = at(`bitrate-${bitrate}.webm`);
      succeeded(cli('transcode', input('in.mp4'), out, '--bitrate', bitrate, '--audio-codec', 'none', '--quiet'));
      return statSync(out).size;
    };
    const low = size('100k');
    assert.ok(low * 8 <= 150000, `${low * 8} bits for one second at 100k`);
    assert.ok(size('1M') > 2 * low, 'a higher bitrate gives a larger file');
  });

  test('copy modes keep every chunk; none drops a track', async () => {
    // mp4 -> mkv, both tracks copied: the same chunks, timestamps in
    // Matroska's milliseconds. Matroska has no negative times: the AAC
    // priming before zero (-21.333 ms) moves both tracks 21 ms later.
    succeeded(cli('transcode', input('in.mp4'), at('copy.mkv'), '--video-codec', 'copy', '--audio-codec', 'copy', '--quiet'));
    const source = await chunksByType(input('in.mp4'));
    assert.equal(source.audio[0].timestamp, -21333);
    const shifted = (chunks) => chunks.map((c) => ({ ...c, timestamp: Math.round(c.timestamp / 1000) * 1000 + 21000 }));
    assert.deepEqual(await chunksByType(at('copy.mkv')), { video: shifted(source.video), audio: shifted(source.audio) });
    // webm -> mp4, video copied, audio dropped: the output starts at zero
    // (the source's video starts 7 ms in, after Opus's pre-skip).
    succeeded(cli('transcode', input('in.webm'), at('copy.mp4'), '--video-codec', 'copy', '--audio-codec', 'none', '--quiet'));
    const { video } = await chunksByType(input('in.webm'));
    const offset = video[0].timestamp;
    assert.equal(offset, 7000);
    assert.deepEqual(await chunksByType(at('copy.mp4')), { video: video.map((c) => ({ ...c, timestamp: c.timestamp - offset })) });
    checkOutput(at('copy.mp4'), { video: 'vp9' });
  });
});

test('non-square pixels: a copy keeps the sample aspect ratio exactly, a transcode keeps the display aspect', () => {
  const source = at('anamorphic.mp4');
  ffmpeg([...lavfiVideo(W, H), '-vf', 'setsar=4/3', '-c:v', 'libx264', source]);
  const aspect = (file) => ffprobeJson(['-select_streams', 'v:0', '-show_entries', 'stream=sample_aspect_ratio,display_aspect_ratio', file]).streams[0];
  assert.deepEqual(aspect(source), { sample_aspect_ratio: '4:3', display_aspect_ratio: '16:9' });
  succeeded(cli('transcode', source, at('anamorphic-copy.mkv'), '--video-codec', 'copy', '--quiet'));
  assert.deepEqual(aspect(at('anamorphic-copy.mkv')), { sample_aspect_ratio: '4:3', display_aspect_ratio: '16:9' });
  // An encoder's display size is whole pixels: 120 * 16 / 9 = 213.3 -> 213.
  succeeded(cli('transcode', source, at('anamorphic.webm'), '--quiet'));
  assert.deepEqual(aspect(at('anamorphic.webm')), { sample_aspect_ratio: '213:160', display_aspect_ratio: '71:40' });
});

describe('CLI reports', () => {
  test('--stats prints the run as JSON on stdout', () => {
    const out = at('stats.mkv');
    const { stdout, stderr } = succeeded(cli('transcode', input('in.webm'), out, '--stats', '--video-codec', 'vp8', '--bitrate', '1M', '--audio-codec', 'flac'));
    const stats = JSON.parse(stdout);
    assert.deepEqual(Object.keys(stats).sort(), ['audio', 'eventLoopDelayMs', 'format', 'frames', 'framesPerSecond', 'input', 'maxRssMiB', 'mediaSeconds', 'output', 'seconds', 'speed', 'video'].sort());
    assert.deepEqual(
      { input: stats.input, output: stats.output, format: stats.format, frames: stats.frames, video: stats.video, audio: stats.audio },
      { input: input('in.webm'), output: out, format: 'mkv', frames: FRAMES, video: { codec: 'vp8', width: W, height: H }, audio: { codec: 'flac', sampleRate: 48000, numberOfChannels: 2 } },
    );
    // The media's length is the source's (its duration, Opus pre-skip included).
    assert.ok(Math.abs(stats.mediaSeconds - 1) <= DURATION_TOLERANCE / 1e6, `mediaSeconds ${stats.mediaSeconds}`);
    for (const key of ['seconds', 'framesPerSecond', 'speed', 'maxRssMiB']) assert.ok(Number.isFinite(stats[key]) && stats[key] > 0, key);
    assert.equal(stats.framesPerSecond, stats.frames / stats.seconds);
    assert.equal(stats.speed, stats.mediaSeconds / stats.seconds);
    assert.deepEqual(Object.keys(stats.eventLoopDelayMs), ['p50', 'p99', 'max']);
    const { p50, p99, max } = stats.eventLoopDelayMs;
    assert.ok(p50 > 0 && p50 <= p99 && p99 <= max, 'ordered delay percentiles');
    // The summary line still goes to stderr.
    assert.match(stderr, / -> .*: 25 frames, /);
    checkOutput(out, { video: 'vp8', audio: 'flac' });
  });

  test('probe prints the tracks and their configs as JSON, as ffprobe sees them', () => {
    const file = input('in.mp4');
    const probed = JSON.parse(succeeded(cli('probe', file)).stdout);
    assert.equal(probed.format, 'mov,mp4,m4a,3gp,3g2,mj2');
    assert.equal(probed.duration, 1000000);
    const { streams } = probeContainer(file);
    assert.deepEqual(
      probed.tracks.map((t) => [t.id, t.type, t.ffmpegCodec]),
      streams.map((s) => [s.index, s.codec_type, s.codec_name]),
    );
    const [video, audio] = probed.tracks;
    assert.match(video.config.codec, /^avc1\.64/);
    assert.deepEqual([video.config.codedWidth, video.config.codedHeight, video.frameRate], [W, H, 25]);
    assert.deepEqual([audio.config.codec, audio.config.sampleRate, audio.config.numberOfChannels], ['mp4a.40.2', 48000, 2]);
    // Descriptions travel as base64: the streams' avcC and AudioSpecificConfig.
    probed.tracks.forEach((t, i) => assert.deepEqual(Buffer.from(t.config.description, 'base64'), Buffer.from(streams[i].extradataBytes)));
  });

  test('on a terminal, a progress line that ends at 100 %, then the summary', async () => {
    let written = '';
    const terminal = { isTTY: true, write: (text) => (written += text) };
    await runTranscode(input('in.mp4'), at('tty.webm'), {}, { stream: terminal });
    // Progress redraws one line (carriage return, erase to its end); the last one is complete.
    const lines = written.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0].split('\r').at(-1), /^\[={24}\] 100% frame 25 {2}[0-9.]+ fps {2}[0-9.]+x {2}ETA 00:00\x1b\[K$/);
    assert.match(lines[1], / -> .*tty\.webm: 25 frames, 1\.00 s of media/);
    assert.equal(lines[2], '');
  });

  test('--help prints the usage on stdout and exits 0', () => {
    const { stdout } = succeeded(cli('--help'));
    assert.match(stdout, /^Usage:\n {2}webcodecs-native transcode <input> <output> \[options\]\n {2}webcodecs-native probe <file>\n/);
  });
});

describe('CLI failures: exit codes, messages, no output left behind', () => {
  /** Runs a failing command whose output would be `out`; returns stderr. */
  function fails(code, out, ...args) {
    const { status, stdout, stderr } = cli(...args);
    assert.equal(status, code, `exit code for ${args.join(' ')}: ${stderr}`);
    assert.equal(stdout, '');
    if (out) assert.equal(existsSync(out), false, `${out} was left behind`);
    return stderr;
  }

  test('1: a missing input', () => {
    const stderr = fails(1, at('never.webm'), 'transcode', at('missing.mp4'), at('never.webm'));
    assert.match(stderr, /^webcodecs-native: ENOENT: no such file or directory/);
  });

  test('1: an input that is no container, or that breaks part way (the output is removed)', () => {
    writeFileSync(at('garbage.mp4'), Buffer.alloc(20000, 0x5a));
    assert.match(fails(1, at('g.webm'), 'transcode', at('garbage.mp4'), at('g.webm')), /^webcodecs-native: NotSupportedError: The input is not in a container format/);
    assert.match(fails(1, null, 'probe', at('garbage.mp4')), /NotSupportedError/);
    // The middle third overwritten: the decoders fail once the output is open.
    const damaged = readFileSync(input('in.mp4'));
    damaged.fill(0x5a, Math.floor(damaged.length / 3), Math.floor((2 * damaged.length) / 3));
    writeFileSync(at('damaged.mp4'), damaged);
    for (const out of [at('damaged.webm'), at('damaged.mkv')]) {
      assert.match(fails(1, out, 'transcode', at('damaged.mp4'), out), /^webcodecs-native: EncodingError: /);
    }
  });

  test('1: a codec the container cannot hold', () => {
    assert.match(fails(1, at('h264.webm'), 'transcode', input('in.mp4'), at('h264.webm'), '--video-codec', 'h264'), /NotSupportedError: .*the webm container cannot hold h264/);
    assert.match(fails(1, at('aac.webm'), 'transcode', input('in.mp4'), at('aac.webm'), '--audio-codec', 'aac'), /NotSupportedError: .*the webm container cannot hold aac/);
  });

  test('2: usage errors print the usage', () => {
    const out = at('usage.webm');
    for (const args of [
      [],
      ['frobnicate'],
      ['probe'],
      ['transcode', input('in.mp4')],
      ['transcode', input('in.mp4'), at('out.avi')],
      ['transcode', input('in.mp4'), out, '--format', 'avi'],
      ['transcode', input('in.mp4'), out, '--width', 'wide'],
      ['transcode', input('in.mp4'), out, '--height', '61'],
      ['transcode', input('in.mp4'), out, '--bitrate', 'fast'],
      ['transcode', input('in.mp4'), out, '--video-codec', 'theora'],
      ['transcode', input('in.mp4'), out, '--no-such-option'],
    ]) {
      assert.match(fails(2, out, ...args), /(^|\n)Usage:\n {2}webcodecs-native transcode/, args.join(' '));
    }
  });
});

describe('the demo', () => {
  test('node demo/demo.mjs --out-dir <dir> --seconds 1 writes demo.mp4 (H.264 + AAC) and demo.webm (VP9 + Opus)', () => {
    const out = join(dir, 'demo');
    const { status, stdout, stderr } = runNode(['demo/demo.mjs', '--out-dir', out, '--seconds', '1'], { timeoutMs: 300000 });
    assert.equal(status, 0, stderr);
    assert.match(stdout, /check: 30 avc1\.[0-9a-f]{6} frames decoded back, luma PSNR against the pattern [0-9.]+ dB/);
    for (const [file, video, audio] of [
      ['demo.mp4', 'h264', 'aac'],
      ['demo.webm', 'vp9', 'opus'],
    ]) {
      const { streams, packets } = probeContainer(join(out, file));
      assert.deepEqual(
        streams.map((s) => [s.codec_type, s.codec_name, s.width ?? Number(s.sample_rate)]),
        [
          ['video', video, 1280],
          ['audio', audio, 48000],
        ],
        file,
      );
      assert.equal(packets.filter((p) => p.stream === streams[0].index).length, 30, `${file}: 30 frames`);
    }
  });
});
