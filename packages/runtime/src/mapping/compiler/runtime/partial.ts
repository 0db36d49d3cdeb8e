import { isRegexFunction } from './regex-function';
import { Fn } from './functions';
import { fail, unsupported } from './meter';
import { FOCUS, type NativeFunction } from './natives';

/**
 * Partial application `$f(?, 2)` (evaluatePartialApplication). The given arguments are bound as they are
 * (not wrapped), `?` positions stay parameters; the result is a lambda without the original's signature.
 * A built-in is applied through jsonata's partialApplyNativeFunction: its implementation is called with
 * the values of its declared parameters, without signature validation, as jsonata does.
 */
export const PLACEHOLDER: unique symbol = Symbol('?');

function fill(bound: unknown[], rest: unknown[], total: number): unknown[] {
  const full = new Array<unknown>(total);
  let k = 0;
  for (let i = 0; i < total; i++) full[i] = bound[i] === PLACEHOLDER ? rest[k++] : bound[i];
  return full;
}

/** jsonata's getNativeFunctionArguments: the parameter names of the implementation's source text. */
function declaredParameters(impl: (...a: unknown[]) => unknown): number {
  const params = /\(([^)]*)\)/.exec(impl.toString())?.[1] ?? '';
  const names = params.split(',');
  // jsonata parses `function($a, $b){ _ }` from these: anything but plain names is its parse error.
  if (!names.every((n) => /^\s*[A-Za-z_]\w*\s*$/.test(n))) unsupported();
  return names.length;
}

export function partial(proc: unknown, args: unknown[]): Fn {
  if (proc instanceof Fn && proc._jsonata_lambda) {
    const total = proc.arity;
    const bound = Array.from({ length: total }, (_, i) => (i < args.length ? args[i] : undefined));
    const free = bound.filter((a) => a === PLACEHOLDER).length;
    const body = proc.body;
    return new Fn((context, ...rest) => body(context, ...fill(bound, rest, total)), free, undefined, true);
  }
  let impl: ((...a: unknown[]) => unknown) | undefined;
  if (proc !== null && typeof proc === 'object' && (proc as NativeFunction)._jsonata_function === true && !(proc instanceof Fn))
    impl = (proc as NativeFunction).implementation;
  else if (isRegexFunction(proc)) impl = proc as (...a: unknown[]) => unknown;
  if (!impl) return proc === undefined || (proc !== null && typeof proc === 'object' && !(proc instanceof Fn)) ? fail() : unsupported(); // T1007/T1008, or a wrapper jsonata cannot parse either
  const native = impl;
  const total = declaredParameters(native);
  const bound = Array.from({ length: total }, (_, i) => (i < args.length ? args[i] : undefined));
  const free = bound.filter((a) => a === PLACEHOLDER).length;
  return new Fn(
    (_context, ...rest) => {
      const result = native.apply(FOCUS, fill(bound, rest, total));
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        (result as Promise<unknown>).catch(() => undefined);
        unsupported(); // an asynchronous built-in: the interpreter awaits it
      }
      return result;
    },
    free,
    undefined,
    true,
  );
}
