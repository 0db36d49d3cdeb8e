import { RE2JS } from 're2js';
import { MappingError } from '../errors';

/**
 * JSONata regex literals (`/(a+)+$/`) run on RE2's linear-time engine (re2js, a pure-JS port: the same
 * engine in the server, the CLI and the editor's Web Worker, no native build). V8's backtracking RegExp
 * takes exponential time on patterns like `(a+)+$` against `aaaa…!`, and a native regex call cannot be
 * interrupted by any time limit; RE2 never backtracks, so every match is linear in the input.
 *
 * jsonata takes the engine as its `RegexEngine` option: it calls `new RegexEngine(regexp)` with the literal
 * it parsed (flags `g` plus `i`/`m`), then sets `lastIndex` and calls `exec()`, as with a global RegExp.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(literal: RegExp) {
    this.pattern = linearPattern(literal);
  }

  exec(input: string): RegExpExecArray | null {
    const matcher = this.pattern.matcher(input);
    if (this.lastIndex > input.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups = this.pattern.groupCount();
    const match: string[] = [matcher.group(0) as string];
    // Unmatched groups are undefined, as with RegExp (re2js answers null).
    for (let g = 1; g <= groups; g++) match.push((matcher.group(g) ?? undefined) as string);
    const result = match as unknown as RegExpExecArray;
    result.index = matcher.start(0);
    result.input = input;
    this.lastIndex = matcher.end(0);
    return result;
  }
}

/** One compiled pattern per literal: jsonata makes a new engine object each time a regex node is evaluated. */
const patterns = new WeakMap<RegExp, RE2JS>();

function linearPattern(literal: RegExp): RE2JS {
  let pattern = patterns.get(literal);
  if (!pattern) {
    pattern = compileLinear(literal);
    patterns.set(literal, pattern);
  }
  return pattern;
}

function compileLinear(literal: RegExp): RE2JS {
  const flags = (literal.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (literal.multiline ? RE2JS.MULTILINE : 0);
  try {
    return RE2JS.compile(RE2JS.translateRegExp(literal.source), flags);
  } catch (err) {
    throw unsupportedRegex(literal, err);
  }
}

/** What the user wrote that RE2 refuses, and what to write instead. */
function unsupportedRegex(literal: RegExp, err: unknown): MappingError {
  const source = literal.source;
  const reason = (err as Error)?.message?.replace(/^error parsing regexp: /, '') ?? String(err);
  let advice: string;
  if (/\(\?<?[=!]/.test(source)) {
    advice =
      'lookahead and lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`) are not supported: match the wider text and take a capture group from `$match(...).groups`, or test the other condition with a second `$contains`';
  } else if (/\\[1-9]|\\k</.test(source)) {
    advice =
      'backreferences (`\\1`, `\\k<name>`) are not supported: capture each part with a group and compare the groups in JSONata, e.g. `($m := $match($s, /(\\w+) (\\w+)/); $m.groups[0] = $m.groups[1])`';
  } else if (/invalid repeat count/.test(reason)) {
    advice = 'a repeat count is at most 1000: use a smaller `{n}` or check the length with `$length`';
  } else {
    advice = 'rewrite it in the RE2 syntax (https://github.com/google/re2/wiki/Syntax)';
  }
  return new MappingError(
    'MAPPING_REGEX_UNSUPPORTED',
    `regular expression /${source}/ cannot run on Splice's linear-time regex engine (${reason}): ${advice}. Splice refuses patterns that need backtracking, so no regex can stall a run.`,
    { cause: err, details: { pattern: source } },
  );
}

/** Compiles every regex literal of a parsed expression; throws MAPPING_REGEX_UNSUPPORTED with `details.offset`. */
export function checkRegexLiterals(ast: unknown): void {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    const n = node as { type?: string; value?: unknown; position?: number };
    if (n.type === 'regex' && n.value instanceof RegExp) {
      try {
        linearPattern(n.value);
      } catch (err) {
        const e = err as MappingError;
        // jsonata's position is just past the literal (`/`, pattern, `/`, flags but its own `g`): point at its opening slash.
        const written = n.value.source.length + 2 + n.value.flags.replace('g', '').length;
        const offset = Math.max(0, (n.position ?? 0) - written);
        throw new MappingError(e.code, e.message, { cause: e.cause, details: { ...e.details, offset } });
      }
      continue;
    }
    for (const key in n) if (key !== 'value' || typeof n.value === 'object') stack.push((n as Record<string, unknown>)[key]);
  }
}
