import { charge, checkLength, fail } from './meter';

/**
 * jsonata's value model, ported one for one (jsonata 2.2 jsonata.js: createSequence, evaluate's result
 * normalisation, fn.lookup, fn.boolean, fn.append, utils.isDeepEqual, ...) so compiled code builds the very
 * same values, flags included: a "sequence" is an array with `sequence: true`, `keepSingleton` keeps a
 * one-item sequence an array, `cons` (non-enumerable) marks an array built by `[...]`, `outerWrapper` the
 * one-item sequence jsonata wraps an array input in. Where jsonata throws, these throw too (a Bail or
 * jsonata's own error object): compiled code never returns where the interpreter would raise.
 */
export type Seq = unknown[] & {
  sequence?: boolean;
  keepSingleton?: boolean;
  tupleStream?: boolean;
  outerWrapper?: boolean;
  cons?: boolean;
};

const hasOwn = Object.prototype.hasOwnProperty;

export function seq(): Seq {
  const s: Seq = [];
  s.sequence = true;
  return s;
}

export function seq1(value: unknown): Seq {
  const s: Seq = [value];
  s.sequence = true;
  return s;
}

/** jsonata's createSequence as handed to built-ins (`this.createSequence`): one argument means one item. */
export function createSequence(...items: unknown[]): Seq {
  return items.length === 1 ? seq1(items[0]) : seq();
}

/** What `evaluate()` does to every result: an empty sequence is nothing, a one-item one is its item. */
export function fin(r: unknown): unknown {
  if (Array.isArray(r) && (r as Seq).sequence === true && !(r as Seq).tupleStream) {
    if (r.length === 0) return undefined;
    if (r.length === 1) return (r as Seq).keepSingleton ? r : r[0];
  }
  return r;
}

/** `fin` for a node marked `[]` (keepArray): the sequence is flagged to stay an array. */
export function finK(r: unknown): unknown {
  if (Array.isArray(r) && (r as Seq).sequence === true && !(r as Seq).tupleStream) {
    (r as Seq).keepSingleton = true;
    if (r.length === 0) return undefined;
  }
  return r;
}

export function isFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (!v) return false;
  const o = v as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return o._jsonata_function === true || o._jsonata_lambda === true;
}

export function isLambda(v: unknown): boolean {
  return !!v && (v as { _jsonata_lambda?: unknown })._jsonata_lambda === true;
}

/** utils.isNumeric: a number that is not NaN; an infinite one is jsonata error D1001. */
export function isNumeric(v: unknown): boolean {
  if (typeof v !== 'number') return false;
  if (v !== v) return false;
  if (v - v !== 0) fail();
  return true;
}

/** utils.keys */
export function keysOf(v: unknown): string[] {
  return typeof v === 'object' && v !== null ? Object.keys(v) : [];
}

/** fn.lookup: a field of an object, or of every object in an array (flattened one level). */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) return lookupAll(input, key);
  if (input !== null && typeof input === 'object' && hasOwn.call(input, key) && !isFunction(input))
    return (input as Record<string, unknown>)[key];
  return undefined;
}

function lookupAll(input: unknown[], key: string): Seq {
  charge(input.length);
  const result = seq();
  for (let i = 0; i < input.length; i++) {
    const res = lookup(input[i], key);
    if (res === undefined) continue;
    if (Array.isArray(res)) {
      for (let j = 0; j < res.length; j++) if (j in res) result.push(res[j]);
    } else result.push(res);
  }
  checkLength(result.length);
  return result;
}

/** fn.boolean: jsonata's effective boolean value (undefined stays undefined). */
export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) {
      charge(arg.length);
      let trues = 0;
      for (let i = 0; i < arg.length; i++) if (i in arg && toBoolean(arg[i])) trues++; // no short cut: jsonata tests every item
      return trues > 0;
    }
    return false;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

/** boolize: `and`/`or` operands, undefined counts as false. */
export function boolize(v: unknown): boolean {
  return toBoolean(v) ?? false;
}

/** utils.isDeepEqual */
export function deepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    charge(lhs.length);
    for (let i = 0; i < lhs.length; i++) if (!deepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs);
  const rkeys = Object.getOwnPropertyNames(rhs);
  if (lkeys.length !== rkeys.length) return false;
  charge(lkeys.length);
  lkeys.sort();
  rkeys.sort();
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  for (const key of lkeys) if (!deepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
  return true;
}

/** fn.append: undefined is nothing, a non-array is a one-item sequence, the result a new plain array. */
export function append(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const left = Array.isArray(a) ? a : seq1(a);
  const right = Array.isArray(b) ? b : [b];
  checkLength(left.length + right.length);
  charge(left.length + right.length);
  return left.concat(right);
}

/** Array constructor item: `fn.append(result, value)` where `result` is the constructor's own fresh array. */
export function appendInto(target: unknown[], value: unknown): void {
  if (Array.isArray(value)) {
    checkLength(target.length + value.length);
    charge(value.length);
    for (let i = 0; i < value.length; i++) target.push(value[i]); // concat keeps holes; JSON values have none
  } else {
    checkLength(target.length + 1);
    target.push(value);
  }
}

export function markCons(a: unknown[]): unknown[] {
  Object.defineProperty(a, 'cons', { enumerable: false, configurable: false, value: true });
  return a;
}

export function isArrayOfNumbers(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  let ok = true;
  for (let i = 0; i < v.length; i++) if (i in v && !isNumeric(v[i])) ok = false; // isNumeric of every item (D1001 on any)
  return ok;
}

export function isArrayOfStrings(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (i in v && typeof v[i] !== 'string') return false;
  return true;
}

/** A null-prototype object, as jsonata builds them (a key `__proto__` is then an ordinary key). */
export function newObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/**
 * A field of an object built by an object constructor. Those objects are ordinary ones (jsonata's have no
 * prototype; V8 keeps prototype-less objects in slow dictionary mode, and nothing that reads a JSON value
 * can tell the difference, since every lookup checks own properties); `__proto__` is made an own field
 * as in jsonata, never the prototype.
 */
export function setField(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** `$` (the context): the array an input was wrapped in, unwrapped. */
export function contextValue(input: unknown): unknown {
  return input && (input as Seq).outerWrapper ? (input as Seq)[0] : input;
}

/** jsonata wraps an array input in a one-item sequence (evaluate() entry), so paths see it as one value. */
export function wrapInput(input: unknown): unknown {
  if (Array.isArray(input) && (input as Seq).sequence !== true) {
    const wrapped = seq1(input);
    wrapped.outerWrapper = true;
    return wrapped;
  }
  return input;
}

/** A value as a list: an array as it is, anything else as its only item. */
export function toList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}
