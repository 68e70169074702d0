// Model-based tests of lib/codec-base.ts, the spec's codec processing model
// shared by the four codecs: thousands of random call sequences against a
// fake native codec whose events the test delivers one at a time. After
// every step the observable behaviour must agree with the spec:
// - state transitions, and InvalidStateError for calls in the wrong state;
// - every flush promise settles: resolved only if nothing ended its
//   configuration first, AbortError for reset()/close(), EncodingError or
//   NotSupportedError when the codec closed with that error;
// - a flush resolves only after every output of the work queued before it;
// - no output after reset()/close(), none of an earlier generation;
// - each output is delivered with the configuration its work was queued
//   under, even when configure() was called again before it arrived;
// - the error callback at most once, always with the codec closed;
// - the queue size returns to 0 and a dequeue event follows its changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import fc from 'fast-check';

const require = createRequire(import.meta.url);
const { CodecBase } = require('../../dist/codec-base.js');

const MAX_IN_FLIGHT = 3;

/** Stands in for src/binding/codec_binding.h: queues messages until the test runs them. */
class FakeNative {
  constructor(onEvents) {
    this.onEvents = onEvents;
    this.pending = []; // messages the "worker" has not run yet
    this.closed = false;
    this.generation = 0;
  }
  configure(config, generation) {
    this.pending.push({ kind: 'configure', config, generation });
  }
  work(id, generation) {
    this.pending.push({ kind: 'work', id, generation });
  }
  flush(id, generation) {
    this.pending.push({ kind: 'flush', id, generation });
  }
  reset(generation) {
    // The worker drops what is queued (WorkerQueue::ReplaceAll) but finishes
    // the message it is running, whose events carry the old generation.
    this.generation = generation;
    this.pending = this.pending.slice(0, 1);
  }
  close() {
    this.closed = true;
    this.pending = [];
  }
  /** Runs the oldest message; `fail` makes it a codec error instead. */
  step(fail) {
    const m = this.pending.shift();
    if (!m) return;
    const g = m.generation;
    // As EventToJs sends them: an output is its value and the record
    // [1 + its numbers, generation, its numbers]; other events the record [0].
    const events = [];
    const numbers = [];
    const event = (e) => {
      events.push(e);
      numbers.push(0);
    };
    if (m.kind === 'configure') {
      event({ type: 'configured', generation: g });
    } else if (m.kind === 'work') {
      if (fail) {
        event({ type: 'error', generation: g, error: new DOMException('corrupt', 'EncodingError') });
      } else {
        events.push({ workId: m.id });
        numbers.push(2, g, m.id);
      }
      event({ type: 'done', generation: g });
    } else {
      event({ type: 'flushed', generation: g, id: m.id });
    }
    this.onEvents(events, new Float64Array(numbers));
  }
}

class FakeCodec extends CodecBase {
  constructor(log) {
    let fake;
    const errors = (e) => log.errors.push({ error: e, state: this.state });
    super((onEvents) => (fake = new FakeNative(onEvents)), errors, MAX_IN_FLIGHT);
    this.fake = fake;
    this.log = log;
    this.configurations = 0; // configure() calls: the latest one is what work is queued under
    this.addEventListener('dequeue', () => log.dequeues++);
  }
  get queueSize() {
    return super.queueSize;
  }
  configure(supported) {
    this.configureCodec(supported ? {} : null, 'unsupported for the test', ++this.configurations);
  }
  work(id) {
    if (this.state !== 'configured') throw new DOMException('not configured', 'InvalidStateError');
    this.enqueueWork([id]);
  }
  flush() {
    return this.flushCodec();
  }
  reset() {
    this.resetCodec(new DOMException('reset', 'AbortError'));
  }
  close() {
    this.closeCodec(new DOMException('close', 'AbortError'));
  }
  onReset() {}
  deliverOutput(value, numbers, at) {
    assert.equal(numbers[at], value.workId, 'the output gets its own numbers');
    this.log.outputs.push({ workId: value.workId, era: this.log.era(), state: this.state, configuration: this.activeConfig });
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

const command = fc.oneof(
  { arbitrary: fc.constant({ op: 'configure', supported: true }), weight: 3 },
  { arbitrary: fc.constant({ op: 'configure', supported: false }), weight: 1 },
  { arbitrary: fc.constant({ op: 'work' }), weight: 6 },
  { arbitrary: fc.constant({ op: 'flush' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'reset' }), weight: 1 },
  { arbitrary: fc.constant({ op: 'close' }), weight: 1 },
  { arbitrary: fc.constant({ op: 'step', fail: false }), weight: 8 },
  { arbitrary: fc.constant({ op: 'step', fail: true }), weight: 1 },
  { arbitrary: fc.constant({ op: 'turn' }), weight: 3 },
);

async function runSequence(commands) {
  let generationEnds = 0; // reset/close calls so far: the "era" a call belongs to
  const log = { errors: [], outputs: [], dequeues: 0, era: () => generationEnds };
  const codec = new FakeCodec(log);
  const flushes = [];
  const works = new Map(); // id -> {era}
  let nextWork = 0;
  let expectedState = 'unconfigured';

  const checkCallback = () => {
    assert.ok(log.errors.length <= 1, 'the error callback runs at most once');
    for (const e of log.errors) {
      assert.equal(e.state, 'closed', 'the codec is closed when its error callback runs');
      assert.ok(['EncodingError', 'NotSupportedError'].includes(e.error.name), e.error.name);
    }
    if (log.errors.length) expectedState = 'closed';
    assert.equal(codec.state, expectedState);
  };

  for (const c of commands) {
    const before = codec.state;
    switch (c.op) {
      case 'configure':
        if (before === 'closed') {
          assert.throws(() => codec.configure(c.supported), { name: 'InvalidStateError' });
        } else {
          codec.configure(c.supported);
          expectedState = 'configured';
        }
        break;
      case 'work': {
        const id = nextWork++;
        if (before !== 'configured') {
          assert.throws(() => codec.work(id), { name: 'InvalidStateError' });
        } else {
          codec.work(id);
          works.set(id, { era: generationEnds, configuration: codec.configurations });
        }
        break;
      }
      case 'flush': {
        const record = { era: generationEnds, stateAtCall: before, workBefore: [...works.keys()], settled: null };
        codec.flush().then(
          () => (record.settled = { ok: true, era: generationEnds, outputsSeen: log.outputs.map((o) => o.workId) }),
          (e) => (record.settled = { ok: false, era: generationEnds, name: e.name }),
        );
        flushes.push(record);
        break;
      }
      case 'reset':
        if (before === 'closed') assert.throws(() => codec.reset(), { name: 'InvalidStateError' });
        else {
          codec.reset();
          generationEnds++;
          expectedState = 'unconfigured';
        }
        break;
      case 'close':
        if (before === 'closed') assert.throws(() => codec.close(), { name: 'InvalidStateError' });
        else {
          codec.close();
          generationEnds++;
          expectedState = 'closed';
        }
        break;
      case 'step':
        codec.fake.step(c.fail);
        break;
      case 'turn':
        await turn();
        break;
    }
    await Promise.resolve();
    checkCallback();
    assert.ok(codec.queueSize >= 0);
    for (const o of log.outputs) {
      assert.equal(o.state, 'configured', 'outputs arrive only while configured');
      assert.equal(o.era, works.get(o.workId).era, `work ${o.workId} from an earlier configuration produced no output`);
      assert.equal(o.configuration, works.get(o.workId).configuration, `work ${o.workId} output with its own configuration`);
    }
  }

  // Drain: run whatever the native side still holds, let tasks run.
  for (let idle = 0, i = 0; idle < 3; i++) {
    assert.ok(i < 10_000, 'the codec settles');
    idle = codec.fake.pending.length ? 0 : idle + 1;
    codec.fake.step(false);
    await turn();
  }
  checkCallback();
  const dequeuesBefore = log.dequeues;
  await turn();
  assert.equal(log.dequeues, dequeuesBefore, 'no dequeue event without a queue change');
  if (codec.state === 'configured') assert.equal(codec.queueSize, 0, 'the queue drains to 0');

  const errorName = log.errors[0]?.error.name;
  for (const f of flushes) {
    assert.ok(f.settled, 'every flush promise settles');
    if (f.stateAtCall !== 'configured') {
      assert.equal(f.settled.name, 'InvalidStateError');
    } else if (f.settled.ok) {
      // Nothing ended the configuration before it resolved, and every output
      // of the work queued before it (in the same era) came first.
      assert.equal(f.settled.era, f.era, 'no reset or close between the flush and its resolution');
      for (const id of f.workBefore) {
        if (works.get(id).era === f.era) assert.ok(f.settled.outputsSeen.includes(id), `output of work ${id} delivered before its flush resolved`);
      }
    } else {
      const ended = f.settled.era > f.era;
      assert.ok(
        (ended && f.settled.name === 'AbortError') || (!ended && f.settled.name === errorName),
        `flush rejected with ${f.settled.name} (era ${f.era}/${generationEnds}, codec error ${errorName})`,
      );
    }
  }
  // Outputs belong to work of the era they were delivered in, never to work
  // a reset or close discarded.
  const delivered = new Set();
  for (const o of log.outputs) {
    assert.ok(!delivered.has(o.workId), `work ${o.workId} output once`);
    delivered.add(o.workId);
  }
  return log;
}

test('random call sequences follow the spec state machine (fake native, 3000 runs)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
      await runSequence(commands);
    }),
    { numRuns: 3000, seed: 20261202 },
  );
});

test('a known sequence: flush after work resolves after its output; reset rejects the next flush with AbortError', async () => {
  const log = await runSequence([
    { op: 'configure', supported: true },
    { op: 'work' },
    { op: 'flush' },
    { op: 'step', fail: false },
    { op: 'step', fail: false },
    { op: 'step', fail: false },
    { op: 'work' },
    { op: 'flush' },
    { op: 'reset' },
  ]);
  assert.deepEqual(
    log.outputs.map((o) => o.workId),
    [0],
  );
});

test('an unsupported configuration closes the codec with NotSupportedError once', async () => {
  const log = await runSequence([{ op: 'configure', supported: false }, { op: 'work' }, { op: 'flush' }, { op: 'turn' }]);
  assert.equal(log.errors.length, 1);
  assert.equal(log.errors[0].error.name, 'NotSupportedError');
});
