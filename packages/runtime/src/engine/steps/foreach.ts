import type { ForeachStep } from '../../model/flow';
import { childSteps, defineStep, expressionField } from './define-step';

export const foreachStep = defineStep<ForeachStep>({
  type: 'foreach',
  title: 'For each',
  description:
    "Runs its sub-steps once per item of `items` ($item, $index), at most `concurrency` items at once (default 1). Its output is the list of each item's last sub-step output; items stopped by a filter are left out.",
  expressions: (step) => expressionField(step, 'items'),
  children: (step) => childSteps(step, 'steps', 'item'),
  async run(step, ctx) {
    const value = await ctx.evaluate(step.items, ['items']);
    const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    ctx.record.input = { count: items.length };
    const outputs: Array<{ keep: boolean; output: unknown }> = new Array(items.length);
    const concurrency = Math.max(1, Math.min(step.concurrency ?? 1, items.length || 1));
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < items.length) {
        const index = next++;
        try {
          // Each item sees the outputs published so far plus its own sub-steps, never another item's.
          const scope = { steps: { ...ctx.scope.steps }, item: items[index], index, prefix: `${ctx.path}[${index}].` };
          const result = await ctx.runSequence(step.steps, scope);
          outputs[index] = { keep: !result.stopped, output: result.lastOutput };
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (failure !== undefined) throw failure;
    return { output: outputs.filter((o) => o?.keep).map((o) => o.output) };
  },
});
