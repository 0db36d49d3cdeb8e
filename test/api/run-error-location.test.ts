import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateRunError, parseFlow } from '../../packages/runtime/src/index';
import { eventually, startTestApi, type TestApi } from './helpers';

/**
 * Issue 11 item 10, server half: the run records the API serves carry the failing expression's place
 * (step, field within it, character offset), the same facts `splice run` maps to file:line:col, so the
 * editor can underline the expression in the flow it shows.
 */
const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: totals
trigger:
  type: manual
  sample: { lines: [{ qty: 2 }, { qty: "two" }] }
steps:
  - id: each
    type: foreach
    items: $event.lines
    steps:
      - id: total
        type: map
        expression: |
          {
            "qty": $item.qty,
            "double": $item.qty * 2
          }
`;
const WHERE = { field: ['expression'], offset: '{\n  "qty": $item.qty,\n  "double": $item.qty '.length };

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  expect((await api.call('POST', '/api/flows', { yaml: FLOW })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
});

/** What the editor would do with a record: the flow's YAML and the record's facts give line:col. */
function lineColIn(yaml: string, step: string, expression: { field: (string | number)[]; offset: number }) {
  return locateRunError(parseFlow(yaml), step, expression);
}

describe('run records over the API locate a failing expression', () => {
  it('a test run answers error.expression and the step record carries it', async () => {
    const res = await api.call('POST', '/api/flows/totals/test-runs', {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(res.body.error).toMatchObject({ code: 'MAPPING_EVALUATION', step: 'each[1].total', expression: WHERE });
    const step = res.body.steps.find((s: { id: string }) => s.id === 'each[1].total');
    expect(step.error.expression).toEqual(WHERE);
    expect(res.body.steps.find((s: { id: string }) => s.id === 'each').error.expression).toBeUndefined();
    expect(lineColIn(FLOW, res.body.error.step, res.body.error.expression)).toMatchObject({ line: 18, col: 33 }); // the `*`
  });

  it('a queued run keeps it in the stored record: GET /api/runs/:id (run error, steps, attempt history)', async () => {
    expect((await api.call('POST', '/api/flows/totals/activate')).status).toBe(200);
    const queued = await api.call('POST', '/api/flows/totals/runs', { payload: { lines: [{ qty: 'x' }] } });
    expect(queued.status).toBe(202);
    const run = await eventually(async () => {
      const r = await api.call('GET', `/api/runs/${queued.body.runId}`);
      return r.body.status === 'failed' || r.body.status === 'dead' ? r.body : undefined;
    });
    expect(run.error).toMatchObject({ code: 'MAPPING_EVALUATION', step: 'each[0].total', expression: WHERE });
    expect(run.steps.find((s: { id: string }) => s.id === 'each[0].total').error.expression).toEqual(WHERE);
    expect(run.attemptHistory.at(-1).steps.find((s: { id: string }) => s.id === 'each[0].total').error.expression).toEqual(WHERE);
    const stored = await api.call('GET', '/api/flows/totals');
    expect(lineColIn(stored.body.flow.yaml, run.error.step, run.error.expression)).toMatchObject({ line: 18, col: 33 });
  });

  it('a flow test run names the run error behind a failed case with its place', async () => {
    expect((await api.call('PUT', '/api/flows/totals/tests', { yaml: 'tests:\n  - name: doubles\n' })).status).toBe(200);
    const res = await api.call('POST', '/api/flows/totals/tests/run', {});
    expect(res.status).toBe(200);
    const failure = res.body.cases[0].failures.find((f: { path: string }) => f.path === 'status');
    expect(failure.runError).toMatchObject({ code: 'MAPPING_EVALUATION', step: 'each[1].total', expression: WHERE });
  });
});
