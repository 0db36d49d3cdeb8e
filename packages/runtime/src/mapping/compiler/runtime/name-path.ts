import { charge, checkLength } from './meter';
import { fin, isFunction, lookup, seq, seq1, type Seq } from './values';
import { flatten, flattenLast } from './steps';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * A path of plain field names (`a.b.c`, `$event.body.id`): evaluatePath for name steps without
 * predicates or flags. While each step meets a single object the result is the chain of lookups; at the
 * first array the general algorithm takes over from that step (a sequence per step, flattened).
 */
export function namePath(input: unknown, keys: string[]): unknown {
  if (Array.isArray(input)) return namesFrom(input, keys, 0);
  let cur = input;
  for (let k = 0; k < keys.length; k++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return namesFrom(seq1(input), keys, 0); // an array on the way: the general way
    if (!hasOwn.call(cur, keys[k] as string) || isFunction(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[keys[k] as string];
  }
  if (Array.isArray(cur) && (cur as Seq).sequence === true) return namesFrom(seq1(input), keys, 0);
  return cur;
}

/** The same after a first step that is a variable: `value` is that step's (normalised) value. */
export function variablePath(value: unknown, keys: string[]): unknown {
  if (value === undefined) return undefined; // the first step yields nothing: the path yields nothing
  if (Array.isArray(value)) return namesFrom(flatten(seq1(value)), keys, 0);
  return namePath(value, keys);
}

/** evaluateStep for name steps `keys[from…]` over a sequence. */
function namesFrom(sequence: unknown[], keys: string[], from: number): unknown {
  let input = sequence;
  let result: Seq = seq();
  for (let k = from; k < keys.length; k++) {
    const key = keys[k] as string;
    const out = seq();
    charge(input.length);
    for (let i = 0; i < input.length; i++) {
      const v = fin(lookup(input[i], key));
      if (v !== undefined) out.push(v);
    }
    checkLength(out.length);
    result = k === keys.length - 1 ? flattenLast(out) : flatten(out);
    if (result.length === 0) break;
    input = result;
  }
  return result;
}
