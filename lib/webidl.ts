// The shape WebIDL gives an interface, applied to our classes after they
// are defined: attributes and operations are enumerable own properties of
// the interface's prototype (ES classes make them non-enumerable, and leave
// members of our shared base classes on those classes' prototypes), static
// operations enumerable on the interface object, and Symbol.toStringTag a
// data property holding the interface's name.

type Member = string;

function descriptorInChain(start: object, name: Member): PropertyDescriptor | undefined {
  for (let o: object | null = start; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d) return d;
  }
  return undefined;
}

function enumerableOwn(target: object, from: object, names: readonly Member[], where: string): void {
  for (const name of names) {
    const d = descriptorInChain(from, name);
    if (!d) throw new Error(`${where} has no member ${name}`);
    Object.defineProperty(target, name, { ...d, enumerable: true });
  }
}

/**
 * `members`: the interface's attributes and operations, found on the class
 * or a base class of ours; `statics`: its static operations.
 */
export function defineInterface(
  cls: abstract new (...args: never[]) => unknown,
  name: string,
  members: readonly Member[],
  statics: readonly Member[] = [],
): void {
  enumerableOwn(cls.prototype, cls.prototype, members, name);
  enumerableOwn(cls, cls, statics, name);
  Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: name, writable: false, enumerable: false, configurable: true });
}

/**
 * The interface object for a class built on a base class of ours that
 * WebIDL does not have (CodecBase, EncodedChunk): its prototype takes that
 * base's members and then sits right on `parent`'s (EventTarget's, or
 * Object's), and the interface object itself inherits from `parent`, as
 * WebIDL lays them out. The class keeps its own chain, so its constructor's
 * super() calls still build the instance; the interface object constructs
 * through it (`new.target` keeps subclassing working). lib/ code uses the
 * class itself.
 */
export function interfaceObject<C extends abstract new (...args: never[]) => object>(
  cls: C,
  name: string,
  parent: (abstract new (...args: never[]) => object) | null,
  length: number,
): C {
  const proto = cls.prototype as object;
  const parentProto = parent ? (parent.prototype as object) : Object.prototype;
  for (let base = Object.getPrototypeOf(proto); base && base !== parentProto; base = Object.getPrototypeOf(base)) {
    for (const key of Reflect.ownKeys(base)) {
      if (key !== 'constructor' && !Object.hasOwn(proto, key)) {
        Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(base, key) as PropertyDescriptor);
      }
    }
  }
  Object.setPrototypeOf(proto, parentProto);
  const iface = function (...args: unknown[]): object {
    if (new.target === undefined) throw new TypeError(`Class constructor ${name} cannot be invoked without 'new'`);
    // `new AudioDecoder()` builds through the class itself (same prototype):
    // V8 sizes an instance from new.target's constructor chain, which for
    // this function does not include the class's fields, and an instance
    // with too few in-object slots for our 28 private fields falls back to
    // dictionary properties (every field access 30-50 ns instead of 1).
    return Reflect.construct(cls, args, new.target === iface ? cls : new.target) as object;
  };
  for (const key of Reflect.ownKeys(cls)) {
    if (key !== 'length' && key !== 'name' && key !== 'prototype') {
      Object.defineProperty(iface, key, Object.getOwnPropertyDescriptor(cls, key) as PropertyDescriptor);
    }
  }
  Object.defineProperty(iface, 'name', { value: name });
  Object.defineProperty(iface, 'length', { value: length });
  Object.defineProperty(iface, 'prototype', { value: proto, writable: false, enumerable: false, configurable: false });
  Object.defineProperty(proto, 'constructor', { value: iface, writable: true, enumerable: false, configurable: true });
  Object.setPrototypeOf(iface, parent ?? Function.prototype);
  return iface as unknown as C;
}
