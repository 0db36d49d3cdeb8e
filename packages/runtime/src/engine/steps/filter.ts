import type { FilterStep } from '../../model/flow';
import { isTruthy } from '../truthiness';
import { defineStep, expressionField } from './define-step';

export const filterStep = defineStep<FilterStep>({
  type: 'filter',
  title: 'Filter',
  description:
    'Continues only when the condition is true. When false the run stops and ends `filtered` (not an error); inside a foreach only that item stops and is left out of the foreach output.',
  expressions: (step) => expressionField(step, 'condition'),
  children: () => [],
  async run(step, ctx) {
    const pass = isTruthy(await ctx.evaluate(step.condition, ['condition']));
    return pass ? { output: true } : { output: false, status: 'filtered', stop: true };
  },
});
