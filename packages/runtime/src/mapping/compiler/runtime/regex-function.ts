import { LinearRegExp } from '../../linear-regex';
import { fail } from './meter';

/**
 * A regex literal's value as jsonata makes it (evaluateRegex): a function `(str, fromIndex)` returning
 * `{ match, start, end, groups, next }`, on the interpreter's own linear-time engine (RE2 semantics).
 */
export interface Match {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: () => Match | undefined;
}

const regexFunctions = new WeakSet<object>();

export function isRegexFunction(f: unknown): f is (str: string, fromIndex?: number) => Match | undefined {
  return typeof f === 'function' && regexFunctions.has(f);
}

/** jsonata's closure for one evaluation of a regex literal (a new engine, so a fresh lastIndex, each time). */
export function regexFunction(literal: RegExp): (str: string, fromIndex?: number) => Match | undefined {
  const re = new LinearRegExp(literal);
  const closure = function (str: string, fromIndex?: number): Match | undefined {
    let result: Match | undefined;
    re.lastIndex = fromIndex || 0;
    const match = re.exec(str);
    if (match !== null) {
      const found: Match = { match: match[0], start: match.index, end: match.index + match[0].length, groups: [], next: () => undefined };
      for (let i = 1; i < match.length; i++) found.groups.push(match[i] as string);
      found.next = function () {
        if (re.lastIndex >= str.length) return undefined;
        const next = closure(str, re.lastIndex);
        if (next && next.match === '') fail(); // D1004: a zero-length match would never progress
        return next;
      };
      regexFunctions.add(found.next); // evaluateMatcher calls it as jsonata does: directly
      result = found;
    }
    return result;
  };
  regexFunctions.add(closure);
  return closure;
}
