// Interoperability with the ffmpeg CLI, checked by samples:
// - streams the CLI encoded (demuxed by ffprobe into chunks and the
//   description the registration asks for) decode with AudioDecoder to the
//   very samples the CLI's own decode gives, after the priming the CLI trims
//   from its containers;
// - streams our AudioEncoder made, written to files the CLI reads, decode
//   with the CLI to what our decoder gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { EncodedAudioChunk } from 'webcodecs-native';

import { decodeAudio } from '../helpers/codecs.mjs';
import { alignSamples, cliDecodeAudio, ffmpeg, probeAudioPackets, tempDir } from '../helpers/media.mjs';

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
