import type { MappingLimits } from './budget';
import { compileExpression, type CompiledExpression } from './compile';
import { evaluateExpression, type MappingBindings } from './evaluate';
import { atExpression } from './expression-location';

/** Evaluates one expression; the engine passes its isolating evaluator (isolation/mapping-evaluator.ts). */
export type ExpressionEvaluator = (compiled: CompiledExpression, input: unknown, bindings: MappingBindings, limits?: MappingLimits) => Promise<unknown>;

const inlineEvaluator: ExpressionEvaluator = (compiled, input, bindings, limits) => evaluateExpression(compiled, input, bindings, limits);

/**
 * `with` trees: any string that starts with `=` is a JSONata expression (`=$event.body.id`); `==` escapes a
 * literal leading `=` (`==5` is the text `=5`). Everything else is copied as is. Keys whose expression
 * yields nothing (undefined) are left out, so optional fields simply disappear.
 */
export function isTemplateExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('=') && !value.startsWith('==');
}

export function templateLiteral(value: string): string {
  return value.startsWith('==') ? value.slice(1) : value;
}

/** Every expression source in a `with` tree with its path, e.g. [['body','tagIds'], '$event.tags']. */
export function templateExpressions(value: unknown, path: (string | number)[] = []): Array<{ path: (string | number)[]; source: string }> {
  if (isTemplateExpression(value)) return [{ path, source: value.slice(1) }];
  if (Array.isArray(value)) return value.flatMap((v, i) => templateExpressions(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => templateExpressions(v, [...path, k]));
  return [];
}

/**
 * Evaluates a `with` tree. A failing leaf's error is located (atExpression) at its path, `at` + the path
 * inside the tree (`['with', 'body', 'tagIds']`), with the leading `=` counted in its offset.
 */
export async function evaluateTemplate(
  value: unknown,
  input: unknown,
  bindings: MappingBindings,
  limits?: MappingLimits,
  evaluate: ExpressionEvaluator = inlineEvaluator,
  at: (string | number)[] = [],
): Promise<unknown> {
  if (typeof value === 'string') {
    if (!isTemplateExpression(value)) return templateLiteral(value);
    try {
      return await evaluate(compileExpression(value.slice(1)), input, bindings, limits);
    } catch (err) {
      throw atExpression(err, at, 1);
    }
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTemplate(value[i], input, bindings, limits, evaluate, [...at, i]));
    return out;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = await evaluateTemplate(v, input, bindings, limits, evaluate, [...at, k]);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return value;
}
