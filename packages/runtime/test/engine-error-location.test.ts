import { describe, expect, it } from 'vitest';
import { ActionRegistry, createEngine, httpAction, parseFlow, stepDefinition, walkSteps, type Flow } from '../src/index';

/**
 * The run record locates a failing expression by what each step type declares (`expressions(step)`):
 * the failing step's record path, the declared field and the character offset in that field's string.
 * Every declared expression of every step type is broken in turn, so a step whose `run` evaluates a field
 * under another name than it declares (or forgets to say which) fails here.
 */
const FLOW = `apiVersion: splice/v1
kind: Flow
metadata: { name: located }
trigger: { type: manual }
steps:
  - id: shape
    type: map
    expression: '{ "n": 1 }'
  - id: post
    type: call
    uses: http
    when: "true"
    with: { method: POST, url: "http://127.0.0.1:9/x", body: { a: "=$steps.shape.n", list: ["x", "=1 + 1"] } }
  - id: gate
    type: filter
    condition: "true"
  - id: branch
    type: if
    condition: "true"
    then:
      - id: inThen
        type: map
        expression: '"then"'
  - id: loop
    type: foreach
    items: '[1, 2]'
    steps:
      - id: inLoop
        type: map
        expression: $item
`;
/** Fails at its character 6 (`$error`): where jsonata reports the failing call. */
const BROKEN = '"x" & $error("boom")';
const recordPath: Record<string, string> = { inThen: 'branch.then.inThen', inLoop: 'loop[0].inLoop' };

function parsedFlow(): Flow {
  const parsed = parseFlow(FLOW);
  if (!parsed.flow) throw new Error(parsed.errors.map((e) => e.format()).join('\n'));
  return parsed.flow;
}

function setIn(target: unknown, path: (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}

describe('run records locate the failing expression (step, field, offset)', () => {
  const engine = createEngine({ actions: new ActionRegistry().register(httpAction) });
  const declared = [...walkSteps(parsedFlow().steps)].flatMap(({ step, path }) =>
    stepDefinition(step.type)!.expressions(step as never).map((e) => ({ id: step.id, path, e })),
  );

  it('covers every expression field of every step type', () => {
    expect(declared.map(({ id, e }) => `${id}.${e.path.join('.')}`)).toEqual([
      'shape.expression',
      'post.when',
      'post.with.body.a',
      'post.with.body.list.1',
      'gate.condition',
      'branch.condition',
      'inThen.expression',
      'loop.items',
      'inLoop.expression',
    ]);
  });

  for (const { id, path, e } of declared) {
    it(`${id}: ${e.path.join('.')}`, async () => {
      const flow = parsedFlow();
      setIn(flow, [...path, ...e.path], `${e.prefixLength ? '=' : ''}${BROKEN}`);
      const record = await engine.run(flow, {}, { dryRun: true });
      const where = { field: e.path, offset: e.prefixLength + 6 };
      const step = recordPath[id] ?? id;
      expect(record.status).toBe('failed');
      expect(record.error).toMatchObject({ code: 'MAPPING_EVALUATION', step, expression: where });
      expect(record.steps.find((s) => s.id === step)?.error?.expression).toEqual(where);
      // An enclosing if/foreach repeats the error, but the place belongs to the step that failed.
      for (const s of record.steps) if (s.id !== step) expect(s.error?.expression).toBeUndefined();
    });
  }
});
