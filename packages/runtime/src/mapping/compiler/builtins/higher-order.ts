import { arityOf, callValue, hofArgs } from '../runtime/functions';
import { charge, checkLength, fail, meter, tick } from '../runtime/meter';
import { mergeSort, sortDefault } from '../runtime/sort';
import { keysOf, newObject, seq, toBoolean } from '../runtime/values';
import { validated, type Builtin } from './core';

/**
 * jsonata's higher-order built-ins (asynchronous there: they await each call), synchronous here with the
 * same loop, the same arguments to the function (hofFuncArgs by its arity) and the same result shape.
 * A function passed to them is jsonata's closure around it, called with no context (apply(…, null)).
 */
function step(): void {
  if (--meter.n < 0) tick();
}

export const higherOrderBuiltins: Record<string, Builtin> = {
  map: (c, a) => {
    const [arr, f] = validated('map', a, c) as [unknown[] | undefined, unknown];
    if (arr === undefined) return undefined;
    const result = seq();
    for (let i = 0; i < arr.length; i++) {
      step();
      const res = callValue(f, hofArgs(f, arr[i], i, arr), null);
      if (res !== undefined) result.push(res);
    }
    checkLength(result.length);
    return result;
  },
  filter: (c, a) => {
    const [arr, f] = validated('filter', a, c) as [unknown[] | undefined, unknown];
    if (arr === undefined) return undefined;
    const result = seq();
    for (let i = 0; i < arr.length; i++) {
      step();
      const entry = arr[i];
      if (toBoolean(callValue(f, hofArgs(f, entry, i, arr), null))) result.push(entry);
    }
    checkLength(result.length);
    return result;
  },
  single: (c, a) => {
    const [arr, f] = validated('single', a, c) as [unknown[] | undefined, unknown];
    if (arr === undefined) return undefined;
    let found = false;
    let result: unknown;
    for (let i = 0; i < arr.length; i++) {
      step();
      const entry = arr[i];
      const positive = f === undefined ? true : toBoolean(callValue(f, hofArgs(f, entry, i, arr), null));
      if (!positive) continue;
      if (found) fail(); // D3138
      result = entry;
      found = true;
    }
    if (!found) fail(); // D3139
    return result;
  },
  reduce: (c, a) => {
    const [sequence, f, init] = validated('reduce', a, c) as [unknown[] | undefined, unknown, unknown];
    if (sequence === undefined) return undefined;
    const arity = arityOf(f);
    if (arity < 2) fail(); // D3050
    let result: unknown;
    let index: number;
    if (init === undefined && sequence.length > 0) {
      result = sequence[0];
      index = 1;
    } else {
      result = init;
      index = 0;
    }
    for (; index < sequence.length; index++) {
      step();
      const args = [result, sequence[index]];
      if (arity >= 3) args.push(index);
      if (arity >= 4) args.push(sequence);
      result = callValue(f, args, null);
    }
    return result;
  },
  each: (c, a) => {
    const [obj, f] = validated('each', a, c);
    const result = seq();
    for (const key of keysOf(obj)) {
      step();
      const val = callValue(f, hofArgs(f, (obj as Record<string, unknown>)[key], key, obj), null);
      if (val !== undefined) result.push(val);
    }
    checkLength(result.length);
    return result;
  },
  sift: (c, a) => {
    const [obj, f] = validated('sift', a, c);
    const result = newObject();
    for (const key of keysOf(obj)) {
      step();
      const entry = (obj as Record<string, unknown>)[key];
      if (toBoolean(callValue(f, hofArgs(f, entry, key, obj), null))) result[key] = entry;
    }
    return Object.keys(result).length === 0 ? undefined : result;
  },
  sort: (c, a) => {
    const [arr, f] = validated('sort', a, c) as [unknown[] | undefined, unknown];
    if (arr === undefined) return undefined;
    if (arr.length <= 1) return arr;
    charge(arr.length);
    if (f === undefined) return sortDefault(arr);
    return mergeSort(arr, (x, y) => !!callValue(f, [x, y], null));
  },
};
