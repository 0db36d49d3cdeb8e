import jsonata from 'jsonata';
import { timestamp, unsupported } from './meter';
import { quickValidate } from './signature';
import { createSequence, isFunction } from './values';

/**
 * jsonata's own built-in function objects (`{ _jsonata_function, implementation, signature }`), for the
 * built-ins compiled code calls as they are (their implementation is synchronous and linear in its input)
 * and for jsonata's exact argument validation (`signature.validate`: T0410/T0411/T0412, context arguments).
 *
 * jsonata exports no table of them; every evaluation's first frame is created, synchronously, from the
 * environment that holds them, and the `__createFrame_push` hook (the one budget.ts uses) receives that
 * environment. One throwaway evaluation at first use reads them from it.
 */
export interface NativeFunction {
  _jsonata_function: true;
  implementation: (...args: unknown[]) => unknown;
  signature?: { validate(args: unknown[], context: unknown): unknown[]; definition?: string };
}

interface Environment {
  lookup(name: string): unknown;
}

let environment: Environment | undefined;

function jsonataEnvironment(): Environment {
  if (environment) return environment;
  const probe = jsonata('0');
  let found: Environment | undefined;
  probe.assign(Symbol.for('jsonata.__createFrame_push') as unknown as string, (enclosing: Environment) => {
    found ??= enclosing;
  });
  void probe.evaluate(undefined).catch(() => undefined);
  if (!found) throw new Error('jsonata did not expose its environment (jsonata version changed?)');
  environment = found;
  return environment;
}

const natives = new Map<string, NativeFunction | undefined>();

/** jsonata's function bound to `$name` in a fresh evaluation (built-ins, `$now`, `$millis`), if any. */
export function nativeFunction(name: string): NativeFunction | undefined {
  if (natives.has(name)) return natives.get(name);
  const value = jsonataEnvironment().lookup(name) as NativeFunction | undefined;
  const native = value && value._jsonata_function === true ? value : undefined;
  natives.set(name, native);
  return native;
}

export function requireNative(name: string): NativeFunction {
  const native = nativeFunction(name);
  if (!native) throw new Error(`jsonata has no built-in $${name}`);
  return native;
}

/**
 * `this` for a built-in's implementation, as jsonata's applyInner builds it. `options` is jsonata's options
 * object: Splice's interpreter path passes none that a compiled built-in could meet (its sequence limit is
 * enforced by compiled code itself, see meter.checkLength).
 */
export const FOCUS = {
  createSequence,
  options: undefined,
  input: undefined,
  /** $toMillis with a picture reads the evaluation's timestamp from here (datetime.js parseDateTime). */
  get environment() {
    return { timestamp: new Date(timestamp()) };
  },
};

/** Built-ins that treat a function argument the same whatever object it is (so ours may stand in). */
const FUNCTION_SAFE = new Set(['type', 'keys', 'exists', 'count', 'boolean', 'not']);

/** jsonata's validateArguments: throws jsonata's own error when the arguments do not fit. */
export function validate(native: { signature?: NativeFunction['signature'] }, args: unknown[], context: unknown): unknown[] {
  if (!native.signature) return args;
  const definition = native.signature.definition;
  return (definition !== undefined && quickValidate(definition, args)) || native.signature.validate(args, context);
}

/**
 * Calls a jsonata built-in as applyInner does. Only synchronous ones: a promise (an asynchronous
 * built-in) cannot be awaited here, so the interpreter runs the expression instead. A function passed as
 * data would be a different object in jsonata (it wraps function arguments), so that is left to it too.
 */
export function callNative(native: NativeFunction, args: unknown[], context: unknown, name?: string): unknown {
  if (name === undefined || !FUNCTION_SAFE.has(name)) for (let i = 0; i < args.length; i++) if (isFunction(args[i])) unsupported();
  const result = native.implementation.apply(FOCUS, validate(native, args, context));
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    (result as Promise<unknown>).catch(() => undefined);
    unsupported();
  }
  return result;
}

const stringImpl = requireNativeLazy('string');

function requireNativeLazy(name: string): () => NativeFunction['implementation'] {
  let impl: NativeFunction['implementation'] | undefined;
  return () => (impl ??= requireNative(name).implementation);
}

/** fn.string (D3001 for infinite numbers, 15 significant digits, functions as ""). */
export function stringOf(v: unknown, prettify?: unknown): unknown {
  if (typeof v === 'string') return v;
  return stringImpl()(v, prettify);
}
