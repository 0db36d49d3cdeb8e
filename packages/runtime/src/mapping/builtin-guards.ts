import { budgetOfFrame, tickBudget } from './budget';
import { NeedsIsolation } from './needs-isolation';

/**
 * jsonata's built-ins run as plain JavaScript: its per-node guard never sees them, so `$distinct([1..200000])`
 * (quadratic) or `$map([1..1e6], $string)` ran to the end whatever the time limit. Every built-in is
 * wrapped once per compiled expression (bound in its compile frame, in front of jsonata's static frame):
 *  - each call counts toward the evaluation's clock check (so loops of native calls stop at the limit);
 *  - in an inline evaluation (on the caller's thread), a call whose arguments are large enough that it could
 *    run long or allocate much without a chance to stop it throws NeedsIsolation instead, and the
 *    expression runs again in a worker thread, where the time and memory limits are enforced by the thread.
 * The results are jsonata's own: the wrapper only decides where the call may run.
 */

interface Frame {
  lookup(name: string): unknown;
  bind(name: string, value: unknown): void;
}
interface JsonataFunction {
  _jsonata_function: true;
  implementation: (...args: unknown[]) => unknown;
  signature?: unknown;
}

const BUILTINS = (
  'sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad ' +
  'match contains replace split join formatNumber formatBase formatInteger parseInteger number floor ceil round abs ' +
  'sqrt power random boolean not map zip filter single reduce sift keys lookup append exists spread merge reverse each ' +
  'error assert type sort shuffle distinct encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl eval toMillis ' +
  'fromMillis clone base64encode base64decode'
).split(' ');

/** Work units (array items, or 16 characters) one inline built-in call may take. ~1 ms of native work. */
const INLINE_WORK = 10_000;
/** jsonata's `$sort` merges by slicing and `$distinct` compares every pair: quadratic, so a smaller bound. */
const QUADRATIC = new Set(['sort', 'distinct']);
const INLINE_QUADRATIC_ITEMS = 1_000;
/** Regex functions scan their text once per match (linear on RE2, but ~1 µs per character in re2js). */
const REGEX = new Set(['match', 'contains', 'replace', 'split']);
const INLINE_REGEX_CHARS = 20_000;
/** `$toMillis` and `$parseInteger` build a backtracking RegExp from their picture: only in isolation. */
const PICTURE_ARG: Record<string, number> = { toMillis: 1, parseInteger: 1 };

function work(value: unknown): number {
  if (typeof value === 'string') return value.length >> 4;
  if (Array.isArray(value)) return value.length;
  return 0;
}

/** Throws NeedsIsolation when a call with these arguments should not run on the caller's thread. */
function checkInline(name: string, args: unknown[]): void {
  const pictureAt = PICTURE_ARG[name];
  if (pictureAt !== undefined && args[pictureAt] !== undefined) throw new NeedsIsolation(`$${name} with a picture`);
  if (QUADRATIC.has(name)) {
    if (Array.isArray(args[0]) && args[0].length > INLINE_QUADRATIC_ITEMS) throw new NeedsIsolation(`$${name} of a long sequence`);
    return;
  }
  if (REGEX.has(name) && typeof args[0] === 'string' && args[0].length > INLINE_REGEX_CHARS) {
    throw new NeedsIsolation(`$${name} on a long text`);
  }
  let total = name === 'pad' && typeof args[1] === 'number' ? Math.abs(args[1]) >> 4 : 0;
  for (const a of args) total += work(a);
  if (total > INLINE_WORK) throw new NeedsIsolation(`$${name} on a large input`);
}

function guard(name: string, original: JsonataFunction): JsonataFunction {
  const impl = original.implementation;
  const wrapped = function (this: { environment: { base?: unknown } }, ...args: unknown[]): unknown {
    const budget = budgetOfFrame(this.environment);
    if (budget) {
      tickBudget(budget);
      if (budget.sliceEnd !== undefined) {
        try {
          checkInline(name, args);
        } catch (err) {
          throw (budget.isolation ??= err as NeedsIsolation);
        }
      }
    }
    return impl.apply(this, args);
  };
  // jsonata reads a native function's arity from `length` and its parameter names from its source text
  // (partial application, `$replace(?, "a", "b")`): both stay the original's.
  Object.defineProperty(wrapped, 'length', { value: impl.length });
  wrapped.toString = () => impl.toString();
  return { ...original, implementation: wrapped };
}

let guards: Array<[string, JsonataFunction]> | undefined;
const guardedFrames = new WeakSet<object>();

/** Binds the guarded built-ins into a compiled expression's own frame (once; called at its first evaluation). */
export function installBuiltinGuards(compileFrame: Frame): void {
  if (guardedFrames.has(compileFrame)) return;
  guardedFrames.add(compileFrame);
  guards ??= BUILTINS.flatMap((name): Array<[string, JsonataFunction]> => {
    const original = compileFrame.lookup(name) as JsonataFunction | undefined;
    return original?._jsonata_function ? [[name, guard(name, original)]] : [];
  });
  for (const [name, fn] of guards) compileFrame.bind(name, fn);
}
