import { isFunction } from './values';

/**
 * A shortcut through jsonata's signature validation (signature.js) for the usual call: every argument
 * given, each of the type its parameter names, parameters left out all optional (`?`). jsonata's regex
 * then matches argument i to parameter i and hands the arguments on as they are (missing optional ones as
 * undefined), which is what this returns. Anything else (a left-out parameter that takes the context `-`,
 * an array parameter with an item type, `+`, a choice the shortcut does not read) returns undefined and
 * jsonata's own validator decides.
 */
type Check = (v: unknown) => boolean;

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && !isFunction(v);
const SYMBOL_CHECKS: Record<string, Check> = {
  s: (v) => v === undefined || typeof v === 'string',
  n: (v) => v === undefined || typeof v === 'number',
  b: (v) => v === undefined || typeof v === 'boolean',
  l: (v) => v === undefined || v === null,
  o: (v) => v === undefined || isObject(v),
  x: () => true,
  j: (v) => !isFunction(v),
  f: (v) => isFunction(v),
};

interface Param {
  check: Check;
  /** `?`: may be left out (then undefined). */
  optional: boolean;
  /** `-`: left out, it takes the context, and jsonata's regex may then shift the others: not shortcut. */
  context: boolean;
  array: boolean;
}

function parse(definition: string): Param[] | undefined {
  const params: Param[] = [];
  for (let i = 1; i < definition.length; i++) {
    const c = definition[i] as string;
    if (c === ':' || c === '>') break;
    const last = params[params.length - 1];
    if (c === '?' && last) last.optional = true;
    else if (c === '-' && last) last.context = true;
    else if (c === 'a') params.push({ check: () => true, optional: false, context: false, array: true });
    else if (SYMBOL_CHECKS[c]) params.push({ check: SYMBOL_CHECKS[c] as Check, optional: false, context: false, array: false });
    else return undefined; // `+`, `(…)`, `<…>` item types: jsonata's validator
  }
  return params;
}

const cache = new Map<string, Param[] | undefined>();

/** The validated arguments, or undefined when jsonata's validator must decide. */
export function quickValidate(definition: string, args: unknown[]): unknown[] | undefined {
  let params = cache.get(definition);
  if (params === undefined && !cache.has(definition)) {
    params = parse(definition);
    cache.set(definition, params);
  }
  if (!params || args.length > params.length) return undefined;
  const out: unknown[] = new Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as Param;
    if (i >= args.length) {
      if (!p.optional || p.context) return undefined;
      out[i] = undefined;
      continue;
    }
    const v = args[i];
    if (p.array) {
      if (!Array.isArray(v) && v !== undefined) return undefined; // jsonata wraps it: let it
      out[i] = v;
      continue;
    }
    if (!p.check(v)) return undefined;
    out[i] = v;
  }
  return out;
}
