import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, type MappingError } from '../src/index';
import { compilerStats, compilerSwitch } from '../src/mapping/compiler/index';
import { mulberry32, randomExpression, randomJson } from './support/expression-fuzz';
import { sameValue } from './support/same-value';

/**
 * Random expressions from the compiled subset's grammar (support/expression-fuzz.ts), each on random JSON,
 * through the mapping layer with the compiler on and off: the same value or the same error, every time.
 * A fresh seed per run explores new cases; a failure prints the seed and the case index, and
 * MAPPING_FUZZ_SEED=<seed> replays the run exactly (every case is built from seed and index alone).
 */
const SEED = Number(process.env.MAPPING_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = 10_000;
const INPUTS_EACH = 8;

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; jsonataCode?: unknown; message: string };

async function outcome(expr: ReturnType<typeof compileExpression>, input: unknown, compiled: boolean): Promise<Outcome> {
  compilerSwitch.enabled = compiled;
  try {
    return { ok: true, value: await evaluateExpression(expr, structuredClone(input), {}, { timeoutMs: 30_000 }) };
  } catch (err) {
    const e = err as MappingError;
    return { ok: false, code: e.code, jsonataCode: e.details?.jsonataCode, message: e.message };
  } finally {
    compilerSwitch.enabled = true;
  }
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return sameValue(a.value, b.value);
  if (a.ok || b.ok) return false;
  return a.code === b.code && a.jsonataCode === b.jsonataCode && a.message === b.message;
}

describe('compiled and interpreted JSONata agree on random expressions and data', () => {
  it(`${CASES} cases, seed ${SEED} (replay: MAPPING_FUZZ_SEED=${SEED})`, { timeout: 120_000 }, async () => {
    let cases = 0;
    let syntax = 0;
    let notCompiled = 0;
    let ranCompiled = 0;
    let values = 0;
    let i = 0;
    for (; cases < CASES; i++) {
      const rnd = mulberry32(SEED ^ Math.imul(i + 1, 0x9e3779b1));
      const source = randomExpression(rnd);
      let expr: ReturnType<typeof compileExpression>;
      try {
        expr = compileExpression(source);
      } catch {
        syntax++;
        continue;
      }
      if (!expr.program) notCompiled++;
      for (let k = 0; k < INPUTS_EACH; k++) {
        const input = randomJson(rnd);
        const fallbacks = compilerStats.fallbacks;
        const on = await outcome(expr, input, true);
        if (expr.program && compilerStats.fallbacks === fallbacks) ranCompiled++;
        let off = await outcome(expr, input, false);
        // Two errors raised in concurrent parts (jsonata evaluates array items and object values with
        // Promise.all): which one wins depends on where the interpreter yields to the event loop (by the
        // clock), so the interpreter alone can report either. Accept the other only if it does.
        for (let retry = 0; retry < 5 && !on.ok && !off.ok && !same(on, off); retry++) off = await outcome(expr, input, false);
        cases++;
        if (off.ok) values++;
        if (!same(on, off)) {
          throw new Error(
            `seed ${SEED} case ${i}.${k}: \`${source}\` on ${JSON.stringify(input)}\n compiled:    ${JSON.stringify(on)}\n interpreted: ${JSON.stringify(off)}`,
          );
        }
      }
    }
    console.log(
      `mapping compiler fuzz (seed ${SEED}): ${cases} cases of ${i} expressions; ${ranCompiled} computed by compiled code, ` +
        `${values} gave a value (the rest an error, always reported by the interpreter); ${notCompiled} expressions not compiled, ${syntax} not valid JSONata.`,
    );
    expect(syntax).toBeLessThan(i / 100); // the generator writes valid JSONata
    expect(ranCompiled).toBeGreaterThan(cases / 3); // the comparison must mostly exercise compiled code
  });
});
