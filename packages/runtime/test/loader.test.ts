import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ActionRegistry, defineAction, httpAction, loadFlowFile, parseFlow, validateFlow, type FlowCheck } from '../src/index';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const actions = new ActionRegistry().register(
  httpAction,
  defineAction({ id: 'highlevel.v2.get-tags', connector: 'highlevel', title: 't', run: async () => null }),
);

function errorsOf(yaml: string, opts = {}) {
  return validateFlow(parseFlow(yaml, { file: 'flow.yaml' }), { actions, ...opts }).map((e) => ({
    code: e.code,
    line: e.location?.line,
    col: e.location?.col,
    message: e.message,
  }));
}

const header = `apiVersion: splice/v1
kind: Flow
metadata:
  name: t
trigger:
  type: webhook
  source: generic
`;

describe('parseFlow / validateFlow', () => {
  it('accepts the good fixture with no errors and returns the typed flow', async () => {
    const parsed = await loadFlowFile(fixture('good-webhook-map-http.yaml'));
    expect(validateFlow(parsed, { actions })).toEqual([]);
    expect(parsed.flow?.steps.map((s) => s.id)).toEqual(['shapeTags', 'postTags']);
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const errs = validateFlow(await loadFlowFile(fixture('bad-yaml.yaml')));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.code).toBe('FLOW_YAML_SYNTAX');
    expect(errs[0]!.format()).toMatch(/bad-yaml\.yaml:6:1: YAML syntax error/);
  });

  it('names an unknown field, the step, the allowed fields and points at the key', async () => {
    const [e] = validateFlow(await loadFlowFile(fixture('bad-unknown-field.yaml')), { actions });
    expect(e!.code).toBe('FLOW_UNKNOWN_FIELD');
    expect(e!.location).toMatchObject({ line: 12, col: 5 });
    expect(e!.message).toContain('unknown field `colour` in step `fetchTags`: allowed fields are id, type, name, uses');
  });

  it('reports only the errors of the step kind the user wrote (not every oneOf branch)', () => {
    const errs = errorsOf(`${header}steps:\n  - id: a\n    type: map\n    expresion: "1"\n`);
    expect(errs.map((e) => e.code).sort()).toEqual(['FLOW_MISSING_FIELD', 'FLOW_UNKNOWN_FIELD']);
    expect(errs.find((e) => e.code === 'FLOW_UNKNOWN_FIELD')!.message).toContain('did you mean `expression`?');
  });

  it('reports a wrong type at the value', async () => {
    const [e] = validateFlow(await loadFlowFile(fixture('bad-wrong-type.yaml')));
    expect(e!.code).toBe('FLOW_WRONG_TYPE');
    expect(e!.message).toBe('`concurrency` in step `eachTag` must be a whole number, not the text "three"');
    expect(e!.location).toMatchObject({ line: 12, col: 18 });
  });

  it('maps a JSONata compile error inside a block scalar to the YAML line:col, and reports every error', async () => {
    const errs = validateFlow(await loadFlowFile(fixture('bad-expression.yaml')), { actions });
    expect(errs.map((e) => [e.code, e.location?.line, e.location?.col])).toEqual([
      ['FLOW_EXPRESSION_SYNTAX', 14, 7],
      ['FLOW_UNKNOWN_STEP_REFERENCE', 20, 21],
    ]);
    expect(errs[1]!.message).toContain('did you mean `shape`?');
  });

  it('locates an expression error inside a quoted single-line string and a `=` template', () => {
    const errs = errorsOf(
      `${header}steps:\n  - id: a\n    type: map\n    expression: "1 + + 2"\n  - id: b\n    type: call\n    uses: http\n    with:\n      url: "=$foo("\n`,
    );
    expect(errs.map((e) => [e.code, e.line, e.col])).toEqual([
      ['FLOW_EXPRESSION_SYNTAX', 11, 22], // the second `+`
      ['FLOW_EXPRESSION_SYNTAX', 16, 19], // the end of `$foo(`
    ]);
  });

  it('finds duplicate ids across nested steps, forward and self references', () => {
    const errs = errorsOf(`${header}steps:
  - id: first
    type: map
    expression: $steps.later
  - id: loop
    type: foreach
    items: $steps.loop
    steps:
      - id: first
        type: map
        expression: $item
  - id: later
    type: map
    expression: $steps.first
`);
    expect(errs.map((e) => [e.code, e.line])).toEqual([
      ['FLOW_FORWARD_STEP_REFERENCE', 11],
      ['FLOW_FORWARD_STEP_REFERENCE', 14],
      ['FLOW_DUPLICATE_STEP_ID', 16],
    ]);
    expect(errs[1]!.message).toContain('this step itself');
  });

  it('lets foreach sub-steps read earlier sub-steps, and later steps read if-branch steps but not foreach sub-steps', () => {
    const errs = errorsOf(`${header}steps:
  - id: loop
    type: foreach
    items: $event.items
    steps:
      - id: one
        type: map
        expression: $item
      - id: two
        type: map
        expression: $steps.one
  - id: branch
    type: if
    condition: "true"
    then:
      - id: inThen
        type: map
        expression: "1"
  - id: after
    type: map
    expression: "$steps.inThen + $count($steps.loop) + $count($steps.two)"
`);
    expect(errs.map((e) => [e.code, e.message.slice(0, 14)])).toEqual([['FLOW_FORWARD_STEP_REFERENCE', '`$steps.two` r']]);
  });

  it('flags unknown actions with a suggestion and undeclared credentials', () => {
    const errs = errorsOf(
      `${header}credentials:\n  ghl: { connector: highlevel }\nsteps:\n  - id: a\n    type: call\n    uses: highlevel.v2.get-tag\n    credential: ghll\n`,
    );
    expect(errs.map((e) => e.code)).toEqual(['FLOW_UNKNOWN_ACTION', 'FLOW_UNDECLARED_CREDENTIAL']);
    expect(errs[0]!.message).toContain('did you mean `highlevel.v2.get-tags`?');
    expect(errs[1]!.message).toContain('did you mean `ghl`?');
  });

  it('reports unknown step types, bad ids, bad durations and missing top-level fields together', () => {
    const errs = errorsOf(
      `apiVersion: splice/v2\nkind: Flow\nmetadata:\n  name: Bad Name\ntrigger:\n  type: webhook\n  source: generic\nsteps:\n  - id: 1a\n    type: filter\n    condition: "true"\n  - id: b\n    type: mapp\n  - id: c\n    type: call\n    uses: http\n    timeout: soon\n`,
    );
    const codes = errs.map((e) => e.code);
    expect(codes).toContain('FLOW_UNKNOWN_TYPE');
    expect(errs.find((e) => e.code === 'FLOW_UNKNOWN_TYPE')!.message).toContain('did you mean `map`?');
    expect(errs.filter((e) => e.code === 'FLOW_INVALID_VALUE').map((e) => e.line)).toEqual([1, 4, 9, 17]);
  });

  it('runs plugged-in checks with locations', () => {
    const check: FlowCheck = (flow) =>
      flow.steps
        .filter((s) => s.type === 'call')
        .map((s, i) => ({ path: ['steps', i, 'uses'], code: 'TEST_CHECK', message: `saw ${s.id}` }));
    const errs = errorsOf(`${header}steps:\n  - id: a\n    type: call\n    uses: http\n`, { checks: [check] });
    expect(errs).toEqual([{ code: 'TEST_CHECK', line: 11, col: 11, message: 'saw a' }]);
  });

  it('throws FLOW_FILE_NOT_FOUND for a missing file', async () => {
    await expect(loadFlowFile('/nonexistent/flow.yaml')).rejects.toMatchObject({ code: 'FLOW_FILE_NOT_FOUND' });
  });
});
