// Shared by the hostile-input stress tests (test/stress/*-hostile.test.mjs):
// deterministic mutations, and a decoder run that records what the spec lets
// an author observe, checked against the spec's error paths.
import assert from 'node:assert/strict';

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
 * (NotSupportedError), or "any" (decodes or reports one error).
 * `errorNames`: the error callback's exceptions allowed here. Returns false
 * when decode() threw, leaving nothing decoded to check.
 */
export function checkReport(where, r, { expect, dataError = false, errorNames = ['EncodingError'] }) {
  if (r.thrown) {
    assert.ok(dataError, `${where}decode() threw ${r.thrown.name}: ${r.thrown.message}`);
    assert.ok(r.thrown instanceof DOMException && r.thrown.name === 'DataError', `${where}decode() threw ${r.thrown}`);
    assert.equal(r.errors.length, 0, `${where}no error callback after a synchronous DataError`);
    assert.equal(r.flushError, null, `${where}the codec stays usable after a DataError`);
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
