import { readFileSync } from 'node:fs';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { FlowDocument } from '../src/model/flow-document';
import { flowToGraph, stepsBefore } from '../src/model/flow-graph';
import { CALL_NODE_HEIGHT, layoutGraph, NODE_HEIGHT } from '../src/model/flow-layout';
import { validateFlow, type OperationFacts } from '../src/model/flow-validation';
import { describeRunOutcome } from '../src/model/run-outcome';

const source = readFileSync(new URL('./fixtures/commented-flow.yaml', import.meta.url), 'utf8');
const flow = FlowDocument.parse(source).toJS();

const ops = new Map<string, OperationFacts>([
  ['highlevel.v2.get-tags-location-id', { id: 'highlevel.v2.get-tags-location-id', connector: 'highlevel', inputSchema: { type: 'object', properties: { params: { type: 'object', required: ['locationId'] } } } }],
  ['payaca.update-customer', { id: 'payaca.update-customer', connector: 'payaca', inputSchema: { type: 'object', properties: { params: { type: 'object', required: ['customerId'] }, body: { type: 'object', required: ['tags'] } } } }],
]);

describe('flowToGraph', () => {
  it('chains trigger and steps, with if branches and foreach bodies', () => {
    const g = flowToGraph({
      trigger: { type: 'schedule', cron: '* * * * *' },
      steps: [
        { id: 'a', type: 'map', expression: '1' },
        { id: 'check', type: 'if', condition: 'true', then: [{ id: 't1', type: 'map', expression: '1' }], else: [{ id: 'e1', type: 'map', expression: '2' }] },
        { id: 'loop', type: 'foreach', items: '$x', steps: [{ id: 'body', type: 'call', uses: 'http' }] },
        { id: 'z', type: 'filter', condition: 'true' },
      ],
    });
    expect(g.nodes.map((n) => n.id)).toEqual(['trigger', 'a', 'check', 't1', 'e1', 'loop', 'body', 'z']);
    const edges = g.edges.map((e) => `${e.source}-${e.kind}->${e.target}`);
    expect(edges).toEqual(['trigger-next->a', 'a-next->check', 'check-then->t1', 'check-else->e1', 't1-next->loop', 'e1-next->loop', 'loop-each->body', 'loop-next->z']);
    expect(g.nodes.find((n) => n.id === 'body')!.path).toEqual(['steps', 2, 'steps', 0]);
  });

  it('lists the steps whose output a step can read', () => {
    const f = { steps: [{ id: 'a' }, { id: 'i', type: 'if', then: [{ id: 't' }], else: [{ id: 'e' }] }, { id: 'l', type: 'foreach', steps: [{ id: 'b' }] }, { id: 'z' }] };
    expect(stepsBefore(f, 'z')).toEqual(['a', 't', 'e', 'i', 'l']);
    expect(stepsBefore(f, 'e')).toEqual(['a']);
    expect(stepsBefore(f, 'b')).toEqual(['a', 't', 'e', 'i']);
  });
});

describe('validateFlow', () => {
  const compile = (e: string) => jsonata(e);
  it('accepts the commented fixture', () => {
    expect(validateFlow(flow, { operations: ops, compile })).toEqual([]);
  });

  it('reports schema errors only for the branch that applies, with paths', () => {
    const bad = structuredClone(flow) as any;
    bad.steps[1].condition = 'x';
    delete bad.steps[1].expression;
    const problems = validateFlow(bad);
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining([
      'steps[1]: missing required field "expression".',
      'steps[1].condition: unknown field "condition"; remove it or check its spelling.',
    ]));
    expect(problems.every((p) => !p.message.includes('uses'))).toBe(true);
  });

  it('finds duplicate ids, unknown and later step references, undeclared credentials, unknown operations, missing inputs and bad syntax', () => {
    const bad = structuredClone(flow) as any;
    bad.steps[1].id = 'fetchTags';
    bad.steps[0].with.params.locationId = '=$steps.writeTags.id';
    bad.steps[2].credential = 'nope';
    bad.steps[2].with.body = { note: '=$event.(' };
    bad.steps[2].with.params = { customerId: '=$steps.tagNames' };
    bad.steps.push({ id: 'other', type: 'call', uses: 'highlevel.v9.nothing' });
    const codes = validateFlow(bad, { operations: ops, compile }).map((p) => `${p.code} ${p.path.join('.')}`);
    expect(codes).toEqual(expect.arrayContaining([
      'FLOW_DUPLICATE_STEP_ID steps.1.id',
      'FLOW_LATER_STEP_REF steps.0.with.params.locationId',
      'FLOW_UNKNOWN_CREDENTIAL steps.2.credential',
      'FLOW_UNKNOWN_OPERATION steps.3.uses',
      'FLOW_MISSING_INPUT steps.2.with.body.tags',
      'FLOW_EXPRESSION_SYNTAX steps.2.with.body.note',
      'FLOW_UNKNOWN_STEP_REF steps.2.with.params.customerId',
    ]));
  });
});

describe('layoutGraph', () => {
  it('places each step below the one before it, branches side by side', async () => {
    const g = flowToGraph({ trigger: { type: 'manual' }, steps: [{ id: 'a', type: 'map' }, { id: 'i', type: 'if', then: [{ id: 't', type: 'map' }], else: [{ id: 'e', type: 'map' }] }, { id: 'z', type: 'map' }] });
    const pos = await layoutGraph(g);
    const y = (id: string) => pos.get(id)!.y;
    expect(y('a')).toBeGreaterThanOrEqual(y('trigger') + NODE_HEIGHT);
    expect(y('i')).toBeGreaterThan(y('a'));
    expect(y('t')).toBe(y('e'));
    expect(pos.get('t')!.x).not.toBe(pos.get('e')!.x);
    expect(y('z')).toBeGreaterThan(y('t'));
  });

  it('leaves a call node its full height (connector, status and scope badges) before the next node', async () => {
    const g = flowToGraph({ trigger: { type: 'manual' }, steps: [{ id: 'get', type: 'call', uses: 'highlevel.get-tags-location-id' }, { id: 'names', type: 'map' }] });
    const pos = await layoutGraph(g);
    // The gap between the boxes stays (at least 40 px), measured from the call node's real bottom.
    expect(pos.get('names')!.y).toBeGreaterThanOrEqual(pos.get('get')!.y + CALL_NODE_HEIGHT + 40);
  });
});

describe('describeRunOutcome', () => {
  const step = (id: string, type: string, status: 'succeeded' | 'failed' | 'skipped' | 'filtered') => ({ id, type, status, startedAt: '', durationMs: 0, attempts: [] });
  it('says a filtered run found nothing to do, as information, naming the filter', () => {
    const out = describeRunOutcome({ status: 'filtered', steps: [step('getTags', 'call', 'succeeded'), step('changed', 'filter', 'filtered'), step('addTags', 'call', 'skipped')] });
    expect(out).toEqual({ kind: 'info', text: 'Test run finished early: the filter step "changed" found nothing to do, so the steps after it did not run (1 call made). This is not an error.' });
  });
  it('names the failed step and its error', () => {
    const out = describeRunOutcome({ status: 'failed', steps: [step('getTags', 'call', 'failed')], error: { code: 'HTTP_403', message: 'token does not have access to this location', step: 'getTags' } });
    expect(out).toEqual({ kind: 'error', text: 'Test run failed at step "getTags": token does not have access to this location' });
  });
  it('counts the calls a successful run made', () => {
    expect(describeRunOutcome({ status: 'succeeded', steps: [step('a', 'call', 'succeeded'), step('b', 'map', 'succeeded'), step('c', 'call', 'skipped')] }).text).toContain('1 call made');
  });
});
