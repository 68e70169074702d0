// Property tests (fast-check) of the codec-string parsers in lib/codecs and
// of isConfigSupported on random configurations: any string parses to a
// description of itself or to null, never to an exception; codec strings
// built from configuration records (hostile files reach these through the
// Demuxer) never throw; and isConfigSupported of any value settles with
// {supported, config} or rejects with a TypeError, the spec's only
// rejection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import fc from 'fast-check';
import { AudioDecoder, AudioEncoder, VideoDecoder, VideoEncoder } from 'webcodecs-native';

const require = createRequire(import.meta.url);
const codecs = require('../../dist/codecs/index.js');

const VIDEO_FAMILIES = new Set(['avc', 'hevc', 'vp8', 'vp9', 'av1']);
const AUDIO_FAMILIES = new Set(['aac', 'opus', 'mp3', 'flac', 'vorbis', 'pcm', 'ulaw', 'alaw']);

// Strings close to codec strings: a registry prefix, then dot-separated
// fields of digits, hex, tier letters or anything.
const field = fc.oneof(
  fc.stringMatching(/^\d{1,3}$/),
  fc.stringMatching(/^[0-9a-fA-F]{1,8}$/),
  fc.stringMatching(/^\d\d[MHL]$/),
  fc.stringMatching(/^[LH]\d{1,3}$/),
  fc.string({ maxLength: 4 }),
);
const codecLike = fc
  .tuple(
    fc.constantFrom('avc1', 'avc3', 'hev1', 'hvc1', 'vp8', 'vp09', 'av01', 'mp4a', 'opus', 'pcm-s16', 'flac', ''),
    fc.array(field, { maxLength: 11 }),
  )
  .map(([prefix, fields]) => [prefix, ...fields].join('.'));
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), codecLike);

test('any string parses to a description of a known codec, or null, without throwing', () => {
  fc.assert(
    fc.property(anyString, fc.nat(70000), fc.nat(70000), (s, width, height) => {
      const video = codecs.parseVideoCodec(s);
      if (video !== null) {
        assert.ok(VIDEO_FAMILIES.has(video.codec), s);
        assert.equal(typeof codecs.videoCodecFamily(video), 'string');
        assert.ok(Number.isInteger(codecs.videoCodecProfile(video)));
        assert.equal(typeof codecs.levelSizeProblem(video, width, height), 'string');
      }
      const audio = codecs.parseAudioCodec(s);
      if (audio !== null) {
        assert.ok(AUDIO_FAMILIES.has(audio.codec), s);
        assert.equal(typeof codecs.audioCodecName(audio), 'string');
      }
    }),
    { numRuns: 5000 },
  );
});

test('a parsed AVC or VP9 string is rebuilt from what the parser read', () => {
  fc.assert(
    fc.property(codecLike, (s) => {
      const parsed = codecs.parseVideoCodec(s);
      if (parsed?.codec === 'avc') {
        const rebuilt = codecs.avcCodecString(parsed.prefix, parsed.profileIdc, parsed.constraintFlags, parsed.levelIdc);
        assert.equal(rebuilt, s.toLowerCase());
      }
      if (parsed?.codec === 'vp9') {
        const again = codecs.parseVideoCodec(codecs.vp9CodecString(parsed));
        assert.deepEqual([again.profile, again.level, again.bitDepth], [parsed.profile, parsed.level, parsed.bitDepth]);
      }
    }),
    { numRuns: 20000 },
  );
  // The property above must have met valid strings to mean anything.
  assert.notEqual(codecs.parseVideoCodec('avc1.64001F'), null);
});

test('codec strings from configuration records of any bytes are strings or null', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 32 }), fc.constantFrom('av01.0.04M.08', 'av01.2.31H.12.0.000'), (record, av1) => {
      for (const s of [
        codecs.avcCodecStringFromRecord('avc1', record),
        codecs.hevcCodecStringFromRecord('hvc1', record),
        codecs.av1CodecStringOfRecord(record),
        codecs.av1CodecStringFromRecord(av1, record),
      ]) {
        assert.ok(s === null || typeof s === 'string');
      }
    }),
    { numRuns: 5000 },
  );
});

// Values a caller may pass for any member: mostly plausible ones, often
// out of range or of the wrong type.
const number = fc.oneof(
  fc.integer({ min: 1, max: 2048 }),
  fc.constantFrom(0, -1, 0.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, 1e300),
);
const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.string({ maxLength: 8 }), number, fc.object({ maxDepth: 1 }));
const member = (plausible) => fc.oneof({ weight: 9, arbitrary: plausible }, { weight: 1, arbitrary: junk });
// Valid codec strings three times out of four, codec-like ones otherwise.
const videoCodec = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('avc1.42001f', 'avc1.64002a', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'vp09.02.10.10', 'av01.0.04M.08') },
  { weight: 1, arbitrary: codecLike },
);
const audioCodec = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('mp4a.40.2', 'opus', 'mp3', 'flac', 'vorbis', 'pcm-s16', 'pcm-f32', 'ulaw', 'alaw') },
  { weight: 1, arbitrary: codecLike },
);
const description = fc.oneof(fc.uint8Array({ maxLength: 48 }), fc.uint8Array({ maxLength: 48 }).map((a) => a.buffer));
const size = fc.integer({ min: 1, max: 640 });

const configs = {
  VideoDecoder: fc.record(
    {
      codec: member(videoCodec),
      codedWidth: member(size),
      codedHeight: member(size),
      displayAspectWidth: member(size),
      displayAspectHeight: member(size),
      description: member(description),
      optimizeForLatency: member(fc.boolean()),
      hardwareAcceleration: member(fc.constantFrom('no-preference', 'prefer-hardware', 'prefer-software')),
      rotation: member(fc.constantFrom(0, 90, 180, 270)),
      flip: member(fc.boolean()),
    },
    { requiredKeys: ['codec'] },
  ),
  VideoEncoder: fc.record(
    {
      codec: member(videoCodec),
      width: member(size),
      height: member(size),
      bitrate: member(fc.integer({ min: 1, max: 10_000_000 })),
      framerate: member(fc.integer({ min: 1, max: 120 })),
      latencyMode: member(fc.constantFrom('quality', 'realtime')),
      bitrateMode: member(fc.constantFrom('constant', 'variable', 'quantizer')),
      scalabilityMode: member(fc.constantFrom('L1T1', 'L1T2', 'L1T3', 'L2T1')),
      alpha: member(fc.constantFrom('keep', 'discard')),
      avc: member(fc.record({ format: fc.constantFrom('avc', 'annexb', 'x') })),
    },
    { requiredKeys: ['codec', 'width', 'height'] },
  ),
  AudioDecoder: fc.record(
    {
      codec: member(audioCodec),
      sampleRate: member(fc.constantFrom(8000, 44100, 48000, 96000, 1)),
      numberOfChannels: member(fc.integer({ min: 1, max: 40 })),
      description: member(description),
    },
    { requiredKeys: ['codec', 'sampleRate', 'numberOfChannels'] },
  ),
  AudioEncoder: fc.record(
    {
      codec: member(audioCodec),
      sampleRate: member(fc.constantFrom(8000, 44100, 48000, 96000, 1)),
      numberOfChannels: member(fc.integer({ min: 1, max: 40 })),
      bitrate: member(fc.integer({ min: 1, max: 600_000 })),
      bitrateMode: member(fc.constantFrom('constant', 'variable')),
      opus: member(fc.record({ frameDuration: fc.constantFrom(2500, 5000, 10000, 20000, 40000, 60000, 7), complexity: fc.integer({ min: 0, max: 11 }), format: fc.constantFrom('opus', 'ogg') })),
      flac: member(fc.record({ blockSize: fc.constantFrom(0, 4096, 16), compressLevel: fc.integer({ min: 0, max: 9 }) })),
    },
    { requiredKeys: ['codec', 'sampleRate', 'numberOfChannels'] },
  ),
};

const classes = { VideoDecoder, VideoEncoder, AudioDecoder, AudioEncoder };
for (const [name, arbitrary] of Object.entries(configs)) {
  test(`${name}.isConfigSupported settles with {supported, config} or a TypeError for any config`, async () => {
    const outcomes = { supported: 0, unsupported: 0, typeError: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 9, arbitrary }, { weight: 1, arbitrary: junk }), async (config) => {
        let support;
        try {
          support = await classes[name].isConfigSupported(config);
        } catch (e) {
          assert.ok(e instanceof TypeError, `${name}.isConfigSupported rejected with ${e?.name}: ${e?.message}`);
          outcomes.typeError++;
          return;
        }
        assert.equal(typeof support.supported, 'boolean');
        assert.equal(typeof support.config, 'object');
        outcomes[support.supported ? 'supported' : 'unsupported']++;
      }),
      { numRuns: 150, seed: 7 },
    );
    // Every outcome must have been met for the property to test anything.
    assert.ok(outcomes.supported > 0 && outcomes.unsupported > 0 && outcomes.typeError > 0, JSON.stringify(outcomes));
  });
}
