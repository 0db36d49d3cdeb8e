import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * JSONata's own test suite (jsonata-js test/test-suite at v2.2.2, MIT; see fixtures/jsonata-suite/LICENSE),
 * read the way jsonata's run-test-suite.js reads it: one case per object, arrays of cases flattened,
 * `expr-file` inlined, `dataset: null` meaning no input.
 */
export interface SuiteCase {
  /** `group/file#n`, stable across runs. */
  id: string;
  group: string;
  expr: string;
  input: unknown;
  bindings: Record<string, unknown>;
  timelimit?: number;
  depth?: number;
  expect: { kind: 'result'; value: unknown; unordered: boolean } | { kind: 'undefined' } | { kind: 'error'; code: string };
}

export const SUITE_DIR = fileURLToPath(new URL('../fixtures/jsonata-suite/', import.meta.url));

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function loadSuite(dir = SUITE_DIR): SuiteCase[] {
  const datasets = new Map<string, unknown>();
  for (const name of readdirSync(join(dir, 'datasets'))) datasets.set(name.replace(/\.json$/, ''), readJson(join(dir, 'datasets', name)));
  const cases: SuiteCase[] = [];
  for (const group of readdirSync(join(dir, 'groups')).sort()) {
    for (const file of readdirSync(join(dir, 'groups', group))
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const spec = readJson(join(dir, 'groups', group, file));
      const list = (Array.isArray(spec) ? spec : [spec]) as Array<Record<string, unknown>>;
      list.forEach((c, n) => {
        const expr =
          typeof c['expr-file'] === 'string' ? readFileSync(join(dir, 'groups', group, c['expr-file']), 'utf8') : (c.expr as string);
        let input: unknown;
        if ('data' in c) input = c.data;
        else if (c.dataset !== null && c.dataset !== undefined) {
          if (!datasets.has(c.dataset as string)) throw new Error(`${group}/${file}: unknown dataset ${String(c.dataset)}`);
          input = datasets.get(c.dataset as string);
        }
        const code = (c.code ?? (c.error as { code?: string } | undefined)?.code) as string | undefined;
        const expectation: SuiteCase['expect'] =
          'undefinedResult' in c
            ? { kind: 'undefined' }
            : 'result' in c
              ? { kind: 'result', value: c.result, unordered: c.unordered === true }
              : { kind: 'error', code: code ?? '?' };
        cases.push({
          id: `${group}/${file}${list.length > 1 ? `#${n}` : ''}`,
          group,
          expr,
          input,
          bindings: (c.bindings as Record<string, unknown> | undefined) ?? {},
          timelimit: c.timelimit as number | undefined,
          depth: c.depth as number | undefined,
          expect: expectation,
        });
      });
    }
  }
  return cases;
}
