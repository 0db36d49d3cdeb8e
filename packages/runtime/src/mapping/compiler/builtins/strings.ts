import { charge, checkLength, fail, inlineWork, meter, tick, timestamp, unsupported } from '../runtime/meter';
import { requireNative } from '../runtime/natives';
import { validated, type Builtin } from './core';
import { containsMatcher, replaceMatcher, splitMatcher } from './regex';

/**
 * $contains, $split and $replace with a string pattern (jsonata's string branch of each, ported; they are
 * asynchronous there because a pattern may be a regex). A regex or function pattern is not compiled:
 * those run on the interpreter and its regex engine.
 */
export const stringBuiltins: Record<string, Builtin> = {
  contains: (c, a) => {
    const [str, token] = validated('contains', a, c) as [string | undefined, unknown];
    if (str === undefined || token === undefined) return undefined;
    if (typeof token !== 'string') return containsMatcher(str, token);
    inlineWork([str, token]);
    charge(str.length >> 6);
    return str.indexOf(token) !== -1;
  },
  split: (c, a) => {
    const [str, separator, limit] = validated('split', a, c) as [string | undefined, unknown, number | undefined];
    if (str === undefined) return undefined;
    if ((limit as number) < 0) fail(); // D3020
    if (limit !== undefined && !(limit > 0)) return [];
    if (typeof separator !== 'string') return splitMatcher(str, separator, limit);
    inlineWork([str, separator]);
    if (limit !== undefined && !(limit > 0)) return [];
    charge(str.length >> 4);
    const result = str.split(separator, limit);
    checkLength(result.length);
    return result;
  },
  replace: (c, a) => {
    const [str, pattern, replacement, limit] = validated('replace', a, c) as [string | undefined, unknown, unknown, number | undefined];
    if (str === undefined) return undefined;
    if (pattern === '') fail(); // D3010
    if ((limit as number) < 0) fail(); // D3011
    if (limit !== undefined && !(limit > 0)) return str;
    if (typeof pattern !== 'string') return replaceMatcher(str, pattern, replacement, limit);
    if (typeof replacement !== 'string') return unsupported(); // jsonata appends the function's text
    inlineWork([str, pattern, replacement]);
    if (limit !== undefined && !(limit > 0)) return str;
    let result = '';
    let position = 0;
    let count = 0;
    let index = str.indexOf(pattern, position);
    while (index !== -1 && (limit === undefined || count < limit)) {
      if (--meter.n < 0) tick();
      result += str.substring(position, index);
      result += replacement;
      if (result.length > meter.maxSequence * 16) return unsupported(); // output grows past what the thread should build
      position = index + pattern.length;
      count++;
      index = str.indexOf(pattern, position);
    }
    result += str.substring(position);
    return result;
  },
};

/** $now() and $millis(): the evaluation's timestamp, taken when it started (as jsonata does). */
export const timeBuiltins: Record<string, Builtin> = {
  millis: (c, a) => {
    validated('millis', a, c);
    return timestamp();
  },
  now: (c, a) => {
    const [picture, timezone] = validated('now', a, c);
    return requireNative('fromMillis').implementation(timestamp(), picture, timezone);
  },
};
