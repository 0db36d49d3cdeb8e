import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../actions/action';
import { httpAction } from '../actions/http';
import { parseFlow } from '../loader/parse-flow';
import type { Flow } from '../model/flow';
import { runFlowTests } from './runner';
import { lineDiff, subsetMismatches } from './subset-match';

const actions = new ActionRegistry().register(httpAction);

const FLOW = parseFlow(`apiVersion: splice/v1
kind: Flow
metadata:
  name: tagger
trigger:
  type: manual
  sample: { tags: [a, b] }
steps:
  - id: each
    type: foreach
    items: $event.tags
    steps:
      - id: put
        type: call
        uses: http
        with:
          method: PUT
          url: ='https://api.example.com/tags/' & $item
          body: { name: =$item }
`).flow as Flow;

const run = (testText: string) => runFlowTests({ testText, testFile: 'tagger.test.yaml', flow: FLOW }, { actions });

describe('flow test runner', () => {
  it('answers calls by request match and counts them', async () => {
    const r = await run(`tests:
  - name: tags both
    responses:
      put:
        - match: { url: /tags/b }
          body: { id: 2 }
        - body: { id: 1 }
    expect:
      calls: { put: 2 }
      outputs:
        put: [{ id: 1 }, { id: 2 }]
      requests:
        - step: put
          method: PUT
          body: { name: b }
`);
    expect(r.cases[0]!.failures).toEqual([]);
    expect(r).toMatchObject({ passed: 1, failed: 0 });
  });

  it('fails a case whose call has no canned response, naming the step and call', async () => {
    const r = await run(`tests:
  - name: missing
    responses:
      put: { call: 1, body: {} }
`);
    expect(r.failed).toBe(1);
    expect(r.cases[0]!.failures[0]!.message).toMatch(/step "put" sent call 2 .*no canned response/i);
  });

  it('reports failing conditions and counts at the line:col of the assertion', async () => {
    const text = `tests:
  - name: wrong
    responses:
      put: { body: {} }
    expect:
      totalCalls: 3
      conditions:
        - "$count($requests) = 5"
`;
    const r = await run(text);
    const f = r.cases[0]!.failures;
    expect(f.map((x) => x.path)).toEqual(['totalCalls', 'conditions[0]']);
    expect(f[0]!.location).toMatchObject({ file: 'tagger.test.yaml', line: 6, col: 19 });
    expect(f[1]!.location).toMatchObject({ line: 8, col: 11 });
    expect(f[1]!.message).toContain('is false');
  });

  it('rejects a malformed test file with the line:col of the problem', async () => {
    const r = await run(`tests:
  - name: x
    expect:
      stauts: failed
`);
    expect(r.failed).toBe(1);
    expect(r.errors[0]).toMatchObject({ code: 'FLOW_TEST_INVALID', location: { line: 4 } });
    expect(r.errors[0]!.message).toContain('stauts');
  });
});

describe('subset match', () => {
  it('matches by the keys given and shows a readable diff', () => {
    expect(subsetMismatches({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2], d: 4 }, e: 5 })).toEqual([]);
    const m = subsetMismatches({ b: { c: [1, 3] } }, { b: { c: [1, 2] } });
    expect(m[0]).toMatchObject({ path: 'b.c[1]', message: 'expected 3, got 2' });
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toBe('  a\n- b\n+ x\n  c');
  });
});
