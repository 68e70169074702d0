// Drives a native worker that is not one of the spec's codecs (the Demuxer
// and Muxer bindings, on src/binding/codec_binding.h): every message posted
// completes with one event, in order; outputs and errors arrive before the
// completion of the message that produced them. A failure sticks: every
// later message rejects with it.
import { domError } from './errors';
import type { NativeCodec, NativeEvent } from './codec-base';

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
  readonly #onEvents: (events: NativeEvent[]) => void;

  /**
   * `onOutput` gets every output event with the tag of the message in
   * progress (undefined when none is: events the worker sends on its own).
   */
  constructor(
    create: (onEvents: (events: NativeEvent[]) => void) => N,
    private readonly onOutput: (event: NativeEvent, tag: Tag | undefined) => void,
  ) {
    this.#onEvents = (events) => this.#handle(events);
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

  #handle(events: NativeEvent[]): void {
    for (const e of events) {
      if (this.#closed) return;
      switch (e.type) {
        case 'output':
          this.onOutput(e, this.#pending[0]?.tag);
          break;
        case 'error':
          this.#failure ??= e.error as Error;
          break;
        default: {
          const p = this.#pending.shift();
          if (!p) break;
          if (e.error) this.#failure ??= e.error;
          const error = e.error ?? this.#failure;
          if (error) p.reject(error);
          else p.resolve();
        }
      }
    }
    if (this.#pending.length === 0) busy.delete(this);
  }
}
