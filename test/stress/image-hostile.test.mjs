// Hostile input for the ImageDecoder, per image type: CORPUS_CASES
// deterministic mutations of a small image (animated where the type
// animates): bit flips at several rates, truncation, no bytes (TypeError),
// random bytes, header fields set to boundary values, moved, repeated and
// deleted blocks, and declared sizes beyond the limits (EncodingError),
// given as a buffer or, one case in four, a stream. Every decode() settles
// with a frame, a RangeError (the decoder stays open) or an EncodingError
// (it closes: later decodes reject with InvalidStateError); tracks.ready
// and completed settle. See hostile-corpus.mjs; the spec's ImageDecoder
// error table is test/conformance/image-decoder-errors.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { IMAGE_TARGETS } from '../helpers/hostile-corpus.mjs';
import { describeCorpus, runCorpusTarget } from '../helpers/hostile.mjs';

describe('hostile corpus: the ImageDecoder per image type', { concurrency: 2 }, () => {
  for (const target of IMAGE_TARGETS) {
    test(target.name, async (t) => {
      // runCorpusTarget checks every case, the exit and the live objects;
      // here, that the corpus reaches both ends: cases that must fail, and
      // mutations mild enough to be decoded.
      const summary = await runCorpusTarget('image', target.name);
      t.diagnostic(describeCorpus(summary));
      assert.ok(summary.mustFail > 0, `${target.name}: no case that must fail`);
      const outcomes = Object.values(summary.byKind).flatMap((k) => Object.keys(k.outcomes));
      assert.ok(outcomes.includes('decoded'), `${target.name}: no case was decoded`);
    });
  }
});
