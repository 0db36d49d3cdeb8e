import type { IfStep } from '../../model/flow';
import { isTruthy } from '../truthiness';
import { childSteps, defineStep, expressionField } from './define-step';

export const ifStep = defineStep<IfStep>({
  type: 'if',
  title: 'If',
  description:
    'Runs the `then` steps when the condition is true, else the `else` steps (if any). Its output is the output of the last step that ran.',
  expressions: (step) => expressionField(step, 'condition'),
  children: (step) => [...childSteps(step, 'then', 'shared'), ...childSteps(step, 'else', 'shared')],
  async run(step, ctx) {
    const branch = isTruthy(await ctx.evaluate(step.condition, ['condition'])) ? 'then' : 'else';
    const steps = step[branch];
    ctx.record.input = { branch };
    if (!steps) return { output: undefined };
    // Branch steps publish into the enclosing scope, so later steps can read `$steps.<branchStep>`.
    const result = await ctx.runSequence(steps, { ...ctx.scope, steps: ctx.scope.steps, prefix: `${ctx.path}.${branch}.` });
    return { output: result.lastOutput, stop: result.stopped };
  },
});
