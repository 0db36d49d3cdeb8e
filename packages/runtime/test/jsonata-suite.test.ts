import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileExpression, MappingError } from '../src/index';
import { createMappingEvaluator } from '../src/isolation/mapping-evaluator';

/**
 * JSONata's own test suite (jsonata-js test/test-suite at v2.2.2, ../shared/jsonata-suite) through the path
 * the engine takes: the isolating evaluator (inline slice, then a worker thread), RE2 regexes, guarded
 * built-ins. Results must equal jsonata's and errors keep jsonata's codes (MappingError details.jsonataCode).
 * Limits per case as jsonata's runner sets them (timelimit, depth); the sequence limit is raised to jsonata's
 * own range ceiling (10,000,000) because two cases count `[1..10000000]` (Splice's default is 1,000,000).
 * jsonata's runner reports its own time/depth guard as U1001: here that is MAPPING_TIMEOUT/DEPTH_EXCEEDED.
 */
const suiteDir = resolve(import.meta.dirname, '../../../../shared/jsonata-suite');

interface SuiteCase {
  expr?: string;
  'expr-file'?: string;
  data?: unknown;
  dataset?: string | null;
  bindings?: Record<string, unknown>;
  result?: unknown;
  undefinedResult?: boolean;
  code?: string;
  token?: string;
  error?: { code: string };
  timelimit?: number;
  depth?: number;
  unordered?: boolean;
}

function loadCases(): Array<{ group: string; name: string; c: SuiteCase }> {
  const out: Array<{ group: string; name: string; c: SuiteCase }> = [];
  for (const group of readdirSync(join(suiteDir, 'groups')).sort()) {
    for (const file of readdirSync(join(suiteDir, 'groups', group)).filter((f) => f.endsWith('.json')).sort()) {
      const spec = JSON.parse(readFileSync(join(suiteDir, 'groups', group, file), 'utf8')) as SuiteCase | SuiteCase[];
      const list = Array.isArray(spec) ? spec : [spec];
      list.forEach((c, i) => {
        if (c['expr-file']) c.expr = readFileSync(join(suiteDir, 'groups', group, c['expr-file']), 'utf8');
        out.push({ group, name: list.length > 1 ? `${file}[${i}]` : file, c });
      });
    }
  }
  return out;
}

const datasets = new Map<string, unknown>();
function input(c: SuiteCase): unknown {
  if ('data' in c) return c.data;
  if (c.dataset === null || c.dataset === undefined) return undefined;
  if (!datasets.has(c.dataset)) datasets.set(c.dataset, JSON.parse(readFileSync(join(suiteDir, 'datasets', `${c.dataset}.json`), 'utf8')));
  return datasets.get(c.dataset);
}

const evaluator = createMappingEvaluator();
afterAll(() => evaluator.close());

async function outcome(c: SuiteCase): Promise<{ value?: unknown; code?: string; token?: string }> {
  try {
    const compiled = compileExpression(c.expr!);
    const limits = { maxSequenceLength: 10_000_000, timeoutMs: c.timelimit ?? 10_000, ...(c.depth ? { maxDepth: c.depth } : {}) };
    return { value: await evaluator.evaluate(compiled, input(c), c.bindings ?? {}, limits) };
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
    if (err.code === 'MAPPING_TIMEOUT' || err.code === 'MAPPING_DEPTH_EXCEEDED') return { code: 'U1001' };
    return { code: err.details?.jsonataCode as string | undefined, token: err.details?.token as string | undefined };
  }
}

describe.skipIf(!existsSync(suiteDir))('jsonata test suite through the engine path', () => {
  const cases = loadCases();
  it('has all 1,686 cases', () => expect(cases).toHaveLength(1686));
  for (const { group, name, c } of cases) {
    it(`${group}/${name}: ${c.expr?.slice(0, 60)}`, async () => {
      const got = await outcome(c);
      const code = c.code ?? c.error?.code;
      if (code !== undefined) {
        expect(got.code).toBe(code);
        if (c.token !== undefined && got.token !== undefined) expect(got.token).toBe(c.token);
      } else if (c.undefinedResult) {
        expect(got).toEqual({ value: undefined });
      } else if (c.unordered && Array.isArray(c.result)) {
        expect(got.code).toBeUndefined();
        expect(got.value).toEqual(expect.arrayContaining(c.result as unknown[]));
        expect((got.value as unknown[]).length).toBe(c.result.length);
      } else {
        expect(got.code).toBeUndefined();
        expect(got.value).toEqual(c.result);
      }
    }, 30_000);
  }
});
