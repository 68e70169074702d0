// Ten minutes of audio through every codec: chunk timestamps are exact
// (derived from sample counts, no drift however many chunks), contiguous,
// and the decoded AudioData follow each other to the microsecond. Large
// AudioData (10 s each) and light settings keep it quick.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioData, AudioDecoder, AudioEncoder } from 'webcodecs-native';

const MINUTES = 10;
const SLICE_SECONDS = 10;

// frame: samples per chunk at the encoder's rate (when fixed); priming:
// samples the chunks count before the first input sample; encoderRate: the
// rate the chunks are counted at (Opus runs at one of its own rates).
const CASES = [
  { codec: 'opus', sampleRate: 12000, extra: { opus: { complexity: 0 } }, frame: 240, priming: 78, encoderRate: 12000 },
  { codec: 'opus', sampleRate: 44100, extra: { opus: { complexity: 0 } }, frame: 960, priming: 312, encoderRate: 48000 },
  { codec: 'mp4a.40.2', sampleRate: 11025, extra: { bitrate: 24000 }, frame: 1024, priming: 1024 },
  { codec: 'mp3', sampleRate: 11025, extra: {}, frame: 576, priming: 1105 },
  { codec: 'vorbis', sampleRate: 11025, extra: {}, priming: 0 },
  { codec: 'flac', sampleRate: 44100, extra: { flac: { blockSize: 4410, compressLevel: 0 } }, frame: 4410, priming: 0 },
  { codec: 'pcm-u8', sampleRate: 8000, extra: {}, priming: 0 },
  { codec: 'pcm-s16', sampleRate: 44100, extra: {}, priming: 0 },
  { codec: 'pcm-s24', sampleRate: 22050, extra: {}, priming: 0 },
  { codec: 'pcm-s32', sampleRate: 11025, extra: {}, priming: 0 },
  { codec: 'pcm-f32', sampleRate: 44100, extra: {}, priming: 0 },
  { codec: 'ulaw', sampleRate: 8000, extra: {}, priming: 0 },
  { codec: 'alaw', sampleRate: 8000, extra: {}, priming: 0 },
];

const floorUs = (samples, rate) => Math.floor((samples * 1e6) / rate);

/** Resolves once the codec's queue has room (dequeue events, no polling). */
function room(codec, size) {
  if (size() <= 2) return null;
  return new Promise((resolve) => codec.addEventListener('dequeue', resolve, { once: true }));
}

describe(`timestamps over ${MINUTES} minutes`, () => {
  for (const { codec, sampleRate, extra, frame, priming, encoderRate = sampleRate } of CASES) {
    test(`${codec} at ${sampleRate} Hz`, async () => {
      const chunks = [];
      let decoderConfig;
      let error = null;
      const encoder = new AudioEncoder({
        output: (chunk, meta) => {
          chunks.push(chunk);
          decoderConfig ??= meta.decoderConfig;
        },
        error: (e) => {
          error = e;
        },
      });
      encoder.configure({ codec, sampleRate, numberOfChannels: 1, ...extra });
      const sliceFrames = sampleRate * SLICE_SECONDS;
      const samples = Float32Array.from({ length: sliceFrames }, (_, i) => 0.3 * Math.sin(i * 0.05));
      const slices = (MINUTES * 60) / SLICE_SECONDS;
      for (let s = 0; s < slices; s++) {
        const data = new AudioData({
          format: 'f32',
          sampleRate,
          numberOfFrames: sliceFrames,
          numberOfChannels: 1,
          timestamp: floorUs(s * sliceFrames, sampleRate),
          data: samples,
        });
        encoder.encode(data);
        data.close();
        await room(encoder, () => encoder.encodeQueueSize);
      }
      await encoder.flush();
      encoder.close();
      assert.equal(error, null);

      const total = MINUTES * 60 * encoderRate;
      assert.equal(chunks[0].timestamp, 0);
      for (let k = 1; k < chunks.length; k++) {
        const prev = chunks[k - 1];
        if (prev.timestamp + prev.duration !== chunks[k].timestamp) {
          assert.fail(`chunk ${k} at ${chunks[k].timestamp} does not follow chunk ${k - 1} (${prev.timestamp} + ${prev.duration})`);
        }
        // Fixed-size frames: chunk k starts exactly at k frames, never drifting.
        if (frame && chunks[k].timestamp !== floorUs(k * frame, encoderRate)) {
          assert.fail(`chunk ${k} at ${chunks[k].timestamp}, expected ${floorUs(k * frame, encoderRate)}`);
        }
      }
      const last = chunks.at(-1);
      assert.equal(last.timestamp + last.duration, floorUs(total + priming, encoderRate), 'the chunks end where the input (and priming) ends');

      const outputs = [];
      const decoder = new AudioDecoder({
        output: (data) => {
          outputs.push([data.timestamp, data.numberOfFrames, data.sampleRate]);
          data.close();
        },
        error: (e) => {
          error = e;
        },
      });
      decoder.configure(decoderConfig);
      for (const c of chunks) {
        decoder.decode(c);
        await room(decoder, () => decoder.decodeQueueSize);
      }
      await decoder.flush();
      decoder.close();
      assert.equal(error, null);
      let decoded = 0;
      for (const [timestamp, frames, rate] of outputs) {
        if (timestamp !== outputs[0][0] + floorUs(decoded, rate)) {
          assert.fail(`output at ${timestamp} after ${decoded} frames, expected ${outputs[0][0] + floorUs(decoded, rate)}`);
        }
        decoded += frames;
      }
      assert.ok(decoded >= Math.round(MINUTES * 60 * outputs[0][2]), `${decoded} frames decoded`);
    });
  }
});
