import { types } from 'node:util';

export type AllowSharedBufferSource = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

// WebIDL conversions for dictionary members and the one message format every
// validation error uses: "Invalid <field>; expected <what>, received <value>."

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    const name = value instanceof ArrayBuffer ? 'an ArrayBuffer' : `a ${value.constructor.name}`;
    return `${name} of ${toBytes(value, 'value').byteLength} bytes`; // a detached one has none
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function invalidMessage(field: string, expected: string, received: unknown): string {
  return `Invalid ${field}; expected ${expected}, received ${describe(received)}.`;
}

export function invalid(field: string, expected: string, received: unknown): TypeError {
  return new TypeError(invalidMessage(field, expected, received));
}

export function missing(field: string, expected: string): TypeError {
  return new TypeError(`Missing ${field}; expected ${expected}.`);
}

function toNumber(value: unknown, field: string, expected: string): number {
  try {
    // Unary plus is WebIDL's ToNumber: it throws for BigInt and Symbol.
    return +(value as number);
  } catch {
    throw invalid(field, expected, value);
  }
}

const U32_MAX = 0xffffffff;

/** [EnforceRange] unsigned long. */
export function enforceU32(value: unknown, field: string): number {
  const expected = 'an integer from 0 to 4294967295';
  const n = toNumber(value, field, expected);
  if (!Number.isFinite(n)) throw invalid(field, expected, value);
  const i = Math.trunc(n) + 0;
  if (i < 0 || i > U32_MAX) throw invalid(field, expected, value);
  return i;
}

/** [EnforceRange] long long. */
export function enforceI64(value: unknown, field: string): number {
  const expected = 'an integer from -(2^53 - 1) to 2^53 - 1';
  const n = toNumber(value, field, expected);
  if (!Number.isFinite(n)) throw invalid(field, expected, value);
  const i = Math.trunc(n) + 0;
  if (!Number.isSafeInteger(i)) throw invalid(field, expected, value);
  return i;
}

/** [EnforceRange] unsigned long long. */
export function enforceU64(value: unknown, field: string): number {
  const expected = 'an integer from 0 to 2^53 - 1';
  const n = toNumber(value, field, expected);
  if (!Number.isFinite(n)) throw invalid(field, expected, value);
  const i = Math.trunc(n) + 0;
  if (i < 0 || !Number.isSafeInteger(i)) throw invalid(field, expected, value);
  return i;
}

/** WebIDL `double` (restricted): any finite number. */
export function toFiniteDouble(value: unknown, field: string): number {
  const n = toNumber(value, field, 'a finite number');
  if (!Number.isFinite(n)) throw invalid(field, 'a finite number', value);
  return n;
}

/** `unsigned long` without [EnforceRange]: wraps modulo 2^32 as WebIDL says. */
export function toU32(value: unknown, field: string): number {
  const n = toNumber(value, field, 'a number');
  if (!Number.isFinite(n)) return 0;
  const i = Math.trunc(n) % 2 ** 32;
  return i < 0 ? i + 2 ** 32 : i + 0;
}

/** `long long` without [EnforceRange]: wraps modulo 2^64 as WebIDL says. */
export function toI64(value: unknown, field: string): number {
  const n = Math.trunc(toNumber(value, field, 'a number'));
  // Safe integers are their own residue (+ 0 turns -0 into 0): no BigInt
  // for the timestamps of every frame.
  if (Number.isSafeInteger(n)) return n + 0;
  return Number.isFinite(n) ? Number(BigInt.asIntN(64, BigInt(n))) : 0;
}

/** `unsigned long long` without [EnforceRange]: wraps modulo 2^64 as WebIDL says. */
export function toU64(value: unknown, field: string): number {
  const n = Math.trunc(toNumber(value, field, 'a number'));
  if (Number.isSafeInteger(n) && n >= 0) return n + 0;
  return Number.isFinite(n) ? Number(BigInt.asUintN(64, BigInt(n))) : 0;
}

export function toBool(value: unknown): boolean {
  return Boolean(value);
}

export function toDomString(value: unknown, field: string): string {
  if (typeof value === 'symbol') throw invalid(field, 'a string', value);
  return String(value);
}

/** A WebIDL enum member: the string must be one of `values`. */
export function toEnum<T extends string>(value: unknown, values: readonly T[], field: string): T {
  const s = toDomString(value, field);
  if (!(values as readonly string[]).includes(s)) {
    throw invalid(field, `one of ${values.map((v) => `"${v}"`).join(', ')}`, value);
  }
  return s as T;
}

/**
 * A dictionary argument: undefined and null mean an empty dictionary, any
 * other non-object is a TypeError.
 */
export function toDictionary<T extends object>(value: unknown, field: string): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw invalid(field, 'a dictionary object', value);
  }
  if (isPlainData(value)) return value as Partial<T>;
  // WebIDL reads each member once: a getter (or a proxy) sees one read per
  // member however often lib/ looks at it, and the same value each time.
  const seen = new Map<PropertyKey, unknown>();
  return new Proxy(value, {
    get(target, key) {
      if (!seen.has(key)) seen.set(key, Reflect.get(target, key));
      return seen.get(key);
    },
  }) as Partial<T>;
}

/** An object literal of data properties: reading its members has no effects. */
function isPlainData(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype || types.isProxy(value)) return false;
  for (const key of Object.getOwnPropertyNames(value)) {
    if (Object.getOwnPropertyDescriptor(value, key)?.get) return false;
  }
  return true;
}

/** A dictionary member that must be present. */
export function required<T>(value: T | undefined, field: string, expected: string): T {
  if (value === undefined) throw missing(field, expected);
  return value;
}

/**
 * The bytes of an AllowSharedBufferSource, as a view (no copy). A detached
 * buffer has none (WebIDL's "get a copy of the buffer source" gives an
 * empty sequence); callers that must refuse one check isDetached().
 */
export function toBytes(value: unknown, field: string): Uint8Array {
  const isView = ArrayBuffer.isView(value);
  if (!isView && !(value instanceof ArrayBuffer) && !isSharedArrayBuffer(value)) {
    throw invalid(field, 'an ArrayBuffer, SharedArrayBuffer or ArrayBufferView', value);
  }
  const source = value as ArrayBufferView | ArrayBuffer;
  let length: number;
  try {
    length = source.byteLength;
  } catch {
    return new Uint8Array(0); // a DataView over a detached or shrunk buffer
  }
  // Typed arrays over a detached buffer have a byteLength of 0.
  if (length === 0) return new Uint8Array(0);
  if (source instanceof Uint8Array) return source;
  if (isView) return new Uint8Array((source as ArrayBufferView).buffer, (source as ArrayBufferView).byteOffset, source.byteLength);
  return new Uint8Array(source as ArrayBuffer);
}

function isSharedArrayBuffer(value: unknown): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer;
}

/** True once an ArrayBuffer has been detached (transferred). */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if (isSharedArrayBuffer(buffer)) return false;
  const detached = (buffer as unknown as { detached?: boolean }).detached;
  if (detached !== undefined) return detached;
  if (buffer.byteLength !== 0) return false;
  try {
    // Constructing a view over a detached buffer throws; over an empty one it does not.
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** A codec string member: required, and not empty after stripping ASCII whitespace. */
export function readCodecString(value: unknown, field: string): string {
  if (value === undefined) throw missing(field, 'a codec string');
  const codec = toDomString(value, field);
  if (codec.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '') === '') throw invalid(field, 'a non-empty codec string', value);
  return codec;
}

/**
 * An optional AllowSharedBufferSource member that must not be detached; the
 * bytes are copied so later changes by the caller cannot reach the codec.
 */
export function readDescription(value: unknown, field: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const bytes = toBytes(value, field);
  const buffer = ArrayBuffer.isView(value) ? value.buffer : (value as ArrayBufferLike);
  if (isDetached(buffer)) throw invalid(field, 'a buffer that is not detached', 'a detached buffer');
  return bytes.slice();
}

/** A required init callback (WebIDL callback function). */
export function readCallback<T extends (...args: never[]) => unknown>(value: unknown, field: string): T {
  if (value === undefined) throw missing(field, 'a function');
  if (typeof value !== 'function') throw invalid(field, 'a function', value);
  return value as T;
}
