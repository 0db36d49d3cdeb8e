import { MappingError, SpliceError } from '../errors';
import { BUDGET_BINDING, DEFAULT_MAPPING_LIMITS, newBudget, type Budget, type MappingLimits } from './budget';
import { errorOffset, type CompiledExpression } from './compile';
import { compilerSwitch, FALLBACK, runProgram } from './compiler/index';
import { finishResult, TOO_LARGE } from './compiler/finish';
import { jsonSizeExceeds } from './json-size';
import { plainResult } from './plain-result';

/** What expressions can read besides the input (`$`): `$event`, `$steps.<id>`, `$env`, `$item`, `$index`, `$run`. */
export interface MappingBindings {
  event?: unknown;
  steps?: Record<string, unknown>;
  env?: Record<string, unknown>;
  item?: unknown;
  index?: number;
  run?: { id: string; flow: string };
  [name: string]: unknown;
}

export function resolveLimits(limits?: MappingLimits): Required<MappingLimits> {
  if (!limits) return DEFAULT_MAPPING_LIMITS;
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_MAPPING_LIMITS.timeoutMs,
    maxDepth: limits.maxDepth ?? DEFAULT_MAPPING_LIMITS.maxDepth,
    maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_MAPPING_LIMITS.maxOutputBytes,
  };
}

/**
 * Evaluates a compiled expression under hard limits (time, depth, output size). Concurrent evaluations of
 * the same compiled expression are independent: each carries its own budget.
 * Throws MappingError: MAPPING_TIMEOUT, MAPPING_DEPTH_EXCEEDED, MAPPING_OUTPUT_TOO_LARGE, MAPPING_EVALUATION.
 */
export async function evaluateExpression(
  compiled: CompiledExpression,
  input: unknown,
  bindings: MappingBindings = {},
  limits?: MappingLimits,
): Promise<unknown> {
  if (compiled.reference) {
    const found = lookupReference(compiled.reference, bindings);
    if (found.ok) return found.value;
  }
  const resolved = resolveLimits(limits);
  const budget = newBudget(resolved);
  // Compiled code first (synchronous, bounded); FALLBACK hands the evaluation to jsonata, same budget.
  if (compiled.program && compilerSwitch.enabled) {
    const fast = runProgram(compiled.program, input, bindings, budget);
    if (fast !== FALLBACK) {
      const finished = finishResult(fast, resolved.maxOutputBytes);
      if (finished === TOO_LARGE) throw outputTooLarge(resolved.maxOutputBytes);
      return finished;
    }
  }
  const env: Record<string, unknown> = { ...bindings, [BUDGET_BINDING]: budget };
  let result: unknown;
  try {
    result = await compiled.expression.evaluate(input, env);
  } catch (err) {
    throw evaluationError(compiled.source, budget, err);
  }
  if (budget.failure) throw budget.failure; // a limit tripped even if jsonata swallowed the throw
  if (result !== undefined && jsonSizeExceeds(result, resolved.maxOutputBytes)) throw outputTooLarge(resolved.maxOutputBytes);
  return plainResult(result);
}

function outputTooLarge(maxOutputBytes: number): MappingError {
  return new MappingError(
    'MAPPING_OUTPUT_TOO_LARGE',
    `expression result is larger than ${maxOutputBytes} bytes of JSON. Select fewer fields or items, or raise the output limit.`,
    { details: { maxOutputBytes } },
  );
}

const NOT_PLAIN = { ok: false } as const;

/** `$var.a.b` by property access; gives up (→ jsonata) on anything jsonata would treat specially. */
function lookupReference(
  ref: { variable: string; names: string[] },
  bindings: MappingBindings,
): { ok: true; value: unknown } | typeof NOT_PLAIN {
  if (!Object.prototype.hasOwnProperty.call(bindings, ref.variable)) return NOT_PLAIN;
  let value: unknown = bindings[ref.variable];
  for (const name of ref.names) {
    if (value === undefined) return { ok: true, value: undefined };
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return NOT_PLAIN;
    value = Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
  }
  if (typeof value === 'function' || (Array.isArray(value) && Object.keys(value).length !== value.length)) return NOT_PLAIN;
  return { ok: true, value };
}

function evaluationError(source: string, budget: Budget, err: unknown): SpliceError {
  if (budget.failure) return budget.failure;
  if (err instanceof SpliceError) return err;
  const e = err as { code?: string; position?: number; token?: string; message?: string; value?: unknown };
  const offset = errorOffset(source, e.position, e.token);
  const where = typeof e.position === 'number' ? ` at character ${offset + 1} of \`${abbreviate(source)}\`` : '';
  return new MappingError('MAPPING_EVALUATION', `expression failed${where}: ${e.message ?? String(err)}`, {
    cause: err,
    details: { offset, jsonataCode: e.code },
  });
}

function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
