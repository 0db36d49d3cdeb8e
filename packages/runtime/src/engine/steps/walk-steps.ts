import type { Step } from '../../model/flow';
import type { FieldPath } from './define-step';
import { stepDefinition } from './index';

/**
 * Every step of a flow, nested ones included (if branches, foreach sub-steps), in file order, with its
 * field path (`['steps', 2, 'then', 0]`). Nesting comes from each step type's declared `children`, so
 * checks that look at steps (catalog inputs, credentials, scopes) need no walker of their own.
 */
export function* walkSteps(steps: Step[], at: FieldPath = ['steps']): Generator<{ step: Step; path: FieldPath }> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const path = [...at, i];
    yield { step, path };
    for (const child of stepDefinition(step.type)?.children(step as never) ?? []) yield* walkSteps(child.steps, [...path, child.key]);
  }
}
