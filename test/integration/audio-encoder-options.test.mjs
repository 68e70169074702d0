// AudioEncoderConfig options reach the encoders: bitrate and bitrateMode,
// the registrations' Opus and FLAC options, resampling to an encoder's own
// rate, AudioData unlike the config, and input formats.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioData, AudioEncoder } from 'webcodecs-native';

import { rawStream } from '../helpers/audio-files.mjs';
import { decodeAudio, encodeAudio } from '../helpers/codecs.mjs';
import { SIGNALS, makeAudioData, snr } from '../helpers/media.mjs';

const bytes = (chunks) => chunks.reduce((n, c) => n + c.byteLength, 0);

/** `seconds` of a signal (or silence) in 100 ms AudioData. */
function encode(config, { seconds = 2, signal = SIGNALS.sine(config.sampleRate), format = 'f32-planar', rate = config.sampleRate } = {}) {
  const frames = rate / 10;
  return encodeAudio(config, seconds * 10, (i) =>
    makeAudioData(signal, { start: i * frames, frames, channels: config.numberOfChannels, sampleRate: rate, format }),
  );
}

/** Silence but for a tone in the first and last 100 ms. */
const mostlySilent = (rate, seconds) => (i, c) => (i < rate / 10 || i >= (seconds - 0.1) * rate ? SIGNALS.sine(rate)(i, c) : 0);

describe('bitrate and bitrateMode', () => {
  for (const [codec, sampleRate, low, high] of [
    ['opus', 48000, 32000, 192000],
    ['mp4a.40.2', 44100, 48000, 192000],
    ['mp3', 44100, 64000, 256000],
    ['vorbis', 44100, 64000, 192000],
  ]) {
    test(`${codec}: the size follows the bitrate`, async () => {
      const config = { codec, sampleRate, numberOfChannels: 2 };
      const signal = SIGNALS.noise();
      const small = bytes((await encode({ ...config, bitrate: low }, { signal })).chunks);
      const large = bytes((await encode({ ...config, bitrate: high }, { signal })).chunks);
      for (const [size, bitrate] of [[small, low], [large, high]]) {
        const actual = (size * 8) / 2;
        assert.ok(actual > bitrate * 0.6 && actual < bitrate * 1.4, `${bitrate} bit/s asked, ${Math.round(actual)} made`);
      }
    });
  }

  test('opus: constant bitrate spends the bitrate on silence, variable does not (WPT)', async () => {
    const config = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 256000 };
    const signal = mostlySilent(48000, 4);
    const cbr = await encode({ ...config, bitrateMode: 'constant' }, { seconds: 4, signal });
    const vbr = await encode({ ...config, bitrateMode: 'variable' }, { seconds: 4, signal });
    assert.ok(bytes(vbr.chunks) < bytes(cbr.chunks) / 2, `${bytes(vbr.chunks)} VBR bytes, ${bytes(cbr.chunks)} CBR bytes`);
    const sizes = new Set(cbr.chunks.slice(1, -1).map((c) => c.byteLength));
    assert.equal(sizes.size, 1, 'CBR packets all have the same size');
  });

  test('mp3: constant bitrate gives frames of one size, variable does not', async () => {
    const config = { codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000 };
    const signal = mostlySilent(44100, 2);
    const cbr = await encode({ ...config, bitrateMode: 'constant' }, { signal });
    const vbr = await encode({ ...config, bitrateMode: 'variable' }, { signal });
    // 128 kbit/s at 44.1 kHz: 417 or 418 bytes with padding.
    assert.ok(cbr.chunks.slice(1).every((c) => c.byteLength === 417 || c.byteLength === 418));
    assert.ok(new Set(vbr.chunks.map((c) => c.byteLength)).size > 2);
    assert.ok(bytes(vbr.chunks) < bytes(cbr.chunks));
  });
});

describe('bitrates at the edge of what the encoders apply', () => {
  // Outside these edges LAME and libopus clamp the rate (MP3 at 44.1 kHz made
  // 323 kbit/s when 1000 were asked), so isConfigSupported answers false.
  const made = async (config) => (bytes((await encode(config, { signal: SIGNALS.noise() })).chunks) * 8) / 2;

  for (const [config, outside] of [
    [{ codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, bitrateMode: 'constant' }, [31999, 320001]],
    [{ codec: 'mp3', sampleRate: 22050, numberOfChannels: 2, bitrateMode: 'constant' }, [7999, 160001]],
    [{ codec: 'mp3', sampleRate: 8000, numberOfChannels: 1, bitrateMode: 'variable' }, [7999, 64001]],
    [{ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrateMode: 'constant' }, [5999, 510001]],
  ]) {
    const [below, above] = outside;
    test(`${config.codec} at ${config.sampleRate} Hz: ${below + 1} to ${above - 1} bit/s are made, beyond is unsupported`, async () => {
      for (const bitrate of [below + 1, above - 1]) {
        const actual = await made({ ...config, bitrate });
        assert.ok(Math.abs(actual - bitrate) < bitrate * 0.12, `${bitrate} bit/s asked, ${Math.round(actual)} made`);
      }
      for (const bitrate of outside) {
        const support = await AudioEncoder.isConfigSupported({ ...config, bitrate });
        assert.equal(support.supported, false, `${bitrate} bit/s`);
        assert.equal(support.config.bitrate, bitrate);
      }
    });
  }

  test('aac: no constant-bitrate mode (the rate follows the content): unsupported, and configure() closes with NotSupportedError', async () => {
    const config = { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2, bitrate: 128000 };
    assert.equal((await AudioEncoder.isConfigSupported({ ...config, bitrateMode: 'constant' })).supported, false);
    assert.equal((await AudioEncoder.isConfigSupported({ ...config, bitrateMode: 'variable' })).supported, true);
    let error = null;
    const enc = new AudioEncoder({ output() {}, error: (e) => (error = e) });
    enc.configure({ ...config, bitrateMode: 'constant' });
    await assert.rejects(enc.flush(), (e) => e.name === 'NotSupportedError');
    assert.match(error.message, /no constant-bitrate mode/);
  });
});

describe('OpusEncoderConfig', () => {
  const config = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };

  test('frameDuration sets the chunk duration', async () => {
    for (const frameDuration of [2500, 10000, 60000, 120000]) {
      const { chunks } = await encode({ ...config, opus: { frameDuration } }, { seconds: 1 });
      assert.ok(chunks.slice(0, -1).every((c) => c.duration === frameDuration), `${frameDuration} us chunks`);
    }
  });

  test('usedtx drops the packets of silence (WPT)', async () => {
    const signal = mostlySilent(48000, 4);
    const normal = await encode({ ...config, bitrate: 256000, opus: { usedtx: false } }, { seconds: 4, signal });
    const dtx = await encode({ ...config, bitrate: 256000, opus: { usedtx: true } }, { seconds: 4, signal });
    assert.ok(dtx.chunks.length < normal.chunks.length / 2, `${dtx.chunks.length} of ${normal.chunks.length} packets`);
    // What is sent still decodes: the tones at both ends, at their time.
    const decoded = await decodeAudio(dtx.decoderConfig, dtx.chunks);
    assert.equal(decoded.outputs[0].timestamp, 0);
    assert.ok(decoded.outputs.at(-1).timestamp >= 3.8e6, 'the last tone is there, after the gap');
  });

  test('application "lowdelay" has less encoder delay (the OpusHead pre-skip)', async () => {
    const preSkip = (description) => description[10] | (description[11] << 8);
    const audio = await encode({ ...config, opus: { application: 'audio' } }, { seconds: 0.2 });
    const lowdelay = await encode({ ...config, opus: { application: 'lowdelay' } }, { seconds: 0.2 });
    assert.equal(preSkip(audio.decoderConfig.description), 312);
    assert.equal(preSkip(lowdelay.decoderConfig.description), 120);
  });

  test('complexity, packetlossperc and useinbandfec reach the encoder; both formats carry the OpusHead', async () => {
    const quality = {};
    const options = { default: {}, fast: { complexity: 0 }, best: { complexity: 10 }, fec: { packetlossperc: 20, useinbandfec: true }, ogg: { format: 'ogg' }, voice: { signal: 'voice' } };
    for (const [name, opus] of Object.entries(options)) {
      const { chunks, decoderConfig } = await encode({ ...config, opus }, { seconds: 0.5 });
      assert.equal(Buffer.from(decoderConfig.description.subarray(0, 8)).toString(), 'OpusHead', name);
      const decoded = await decodeAudio(decoderConfig, chunks);
      const source = Float32Array.from({ length: 20000 }, (_, i) => Math.fround(SIGNALS.sine(48000)(i + 4000, 0)));
      quality[name] = snr(source, decoded.samples[0].subarray(4000, 24000));
      assert.ok(quality[name] > 10, `${name}: ${quality[name].toFixed(1)} dB`);
    }
    assert.ok(quality.best > quality.fast + 1, `complexity 10 (${quality.best.toFixed(1)} dB) beats 0 (${quality.fast.toFixed(1)} dB)`);
    assert.ok(quality.fec < quality.default - 3, `redundancy for 20% loss costs quality (${quality.fec.toFixed(1)} dB)`);
  });

  test('any input rate: 44.1 kHz is resampled to 48 kHz with exact 20 ms chunks', async () => {
    const { chunks, decoderConfig } = await encode({ ...config, sampleRate: 44100 }, { seconds: 1 });
    assert.equal(decoderConfig.sampleRate, 44100, 'decoderConfig echoes the configured rate');
    assert.equal(new DataView(decoderConfig.description.buffer).getUint32(12, true), 44100, 'OpusHead input rate');
    assert.ok(chunks.slice(0, -1).every((c, k) => c.timestamp === k * 20000 && c.duration === 20000));
    const decoded = await decodeAudio(decoderConfig, chunks);
    assert.equal(decoded.sampleRate, 48000);
    // 440 Hz stays 440 Hz: compare with the tone generated at 48 kHz.
    const source = Float32Array.from({ length: 24000 }, (_, i) => Math.fround(SIGNALS.sine(48000)(i + 4800, 0)));
    assert.ok(snr(source, decoded.samples[0].subarray(4800, 28800)) > 15);
  });
});

describe('FlacEncoderConfig', () => {
  test('blockSize sets the samples per chunk; compressLevel trades size', async () => {
    const config = { codec: 'flac', sampleRate: 44100, numberOfChannels: 2 };
    const { chunks } = await encode({ ...config, flac: { blockSize: 1000 } }, { format: 's16' });
    assert.ok(chunks.slice(0, -1).every((c, k) => c.timestamp === Math.floor((k * 1000 * 1e6) / 44100)));
    const signal = SIGNALS.noise();
    const fast = await encode({ ...config, flac: { compressLevel: 0 } }, { signal, format: 's16' });
    const best = await encode({ ...config, flac: { compressLevel: 8 } }, { signal, format: 's16' });
    assert.ok(bytes(best.chunks) < bytes(fast.chunks));
  });

  test('the first AudioData picks the bit depth: s16 input makes 16-bit FLAC, f32 input 24-bit', async () => {
    const config = { codec: 'flac', sampleRate: 48000, numberOfChannels: 1 };
    // STREAMINFO's bits per sample: 5 bits starting at bit 4 of byte 12 (after "fLaC" and the block header, offset 8).
    const depth = (description) => (((description[8 + 12] & 1) << 4) | (description[8 + 13] >> 4)) + 1;
    assert.equal(depth((await encode(config, { format: 's16', seconds: 0.2 })).decoderConfig.description), 16);
    assert.equal(depth((await encode(config, { format: 'f32', seconds: 0.2 })).decoderConfig.description), 24);
    assert.equal(depth((await encode(config, { format: 's32-planar', seconds: 0.2 })).decoderConfig.description), 24);
  });
});

describe('AudioData unlike the config', () => {
  test('another sample rate is an EncodingError, as another channel count is (w3c/webcodecs WPT, Chromium)', async () => {
    for (const rate of [24000, 48001, 44100.5]) {
      let error = null;
      const outputs = [];
      const enc = new AudioEncoder({ output: (c) => outputs.push(c), error: (e) => (error = e) });
      enc.configure({ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 1 });
      const good = new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 1, timestamp: 0, data: new Float32Array(480) });
      const bad = new AudioData({ format: 'f32', sampleRate: rate, numberOfFrames: 100, numberOfChannels: 1, timestamp: 10000, data: new Float32Array(100) });
      enc.encode(good);
      enc.encode(bad);
      good.close();
      bad.close();
      await assert.rejects(enc.flush(), (e) => e.name === 'EncodingError');
      assert.equal(error?.name, 'EncodingError', `${rate} Hz`);
      assert.match(error.message, new RegExp(`sampleRate is ${rate} Hz; the encoder was configured for 48000 Hz`));
      assert.equal(enc.state, 'closed');
      assert.equal(outputs.length, 1, 'the AudioData before it was encoded');
    }
  });

  test('every input format encodes to the same PCM', async () => {
    const config = { codec: 'pcm-s16', sampleRate: 16000, numberOfChannels: 2 };
    const quantised = (i, c) => Math.round(SIGNALS.sine(16000)(i, c) * 128) / 128;  // exact in every format
    let reference = null;
    for (const format of ['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar']) {
      const { chunks } = await encode(config, { format, signal: quantised, seconds: 0.5 });
      const pcm = rawStream(chunks);
      reference ??= pcm;
      assert.ok(pcm.equals(reference), `${format} input`);
    }
    // One encoder fed a different format for every AudioData gives the same.
    const formats = ['u8', 's16-planar', 'f32', 's32', 'f32-planar'];
    const { chunks } = await encodeAudio(config, 5, (i) =>
      makeAudioData(quantised, { start: i * 1600, frames: 1600, channels: 2, sampleRate: 16000, format: formats[i] }),
    );
    const mixed = rawStream(chunks);
    assert.ok(mixed.equals(reference), 'mixed input formats');
  });

  test('formats changing mid-stream while resampling keep the timeline', async () => {
    // Opus runs at 48 kHz: 44.1 kHz input goes through the resampler.
    const config = { codec: 'opus', sampleRate: 44100, numberOfChannels: 1 };
    const formats = ['f32', 's16', 'f32-planar', 'u8'];
    // Half a second each, timestamped i * 0.5 s.
    const { chunks } = await encodeAudio(config, formats.length, (i) =>
      makeAudioData(SIGNALS.sine(44100), { start: (i * 44100) / 2, frames: 44100 / 2, channels: 1, sampleRate: 44100, format: formats[i] }),
    );
    assert.ok(chunks.every((c, k) => c.timestamp === k * 20000 && (k === chunks.length - 1 || c.duration === 20000)));
    // 2 s of input at 48 kHz plus the encoder delay, in 20 ms packets.
    assert.equal(chunks.length, Math.ceil((2 * 48000 + 312) / 960));
  });
});
