import { charge, checkLength, inlineWork, meter, unsupported } from '../runtime/meter';
import { callNative, requireNative, stringOf, validate } from '../runtime/natives';
import { append, deepEqual, isFunction, lookup, seq, toBoolean, type Seq } from '../runtime/values';

/**
 * Built-ins compiled code calls directly: each takes the call's context (the value a `-` parameter of its
 * signature takes when the argument is left out) and the arguments as supplied. A fast path covers the
 * usual argument shapes; anything else goes through jsonata's own signature validation (jsonata's
 * implementation when it is synchronous), so arguments are accepted, converted or refused exactly as the
 * interpreter does.
 */
export type Builtin = (context: unknown, args: unknown[]) => unknown;

/** jsonata's implementation, validated by jsonata's signature; the clock is read after each such call. */
export function native(name: string): Builtin {
  let def: ReturnType<typeof requireNative> | undefined;
  return (context, args) => {
    def ??= requireNative(name);
    inlineWork(args, name === 'pad' && typeof args[1] === 'number' ? Math.abs(args[1]) >> 4 : 0);
    if (PICTURE_ARG[name] !== undefined && args[PICTURE_ARG[name]] !== undefined && !meter.isolated) unsupported();
    const result = callNative(def, args, context, name);
    charge(64);
    if (Array.isArray(result)) checkLength(result.length);
    return result;
  };
}

/** `$toMillis` and `$parseInteger` build a backtracking RegExp from their picture: run only where isolated. */
const PICTURE_ARG: Record<string, number> = { toMillis: 1, parseInteger: 1 };

/** Arguments validated by jsonata's signature for `name`, for built-ins whose implementation is ours. */
export function validated(name: string, args: unknown[], context: unknown): unknown[] {
  return validate(requireNative(name), args, context);
}

const implementation = (name: string) => {
  let impl: ((...a: unknown[]) => unknown) | undefined;
  return (...a: unknown[]) => (impl ??= requireNative(name).implementation)(...a);
};

const substringImpl = implementation('substring');
const lengthImpl = implementation('length');
const trimImpl = implementation('trim');

const count = native('count');
const sum = native('sum');
const string = native('string');
const exists = native('exists');
const boolean = native('boolean');
const not = native('not');
const lowercase = native('lowercase');
const uppercase = native('uppercase');
const trim = native('trim');
const length = native('length');
const substring = native('substring');
const join = native('join');
const lookupNative = native('lookup');
const appendNative = native('append');
const pad = native('pad');

const isStringOrUndefined = (v: unknown) => v === undefined || typeof v === 'string';

export const coreBuiltins: Record<string, Builtin> = {
  count: (c, a) => (a.length === 1 ? (a[0] === undefined ? 0 : Array.isArray(a[0]) ? a[0].length : 1) : count(c, a)),
  sum: (c, a) => {
    const v = a[0];
    if (a.length !== 1 || !Array.isArray(v)) return a.length === 1 && typeof v === 'number' ? 0 + v : sum(c, a);
    let total = 0;
    for (let i = 0; i < v.length; i++) {
      const n = v[i];
      if (typeof n !== 'number') return sum(c, a); // T0412, or a hole: jsonata's own check decides
      total += n;
    }
    charge(v.length);
    return total;
  },
  string: (c, a) => {
    if (a.length !== 1) return string(c, a);
    const v = a[0];
    if (typeof v === 'string' || v === undefined) return v;
    inlineWork(a);
    charge(64);
    return stringOf(v);
  },
  exists: (c, a) => (a.length === 1 ? a[0] !== undefined : exists(c, a)),
  boolean: (c, a) => (a.length === 1 ? toBoolean(a[0]) : boolean(c, a)),
  not: (c, a) => (a.length === 1 ? (a[0] === undefined ? undefined : !toBoolean(a[0])) : not(c, a)),
  lowercase: (c, a) =>
    a.length === 1 && typeof a[0] === 'string'
      ? charged(a[0]).toLowerCase()
      : a.length === 1 && a[0] === undefined
        ? undefined
        : lowercase(c, a),
  uppercase: (c, a) =>
    a.length === 1 && typeof a[0] === 'string'
      ? charged(a[0]).toUpperCase()
      : a.length === 1 && a[0] === undefined
        ? undefined
        : uppercase(c, a),
  trim: (c, a) =>
    a.length === 1 && typeof a[0] === 'string' ? trimImpl(charged(a[0])) : a.length === 1 && a[0] === undefined ? undefined : trim(c, a),
  length: (c, a) => (a.length === 1 && typeof a[0] === 'string' ? lengthImpl(charged(a[0])) : length(c, a)),
  substring: (c, a) => {
    if (
      (a.length === 2 || a.length === 3) &&
      isStringOrUndefined(a[0]) &&
      typeof a[1] === 'number' &&
      (a[2] === undefined || typeof a[2] === 'number')
    ) {
      if (a[0] === undefined) return undefined;
      return substringImpl(charged(a[0] as string), a[1], a[2]);
    }
    return substring(c, a);
  },
  join: (c, a) => {
    const list = a[0];
    if (
      (a.length === 1 || a.length === 2) &&
      Array.isArray(list) &&
      isStringOrUndefined(a[1]) &&
      list.length > 0 &&
      list.every((s) => typeof s === 'string')
    ) {
      charge(list.length);
      return list.join(a[1] === undefined ? '' : (a[1] as string));
    }
    return join(c, a);
  },
  lookup: (c, a) => (a.length === 2 && typeof a[1] === 'string' && !isFunction(a[0]) ? lookup(a[0], a[1]) : lookupNative(c, a)),
  append: (c, a) => (a.length === 2 && !isFunction(a[0]) && !isFunction(a[1]) ? append(a[0], a[1]) : appendNative(c, a)),
  pad: (c, a) => {
    if (typeof a[1] === 'number') charge(Math.abs(a[1]) >> 6);
    return pad(c, a); // native(): inlineWork counts the width
  },
  distinct: (c, a) => {
    const [arr] = validated('distinct', a, c);
    if (arr === undefined) return undefined;
    if (!Array.isArray(arr) || arr.length <= 1) return arr;
    return distinct(arr);
  },
};

/** A string a fast path works through: counted, and not too long for the thread (see inlineWork). */
function charged(s: string): string {
  inlineWork([s]);
  charge(s.length >> 6);
  return s;
}

/** fn.distinct, without its quadratic scan for strings, numbers, booleans and null. */
function distinct(arr: unknown[]): unknown[] {
  const results: unknown[] = (arr as Seq).sequence === true ? seq() : [];
  const seen = new Set<unknown>();
  const structured: unknown[] = [];
  charge(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const value = arr[i];
    if (isFunction(value)) unsupported(); // jsonata compares functions by identity; ours are other objects
    if (value !== null && typeof value === 'object') {
      charge(structured.length);
      if (structured.some((s) => deepEqual(value, s))) continue;
      structured.push(value);
    } else if (value !== value) {
      // NaN equals nothing in jsonata (===), not even itself
    } else if (seen.has(value)) continue;
    else seen.add(value);
    results.push(value);
  }
  checkLength(results.length);
  return results;
}
