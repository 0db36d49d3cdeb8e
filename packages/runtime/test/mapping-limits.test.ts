import { afterAll, describe, expect, it } from 'vitest';
import type { MappingError } from '../src/index';
import { compileExpression, evaluateExpression } from '../src/index';
import { createMappingEvaluator } from '../src/isolation/mapping-evaluator';

/** Issue 11 items 7-9: every mapping limit is hard, and the caller's thread keeps serving meanwhile. */
const evaluator = createMappingEvaluator();
afterAll(() => evaluator.close());

/** Counts timer turns while `work` runs: a thread blocked by one synchronous call fires none. */
async function withTicks<T>(work: () => Promise<T>): Promise<{ result: T | MappingError; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    const result = await work().catch((e: MappingError) => e);
    return { result, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('regexes run in linear time (RE2)', () => {
  it('$match/$contains/$replace/$split with /(a+)+$/ on 40 a\'s and a ! answer as jsonata would, at once', async () => {
    const event = { s: `${'a'.repeat(40)}!` };
    for (const [source, expected] of [
      ['$match($event.s, /(a+)+$/)', undefined],
      ['$contains($event.s, /(a+)+$/)', false],
      ['$replace($event.s, /(a+)+$/, "x")', event.s],
      ['$split($event.s, /(a+)+$/)', [event.s]],
      ['$match("xaab", /(a+)b/).groups', ['aa']],
    ] as const) {
      expect(await evaluateExpression(compileExpression(source), {}, { event }), source).toEqual(expected);
    }
  });

  it('refuses backreferences and lookaround at compile time, saying what to write instead', () => {
    for (const [source, hint] of [
      ['$match($s, /(a)\\1/)', /backreferences/],
      ['$replace($s, /a(?=b)/, "")', /lookahead/],
      ['$contains($s, /(?<!x)y/i)', /lookbehind/],
    ] as const) {
      let err: MappingError | undefined;
      try {
        compileExpression(source);
      } catch (e) {
        err = e as MappingError;
      }
      expect(err?.code, source).toBe('MAPPING_REGEX_UNSUPPORTED');
      expect(err?.message).toMatch(hint);
      expect(err?.details?.offset).toBe(source.indexOf('/'));
    }
  });
});

describe('built-ins and sequences obey the limits, off the caller\'s thread', () => {
  it('stops $distinct([1..200000]) at the time limit while timers keep firing', async () => {
    const { result, ticks } = await withTicks(() => evaluator.evaluate(compileExpression('$distinct([1..200000])'), {}, {}, { timeoutMs: 300 }));
    expect(result).toMatchObject({ code: 'MAPPING_TIMEOUT' });
    expect(ticks).toBeGreaterThan(10);
  }, 30_000);

  it('stops $sort([1..9999999]) and $zip of two such ranges at the sequence limit', async () => {
    for (const source of ['$sort([1..9999999])', '$zip([1..9999999],[1..9999999])']) {
      await expect(evaluator.evaluate(compileExpression(source), {}, {}), source).rejects.toMatchObject({ code: 'MAPPING_SEQUENCE_TOO_LONG' });
    }
  }, 30_000);

  it('stops an expression at its memory limit in its worker, not the process', async () => {
    const hog = compileExpression('$count([1..900000].[$, $, $, $, $, $, $, $])');
    const { result, ticks } = await withTicks(() => evaluator.evaluate(hog, {}, {}, { maxMemoryMb: 16, timeoutMs: 20_000, maxSequenceLength: 10_000_000 }));
    expect(result).toMatchObject({ code: 'MAPPING_MEMORY_EXCEEDED' });
    expect(ticks).toBeGreaterThan(0);
    // The evaluator recovers: the next expression gets a fresh worker.
    expect(await evaluator.evaluate(compileExpression('$sort([3,1,2])'), {}, {})).toEqual([1, 2, 3]);
  }, 60_000);

  it('counts native calls toward the time limit ($map with a built-in)', async () => {
    const c = compileExpression('$count($map([1..900000], $string))');
    await expect(evaluateExpression(c, {}, {}, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'MAPPING_TIMEOUT' });
  }, 30_000);

  it('gives the same answers inline and isolated', async () => {
    for (const source of ['$sort([1..3000])[-1]', '$count($distinct([1..1500]))', '$replace(?, "a", "b")("aaa")', '$toMillis("2020", "[Y]")']) {
      const inline = await evaluateExpression(compileExpression(source), {}, {});
      expect(await evaluator.evaluate(compileExpression(source), {}, {}), source).toEqual(inline);
    }
  }, 30_000);
});
