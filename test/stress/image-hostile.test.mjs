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

import { IMAGE_TARGETS } from '../helpers/hostile-corpus.mjs';
import { describeCorpus, runCorpusTarget } from '../helpers/hostile.mjs';

describe('hostile corpus: the ImageDecoder per image type', { concurrency: 2 }, () => {
  for (const target of IMAGE_TARGETS) {
    test(target.name, async (t) => t.diagnostic(describeCorpus(await runCorpusTarget('image', target.name))));
  }
});
