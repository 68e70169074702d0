// Shared by the hostile-input stress tests (test/stress/*-hostile.test.mjs):
// deterministic mutations, and a decoder run that records what the spec lets
// an author observe, checked against the spec's error paths.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { concat } from './bitstream.mjs';
import { frameI420 } from './media.mjs';

/** A deterministic PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `bytes` with `flips` random bits inverted. */
export function flipped(bytes, flips, random) {
  const out = bytes.slice();
  for (let i = 0; i < flips; i++) out[Math.floor(random() * out.length)] ^= 1 << Math.floor(random() * 8);
  return out;
}

export function garbage(length, random) {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

/** An integer in [0, n). */
export const below = (n, random) => Math.floor(random() * n);

/** A copy of `bytes` with about `rate` of its bits inverted (at least one). */
export function flippedAtRate(bytes, rate, random) {
  return flipped(bytes, Math.max(1, Math.round(bytes.length * 8 * rate)), random);
}

// Values that make declared sizes, counts and offsets huge, zero or negative.
const BOUNDARY_VALUES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

/**
 * A copy of `bytes` with `fields` 1-, 2- or 4-byte fields (either byte
 * order) set to boundary values, each within the first `within` bytes
 * (where headers declare sizes and counts) or anywhere.
 */
export function withBoundaryValues(bytes, fields, random, within = bytes.length) {
  const out = bytes.slice();
  for (let f = 0; f < fields && out.length > 0; f++) {
    const width = [1, 2, 4][below(3, random)];
    const span = Math.max(1, Math.min(within, out.length) - width + 1);
    const at = below(span, random);
    const value = BOUNDARY_VALUES[below(BOUNDARY_VALUES.length, random)];
    const little = random() < 0.5;
    for (let b = 0; b < width && at + b < out.length; b++) {
      const shift = 8 * (little ? b : width - 1 - b);
      out[at + b] = Math.floor(value / 2 ** shift) & 0xff;
    }
  }
  return out;
}

/** A copy of `bytes` with a block moved, repeated or deleted, or random bytes inserted. */
export function spliced(bytes, random) {
  const n = bytes.length;
  const length = 1 + below(Math.max(1, Math.floor(n / 4)), random);
  const from = below(Math.max(1, n - length), random);
  const to = below(n + 1, random);
  const block = bytes.subarray(from, from + length);
  switch (below(4, random)) {
    case 0: {
      const rest = concat([bytes.subarray(0, from), bytes.subarray(from + length)]);
      const at = Math.min(to, rest.length);
      return concat([rest.subarray(0, at), block, rest.subarray(at)]);
    }
    case 1:
      return concat([bytes.subarray(0, to), block, bytes.subarray(to)]);
    case 2:
      return concat([bytes.subarray(0, from), bytes.subarray(from + length)]);
    default:
      return concat([bytes.subarray(0, to), garbage(length, random), bytes.subarray(to)]);
  }
}

/** Decodes `chunks` with a new `Decoder`; records outputs, errors, what decode() threw and how flush() settled. */
export async function decodeAll(Decoder, config, chunks) {
  const outputs = [];
  const errors = [];
  let outputsAtError = -1;
  const decoder = new Decoder({
    output: (x) => {
      outputs.push(x);
    },
    error: (e) => {
      errors.push(e);
      outputsAtError = outputs.length;
    },
  });
  let thrown = null;
  decoder.configure(config);
  try {
    for (const c of chunks) decoder.decode(c);
  } catch (e) {
    thrown = e;
  }
  let flushError = null;
  try {
    await decoder.flush();
  } catch (e) {
    flushError = e;
  }
  // Events queued behind the flush rejection (none should come).
  await new Promise((r) => setImmediate(r));
  const result = { outputs, errors, thrown, flushError, state: decoder.state, outputsAtError, outputsAfterError: outputs.length - outputsAtError };
  if (decoder.state !== 'closed') decoder.close();
  return result;
}

/**
 * Checks how one case was reported. `expect`: "clean" (no error),
 * "rejected" (EncodingError, or DataError from decode() when `dataError`
 * says the mutated chunk needed the key check), "unsupported"
 * (NotSupportedError), "dataError" (decode() must throw DataError: the
 * first chunk is not a key chunk) or "any" (decodes or reports one error).
 * `errorNames`: the error callback's exceptions allowed here. Returns false
 * when decode() threw, leaving nothing decoded to check.
 */
export function checkReport(where, r, { expect, dataError = false, errorNames = ['EncodingError'] }) {
  if (expect === 'dataError') assert.equal(r.thrown?.name, 'DataError', `${where}decode() must throw DataError (threw ${r.thrown})`);
  if (r.thrown) {
    assert.ok(dataError || expect === 'dataError', `${where}decode() threw ${r.thrown.name}: ${r.thrown.message}`);
    assert.ok(r.thrown instanceof DOMException && r.thrown.name === 'DataError', `${where}decode() threw ${r.thrown}`);
    if (r.errors.length === 0) {
      assert.equal(r.flushError, null, `${where}the codec stays usable after a DataError`);
    } else {
      // decode() checks the chunk before the configuration's support is
      // known; an unsupported one still closes the codec afterwards.
      assert.deepEqual(r.errors.map((e) => e.name), ['NotSupportedError'], `${where}only configure() fails after a DataError`);
      assert.ok(errorNames.includes('NotSupportedError'), `${where}unsupported configuration: ${r.errors[0].message}`);
      assert.equal(r.flushError, r.errors[0], `${where}flush() rejects with the error the callback got`);
    }
    return false;
  }
  assert.ok(r.errors.length <= 1, `${where}error callback called ${r.errors.length} times`);
  if (r.errors.length === 1) {
    const [e] = r.errors;
    const allowed = expect === 'unsupported' ? ['NotSupportedError'] : errorNames;
    assert.ok(e instanceof DOMException && allowed.includes(e.name), `${where}error ${e.name}: ${e.message}`);
    assert.ok(e.message.length > 10, `${where}the error says what went wrong`);
    assert.equal(r.flushError, e, `${where}flush() rejects with the error the callback got`);
    assert.equal(r.state, 'closed', `${where}state after an error`);
    assert.equal(r.outputsAfterError, 0, `${where}no output after the error`);
  } else {
    assert.equal(r.flushError, null, `${where}flush() rejected without an error callback: ${r.flushError}`);
    assert.equal(r.state, 'configured', `${where}state`);
  }
  if (expect === 'rejected') assert.equal(r.errors.length, 1, `${where}the decoder must report the mutation`);
  if (expect === 'unsupported') assert.equal(r.errors[0]?.name, 'NotSupportedError', `${where}must be unsupported`);
  if (expect === 'clean') assert.equal(r.errors.length, 0, `${where}unexpected ${r.errors[0]?.name}: ${r.errors[0]?.message}`);
  return true;
}

/**
 * checkReport for a video decoder's case, then its frames (closed
 * afterwards): each has one of the `inputs`' timestamps; `intact` frames (from chunks
 * before the mutation, or every frame for "clean") have the clip's visible
 * size and equal `reference` (timestamp -> I420 bytes of the clean decode).
 */
export async function checkVideo(label, r, { reference, inputs = new Set(reference.keys()), intact = new Set(), width, height, ...report }) {
  const where = `${label}: `;
  try {
    if (!checkReport(where, r, report)) return;
    if (report.expect === 'clean') {
      assert.deepEqual(r.outputs.map((f) => f.timestamp).sort((a, b) => a - b), [...intact].sort((a, b) => a - b), `${where}frames`);
    }
    for (const f of r.outputs) {
      assert.ok(inputs.has(f.timestamp), `${where}output timestamp ${f.timestamp} is one of the inputs'`);
      // A mutated header may declare another size; intact frames keep the clip's.
      if (intact.has(f.timestamp)) {
        assert.deepEqual([f.visibleRect.width, f.visibleRect.height], [width, height], `${where}frame ${f.timestamp}'s visible size`);
        assert.deepEqual(await frameI420(f), reference.get(f.timestamp), `${where}frame ${f.timestamp} equals the reference`);
      }
    }
  } finally {
    r.outputs.forEach((f) => f.close());
  }
}

// --- The corpus, one target per process --------------------------------------

/** Cases per corpus target; WCN_HOSTILE_CASES sets more for long runs. */
export const CORPUS_CASES = Number(process.env.WCN_HOSTILE_CASES || 1000);

/**
 * Peak RSS (MiB) a target's cases may add to its process, with one decoder
 * (or demuxer) alive at a time. Video decoders allocate the frames a
 * header declares within the limits (a flipped bit in an SPS can make
 * them large: 143 MiB in 5,000 H.264 cases). FFmpeg 5.1's MP4 demuxer sizes
 * its index by a fragment's sample count without checking it against the
 * box: a 12 KB fragmented MP4 with flipped bits reserves 855 MB and
 * touches 272 MB before failing (ffprobe does the same).
 */
const CORPUS_RSS_BOUND_MIB = { video: 256, audio: 128, image: 128, container: 384 };

const corpusFixture = fileURLToPath(new URL('../stress/fixtures/hostile-corpus.mjs', import.meta.url));

/**
 * Runs one target's corpus (test/helpers/hostile-corpus.mjs) in its own
 * process and checks what every target must show: the process ends by
 * itself with status 0 (no crash, no case breaking the spec's rules, no
 * promise left unsettled), every case ran, every live-object count is back
 * to zero, and peak RSS stayed within CORPUS_RSS_BOUND_MIB[group] of where
 * it was before the cases. Resolves with the summary.
 */
export async function runCorpusTarget(group, name) {
  // Array buffers swept during gc(), not after it: what it frees is counted at once.
  const child = spawn(process.execPath, ['--expose-gc', '--no-concurrent-array-buffer-sweeping', corpusFixture, group, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const [status, signal] = await once(child, 'close');
  assert.equal(signal, null, `${name}: the process died: ${stderr}`);
  assert.equal(status, 0, `${name}: ${stderr}`);
  const summary = JSON.parse(stdout.trim().split('\n').pop());
  assert.equal(summary.cases, CORPUS_CASES);
  for (const [kind, count] of Object.entries(summary.live)) assert.equal(count, 0, `${name}: ${kind} still alive`);
  const grown = summary.peakRss - summary.rssBefore;
  assert.ok(grown <= CORPUS_RSS_BOUND_MIB[group], `${name}: peak RSS ${grown.toFixed(0)} MiB above its start`);
  return summary;
}

/** One line of a corpus summary: cases, must-fail cases, outcomes, peak RSS growth. */
export function describeCorpus(s) {
  const outcomes = {};
  for (const { outcomes: o } of Object.values(s.byKind)) for (const [k, n] of Object.entries(o)) outcomes[k] = (outcomes[k] ?? 0) + n;
  const list = Object.entries(outcomes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${s.target}: ${s.cases} cases (${s.mustFail} must fail): ${list}; peak RSS +${(s.peakRss - s.rssBefore).toFixed(0)} MiB`;
}
