// Hostile input for every audio decoder: the corpus (CORPUS_CASES
// deterministic mutations per decoder, see hostile-corpus.mjs) and targeted
// mutations of streams we encode (bit flips, truncation, empty, garbage and
// oversized chunks, broken and oversized descriptions, channel counts and sample
// rates at and past the limits). Whatever the input the process survives,
// every flush settles, and the decoder either decodes or reports exactly
// one error through the spec's paths: EncodingError for bad data (flush
// rejects with it, the codec closes, no output follows), NotSupportedError
// for a configuration it cannot use. Where the bitstream lets a mutation be
// detected (CRCs, frame lengths, whole PCM frames), it must be reported.
// The helpers are shared with video-hostile.test.mjs.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { AudioDecoder, EncodedAudioChunk } from 'webcodecs-native';

import { audioConfig, encodeAudio } from '../helpers/codecs.mjs';
import { AUDIO_TARGETS } from '../helpers/hostile-corpus.mjs';
import { checkReport, decodeAll, describeCorpus, flipped, garbage, prng, runCorpusTarget } from '../helpers/hostile.mjs';
import { SIGNALS, makeAudioData } from '../helpers/media.mjs';

const MiB = 1 << 20;

const bytesOf = (chunk) => {
  const out = new Uint8Array(chunk.byteLength);
  chunk.copyTo(out);
  return out;
};

// Each decoder's traits (what its bitstream lets it detect) and, for PCM,
// `frameBytes` (a chunk must hold whole stereo frames): hostile-corpus.mjs.
for (const entry of AUDIO_TARGETS) {
  const { frameBytes } = entry;
  const config = audioConfig(entry);
  const rate = config.sampleRate;

  describe(`hostile input: ${entry.name} decoder`, () => {
    let chunks;
    let decoderConfig;

    before(async () => {
      const frames = Math.floor(rate / 20);
      ({ chunks, decoderConfig } = await encodeAudio(config, 10, (i) =>
        makeAudioData(SIGNALS.tones(rate), { start: i * frames, frames, channels: 2, sampleRate: rate }),
      ));
      const clean = await decodeAll(AudioDecoder, decoderConfig, chunks);
      assert.deepEqual(clean.errors, []);
      clean.outputs.forEach((o) => o.close());
    });

    const replaced = (at, data) =>
      chunks.map((c, i) => (i === at ? new EncodedAudioChunk({ type: 'key', timestamp: c.timestamp, data }) : c));
    /** Decodes `mutated` with `config` (the clip's by default) and checks how it was reported. */
    const run = async (label, mutated, report, config = decoderConfig) => {
      const r = await decodeAll(AudioDecoder, config, mutated);
      try {
        checkReport(`${entry.name} ${label}: `, r, report);
      } finally {
        r.outputs.forEach((o) => o.close());
      }
      return r;
    };

    test('empty chunks are EncodingErrors, never end-of-stream', async () => {
      for (const at of [0, 4]) await run(`empty chunk ${at}`, replaced(at, new Uint8Array(0)), { expect: 'rejected' });
    });

    test('truncated chunks', async () => {
      for (const at of [0, chunks.length >> 1]) {
        const bytes = bytesOf(chunks[at]);
        for (const fraction of [0, 0.25, 0.5, 0.75, 0.95]) {
          const length = Math.max(1, Math.floor(bytes.length * fraction));
          const reportable = frameBytes ? length % frameBytes !== 0 : entry.framed;
          await run(`chunk ${at} cut to ${length} of ${bytes.length} bytes`, replaced(at, bytes.subarray(0, length)), {
            expect: reportable ? 'rejected' : frameBytes ? 'clean' : 'any',
          });
        }
      }
    });

    test('bit flips', async () => {
      let cases = 0;
      let reported = 0;
      for (const at of [0, 1, chunks.length >> 1]) {
        for (const flips of [1, 8]) {
          for (let seed = 1; seed <= 4; seed++) {
            const data = flipped(bytesOf(chunks[at]), flips, prng(seed * 1000 + at * 10 + flips));
            const r = await run(`chunk ${at}, ${flips} bit(s) flipped, seed ${seed}`, replaced(at, data), { expect: 'any' });
            cases++;
            if (r.errors.length) reported++;
          }
        }
      }
      assert.ok(reported / cases >= entry.flips, `${reported} of ${cases} flipped chunks reported; at least ${entry.flips * 100}% expected`);
    });

    test('random garbage', async () => {
      const random = prng(7);
      for (const length of [1, 7, 100, 5000, 200000]) {
        const data = garbage(length, random);
        const pcmWhole = frameBytes && length % frameBytes === 0;
        await run(`${length} random bytes as chunk 2`, replaced(2, data), {
          expect: entry.garbage || (frameBytes && !pcmWhole) ? 'rejected' : 'any',
        });
      }
    });

    if (entry.codec === 'flac') {
      test('chunks that are not FLAC frames are EncodingErrors (FFmpeg skips some as metadata blocks)', async () => {
        for (const first of [0x04, 0x84, 0x7f, 0x00]) {
          const data = garbage(3000, prng(first));
          data[0] = first;
          const r = await run(`a chunk starting with 0x${first.toString(16)}`, replaced(1, data), { expect: 'rejected' });
          assert.match(r.errors[0].message, /not a FLAC frame/);
        }
      });
    }

    test('a chunk beyond the 256 MiB limit is an EncodingError from decoding, not from decode()', async () => {
      // Transferred, never written: its pages are not touched.
      const big = new ArrayBuffer(256 * MiB + 1);
      const r = await run('oversized chunk', [chunks[0], new EncodedAudioChunk({ type: 'key', timestamp: 1, data: big, transfer: [big] })], {
        expect: 'rejected',
      });
      assert.match(r.errors[0].message, /268435457 bytes; chunks of at most 268435456 bytes/);
    });

    test('descriptions: beyond 1 MiB unsupported; garbage reported or, where unused, ignored', async () => {
      const oversized = new Uint8Array(MiB + 1);
      await run('a description of 1 MiB + 1', chunks, { expect: 'unsupported' }, { ...decoderConfig, description: oversized });
      for (const length of [1, 19, 64, 5000]) {
        const description = garbage(length, prng(length));
        await run(`a description of ${length} random bytes`, chunks, { expect: 'any', errorNames: ['EncodingError', 'NotSupportedError'] }, {
          ...decoderConfig,
          description,
        });
      }
    });

    test('channel counts and sample rates past the limits are unsupported; at the limits, decoded or reported', async () => {
      for (const [numberOfChannels, sampleRate] of [[33, rate], [2 ** 32 - 1, rate], [2, 1], [2, 2999], [2, 768001], [2, 2 ** 32 - 1]]) {
        await run(`${numberOfChannels} channels at ${sampleRate} Hz`, chunks, { expect: 'unsupported' }, { ...decoderConfig, numberOfChannels, sampleRate });
      }
      for (const [numberOfChannels, sampleRate] of [[32, rate], [1, rate], [2, 3000], [2, 768000]]) {
        await run(`${numberOfChannels} channels at ${sampleRate} Hz`, chunks, { expect: 'any', errorNames: ['EncodingError', 'NotSupportedError'] }, {
          ...decoderConfig,
          numberOfChannels,
          sampleRate,
        });
      }
    });
  });
}

describe('hostile corpus: every audio decoder', { concurrency: 2 }, () => {
  for (const target of AUDIO_TARGETS) {
    test(target.name, async (t) => t.diagnostic(describeCorpus(await runCorpusTarget('audio', target.name))));
  }
});
