import { charge, checkLength, fail, unsupported } from './meter';
import { append, isFunction, isNumeric, keysOf, newObject, seq, seq1, toBoolean, type Seq } from './values';

/** Pieces of jsonata's evaluatePath / evaluateStep / evaluateFilter / evaluateGroupExpression, ported. */

/** evaluatePath's input sequence: an array as it is, anything else as a one-item sequence. */
export function pathInput(input: unknown): unknown[] {
  return Array.isArray(input) ? input : seq1(input);
}

/** evaluateStep's flattening of the per-item results (a `[...]` array stays one item). */
export function flatten(result: Seq): Seq {
  checkLength(result.length);
  const out = seq();
  for (let i = 0; i < result.length; i++) {
    const res = result[i];
    if (!Array.isArray(res) || (res as Seq).cons) out.push(res);
    else for (let j = 0; j < res.length; j++) if (j in res) out.push(res[j]);
  }
  checkLength(out.length);
  return out;
}

/** ... and on a path's last step a single array result that is not a sequence is kept as it is. */
export function flattenLast(result: Seq): Seq {
  if (result.length === 1 && Array.isArray(result[0]) && (result[0] as Seq).sequence !== true) return result[0] as Seq;
  return flatten(result);
}

/** A path's `keepSingletonArray` ([] on a step). */
export function keepSingletonArray(result: unknown): unknown {
  let r = result as Seq;
  if (Array.isArray(r) && r.cons && !r.sequence) r = seq1(r);
  r.keepSingleton = true; // a TypeError on undefined, as in jsonata
  return r;
}

/** evaluateFilter with a number literal predicate: `[2]`, `[-1]`. */
export function pick(input: unknown, index: number): unknown {
  const results = seq();
  if (input && (input as Seq).tupleStream) results.tupleStream = true;
  const list = Array.isArray(input) ? input : seq1(input);
  const i = index < 0 ? list.length + index : index;
  const item = list[i];
  if (item !== undefined) {
    if (Array.isArray(item)) return item;
    results.push(item);
  }
  return results;
}

/** The list evaluateFilter iterates over. */
export function filterInput(input: unknown): unknown[] {
  return Array.isArray(input) ? input : seq1(input);
}

/**
 * How many times evaluateFilter keeps item `index` of `length` for predicate value `res`: numbers (or an
 * array of numbers) select by position, anything else by its effective boolean value.
 */
export function selectCount(res: unknown, index: number, length: number): number {
  let r = res;
  if (isNumeric(r)) r = [r];
  if (Array.isArray(r) && isNumbers(r)) {
    let n = 0;
    for (let i = 0; i < r.length; i++) {
      if (!(i in r)) continue;
      let ii = Math.floor(r[i] as number);
      if (ii < 0) ii = length + ii;
      if (ii === index) n++;
    }
    return n;
  }
  return toBoolean(r) ? 1 : 0;
}

function isNumbers(r: unknown[]): boolean {
  let ok = true;
  for (let i = 0; i < r.length; i++) if (i in r && !isNumeric(r[i])) ok = false;
  return ok;
}

/**
 * The context of a `{ "literal": … }` pair in an object constructor: each input item contributes the same
 * literal key, so the pair's data is the items appended in order (or the single item itself). An empty
 * input gets an undefined item pushed into it, as jsonata does.
 */
export function groupData(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  if (input.length === 0) return unsupported(); // jsonata pushes an undefined item into it (see groupItems)
  if ((input as Seq).tupleStream) fail();
  charge(input.length);
  let data = input[0];
  for (let i = 1; i < input.length; i++) data = append(data, input[i]);
  return data;
}

/** The items a general object constructor groups. */
export function groupItems(input: unknown): unknown[] {
  const items = Array.isArray(input) ? input : seq1(input);
  if ((items as Seq).tupleStream) fail();
  // jsonata pushes an undefined item into an empty input array, the caller's data or a variable's value,
  // while sibling values of the same object constructor run concurrently (Promise.all) and may read it
  // before or after: only the interpreter can say which, so compiled code leaves such runs to it.
  if (items.length === 0) return unsupported();
  return items;
}

export interface GroupEntry {
  data: unknown;
  exprIndex: number;
}

/** One key of evaluateGroupExpression's first pass (T1003, D1013, D1009 fail). */
export function groupAdd(groups: Record<string, GroupEntry>, key: unknown, item: unknown, exprIndex: number): void {
  if (key === undefined) return;
  if (typeof key !== 'string') fail();
  if (key === '_jsonata_lambda' || key === '_jsonata_function') fail();
  const entry = groups[key];
  if (entry !== undefined) {
    if (entry.exprIndex !== exprIndex) fail();
    entry.data = append(entry.data, item);
  } else groups[key] = { data: item, exprIndex };
}

export function newGroups(): Record<string, GroupEntry> {
  return Object.create(null) as Record<string, GroupEntry>;
}

/** evaluateWildcard */
export function wildcard(input: unknown): unknown {
  let results: unknown = seq();
  let value = input;
  if (Array.isArray(value) && (value as Seq).outerWrapper && value.length > 0) value = value[0];
  if (value !== null && typeof value === 'object' && !isFunction(value)) {
    for (const key of keysOf(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (Array.isArray(v)) results = append(results, flattenDeep(v, []));
      else (results as unknown[]).push(v);
    }
  }
  checkLength((results as unknown[]).length);
  return results;
}

function flattenDeep(arg: unknown, out: unknown[]): unknown[] {
  if (Array.isArray(arg)) {
    charge(arg.length);
    for (let i = 0; i < arg.length; i++) if (i in arg) flattenDeep(arg[i], out);
  } else out.push(arg);
  return out;
}

/** evaluateDescendants */
export function descendants(input: unknown): unknown {
  if (input === undefined) return undefined;
  const results = seq();
  recurse(input, results);
  checkLength(results.length);
  return results.length === 1 ? results[0] : results;
}

function recurse(input: unknown, results: unknown[]): void {
  charge(1);
  if (!Array.isArray(input)) results.push(input);
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) if (i in input) recurse(input[i], results);
  } else if (input !== null && typeof input === 'object' && !isFunction(input)) {
    for (const key of keysOf(input)) recurse((input as Record<string, unknown>)[key], results);
  }
}

export { newObject };
