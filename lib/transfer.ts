// The `transfer` member of the init dictionaries: WebIDL conversion of
// sequence<ArrayBuffer>, the DataCloneError checks, and detaching.
import { dataCloneError } from './errors';
import { native } from './native';
import { invalid, isDetached } from './validate';

/** Converts a `sequence<ArrayBuffer>` member; undefined is the empty default. */
export function readTransferList(value: unknown, field: string): ArrayBuffer[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalid(field, 'a sequence of ArrayBuffers', value);
  }
  const out: ArrayBuffer[] = [];
  for (const item of value as Iterable<unknown>) {
    if (!(item instanceof ArrayBuffer)) throw invalid(`${field}[${out.length}]`, 'an ArrayBuffer', item);
    out.push(item);
  }
  return out;
}

/** Duplicate or already-detached buffers make the whole call a DataCloneError. */
export function checkTransferList(list: readonly ArrayBuffer[], field: string): void {
  const seen = new Set<ArrayBuffer>();
  for (const [i, buffer] of list.entries()) {
    if (seen.has(buffer)) throw dataCloneError(`${field}[${i}] lists an ArrayBuffer that appears earlier in ${field}.`);
    if (isDetached(buffer)) throw dataCloneError(`${field}[${i}] is already detached.`);
    seen.add(buffer);
  }
}

export function detachAll(list: readonly ArrayBuffer[]): void {
  for (const buffer of list) native.detachArrayBuffer(buffer);
}

/**
 * Moves a buffer's contents into a new ArrayBuffer without copying and
 * detaches the original: how a transferred chunk keeps the caller's bytes.
 */
export function takeOwnership(buffer: ArrayBuffer): ArrayBuffer {
  return structuredClone(buffer, { transfer: [buffer] });
}
