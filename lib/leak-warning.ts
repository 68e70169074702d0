// Browsers warn when a VideoFrame or AudioData is garbage-collected without
// close(): the memory it pinned was held far longer than needed. The native
// side frees it either way; this only tells the developer, once per kind.
const warned = new Set<string>();

const registry = new FinalizationRegistry<string>((kind) => {
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(
    `A ${kind} was garbage collected without being closed. Call close() on every ${kind} as soon as it is ` +
      'no longer needed; its memory is held until then.',
    { type: 'WebCodecsWarning', code: 'WEBCODECS_UNCLOSED' },
  );
});

export function trackUnclosed(obj: object, kind: string): void {
  registry.register(obj, kind, obj);
}

export function untrack(obj: object): void {
  registry.unregister(obj);
}
