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
