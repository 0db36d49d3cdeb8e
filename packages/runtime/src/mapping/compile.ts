import jsonata from 'jsonata';
import { MappingError } from '../errors';
import { DEFAULT_MAPPING_LIMITS, installBudgetHook } from './budget';
import { installBuiltinGuards } from './builtin-guards';
import { checkRegexLiterals, LinearRegExp } from './linear-regex';

/** A JSONata expression compiled once; evaluate it any number of times, concurrently. */
export interface CompiledExpression {
  readonly source: string;
  /** @internal the jsonata expression object (default limits), with Splice's budget hook installed. */
  readonly expression: jsonata.Expression;
  /** @internal the same expression with jsonata's sequence-length limit (D2015) at `maxSequenceLength`. */
  interpreter(maxSequenceLength: number): jsonata.Expression;
  /**
   * @internal Set for a bare reference such as `$steps.shape` or `$event.body.id` (the common `with` value):
   * evaluated by plain property access while every step lands on a plain object, else by jsonata.
   */
  readonly reference?: { variable: string; names: string[] };
}

/** Where a compile error sits inside the expression text (0-based offset), as jsonata reports it. */
export interface ExpressionErrorPosition {
  offset: number;
  jsonataCode?: string;
}

const CACHE_LIMIT = 2000;
const cache = new Map<string, CompiledExpression>();

/**
 * Compiles a JSONata expression, caching by source so a flow's expressions are parsed once however many
 * runs use them. Throws MappingError `MAPPING_COMPILE` with details.offset (where in the text it broke).
 */
export function compileExpression(source: string): CompiledExpression {
  const hit = cache.get(source);
  if (hit) return hit;
  let expression: jsonata.Expression;
  try {
    expression = jsonataWithLimits(source, DEFAULT_MAPPING_LIMITS.maxSequenceLength);
  } catch (err) {
    throw compileError(source, err);
  }
  checkRegexLiterals(expression.ast());
  const reference = plainReference(expression.ast());
  const flavours = new Map([[DEFAULT_MAPPING_LIMITS.maxSequenceLength, expression]]);
  const interpreter = (maxSequenceLength: number): jsonata.Expression => {
    let e = flavours.get(maxSequenceLength);
    if (!e) {
      e = jsonataWithLimits(source, maxSequenceLength);
      if (flavours.size > 8) flavours.clear();
      flavours.set(maxSequenceLength, e);
    }
    return e;
  };
  const compiled: CompiledExpression = reference ? { source, expression, interpreter, reference } : { source, expression, interpreter };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

/** jsonata with Splice's hooks: the budget, RE2 for regex literals, and a sequence-length limit. */
function jsonataWithLimits(source: string, sequence: number): jsonata.Expression {
  const expression = jsonata(source, { RegexEngine: LinearRegExp as unknown as RegExpConstructor, sequence });
  installBudgetHook(expression, installBuiltinGuards);
  return expression;
}

function compileError(source: string, err: unknown): MappingError {
  const e = err as { code?: string; position?: number; token?: string; message?: string };
  const offset = errorOffset(source, e.position, e.token);
  const snippet = source
    .slice(offset, offset + 16)
    .replace(/\s+/g, ' ')
    .trim();
  const near = snippet ? ` near \`${snippet}\`` : ' at the end of the expression';
  return new MappingError(
    'MAPPING_COMPILE',
    `invalid JSONata expression: ${e.message ?? String(err)}${near} (character ${offset + 1}). Fix the expression syntax; try it in the editor's mapping preview.`,
    { cause: err, details: { offset, jsonataCode: e.code, token: e.token } },
  );
}

function plainReference(ast: unknown): CompiledExpression['reference'] {
  type Node = { type?: string; value?: unknown; steps?: Node[]; [k: string]: unknown };
  const plain = (n: Node, type: string) =>
    n.type === type && typeof n.value === 'string' && Object.keys(n).every((k) => k === 'type' || k === 'value' || k === 'position');
  const node = ast as Node;
  if (node.type === 'variable' && plain(node, 'variable') && node.value !== '') return { variable: node.value as string, names: [] };
  if (
    node.type !== 'path' ||
    !Array.isArray(node.steps) ||
    Object.keys(node).some((k) => k !== 'type' && k !== 'steps' && k !== 'position')
  )
    return undefined;
  const [first, ...rest] = node.steps;
  if (!first || !plain(first, 'variable') || first.value === '' || !rest.every((n) => plain(n, 'name'))) return undefined;
  return { variable: first.value as string, names: rest.map((n) => n.value as string) };
}

/** jsonata reports `position` as the end of the offending token; point at its start instead. */
export function errorOffset(source: string, position: number | undefined, token: string | undefined): number {
  if (typeof position !== 'number') return 0;
  const tokenLength = token && token !== '(end)' ? String(token).length : 0;
  return Math.max(0, Math.min(source.length, position - tokenLength));
}

/** The parsed tree of a compiled expression (used by validation to find `$steps.<id>` references). */
export function expressionAst(compiled: CompiledExpression): unknown {
  return compiled.expression.ast();
}
