import { jsonata } from './deps';
import { compileExpression } from '../packages/runtime/src/index';
import { createMappingEvaluator } from '../packages/runtime/src/isolation/mapping-evaluator';
import { comparePair, row, type BenchSuite } from './measure';

/** A mapping like the templates': reshape a webhook's tags and sum a list. */
const EXPRESSION = `{
  "project": $event.projectId,
  "tags": [$event.tags[active].{ "name": $uppercase(name), "id": id }],
  "total": $sum($event.items.(price * qty)),
  "when": $event.at
}`;
const EVENT = {
  projectId: 'p_123',
  at: '2026-11-27T06:00:00Z',
  tags: Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, name: `tag ${i}`, active: i % 3 !== 0 })),
  items: Array.from({ length: 8 }, (_, i) => ({ price: 10 + i, qty: i + 1 })),
};

/**
 * Mapping evaluations/s through the engine's path (hard limits: RE2, guarded built-ins, sequence limit,
 * inline slice with a worker thread behind it) vs bare jsonata, both compiled once.
 */
export const mappingSuite: BenchSuite = {
  name: 'mapping',
  async run(opts) {
    const bare = jsonata(EXPRESSION);
    const ours = compileExpression(EXPRESSION);
    const bindings = { event: EVENT, steps: {}, env: {} };
    const evaluator = createMappingEvaluator();
    try {
      const measured = await comparePair(
        () => bare.evaluate(EVENT, bindings),
        () => evaluator.evaluate(ours, EVENT, bindings),
        opts,
      );
      return [row('mapping evaluations/s (Splice vs bare jsonata)', 'evals/s', measured, 0.9)];
    } finally {
      await evaluator.close();
    }
  },
};
