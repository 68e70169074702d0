// The spec's codec processing model, shared by VideoDecoder, VideoEncoder,
// AudioDecoder and AudioEncoder: [[state]], the control message queue with
// [[message queue blocked]] and [[codec saturated]], the queue-size attribute
// and coalesced dequeue events, pending flush promises, reset/close and
// "close with error". The native object only runs messages on its worker
// thread and reports events stamped with the reset generation.
import { domError, invalidState } from './errors';
import { invalid, readCallback } from './validate';

export type CodecState = 'unconfigured' | 'configured' | 'closed';

/** The native codec object (src/binding/codec_binding.h). */
export interface NativeCodec {
  configure(config: object, generation: number): void;
  work(...argsThenGeneration: unknown[]): void;
  flush(id: number, generation: number): void;
  reset(generation: number): void;
  close(): void;
}

/** An event from the worker other than an output (src/binding/codec_binding.cc CompletionToJs). */
export interface NativeEvent {
  type: 'configured' | 'done' | 'flushed' | 'error';
  generation: number;
  id?: number;
  error?: Error;
  // 'done': how many messages completed (src/binding/event_channel.cc merges them).
  count?: number;
}

/** What the native side calls with each batch of events. */
export type NativeEventsCallback = (events: unknown[], numbers?: Float64Array) => void;

/**
 * An output's value, its generation, and where its own numbers start in
 * `numbers` (`count` of them).
 */
export type NativeOutputHandler = (
  value: unknown,
  generation: number,
  numbers: Float64Array,
  at: number,
  count: number,
) => void;

/**
 * Walks a batch of events (src/binding/codec_binding.h EventToJs). An output
 * is its value, and in `numbers` the record [count + 1, generation, its
 * `count` numbers]; any other event is a NativeEvent, and the record [0].
 */
export function forEachEvent(
  events: unknown[],
  numbers: Float64Array | undefined,
  onOutput: NativeOutputHandler,
  onEvent: (event: NativeEvent) => void,
): void {
  let at = 0;
  for (const value of events) {
    const size = numbers ? numbers[at] : 0;
    if (size > 0) {
      onOutput(value, (numbers as Float64Array)[at + 1], numbers as Float64Array, at + 2, size - 1);
      at += size + 1;
    } else {
      onEvent(value as NativeEvent);
      at++;
    }
  }
}

type ControlMessage<Active> =
  | { kind: 'configure'; config: object | null; unsupported: string; active: Active }
  | { kind: 'work'; args: unknown[]; release?: () => void }
  | { kind: 'flush'; id: number };

interface PendingFlush {
  resolve: () => void;
  reject: (err: unknown) => void;
}

// Codecs with work in progress stay reachable (their outputs are still to be
// delivered) even if the caller dropped every reference; idle ones can be
// collected. The native side holds lib/'s callback only weakly.
const busyCodecs = new Set<object>();

/** Runs a user callback; an exception it throws is reported, not swallowed. */
export function invokeCallback<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): void {
  try {
    callback(...args);
  } catch (err) {
    // As browsers "report the exception": it surfaces as an uncaught
    // exception without stopping the delivery of other outputs.
    queueMicrotask(() => {
      throw err;
    });
  }
}

/**
 * The spec's "equal dictionaries" for decoder configs: an encoder sends
 * metadata.decoderConfig only when it differs from the active output config.
 */
function sameConfig<T extends object>(a: T | null, b: T): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof T>;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
      if (JSON.stringify(x) !== JSON.stringify(y)) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

/**
 * An encoder output's `metadata.decoderConfig`: a copy of `build()` (its
 * description copied too) when that differs from the config last sent for
 * the configuration, which `holder.outputConfig` keeps; else undefined.
 * Only a change of the stream (`streamChanged`) or a new configuration can
 * make it differ, so other chunks build nothing.
 */
export function decoderConfigUpdate<C extends { description?: unknown }>(
  holder: { outputConfig: C | null },
  streamChanged: boolean,
  build: () => C,
): C | undefined {
  if (!streamChanged && holder.outputConfig) return undefined;
  const config = build();
  if (sameConfig(holder.outputConfig, config)) return undefined;
  holder.outputConfig = config;
  const description = config.description as Uint8Array | undefined;
  return { ...config, ...(description ? { description: description.slice() } : {}) };
}

/** The callbacks of a codec's init dictionary (TypeError when one is missing). */
export function readCodecInit<Output extends (...args: never[]) => unknown>(
  init: unknown,
  dictionary: string,
): { output: Output; error: (error: DOMException) => void } {
  if (init === null || typeof init !== 'object') throw invalid(dictionary, 'a dictionary', init);
  const d = init as { error?: unknown; output?: unknown };
  // Members in WebIDL's lexicographic order.
  const error = readCallback<(e: DOMException) => void>(d.error, `${dictionary}.error`);
  const output = readCallback<Output>(d.output, `${dictionary}.output`);
  return { output, error };
}

/**
 * `Active` is what a codec keeps per configure() call (its parsed config and
 * whatever its outputs need from it); see `activeConfig`.
 */
export abstract class CodecBase<Active = unknown> extends EventTarget {
  #state: CodecState = 'unconfigured';
  // The control message queue, as an array with a moving head.
  #queue: ControlMessage<Active>[] = [];
  #head = 0;
  #blocked = false;
  #saturated = false;
  #inFlight = 0;
  #queueSize = 0;
  #generation = 0;
  #nextFlushId = 1;
  #flushes = new Map<number, PendingFlush>();
  #dequeueScheduled = false;
  // The configuration outputs are produced with, and the one being applied:
  // the worker drains what earlier configurations still hold before it
  // reports 'configured', so outputs that arrive before that event belong
  // to the previous configuration (the spec's [[active encoder config]]
  // changes when the configure message runs, not when configure() is called).
  #active: Active | null = null;
  #configuring: Active | null = null;
  #ondequeue: ((this: CodecBase<Active>, ev: Event) => unknown) | null = null;
  #handlerInstalled = false;
  readonly #native: NativeCodec;
  #maxInFlight: number;
  readonly #errorCallback: (error: DOMException) => unknown;
  // Held here because the native side references it only weakly.
  readonly #onEvents: NativeEventsCallback;
  readonly #onOutput: NativeOutputHandler;
  readonly #onEvent: (event: NativeEvent) => void;

  protected constructor(
    createNative: (onEvents: NativeEventsCallback) => NativeCodec,
    errorCallback: (error: DOMException) => unknown,
    maxInFlight: number,
  ) {
    super();
    this.#errorCallback = errorCallback;
    this.#maxInFlight = maxInFlight;
    this.#onOutput = (value, generation, numbers, at) => {
      if (generation === this.#generation && this.#state === 'configured') this.deliverOutput(value, numbers, at);
    };
    this.#onEvent = (event) => this.#handleEvent(event);
    this.#onEvents = (events, numbers) => {
      forEachEvent(events, numbers, this.#onOutput, this.#onEvent);
      this.#updateBusy();
    };
    this.#native = createNative(this.#onEvents);
  }

  get state(): CodecState {
    return this.#state;
  }

  get ondequeue(): ((this: CodecBase<Active>, ev: Event) => unknown) | null {
    return this.#ondequeue;
  }

  set ondequeue(handler: ((this: CodecBase<Active>, ev: Event) => unknown) | null) {
    this.#ondequeue = typeof handler === 'function' ? handler : null;
    if (this.#ondequeue && !this.#handlerInstalled) {
      // An event handler attribute is one listener, added when first set.
      this.#handlerInstalled = true;
      this.addEventListener('dequeue', (ev) => this.#ondequeue?.call(this, ev));
    }
  }

  reset(): void {
    this.resetCodec(domError('AbortError', 'reset() was called.'));
  }

  close(): void {
    this.closeCodec(domError('AbortError', 'close() was called.'));
  }

  /**
   * How many work messages the native side may hold (the spec's codec
   * saturation); a codec can lower it for large inputs, which the messages
   * in flight keep alive.
   */
  protected setMaxInFlight(messages: number): void {
    this.#maxInFlight = messages;
    this.#saturated = this.#inFlight >= messages;
    this.#process();
  }

  /** [[decodeQueueSize]] / [[encodeQueueSize]]. */
  protected get queueSize(): number {
    return this.#queueSize;
  }

  /** The current reset generation (stamps native messages). */
  protected get generation(): number {
    return this.#generation;
  }

  /** What configure() passed for the configuration the outputs now come from. */
  protected get activeConfig(): Active | null {
    return this.#active;
  }

  // --- Hooks for the concrete codecs ---------------------------------------

  /**
   * An output of the current generation while configured: its value and
   * its numbers from `numbers[at]` on (the binding's OutputToJs says which).
   */
  protected abstract deliverOutput(value: unknown, numbers: Float64Array, at: number): void;
  /** Extra steps of the spec's reset algorithm (state kept by encode()/decode()). */
  protected onReset(): void {}

  // --- Methods the concrete codecs call ------------------------------------

  /**
   * configure(): after the caller validated the config (TypeError), this is
   * steps 2 onwards. `nativeConfig` null means unsupported, for `reason`;
   * `active` becomes `activeConfig` once the worker has applied the config.
   */
  protected configureCodec(nativeConfig: object | null, reason: string, active: Active): void {
    if (this.#state === 'closed') throw invalidState('configure() called on a closed codec.');
    this.#state = 'configured';
    this.#enqueue({ kind: 'configure', config: nativeConfig, unsupported: reason, active });
  }

  /**
   * encode()/decode() after their own checks: queues one unit of work.
   * `release` runs once the native side has taken the work, or when reset
   * drops it.
   */
  protected enqueueWork(args: unknown[], release?: () => void): void {
    this.#queueSize++;
    this.#enqueue({ kind: 'work', args, release });
  }

  protected flushCodec(): Promise<void> {
    if (this.#state !== 'configured') {
      return Promise.reject(invalidState(`flush() called on a codec that is ${this.#state}.`));
    }
    const id = this.#nextFlushId++;
    const promise = new Promise<void>((resolve, reject) => this.#flushes.set(id, { resolve, reject }));
    // Codec errors also reach the error callback, so a flush() nobody awaits
    // must not turn into an unhandled rejection (fatal in Node by default);
    // whoever awaits the promise still sees the rejection.
    promise.catch(() => {});
    this.#enqueue({ kind: 'flush', id });
    return promise;
  }

  /** The spec's Reset algorithm with `exception` for pending flushes. */
  protected resetCodec(exception: DOMException): void {
    if (this.#state === 'closed') throw invalidState('reset() called on a closed codec.');
    this.#state = 'unconfigured';
    this.#active = null;
    this.#configuring = null;
    this.onReset();
    this.#generation++;
    this.#native.reset(this.#generation);
    const dropped = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const m of dropped) if (m.kind === 'work') m.release?.();
    // A configure in flight belonged to the old generation; its completion
    // will be ignored, so the queue must not wait for it.
    this.#blocked = false;
    this.#saturated = false;
    this.#inFlight = 0;
    if (this.#queueSize > 0) {
      this.#queueSize = 0;
      this.#scheduleDequeue();
    }
    const flushes = [...this.#flushes.values()];
    this.#flushes.clear();
    for (const f of flushes) f.reject(exception);
    this.#updateBusy();
  }

  /** The spec's Close algorithm. */
  protected closeCodec(exception: DOMException): void {
    this.resetCodec(exception);
    this.#state = 'closed';
    this.#native.close();
    this.#updateBusy();
    if (exception.name !== 'AbortError') invokeCallback(this.#errorCallback, exception);
  }

  // --- The control message queue -------------------------------------------

  #enqueue(message: ControlMessage<Active>): void {
    this.#queue.push(message);
    this.#process();
  }

  #process(): void {
    while (!this.#blocked && this.#head < this.#queue.length) {
      if (!this.#run(this.#queue[this.#head])) break;
      this.#head++;
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#updateBusy();
  }

  /** Runs one control message; false means "not processed". */
  #run(message: ControlMessage<Active>): boolean {
    switch (message.kind) {
      case 'configure': {
        this.#blocked = true;
        this.#configuring = message.active;
        if (message.config === null) {
          const reason = message.unsupported;
          const generation = this.#generation;
          // Support is checked "in parallel": the error comes in a later task.
          setImmediate(() => {
            if (this.#generation === generation && this.#state !== 'closed') {
              this.closeCodec(domError('NotSupportedError', reason));
            }
          });
        } else {
          this.#native.configure(message.config, this.#generation);
        }
        return true;
      }
      case 'work': {
        if (this.#saturated) return false;
        this.#inFlight++;
        if (this.#inFlight >= this.#maxInFlight) this.#saturated = true;
        this.#queueSize--;
        this.#scheduleDequeue();
        try {
          this.#native.work(...message.args, this.#generation);
        } finally {
          message.release?.();
        }
        return true;
      }
      case 'flush': {
        // Flushes count against the in-flight bound too, so the native queue
        // stays bounded however flush() is called; they never wait for it.
        this.#inFlight++;
        if (this.#inFlight >= this.#maxInFlight) this.#saturated = true;
        this.#native.flush(message.id, this.#generation);
        return true;
      }
    }
  }

  #scheduleDequeue(): void {
    if (this.#dequeueScheduled) return;
    this.#dequeueScheduled = true;
    setImmediate(() => this.#fireDequeue());
  }

  /**
   * The scheduled dequeue event, if it has not fired yet. A flush resolves
   * after it: the spec queued its task when the messages left the queue,
   * before the flush's (the immediate would lose to the promise's
   * continuation).
   */
  #fireDequeue(): void {
    if (!this.#dequeueScheduled) return;
    this.#dequeueScheduled = false;
    this.dispatchEvent(new Event('dequeue'));
  }

  #handleEvent(event: NativeEvent): void {
    if (event.generation !== this.#generation || this.#state === 'closed') return;
    switch (event.type) {
      case 'error':
        this.closeCodec(event.error as DOMException);
        break;
      case 'configured':
        if (event.error) {
          this.closeCodec(event.error as DOMException);
        } else {
          this.#active = this.#configuring;
          this.#configuring = null;
          this.#blocked = false;
          this.#process();
        }
        break;
      case 'done':
        this.#completed(event.count ?? 1);
        break;
      case 'flushed': {
        this.#completed(1);
        // The dequeue event's task came first; a listener that resets or
        // closes the codec rejects this flush instead.
        this.#fireDequeue();
        const pending = this.#flushes.get(event.id as number);
        if (!pending) break;
        this.#flushes.delete(event.id as number);
        pending.resolve();
        break;
      }
    }
  }

  #completed(messages: number): void {
    this.#inFlight -= messages;
    if (this.#saturated && this.#inFlight < this.#maxInFlight) {
      this.#saturated = false;
      this.#process();
    }
  }

  #updateBusy(): void {
    const busy =
      this.#state !== 'closed' &&
      (this.#inFlight > 0 || this.#blocked || this.#flushes.size > 0 || this.#head < this.#queue.length);
    if (busy) busyCodecs.add(this);
    else busyCodecs.delete(this);
  }
}
