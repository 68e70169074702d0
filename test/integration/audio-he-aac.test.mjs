// HE-AAC (mp4a.40.5, SBR) and HE-AAC v2 (mp4a.40.29, SBR + PS) decoding.
// No HE-AAC encoder is available here: FFmpeg's aac encoder and Debian's
// vo-aacenc make AAC-LC only, and fdk-aac is not in Debian main. So these
// tests take an AAC-LC stream we encode at 24 kHz and describe it with the
// explicit HE-AAC AudioSpecificConfig (ISO 14496-3 1.6.2.1: the SBR or PS
// object type, the core's rate, the doubled output rate, then the LC core).
// That checks what is ours: the codec strings, the description reaching
// the decoder, the 48 kHz output of 2048 frames per chunk, timestamps, and
// the core's signal through the SBR filter banks. The SBR and PS payloads
// themselves (absent from an LC stream) are decoded by FFmpeg's code, which
// these tests do not exercise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { BitWriter } from '../helpers/bitstream.mjs';
import { decodeAudio, encodeAudio } from '../helpers/codecs.mjs';
import { makeAudioData, snr } from '../helpers/media.mjs';

const CORE_RATE = 24000;
const TONE = 1000;
const tone = (rate) => (i) => 0.5 * Math.sin((2 * Math.PI * TONE * i) / rate);

// Sampling frequency indices of ISO 14496-3 table 1.18.
const SFI = { 48000: 3, 24000: 6 };

/** AudioSpecificConfig with explicit SBR (object type 5) or PS (29) signalling over a mono AAC-LC core. */
function heAacConfig(objectType) {
  const w = new BitWriter();
  w.bits(5, objectType);
  w.bits(4, SFI[CORE_RATE]);
  w.bits(4, 1); // channelConfiguration: mono
  w.bits(4, SFI[2 * CORE_RATE]); // extensionSamplingFrequencyIndex
  w.bits(5, 2); // the core: AAC LC
  w.bits(3, 0); // GASpecificConfig: 1024-sample frames, no core coder, no extension
  return w.padded();
}

const { chunks, decoderConfig: lc } = await encodeAudio(
  { codec: 'mp4a.40.2', sampleRate: CORE_RATE, numberOfChannels: 1, bitrate: 48000 },
  10,
  (i) => makeAudioData(tone(CORE_RATE), { start: i * 2400, frames: 2400, channels: 1, sampleRate: CORE_RATE }),
);

/** The best SNR of `plane` against the tone at `rate` over one period of lags (the filter banks delay it). */
function toneSnr(plane, rate) {
  const reference = Float32Array.from({ length: 8192 }, (_, i) => tone(rate)(i));
  let best = -Infinity;
  for (let lag = 0; lag < rate / TONE; lag++) best = Math.max(best, snr(reference, plane.subarray(8192 + lag, 16384 + lag)));
  return best;
}

describe('HE-AAC decoding (explicit signalling over an AAC-LC core)', () => {
  for (const [codec, objectType] of [['mp4a.40.5', 5], ['mp4a.40.29', 29]]) {
    test(`${codec}: 48 kHz output, 2048 frames per chunk, the core's tone at 1 kHz`, async () => {
      const description = heAacConfig(objectType);
      const { outputs, samples } = await decodeAudio({ codec, sampleRate: 48000, numberOfChannels: 2, description }, chunks);
      assert.equal(outputs.length, chunks.length);
      for (const [k, o] of outputs.entries()) {
        assert.deepEqual([o.sampleRate, o.frames, o.timestamp], [48000, 2048, chunks[k].timestamp], `output ${k}`);
      }
      // A mono core with SBR is output as stereo (a PS upmix; with no PS
      // data both channels are the same).
      assert.equal(samples.length, 2);
      assert.deepEqual(samples[1], samples[0]);
      const quality = toneSnr(samples[0], 48000);
      assert.ok(quality > 25, `the 1 kHz tone at ${quality.toFixed(1)} dB`);
    });
  }

  test('the codec string alone adds no SBR: an LC description decodes at the core rate', async () => {
    const { outputs, samples } = await decodeAudio({ codec: 'mp4a.40.5', sampleRate: 48000, numberOfChannels: 2, description: lc.description }, chunks);
    assert.ok(outputs.every((o) => o.sampleRate === CORE_RATE && o.frames === 1024));
    assert.equal(samples.length, 1);
    assert.ok(toneSnr(samples[0], CORE_RATE) > 25);
  });
});
