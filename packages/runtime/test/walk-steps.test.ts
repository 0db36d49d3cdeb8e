import { describe, expect, it } from 'vitest';
import { parseFlow, walkSteps } from '../src/index';

describe('walkSteps', () => {
  it('yields every step with its field path, nested ones in file order', () => {
    const parsed = parseFlow(`apiVersion: splice/v1
kind: Flow
metadata: { name: walk }
trigger: { type: manual }
steps:
  - { id: a, type: map, expression: "1" }
  - id: branch
    type: if
    condition: "true"
    then:
      - { id: b, type: map, expression: "2" }
    else:
      - id: each
        type: foreach
        items: "[1, 2]"
        steps:
          - { id: c, type: map, expression: "$item" }
  - { id: d, type: filter, condition: "true" }
`);
    expect(parsed.errors).toEqual([]);
    expect([...walkSteps(parsed.flow!.steps)].map(({ step, path }) => `${step.id}@${path.join('.')}`)).toEqual([
      'a@steps.0',
      'branch@steps.1',
      'b@steps.1.then.0',
      'each@steps.1.else.0',
      'c@steps.1.else.0.steps.0',
      'd@steps.2',
    ]);
  });
});
