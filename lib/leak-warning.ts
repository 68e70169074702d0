// Browsers warn when a VideoFrame or AudioData is garbage-collected without
// close(): the memory it pinned was held far longer than needed. The
// collected object's native reference is dropped here, in the same callback
// that warns (once per kind), so its memory is back in the pools by the time
// the warning is seen rather than whenever the handle's own finalizer runs.
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

/** Watches `obj` until untrack(): if it is collected first, `handle` is closed and a warning is emitted. */
export function trackUnclosed(obj: object, kind: string, handle: { close(): void }): void {
  registry.register(obj, { kind, handle }, obj);
}

export function untrack(obj: object): void {
  registry.unregister(obj);
}
