import { assertMatchesSchema } from '../../mapping/result-schema';
import type { MapStep } from '../../model/flow';
import { defineStep, expressionField } from './define-step';

export const mapStep = defineStep<MapStep>({
  type: 'map',
  title: 'Map',
  description: 'Computes a value with a JSONata expression (optionally checked against a JSON Schema). Its output is that value.',
  expressions: (step) => expressionField(step, 'expression'),
  children: () => [],
  async run(step, ctx) {
    const output = await ctx.evaluate(step.expression, ['expression']);
    if (step.schema) assertMatchesSchema(output, step.schema);
    return { output };
  },
});
