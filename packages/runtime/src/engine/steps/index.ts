import type { Step, StepType } from '../../model/flow';
import { callStep } from './call';
import type { StepDefinition } from './define-step';
import { filterStep } from './filter';
import { foreachStep } from './foreach';
import { ifStep } from './if';
import { mapStep } from './map';

/** Every step type, registered in this one place. Validation, the engine and docs read it. */
export const stepDefinitions: { [T in StepType]: StepDefinition<Extract<Step, { type: T }>> } = {
  map: mapStep,
  call: callStep,
  filter: filterStep,
  if: ifStep,
  foreach: foreachStep,
};

export function stepDefinition(type: string): StepDefinition | undefined {
  return (stepDefinitions as Record<string, StepDefinition | undefined>)[type];
}

export type { StepDefinition, StepExpression, StepChildren, StepResult } from './define-step';
export { defineStep } from './define-step';
