import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { compileExpression, evaluateExpression, type MappingLimits } from '../src/index';
import { compilerStats, compilerSwitch } from '../src/mapping/compiler/index';
import { loadSuite, type SuiteCase } from './support/jsonata-suite';
import { sameValue } from './support/same-value';

/**
 * JSONata's own test suite (1,686 cases) through Splice's mapping layer, twice: with the compiler on and
 * with it off (jsonata's interpreter alone). Both must agree with each other and with the suite, case by
 * case: the same result, or the same error code. Prints how many cases ran compiled.
 */
type Outcome = { ok: true; value: unknown } | { ok: false; code: string; jsonataCode?: unknown; message: string };

async function outcome(c: SuiteCase, compiled: boolean): Promise<Outcome> {
  compilerSwitch.enabled = compiled;
  try {
    // Cases with no limit of their own get a generous one: agreement must not depend on the machine's load.
    // jsonata's own range ceiling (two cases count [1..10000000]; Splice's default limit is 1,000,000).
    const limits: MappingLimits = {
      maxSequenceLength: 10_000_000,
      ...(c.timelimit !== undefined ? { timeoutMs: c.timelimit, maxDepth: c.depth } : { timeoutMs: 60_000 }),
    };
    const expr = compileExpression(c.expr);
    // Compiled code as it runs in the isolated evaluator (no slice, no inline bounds on big built-in calls),
    // so the comparison covers everything it computes; inline it hands those to the worker, where it runs so.
    return {
      ok: true,
      value: await evaluateExpression(expr, structuredClone(c.input), structuredClone(c.bindings), limits, { isolated: compiled }),
    };
  } catch (err) {
    const e = err as { code: string; message: string; details?: { jsonataCode?: unknown } };
    return { ok: false, code: e.code, jsonataCode: e.details?.jsonataCode, message: e.message };
  } finally {
    compilerSwitch.enabled = true;
  }
}

function meetsSuite(c: SuiteCase, o: Outcome): boolean {
  const x = c.expect;
  if (x.kind === 'undefined') return o.ok && o.value === undefined;
  if (x.kind === 'result') return o.ok && isDeepStrictEqual(JSON.parse(JSON.stringify(o.value ?? null)), x.value);
  if (o.ok) return false;
  if (x.code === 'U1001') return o.code === 'MAPPING_TIMEOUT' || o.code === 'MAPPING_DEPTH_EXCEEDED'; // the suite's own runaway guard
  return o.jsonataCode === x.code || o.code === x.code;
}

function sameOutcome(c: SuiteCase, a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return sameValue(a.value, b.value);
  if (a.ok || b.ok) return false;
  if (c.expect.kind === 'error' && c.expect.code === 'U1001') return meetsSuite(c, a) && meetsSuite(c, b); // which limit trips first is timing
  return a.code === b.code && a.jsonataCode === b.jsonataCode && a.message === b.message;
}

describe('JSONata test suite through the mapping layer, compiled and interpreted', () => {
  const cases = loadSuite();

  it('has all 1,686 cases', () => {
    expect(cases).toHaveLength(1686);
  });

  it('gives identical results and error codes with the compiler on and off, and passes the suite', { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    const notCompiled = new Map<string, number>();
    let compiledRuns = 0;
    let fellBack = 0;
    let succeeding = 0;
    let succeedingCompiled = 0;
    const fellBackCases: string[] = [];
    const reasonsBefore = new Map(compilerStats.reasons);
    for (const c of cases) {
      let program: boolean;
      try {
        const expr = compileExpression(c.expr);
        program = expr.program !== undefined;
        if (!program) notCompiled.set(expr.interpretedBecause ?? '?', (notCompiled.get(expr.interpretedBecause ?? '?') ?? 0) + 1);
      } catch {
        program = false; // a syntax error: nothing to compile
        notCompiled.set('syntax error', (notCompiled.get('syntax error') ?? 0) + 1);
      }
      const fallbacksBefore = compilerStats.fallbacks;
      const on = await outcome(c, true);
      const fallbacks = compilerStats.fallbacks - fallbacksBefore;
      if (program && fallbacks === 0) compiledRuns++;
      if (program && fallbacks > 0) fellBack++;
      if (c.expect.kind !== 'error') {
        succeeding++;
        if (program && fallbacks === 0) succeedingCompiled++;
        if (program && fallbacks > 0) fellBackCases.push(`${c.id} ${c.expr.slice(0, 100)}`);
      }
      const off = await outcome(c, false);
      if (!sameOutcome(c, on, off))
        problems.push(
          `${c.id} \`${c.expr.slice(0, 80)}\`: compiled ${JSON.stringify(on).slice(0, 200)} vs interpreted ${JSON.stringify(off).slice(0, 200)}`,
        );
      else if (!meetsSuite(c, on))
        problems.push(
          `${c.id} \`${c.expr.slice(0, 80)}\`: ${JSON.stringify(on).slice(0, 200)}, suite expects ${JSON.stringify(c.expect).slice(0, 200)}`,
        );
    }
    const runtimeReasons = [...compilerStats.reasons]
      .map(([r, n]) => [r, n - (reasonsBefore.get(r) ?? 0)] as const)
      .filter(([, n]) => n > 0);
    const top = (m: Iterable<readonly [string, number]>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `  ${n} × ${r}`)
        .join('\n');
    console.log(
      `jsonata suite: ${cases.length} cases, ${compiledRuns} ran compiled (${((100 * compiledRuns) / cases.length).toFixed(1)}%), ` +
        `${fellBack} compiled but handed to the interpreter at run time (errors are always reported by the interpreter), ` +
        `${cases.length - compiledRuns - fellBack} interpreted. Of the ${succeeding} cases without an error, ` +
        `${succeedingCompiled} ran compiled (${((100 * succeedingCompiled) / succeeding).toFixed(1)}%).\n` +
        (process.env.SUITE_VERBOSE ? `fell back:\n${fellBackCases.join('\n')}\n` : '') +
        `run-time fallbacks:\n${top(runtimeReasons)}\nnot compiled:\n${top(notCompiled)}`,
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
