import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, parseFlow } from '../../packages/runtime/src/index';
import { runFlowTests } from '../../packages/runtime/src/flow-tests/index';
import { openMemoryDatabase } from '../../packages/server/src/insights/index';
import { templateActions } from './support/template-actions';

/**
 * The templates' flow tests with the real engine and real `splice.*` actions (an in-memory store shared by
 * the cases of one file, in order); only HTTP is canned. `splice test templates/` runs the same files.
 */
const dir = resolve(import.meta.dirname, '../../templates');
const tests = readdirSync(dir).filter((f) => f.endsWith('.test.yaml'));

describe('template flow tests', () => {
  for (const file of tests) {
    it(file, async () => {
      const flowFile = file.replace(/\.test\.yaml$/, '.yaml');
      const parsed = parseFlow(readFileSync(join(dir, flowFile), 'utf8'), { file: flowFile });
      expect(parsed.errors.map((e) => e.format())).toEqual([]);
      const { db, close } = await openMemoryDatabase();
      try {
        const actions = templateActions(db);
        const report = await runFlowTests(
          { testText: readFileSync(join(dir, file), 'utf8'), testFile: `templates/${file}`, flow: parsed.flow! },
          { engine: (deps) => createEngine({ actions, http: deps.http, baseUrls: deps.baseUrls, env: deps.env, credentials: deps.credentials }) },
        );
        const problems = [
          ...report.errors.map((e) => `${file}: ${e.message}`),
          ...report.cases.flatMap((c) =>
            c.failures.map((f) => `${c.name}: ${f.path}: ${f.message}${f.diff ? `\n${f.diff}` : ''}${c.run?.error ? `\n  run error: ${JSON.stringify(c.run.error)}` : ''}`),
          ),
        ];
        expect(problems).toEqual([]);
        expect(report.passed).toBeGreaterThan(0);
      } finally {
        await close();
      }
    });
  }
});
