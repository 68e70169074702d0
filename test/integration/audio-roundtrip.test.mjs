// Round trips through every audio codec, checked by measurement:
// - our encoder -> our decoder: SNR against the source for the lossy codecs
//   (thresholds below), the exact samples for FLAC and PCM when the input
//   already has the codec's precision, G.711's own quantisation for u-law
//   and A-law; decoded timestamps line up with the source's;
// - our encoder -> the ffmpeg CLI: our chunks written to a file the CLI
//   reads decode to the very samples our decoder gives, and containers that
//   carry our durations (Ogg granules) trim to the source's exact length.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AudioData } from 'webcodecs-native';

import { adtsFromRaw, oggOpus, oggVorbis, rawStream } from '../helpers/audio-files.mjs';
import { PLANE_ARRAYS, decodeAudio, encodeAudio } from '../helpers/codecs.mjs';
import { SIGNALS, alignSamples, cliDecodeAudio, dominantTones, makeAudioData, snr, tempDir } from '../helpers/media.mjs';

const dir = tempDir();
const SECONDS = 1;
const SLICE = 0.1;  // seconds per AudioData

/** Encodes `signal` for SECONDS in 100 ms f32-planar AudioData. */
function encodeSignal(config, signal) {
  const frames = config.sampleRate * SLICE;
  return encodeAudio(config, SECONDS / SLICE, (i) =>
    makeAudioData(signal, { start: i * frames, frames, channels: config.numberOfChannels, sampleRate: config.sampleRate }),
  );
}

const energy = (samples) => samples.reduce((e, v) => e + v * v, 0);

/** The source as f32 planes, as the encoder saw it. */
function sourcePlanes(signal, rate, channels) {
  const n = rate * SECONDS;
  return Array.from({ length: channels }, (_, c) => Float32Array.from({ length: n }, (_, i) => Math.fround(signal(i, c))));
}

// delay: samples of encoder priming the decoder outputs before the source
// (AAC and MP3, as in browsers; Opus's pre-skip is trimmed, Vorbis has none
// in its output). cli: how the CLI reads our chunks.
// minSnr: dB over the whole second at these bitrates (stereo). White noise
// is what perceptual coders keep least: its level, not its waveform.
const LOSSY = [
  { name: 'Opus', config: { codec: 'opus', sampleRate: 48000, bitrate: 128000 }, delay: 0, minSnr: { sine: 38, noise: 1 }, cli: 'ogg-opus' },
  { name: 'AAC-LC', config: { codec: 'mp4a.40.2', sampleRate: 44100, bitrate: 128000 }, delay: 1024, minSnr: { sine: 23, noise: 0.2 }, cli: 'adts-from-asc' },
  { name: 'AAC-LC ADTS', config: { codec: 'mp4a.40.2', sampleRate: 44100, bitrate: 128000, aac: { format: 'adts' } }, delay: 1024, minSnr: { sine: 23, noise: 0.2 }, cli: 'raw' },
  { name: 'MPEG-2 AAC-LC ADTS', config: { codec: 'mp4a.67', sampleRate: 48000, bitrate: 128000, aac: { format: 'adts' } }, delay: 1024, minSnr: { sine: 17, noise: 0.2 }, cli: 'raw' },
  { name: 'MP3', config: { codec: 'mp3', sampleRate: 44100, bitrate: 192000 }, delay: 1105, minSnr: { sine: 27, noise: 4 }, cli: 'raw' },
  { name: 'Vorbis', config: { codec: 'vorbis', sampleRate: 44100, bitrate: 160000 }, delay: 0, minSnr: { sine: 37, noise: 3 }, cli: 'ogg-vorbis' },
];

/** Our chunks as a file the CLI reads. */
function writeForCli(kind, chunks, decoderConfig, file) {
  const bytes =
    kind === 'ogg-opus'
      ? oggOpus(chunks, decoderConfig.description)
      : kind === 'ogg-vorbis'
        ? oggVorbis(chunks, decoderConfig.description, decoderConfig.sampleRate)
        : kind === 'adts-from-asc'
          ? adtsFromRaw(chunks, decoderConfig.description)
          : rawStream(chunks, decoderConfig.description);
  writeFileSync(file, bytes);
}

describe('lossy codecs: our encoder, our decoder, the CLI', () => {
  for (const { name, config: base, delay, minSnr, cli } of LOSSY) {
    const config = { ...base, numberOfChannels: 2 };
    test(`${name}: decoded samples line up with the source, ${delay} samples of priming`, async () => {
      const signal = SIGNALS.tones(config.sampleRate);
      const { chunks, decoderConfig } = await encodeSignal(config, signal);
      const ours = await decodeAudio(decoderConfig, chunks);
      const source = sourcePlanes(signal, config.sampleRate, 2);
      for (let c = 0; c < 2; c++) {
        const { offset } = alignSamples(source[c], ours.samples[c], { maxOffset: 2048, from: 4096 });
        assert.equal(offset, delay, `channel ${c}`);
      }
    });

    for (const signalName of ['sine', 'noise']) {
      test(`${name}, ${signalName}`, async () => {
        const signal = SIGNALS[signalName](config.sampleRate);
        const { chunks, decoderConfig } = await encodeSignal(config, signal);
        const ours = await decodeAudio(decoderConfig, chunks);
        const rate = ours.sampleRate;
        assert.equal(rate, config.sampleRate);
        const source = sourcePlanes(signal, rate, 2);
        const n = source[0].length;
        assert.ok(ours.samples[0].length >= n + delay, `every source sample is decoded (${ours.samples[0].length})`);
        assert.equal(ours.outputs[0].timestamp, 0, 'the first output is at the first input\'s timestamp');
        for (let c = 0; c < 2; c++) {
          const decoded = ours.samples[c].subarray(delay, delay + n);
          const s = snr(source[c], decoded);
          assert.ok(s >= minSnr[signalName], `channel ${c}: SNR ${s.toFixed(1)} dB, expected at least ${minSnr[signalName]} dB`);
          // Perceptual coders (AAC's noise substitution) need not keep a
          // noise waveform, but they keep its level.
          const level = 10 * Math.log10(energy(decoded) / energy(source[c]));
          assert.ok(Math.abs(level) < 2, `channel ${c}: level within 2 dB of the source (${level.toFixed(2)} dB)`);
        }

        const file = join(dir, `${name.replace(/\W+/g, '_')}-${signalName}.${cli.startsWith('ogg') ? 'ogg' : 'bin'}`);
        writeForCli(cli, chunks, decoderConfig, file);
        const theirs = cliDecodeAudio(file, 2);
        if (cli.startsWith('ogg')) {
          assert.equal(theirs[0].length, n, 'Ogg granules from our durations trim the stream to the source length');
        }
        for (let c = 0; c < 2; c++) {
          const { offset, maxDiff } = alignSamples(theirs[c], ours.samples[c], { maxOffset: 2048 });
          assert.equal(offset, 0, 'the CLI decodes from the same first sample');
          assert.ok(maxDiff <= 1e-6, `channel ${c}: the CLI decodes the same samples (max difference ${maxDiff})`);
        }
      });
    }
  }
});

// --- Lossless and PCM -----------------------------------------------------------

/** A signal quantised to `bits` (so lossless codecs of that depth keep it exactly). */
const quantised = (signal, bits) => (i, c) => Math.round(signal(i, c) * 2 ** (bits - 1)) / 2 ** (bits - 1);

const LOSSLESS = [
  // The AudioData format carries the codec's precision; decoding gives back
  // the same samples in the decoder's format.
  { name: 'FLAC 16-bit', codec: 'flac', rate: 44100, format: 's16', bits: 16, decoded: 's16', cli: '' },
  { name: 'FLAC 24-bit from s32', codec: 'flac', rate: 48000, format: 's32-planar', bits: 24, decoded: 's32', cli: '' },
  { name: 'FLAC 24-bit from f32', codec: 'flac', rate: 96000, format: 'f32', bits: 24, decoded: 's32', cli: '' },
  { name: 'PCM u8', codec: 'pcm-u8', rate: 8000, format: 'u8', bits: 8, decoded: 'u8', cli: 'u8' },
  { name: 'PCM s16', codec: 'pcm-s16', rate: 44100, format: 's16-planar', bits: 16, decoded: 's16', cli: 's16le' },
  { name: 'PCM s24', codec: 'pcm-s24', rate: 48000, format: 's32', bits: 24, decoded: 's32', cli: 's24le' },
  { name: 'PCM s32', codec: 'pcm-s32', rate: 96000, format: 's32', bits: 32, decoded: 's32', cli: 's32le' },
  { name: 'PCM f32', codec: 'pcm-f32', rate: 32000, format: 'f32-planar', bits: 0, decoded: 'f32', cli: 'f32le' },
];

/** The samples of every AudioData make(i) gives, per channel, copied out as `format` (planar). */
function readSamples(make, format) {
  const out = [[], []];
  for (let i = 0; i < SECONDS / SLICE; i++) {
    const d = make(i);
    for (let c = 0; c < 2; c++) {
      const plane = new PLANE_ARRAYS[format](d.numberOfFrames);
      d.copyTo(plane, { planeIndex: c, format });
      out[c].push(...plane);
    }
    d.close();
  }
  return out.map((samples) => PLANE_ARRAYS[format].from(samples));
}

/** An integer sample of `format` as the f32 the CLI gives for it. */
function toFloat(format, v) {
  if (format === 'u8') return (v - 128) / 128;
  if (format === 's16') return v / 32768;
  if (format === 's32') return Math.fround(v / 2 ** 31);
  return v;
}

describe('lossless codecs and PCM: the exact samples back', () => {
  for (const { name, codec, rate, format, bits, decoded: decodedFormat, cli } of LOSSLESS) {
    for (const signalName of ['sine', 'noise']) {
      test(`${name}, ${signalName}`, async () => {
        const config = { codec, sampleRate: rate, numberOfChannels: 2 };
        // f32 PCM keeps anything, even beyond full scale.
        const raw = SIGNALS[signalName](rate);
        const signal = bits ? quantised(raw, bits) : (i, c) => 3 * raw(i, c);
        const frames = rate * SLICE;
        const make = (i) => makeAudioData(signal, { start: i * frames, frames, channels: 2, sampleRate: rate, format });
        const { chunks, decoderConfig } = await encodeAudio(config, SECONDS / SLICE, make);
        const ours = await decodeAudio(decoderConfig, chunks, `${decodedFormat}-planar`);
        assert.ok(ours.outputs.every((o) => o.format === decodedFormat), `decoded as ${decodedFormat}`);
        // The source's samples read back in the decoded format (an exact
        // conversion here: the source already has the codec's precision).
        const expected = readSamples(make, `${decodedFormat}-planar`);
        for (let c = 0; c < 2; c++) {
          assert.equal(ours.samples[c].length, expected[c].length, 'no priming, no padding');
          assert.deepEqual(ours.samples[c], expected[c], `channel ${c}: identical samples`);
        }
        if (bits === 24) assert.ok(expected[0].every((v) => v % 256 === 0), '24-bit samples sit in the top bits of s32');

        const file = join(dir, `${codec}-${format}-${signalName}.${cli ? 'raw' : 'flac'}`);
        writeFileSync(file, rawStream(chunks, decoderConfig.description));
        const theirs = cliDecodeAudio(cli ? ['-f', cli, '-ar', String(rate), '-ac', '2', '-i', file] : ['-i', file], 2);
        for (let c = 0; c < 2; c++) {
          const { offset, maxDiff, compared } = alignSamples(Float32Array.from(expected[c], (v) => toFloat(decodedFormat, v)), theirs[c], { maxOffset: 0 });
          assert.equal(offset, 0);
          assert.equal(compared, rate * SECONDS, 'the CLI decodes every sample');
          assert.ok(maxDiff <= 1e-7, `channel ${c}: the CLI decodes the same samples (max difference ${maxDiff})`);
        }
      });
    }
  }
});

// --- G.711 ---------------------------------------------------------------------

// The 16-bit reconstruction level of each code (ITU-T G.711 tables 2a/2b).
const G711_LEVELS = {
  ulaw: (code) => {
    const u = ~code & 0xff;
    const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
    return u & 0x80 ? 0x84 - t : t - 0x84;
  },
  alaw: (code) => {
    const a = code ^ 0x55;
    const seg = (a & 0x70) >> 4;
    let t = (a & 0x0f) << 4;
    t = seg === 0 ? t + 8 : (t + 0x108) << Math.max(0, seg - 1);
    return a & 0x80 ? t : -t;
  },
};

describe('G.711: u-law and A-law quantisation', () => {
  for (const codec of ['ulaw', 'alaw']) {
    test(codec, async () => {
      const rate = 8000;
      const levels = [...new Set(Array.from({ length: 256 }, (_, code) => G711_LEVELS[codec](code)))].sort((a, b) => a - b);
      const config = { codec, sampleRate: rate, numberOfChannels: 2 };
      const mix = (i, c) => (c === 0 ? SIGNALS.sine(rate)(i, c) : SIGNALS.noise()(i, c));
      const frames = rate * SLICE;
      const make = (i) => makeAudioData(mix, { start: i * frames, frames, channels: 2, sampleRate: rate, format: 's16' });
      const { chunks, decoderConfig } = await encodeAudio(config, SECONDS / SLICE, make);
      const ours = await decodeAudio(decoderConfig, chunks, 's16-planar');
      assert.ok(ours.outputs.every((o) => o.format === 's16'));
      const source = readSamples(make, 's16-planar');
      for (let c = 0; c < 2; c++) {
        const input = source[c];
        const output = ours.samples[c];
        assert.equal(output.length, input.length);
        for (let i = 0; i < input.length; i++) {
          const v = output[i];
          const k = levels.indexOf(v);
          assert.ok(k >= 0, `sample ${i}: ${v} is a ${codec} level`);
          // The nearest level, but for inputs within the codec's 4-unit
          // resolution of the midpoint between two levels.
          const below = k > 0 ? (levels[k - 1] + v) / 2 : -Infinity;
          const above = k < levels.length - 1 ? (levels[k + 1] + v) / 2 : Infinity;
          assert.ok(input[i] >= below - 4 && input[i] <= above + 4, `sample ${i}: ${input[i]} quantised to ${v}`);
        }
      }
      assert.ok(snr(source[0], ours.samples[0]) > 30, 'G.711 keeps a sine at 30+ dB');

      // The quantisation is stable: its output encodes to the same bytes.
      const again = await encodeAudio(config, 1, () =>
        new AudioData({ format: 's16-planar', sampleRate: rate, numberOfFrames: ours.samples[0].length, numberOfChannels: 2, timestamp: 0, data: Int16Array.from([...ours.samples[0], ...ours.samples[1]]) }),
      );
      assert.deepEqual(rawStream(again.chunks), rawStream(chunks));

      const file = join(dir, `${codec}.raw`);
      writeFileSync(file, rawStream(chunks));
      const theirs = cliDecodeAudio(['-f', codec === 'ulaw' ? 'mulaw' : 'alaw', '-ar', String(rate), '-ac', '2', '-i', file], 2);
      for (let c = 0; c < 2; c++) {
        assert.deepEqual(Int16Array.from(theirs[c], (v) => Math.round(v * 32768)), ours.samples[c], `channel ${c}: the CLI decodes the same levels`);
      }
    });
  }
});

// --- Channel order ---------------------------------------------------------------

describe('channel order: no reordering, 1 to 8 channels', () => {
  // A low tone per channel (an LFE channel, where the codec has one, keeps it).
  const freqs = [40, 50, 60, 70, 80, 90, 100, 110];
  for (const [codec, rate, perChannel] of [
    ['opus', 48000, 48000],
    ['vorbis', 48000, 48000],
    ['mp4a.40.2', 48000, 64000],
    ['flac', 48000, 0],
    ['pcm-s16', 48000, 0],
  ]) {
    test(codec, async () => {
      for (let channels = 1; channels <= 8; channels++) {
        // ADTS/AAC has no channel configuration for 7 channels.
        if (codec === 'mp4a.40.2' && channels === 7) continue;
        const config = { codec, sampleRate: rate, numberOfChannels: channels, ...(perChannel ? { bitrate: perChannel * channels } : {}) };
        const tone = (i, c) => 0.3 * Math.sin((2 * Math.PI * freqs[c] * i) / rate);
        const { chunks, decoderConfig } = await encodeAudio(config, 1, () =>
          makeAudioData(tone, { frames: rate, channels, sampleRate: rate }),
        );
        const ours = await decodeAudio(decoderConfig, chunks);
        if (codec === 'opus') {
          // Interleaved, as Chromium's libopus decoder gives (and WPT expects).
          assert.deepEqual([...new Set(ours.outputs.map((o) => o.format))], ['f32'], `${channels} channels`);
        }
        assert.deepEqual(dominantTones(ours.samples, ours.sampleRate, freqs.slice(0, channels)), [...Array(channels).keys()], `${channels} channels`);
      }
    });
  }
});
