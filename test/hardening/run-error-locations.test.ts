import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliToEnd } from '../support/in-process-cli';

/**
 * Issue 11 item 10: a mapping error at run time is printed by `splice run` and `splice test` at the
 * file:line:col of the failing expression (the character jsonata failed at), as `splice validate` prints
 * a static problem. Each case is a small flow whose one expression fails; `at` is the text the location
 * must point at (its first character, on its `nth` occurrence in the file), so the expected line:col is
 * read off the file itself.
 */
interface Case {
  steps: string;
  event: Record<string, unknown>;
  at: string;
  nth?: number;
  /** The failing step's record path and the field inside it (the run record's error.expression). */
  step: string;
  field: (string | number)[];
  code?: string;
  args?: string[];
}

const cases: Record<string, Case> = {
  'a map step': {
    steps: `
  - id: shape
    type: map
    expression: '{ "total": $event.price + 1 }'`,
    event: { price: 'ten' },
    at: '+ 1',
    step: 'shape',
    field: ['expression'],
  },
  "a call's `with` params": {
    steps: `
  - id: post
    type: call
    uses: http
    with:
      method: POST
      url: http://127.0.0.1:9/hook
      body:
        name: "=$uppercase($event.name)"
        count: "=$event.name & $number($event.name)"`,
    event: { name: 'ada' },
    at: '$number($event.name)',
    step: 'post',
    field: ['with', 'body', 'count'],
  },
  'an `if` condition': {
    steps: `
  - id: check
    type: if
    condition: $event.kind = "job" and $number($event.n) > 1
    then:
      - id: said
        type: map
        expression: '"job"'`,
    event: { kind: 'job', n: 'abc' },
    at: '$number(',
    step: 'check',
    field: ['condition'],
  },
  'a `filter` condition': {
    steps: `
  - id: onlyBig
    type: filter
    condition: "$event.size > 3"`,
    event: { size: 'big' },
    at: '> 3',
    step: 'onlyBig',
    field: ['condition'],
  },
  'a step inside a `foreach` body': {
    steps: `
  - id: loop
    type: foreach
    items: $event.items
    steps:
      - id: double
        type: map
        expression: $item.n * 2`,
    event: { items: [{ n: 1 }, { n: 'two' }] },
    at: '* 2',
    step: 'loop[1].double',
    field: ['expression'],
  },
  'a multi-line block scalar (line and column inside the block)': {
    steps: `
  - id: summary
    type: map
    expression: |
      (
        $names := $event.people.name;
        {
          "names": $join($names, ", "),
          "oldest": $max($event.people.age)
        }
      )`,
    event: { people: [{ name: 'Ada', age: '36' }, { name: 'Lin', age: 41 }] },
    at: '$max(',
    step: 'summary',
    field: ['expression'],
  },
  'a time limit (no character: the expression itself)': {
    steps: `
  - id: spin
    type: map
    expression: >-
      ( $f := function($x){ $f($x + 1) };
        $f(0) )`,
    event: {},
    at: '( $f := function',
    step: 'spin',
    field: ['expression'],
    code: 'MAPPING_TIMEOUT',
    args: ['--mapping-timeout', '100'],
  },
};

const dir = mkdtempSync(join(tmpdir(), 'splice-run-error-locations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCase(name: string, c: Case): { flow: string; tests: string; event: string; line: number; col: number } {
  const id = name.replace(/[^a-z]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  const text = `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: ${id}\ntrigger:\n  type: manual\nsteps:${c.steps}\n`;
  const flow = join(dir, `${id}.yaml`);
  writeFileSync(flow, text);
  writeFileSync(join(dir, `${id}.test.yaml`), `tests:\n  - name: runs\n    event: ${JSON.stringify(c.event)}\n`);
  const event = join(dir, `${id}.event.json`);
  writeFileSync(event, JSON.stringify(c.event));
  let offset = -1;
  for (let n = 0; n <= (c.nth ?? 0); n++) offset = text.indexOf(c.at, offset + 1);
  if (offset < 0) throw new Error(`case "${name}": \`${c.at}\` is not in its flow`);
  const before = text.slice(0, offset).split('\n');
  return { flow, tests: join(dir, `${id}.test.yaml`), event, line: before.length, col: before.at(-1)!.length + 1 };
}

const noStackTrace = (text: string) => {
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  expect(text).not.toMatch(/internal error|INTERNAL_ERROR/);
};

describe('run-time mapping errors are printed at file:line:col of the failing expression', () => {
  for (const [name, c] of Object.entries(cases)) {
    const code = c.code ?? 'MAPPING_EVALUATION';
    it(`splice run: ${name}`, async () => {
      const { flow, event, line, col } = writeCase(name, c);
      const r = await runCliToEnd(['run', flow, '--event', event, ...(c.args ?? [])]);
      expect(r.code).toBe(1); // `splice --help`: 1 = the work failed (a failed run)
      expect(r.err).toBe('');
      // The failing step's error line (a foreach above it repeats the error without a place of its own).
      expect(r.out).toMatch(new RegExp(`^ +error: ${escape(flow)}:${line}:${col}: .+ \\[${code}\\]$`, 'm'));
      expect(r.out).toContain(`failed at step ${c.step} [${code}]`);
      noStackTrace(r.out);

      const json = await runCliToEnd(['run', flow, '--event', event, '--json', ...(c.args ?? [])]);
      expect(json.code).toBe(1);
      const record = JSON.parse(json.out);
      expect(record.error).toMatchObject({ code, step: c.step, expression: { field: c.field }, location: { file: flow, line, col } });
      const failed = record.steps.find((s: { id: string }) => s.id === c.step);
      expect(failed.error.expression).toEqual(record.error.expression);
    });

    it(`splice test: ${name}`, async () => {
      const { flow, tests, line, col } = writeCase(name, c);
      const r = await runCliToEnd(['test', tests]);
      expect(r.code).toBe(1); // a failed flow test
      const lines = r.out.split('\n');
      const status = lines.findIndex((l) => l.includes(`status: expected the run to end "succeeded", it ended "failed" at step "${c.step}":`));
      expect(status, r.out).toBeGreaterThan(-1);
      expect(lines[status + 1]).toMatch(new RegExp(`^ {4}${escape(flow)}:${line}:${col}: .+ \\[${code}\\]$`));
      noStackTrace(r.out + r.err);
    }, c.code === 'MAPPING_TIMEOUT' ? 15_000 : undefined);
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
