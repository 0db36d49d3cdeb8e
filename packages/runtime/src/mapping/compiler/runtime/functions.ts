import { BAIL_DEPTH, meter, unsupported } from './meter';
import { callNative, type NativeFunction } from './natives';
import { isFunction } from './values';
import { isRegexFunction } from './regex-function';

interface Signature {
  validate(args: unknown[], context: unknown): unknown[];
}

/**
 * A function value made by compiled code: a lambda (`function($x){…}`), or the stand-in for the closure
 * jsonata wraps around every function passed as an argument (evaluateFunction: each pass is a new
 * function object, so `$f` passed twice is two different values there, and here).
 * The `_jsonata_*` flags make jsonata's own helpers (fn.string, fn.type, signature validation) see it as
 * jsonata sees a lambda (`_jsonata_lambda`) or a plain JavaScript function (`_jsonata_function`).
 */
export class Fn {
  readonly _jsonata_lambda: true | undefined;
  readonly _jsonata_function: true | undefined;

  constructor(
    /** (the call's context, ...arguments) */
    readonly body: (context: unknown, ...args: unknown[]) => unknown,
    /** getFunctionArity: parameters of a lambda, of the wrapped function for a wrapper. */
    readonly arity: number,
    readonly signature: Signature | undefined,
    lambda: boolean,
  ) {
    this._jsonata_lambda = lambda ? true : undefined;
    this._jsonata_function = lambda ? undefined : true;
  }
}

/** getFunctionArity */
export function arityOf(f: unknown): number {
  if (f instanceof Fn) return f.arity;
  const o = f as { arity?: unknown; implementation?: unknown; length?: unknown; arguments?: unknown[] };
  if (typeof o.arity === 'number') return o.arity;
  if (typeof o.implementation === 'function') return o.implementation.length;
  if (typeof o.length === 'number') return o.length;
  return unsupported();
}

/**
 * Applies a function value as jsonata's apply/applyInner does; `context` is the input at the call site
 * (the value a `-` signature parameter takes when the argument is left out), null from built-ins.
 */
export function callValue(f: unknown, args: unknown[], context: unknown): unknown {
  if (f instanceof Fn) return f.body(context, ...(f.signature ? f.signature.validate(args, context) : args));
  if (
    f !== null &&
    typeof f === 'object' &&
    (f as NativeFunction)._jsonata_function === true &&
    typeof (f as NativeFunction).implementation === 'function'
  )
    return callNative(f as NativeFunction, args, context);
  if (isRegexFunction(f)) return f(...(args as [string, number?])); // applyInner: a plain function, no signature
  return unsupported(); // T1006 (not a function), a jsonata lambda or a JavaScript function from bindings
}

/** An argument as evaluateFunction passes it: functions wrapped in a new closure. */
export function argument(v: unknown): unknown {
  if (!isFunction(v)) return v;
  return new Fn((_context: unknown, ...params: unknown[]) => callValue(v, params, null), arityOf(v), undefined, false);
}

/**
 * Entering a lambda body: `cost` bounds the evaluator depth jsonata would use for it. Past the mapping
 * layer's maximum the interpreter decides (it may stop with MAPPING_DEPTH_EXCEEDED, or a tail call it
 * optimises may be fine), so compiled code never returns where the interpreter would stop.
 */
export function enter(cost: number): void {
  meter.depth += cost;
  if (meter.depth > meter.maxDepth) throw BAIL_DEPTH;
}

export function leave(cost: number): void {
  meter.depth -= cost;
}

/** hofFuncArgs: the value, then the index and the whole array if the function takes them. */
export function hofArgs(f: unknown, value: unknown, index: unknown, all: unknown): unknown[] {
  const arity = arityOf(f);
  if (arity >= 3) return [value, index, all];
  if (arity >= 2) return [value, index];
  return [value];
}
