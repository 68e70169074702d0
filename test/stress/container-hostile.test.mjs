// Hostile input for the Demuxer over every container it is tested with:
// CORPUS_CASES deterministic mutations of a small file per container (bit
// flips at several rates, truncation, no bytes, random bytes, header fields
// set to boundary values, so sizes and counts are huge, zero or negative,
// moved, repeated and deleted blocks), read from a Buffer or, one case in
// four, a stream. Every open() settles (NotSupportedError or EncodingError
// when it fails, NotSupportedError for no bytes), chunks are sane, reading
// ends or fails once, and the first decodable track's chunks go through
// its decoder. See hostile-corpus.mjs; other Demuxer hostile cases are in
// test/integration/demuxer.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { CONTAINER_TARGETS } from '../helpers/hostile-corpus.mjs';
import { describeCorpus, runCorpusTarget } from '../helpers/hostile.mjs';

describe('hostile corpus: the Demuxer over every container', { concurrency: 2 }, () => {
  for (const target of CONTAINER_TARGETS) {
    test(target.name, async (t) => {
      // runCorpusTarget checks every case, the exit and the live objects;
      // here, that the corpus reaches both ends: cases that must fail, and
      // mutations mild enough to be read to its end.
      const summary = await runCorpusTarget('container', target.name);
      t.diagnostic(describeCorpus(summary));
      assert.ok(summary.mustFail > 0, `${target.name}: no case that must fail`);
      const outcomes = Object.values(summary.byKind).flatMap((k) => Object.keys(k.outcomes));
      assert.ok(outcomes.includes('read'), `${target.name}: no case was read to its end`);
    });
  }
});
