// Drives a native worker that is not one of the spec's codecs (the Demuxer
// and Muxer bindings, on src/binding/codec_binding.h): every message posted
// completes with one event, in order; outputs and errors arrive before the
// completion of the message that produced them. A failure sticks: every
// later message rejects with it.
import { domError } from './errors';
import { forEachEvent, type NativeCodec, type NativeEvent, type NativeEventsCallback, type NativeOutputHandler } from './codec-base';

interface Pending<Tag> {
  tag: Tag;
  resolve: () => void;
  reject: (error: Error) => void;
}

// Workers with messages in flight stay reachable (their owner's outputs are
// still to come) even if the caller dropped every reference; the native side
// holds the event callback only weakly.
const busy = new Set<object>();

export class NativeWorker<N extends NativeCodec, Tag> {
  readonly native: N;
  #pending: Pending<Tag>[] = [];
  #failure: Error | null = null;
  #closed = false;
  readonly #onEvents: NativeEventsCallback;
  readonly #onEvent: (event: NativeEvent) => void;
  readonly #onOutputEvent: NativeOutputHandler;

  /**
   * `onOutput` gets every output (its value, and its `count` numbers from
   * `numbers[at]` on) with the tag of the message in progress (undefined
   * when none is: outputs the worker sends on its own).
   */
  constructor(
    create: (onEvents: NativeEventsCallback) => N,
    onOutput: (value: unknown, tag: Tag | undefined, numbers: Float64Array, at: number, count: number) => void,
  ) {
    this.#onOutputEvent = (value, _generation, numbers, at, count) => {
      if (!this.#closed) onOutput(value, this.#pending[0]?.tag, numbers, at, count);
    };
    this.#onEvent = (event) => this.#handle(event);
    this.#onEvents = (events, numbers) => {
      forEachEvent(events, numbers, this.#onOutputEvent, this.#onEvent);
      if (this.#pending.length === 0) busy.delete(this);
    };
    this.native = create(this.#onEvents);
  }

  /** The error that ended the worker's work, if one did. */
  get failure(): Error | null {
    return this.#failure;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Messages posted and not yet completed. */
  get inFlight(): number {
    return this.#pending.length;
  }

  /** Tags of the messages in flight, oldest first. */
  get pendingTags(): Tag[] {
    return this.#pending.map((p) => p.tag);
  }

  configure(config: object, tag: Tag): Promise<void> {
    return this.#post(tag, () => this.native.configure(config, 0));
  }

  work(args: unknown[], tag: Tag): Promise<void> {
    return this.#post(tag, () => this.native.work(...args, 0));
  }

  flush(tag: Tag): Promise<void> {
    return this.#post(tag, () => this.native.flush(0, 0));
  }

  /** Stops the worker; messages in flight reject with `reason`. */
  close(reason: Error = domError('AbortError', 'close() was called.')): void {
    if (this.#closed) return;
    this.#closed = true;
    this.native.close();
    const pending = this.#pending;
    this.#pending = [];
    busy.delete(this);
    for (const p of pending) p.reject(reason);
  }

  #post(tag: Tag, send: () => void): Promise<void> {
    if (this.#closed) return Promise.reject(domError('InvalidStateError', 'The object is closed.'));
    if (this.#failure) return Promise.reject(this.#failure);
    const promise = new Promise<void>((resolve, reject) => this.#pending.push({ tag, resolve, reject }));
    try {
      send();
    } catch (err) {
      this.#pending.pop();
      return Promise.reject(err);
    }
    busy.add(this);
    return promise;
  }

  #handle(e: NativeEvent): void {
    if (this.#closed) return;
    if (e.type === 'error') {
      this.#failure ??= e.error as Error;
      return;
    }
    const p = this.#pending.shift();
    if (!p) return;
    if (e.error) this.#failure ??= e.error;
    const error = e.error ?? this.#failure;
    if (error) p.reject(error);
    else p.resolve();
  }
}
