// Interoperability with the ffmpeg CLI, checked by samples:
// - streams the CLI encoded (demuxed by ffprobe into chunks and the
//   description the registration asks for) decode with AudioDecoder to the
//   very samples the CLI's own decode gives, after the priming the CLI trims
//   from its containers;
// - channels keep the bitstream's order in AudioData, both ways (5.1
//   through AAC, Vorbis, Opus, FLAC, against the CLI's speaker positions).
// Our own streams decoded by the CLI are in audio-roundtrip.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AudioDecoder, AudioEncoder, EncodedAudioChunk } from 'webcodecs-native';

import { adtsFromRaw, oggOpus, oggVorbis, rawStream } from '../helpers/audio-files.mjs';
import { decodeAudio, encodeAudio } from '../helpers/codecs.mjs';
import { alignSamples, cliDecodeAudio, dominantTones, ffmpeg, makeAudioData, probeAudioPackets, tempDir } from '../helpers/media.mjs';

const dir = tempDir();

// Two channels with different tones, 1 s.
const source = (rate) => ['-f', 'lavfi', '-i', `aevalsrc=0.5*sin(2*PI*440*t)|0.4*sin(2*PI*660*t):s=${rate}:d=1`];

/** "fLaC" + a last-block STREAMINFO header around FFmpeg's bare STREAMINFO extradata. */
const flacDescription = (streaminfo) => new Uint8Array([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34, ...streaminfo]);

// trim: the priming the CLI drops using what its container says (MP4 edit
// list, LAME tag) and a WebCodecs decoder cannot know.
const CLI_STREAMS = [
  { name: 'Opus in Ogg', codec: 'opus', rate: 48000, args: ['-c:a', 'libopus', '-b:a', '96k'], file: 'opus.ogg', trim: 0 },
  { name: 'AAC in MP4', codec: 'mp4a.40.2', rate: 44100, args: ['-c:a', 'aac', '-b:a', '128k'], file: 'aac.m4a', trim: 1024 },
  { name: 'AAC in ADTS', codec: 'mp4a.40.2', rate: 44100, args: ['-c:a', 'aac', '-b:a', '128k'], file: 'aac.aac', trim: 0, noDescription: true },
  { name: 'MP3', codec: 'mp3', rate: 44100, args: ['-c:a', 'libmp3lame', '-b:a', '128k'], file: 'a.mp3', trim: 1105 },
  { name: 'FLAC', codec: 'flac', rate: 44100, args: ['-c:a', 'flac'], file: 'a.flac', trim: 0, description: flacDescription },
  { name: 'Vorbis in Ogg', codec: 'vorbis', rate: 44100, args: ['-c:a', 'libvorbis', '-q:a', '4'], file: 'vorbis.ogg', trim: 0 },
  { name: 'PCM u8', codec: 'pcm-u8', rate: 8000, args: ['-c:a', 'pcm_u8'], file: 'u8.wav', trim: 0 },
  { name: 'PCM s16', codec: 'pcm-s16', rate: 44100, args: ['-c:a', 'pcm_s16le'], file: 's16.wav', trim: 0 },
  { name: 'PCM s24', codec: 'pcm-s24', rate: 48000, args: ['-c:a', 'pcm_s24le'], file: 's24.wav', trim: 0 },
  { name: 'PCM s32', codec: 'pcm-s32', rate: 96000, args: ['-c:a', 'pcm_s32le'], file: 's32.wav', trim: 0 },
  { name: 'PCM f32', codec: 'pcm-f32', rate: 32000, args: ['-c:a', 'pcm_f32le'], file: 'f32.wav', trim: 0 },
  { name: 'u-law', codec: 'ulaw', rate: 8000, args: ['-c:a', 'pcm_mulaw'], file: 'ulaw.wav', trim: 0 },
  { name: 'A-law', codec: 'alaw', rate: 8000, args: ['-c:a', 'pcm_alaw'], file: 'alaw.wav', trim: 0 },
];

describe('streams the ffmpeg CLI encoded, decoded by AudioDecoder', () => {
  for (const s of CLI_STREAMS) {
    test(s.name, async () => {
      const file = join(dir, s.file);
      ffmpeg([...source(s.rate), ...s.args, file]);
      const { packets, extradata, sampleRate, channels } = probeAudioPackets(file);
      const config = { codec: s.codec, sampleRate, numberOfChannels: channels };
      if (extradata && !s.noDescription) config.description = s.description ? s.description(extradata) : extradata;
      const chunks = packets.map((p) => new EncodedAudioChunk({ type: 'key', timestamp: p.timestamp, duration: p.duration, data: p.data }));
      const ours = await decodeAudio(config, chunks);
      const cli = cliDecodeAudio(file, channels);
      assert.equal(ours.samples.length, 2);
      for (let c = 0; c < 2; c++) {
        const { offset, maxDiff, compared } = alignSamples(cli[c], ours.samples[c]);
        assert.equal(offset, s.trim, `channel ${c}: our decode starts ${offset} samples before the CLI's`);
        assert.ok(compared >= cli[c].length - 2048, `compared ${compared} of ${cli[c].length} samples`);
        assert.ok(maxDiff <= 1e-7, `channel ${c}: the same samples as the CLI's decode (max difference ${maxDiff})`);
      }
      // Outputs follow each other without gaps or overlaps.
      for (let k = 1; k < ours.outputs.length; k++) {
        const prev = ours.outputs[k - 1];
        const expected = prev.timestamp + Math.floor((prev.frames * 1e6) / prev.sampleRate);
        assert.ok(Math.abs(ours.outputs[k].timestamp - expected) <= 1, `output ${k} at ${ours.outputs[k].timestamp}, expected ${expected}`);
      }
    });
  }
});

test("MP3: the stream's rate and channels, from the first output on, whatever the config says (the registration ignores them)", async () => {
  const path = join(dir, 'rate.mp3');
  ffmpeg([...source(44100), '-c:a', 'libmp3lame', '-b:a', '128k', path]);
  const { packets } = probeAudioPackets(path);
  const chunks = packets.map((p) => new EncodedAudioChunk({ type: 'key', timestamp: p.timestamp, duration: p.duration, data: p.data }));
  for (const [sampleRate, numberOfChannels] of [[22050, 1], [48000, 2], [44100, 2]]) {
    const ours = await decodeAudio({ codec: 'mp3', sampleRate, numberOfChannels }, chunks);
    assert.deepEqual([...new Set(ours.outputs.map((o) => `${o.sampleRate} Hz x ${o.planes.length}`))], ['44100 Hz x 2'], `configured ${sampleRate} Hz x ${numberOfChannels}`);
  }
});

// --- Channel order ---------------------------------------------------------------

// 5.1 as FFmpeg orders it: FL FR FC LFE BL BR, a low tone each (index = tone).
const FREQS = [40, 50, 60, 70, 80, 90];
const SURROUND = `aevalsrc=${FREQS.map((f) => `0.3*sin(2*PI*${f}*t)`).join('|')}:s=48000:d=1:c=FL+FR+FC+LFE+BL+BR`;
// The bitstreams' 5.1 orders, as indices into FFmpeg's: AAC C L R Ls Rs LFE;
// Vorbis and Opus FL FC FR RL RR LFE; FLAC the WAVE order, FFmpeg's own.
const CODED_51 = {
  aac: [2, 0, 1, 4, 5, 3],
  vorbis: [0, 2, 1, 4, 5, 3],
  opus: [0, 2, 1, 4, 5, 3],
  flac: [0, 1, 2, 3, 4, 5],
};

describe('5.1 channels stay in the bitstream\'s order (the spec reorders nothing)', () => {
  for (const [family, codec, args, file] of [
    ['aac', 'mp4a.40.2', ['-c:a', 'aac', '-b:a', '384k'], 'surround.m4a'],
    ['vorbis', 'vorbis', ['-c:a', 'libvorbis'], 'surround.ogg'],
    ['opus', 'opus', ['-c:a', 'libopus', '-b:a', '256k'], 'surround.opus'],
    ['flac', 'flac', ['-c:a', 'flac'], 'surround.flac'],
  ]) {
    test(`${family}: the CLI's stream decodes to coded order; our coded-order AudioData decode to the right speakers`, async () => {
      const path = join(dir, file);
      ffmpeg(['-f', 'lavfi', '-i', SURROUND, ...args, path]);
      const { packets, extradata, sampleRate, channels } = probeAudioPackets(path);
      assert.equal(channels, 6);
      const config = { codec, sampleRate, numberOfChannels: 6 };
      if (extradata) config.description = family === 'flac' ? flacDescription(extradata) : extradata;
      const chunks = packets.map((p) => new EncodedAudioChunk({ type: 'key', timestamp: p.timestamp, duration: p.duration, data: p.data }));
      const ours = await decodeAudio(config, chunks);
      assert.deepEqual(dominantTones(ours.samples, ours.sampleRate, FREQS), CODED_51[family], 'AudioData channel k is coded channel k');

      // The other way: AudioData channel k = coded channel k; the CLI puts
      // each on its speaker (FFmpeg's order).
      const coded = CODED_51[family];
      const tone = (i, c) => 0.3 * Math.sin((2 * Math.PI * FREQS[coded[c]] * i) / 48000);
      const encoded = await encodeAudio({ codec, sampleRate: 48000, numberOfChannels: 6, ...(family === 'flac' ? {} : { bitrate: 384000 }) }, 1, () =>
        makeAudioData(tone, { frames: 48000, channels: 6, sampleRate: 48000 }),
      );
      const out = join(dir, `ours-${file}`);
      const d = encoded.decoderConfig;
      writeFileSync(
        out,
        family === 'aac'
          ? adtsFromRaw(encoded.chunks, d.description)
          : family === 'vorbis'
            ? oggVorbis(encoded.chunks, d.description, 48000)
            : family === 'opus'
              ? oggOpus(encoded.chunks, d.description)
              : rawStream(encoded.chunks, d.description),
      );
      assert.deepEqual(dominantTones(cliDecodeAudio(out, 6), 48000, FREQS), [0, 1, 2, 3, 4, 5], 'the CLI finds every tone on its speaker');
    });
  }
});

// --- Opus past eight channels ----------------------------------------------------

describe('Opus past 8 channels: mapping family 255 (RFC 7845 5.1.1.3)', () => {
  // A tone per channel; family 255 has no speaker positions, so channel k
  // must simply stay channel k.
  const tones = (channels) => Array.from({ length: channels }, (_, c) => 300 + 100 * c);
  const toneSignal = (freqs) => (i, c) => 0.3 * Math.sin((2 * Math.PI * freqs[c] * i) / 48000);

  for (const channels of [9, 12, 32]) {
    test(`${channels} channels: OpusHead with the mapping table; our decoder and the CLI find every tone on its channel`, async () => {
      const freqs = tones(channels);
      const { chunks, decoderConfig } = await encodeAudio({ codec: 'opus', sampleRate: 48000, numberOfChannels: channels }, 1, () =>
        makeAudioData(toneSignal(freqs), { frames: 48000, channels, sampleRate: 48000 }),
      );
      const head = decoderConfig.description;
      // Version 1, the channel count, family 255, one uncoupled stream per channel, identity mapping.
      assert.deepEqual([head[8], head[9], head[18], head[19], head[20]], [1, channels, 255, channels, 0]);
      assert.deepEqual([...head.subarray(21)], [...Array(channels).keys()]);
      const ours = await decodeAudio(decoderConfig, chunks);
      assert.equal(ours.samples.length, channels);
      assert.deepEqual(dominantTones(ours.samples, ours.sampleRate, freqs), [...Array(channels).keys()], 'our decode');
      const file = join(dir, `opus-${channels}.opus`);
      writeFileSync(file, oggOpus(chunks, head));
      assert.deepEqual(dominantTones(cliDecodeAudio(file, channels), 48000, freqs), [...Array(channels).keys()], 'the CLI\'s decode');
    });
  }

  test('a 12-channel stream the CLI encoded with family 255 decodes to the CLI\'s samples', async () => {
    const freqs = tones(12);
    const file = join(dir, 'cli-12.opus');
    const expr = freqs.map((f) => `0.3*sin(2*PI*${f}*t)`).join('|');
    ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${expr}:s=48000:d=1`, '-c:a', 'libopus', '-mapping_family', '255', file]);
    const { packets, extradata, sampleRate, channels } = probeAudioPackets(file);
    assert.deepEqual([channels, extradata[18]], [12, 255]);
    const chunks = packets.map((p) => new EncodedAudioChunk({ type: 'key', timestamp: p.timestamp, duration: p.duration, data: p.data }));
    const ours = await decodeAudio({ codec: 'opus', sampleRate, numberOfChannels: 12, description: extradata }, chunks);
    const cli = cliDecodeAudio(file, 12);
    assert.deepEqual(dominantTones(ours.samples, sampleRate, freqs), [...Array(12).keys()]);
    for (let c = 0; c < 12; c++) {
      const { offset, maxDiff } = alignSamples(cli[c], ours.samples[c]);
      assert.equal(offset, 0, `channel ${c}`);
      assert.ok(maxDiff <= 1e-7, `channel ${c}: the CLI's samples (max difference ${maxDiff})`);
    }
  });

  test('without a description past two channels, or past the 32-channel limit: unsupported', async () => {
    assert.equal((await AudioDecoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 12 })).supported, false);
    assert.equal((await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 33 })).supported, false);
  });
});
