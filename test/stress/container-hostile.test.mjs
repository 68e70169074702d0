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

import { CONTAINER_TARGETS } from '../helpers/hostile-corpus.mjs';
import { describeCorpus, runCorpusTarget } from '../helpers/hostile.mjs';

describe('hostile corpus: the Demuxer over every container', { concurrency: 2 }, () => {
  for (const target of CONTAINER_TARGETS) {
    test(target.name, async (t) => t.diagnostic(describeCorpus(await runCorpusTarget('container', target.name))));
  }
});
