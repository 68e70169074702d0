// One native reference shared by a VideoFrame (or AudioData) and its clones,
// and the warning browsers give when one is garbage-collected unclosed.
//
// clone() and close() count in JS: a clone is a new JS object over the same
// SharedHandle, and the native reference is dropped when the count reaches
// zero. (A native reference per clone cost microseconds of wrapper objects
// and finalizers; a count costs nothing.)
//
// The FinalizationRegistry watches the SharedHandle, not each frame: a closed
// frame lets go of it, so it is collected once every frame holding it is
// either closed or collected itself. Collected with a count above zero, some
// frame was never closed: the native reference is dropped here, in the same
// callback that warns (once per kind), so its memory is back in the pools by
// the time the warning is seen.
interface Unclosed {
  kind: string;
  handle: { close(): void };
}

const warned = new Set<string>();

const registry = new FinalizationRegistry<Unclosed>(({ kind, handle }) => {
  handle.close();
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(
    `A ${kind} was garbage collected without being closed. Call close() on every ${kind} as soon as it is ` +
      'no longer needed; its memory is held until then.',
    { type: 'WebCodecsWarning', code: 'WEBCODECS_UNCLOSED' },
  );
});

export class SharedHandle<H extends { close(): void }> {
  readonly handle: H;
  #refs = 1;

  /** Takes over `handle` (one reference, for the frame being built). */
  constructor(handle: H, kind: string) {
    this.handle = handle;
    registry.register(this, { kind, handle }, this);
  }

  /** One more reference (a clone, a queued encode); returns this. */
  retain(): this {
    this.#refs++;
    return this;
  }

  /** Drops a reference; the last one closes the native handle. */
  release(): void {
    if (--this.#refs > 0) return;
    registry.unregister(this);
    this.handle.close();
  }
}
