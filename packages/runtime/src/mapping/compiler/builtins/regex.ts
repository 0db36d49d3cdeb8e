import { callValue } from '../runtime/functions';
import { BAIL_LARGE, checkLength, fail, meter, tick } from '../runtime/meter';
import { isRegexFunction, type Match } from '../runtime/regex-function';
import { isFunction, seq } from '../runtime/values';
import { validated, type Builtin } from './core';

/**
 * Regular expressions as jsonata evaluates them (evaluateRegex): a regex literal is a function
 * `(str, fromIndex)` returning `{ match, start, end, groups, next }`, run on the same linear-time engine
 * the interpreter uses (mapping/linear-regex.ts, RE2 semantics), so both paths match identically. The
 * matcher branches of $contains, $match, $replace and $split (asynchronous in jsonata) are ported here.
 */
/** Characters of text a regex built-in scans on a thread that must stay responsive (builtin-guards.ts). */
const INLINE_REGEX_CHARS = 20_000;

/** fn's evaluateMatcher: the matcher's result, checked for the structure of a match (T1010). */
function evaluateMatcher(matcher: unknown, str?: string): Match | undefined {
  if (--meter.n < 0) tick();
  const result = (isRegexFunction(matcher) ? matcher(str as string) : callValue(matcher, [str], null)) as Match | undefined;
  if (
    result &&
    !(
      typeof result.start === 'number' ||
      (result as { end?: unknown }).end === 'number' ||
      Array.isArray(result.groups) ||
      isFunction(result.next)
    )
  )
    fail();
  return result;
}

function scanBound(str: string): void {
  if (!meter.isolated && str.length > INLINE_REGEX_CHARS) throw BAIL_LARGE;
}

/** The matcher (function) branches; the string branches stay in strings.ts, which calls these. */
export function containsMatcher(str: string, token: unknown): boolean {
  scanBound(str);
  return evaluateMatcher(token, str) !== undefined;
}

export function splitMatcher(str: string, separator: unknown, limit: number | undefined): string[] {
  scanBound(str);
  const result: string[] = [];
  let count = 0;
  let matches = evaluateMatcher(separator, str);
  if (matches !== undefined) {
    let start = 0;
    while (matches !== undefined && (limit === undefined || count < limit)) {
      result.push(str.substring(start, matches.start));
      start = matches.end;
      matches = evaluateMatcher(matches.next);
      count++;
    }
    if (limit === undefined || count < limit) result.push(str.substring(start));
  } else result.push(str);
  checkLength(result.length);
  return result;
}

/** $replace's `$n` substitution of a string replacement (fn.replace's replacer), as written there. */
function substitute(replacement: string, regexMatch: Match): string {
  let out = '';
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    out += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === '$') {
      out += '$';
      position++;
    } else if (dollarVal === '0') {
      out += regexMatch.match;
      position++;
    } else {
      const maxDigits = regexMatch.groups.length === 0 ? 1 : Math.floor(Math.log(regexMatch.groups.length) * Math.LOG10E) + 1;
      index = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && index > regexMatch.groups.length)
        index = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      if (!isNaN(index)) {
        if (regexMatch.groups.length > 0) {
          const submatch = regexMatch.groups[index - 1];
          if (submatch !== undefined) out += submatch;
        }
        position += index.toString().length;
      } else out += '$';
    }
    index = replacement.indexOf('$', position);
  }
  return out + replacement.substring(position);
}

export function replaceMatcher(str: string, pattern: unknown, replacement: unknown, limit: number | undefined): string {
  scanBound(str);
  let result = '';
  let position = 0;
  let count = 0;
  let matches = evaluateMatcher(pattern, str);
  if (matches === undefined) return str;
  while (matches !== undefined && (limit === undefined || count < limit)) {
    result += str.substring(position, matches.start);
    const replacedWith = typeof replacement === 'string' ? substitute(replacement, matches) : callValue(replacement, [matches], null);
    if (typeof replacedWith !== 'string') fail(); // D3012
    result += replacedWith;
    if (result.length > meter.maxSequence * 16) throw BAIL_LARGE;
    position = matches.start + matches.match.length;
    count++;
    matches = evaluateMatcher(matches.next);
  }
  return result + str.substring(position);
}

export const regexBuiltins: Record<string, Builtin> = {
  match: (c, a) => {
    const [str, regex, limit] = validated('match', a, c) as [string | undefined, unknown, number | undefined];
    if (str === undefined) return undefined;
    if ((limit as number) < 0) fail(); // D3040
    scanBound(str);
    const result = seq();
    if (limit === undefined || limit > 0) {
      let count = 0;
      let matches = evaluateMatcher(regex, str);
      while (matches !== undefined && (limit === undefined || count < limit)) {
        result.push({ match: matches.match, index: matches.start, groups: matches.groups });
        matches = evaluateMatcher(matches.next);
        count++;
      }
    }
    checkLength(result.length);
    return result;
  },
};
