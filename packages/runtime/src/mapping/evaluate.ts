import { MappingError, SpliceError } from '../errors';
import { BUDGET_BINDING, DEFAULT_MAPPING_LIMITS, newBudget, type Budget, type MappingLimits } from './budget';
import { errorOffset, type CompiledExpression } from './compile';
import { finishResult, TOO_LARGE } from './compiler/finish';
import { compilerSwitch, evaluationProbe, FALLBACK, runProgram } from './compiler/index';
import { jsonSizeExceeds } from './json-size';
import { NeedsIsolation } from './needs-isolation';
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
    maxSequenceLength: limits.maxSequenceLength ?? DEFAULT_MAPPING_LIMITS.maxSequenceLength,
    maxMemoryMb: limits.maxMemoryMb ?? DEFAULT_MAPPING_LIMITS.maxMemoryMb,
  };
}

export interface EvaluateOptions {
  /** Evaluate inline within these bounds, else throw NeedsIsolation (see isolation/mapping-evaluator.ts). */
  inline?: InlineSlice;
  /** Own time this evaluation already spent elsewhere (inline, before it moved to a worker). */
  spentMs?: number;
  /** The evaluation runs where it may hold its thread until the deadline (a worker): compiled code needs no slice. */
  isolated?: boolean;
}

/** How an inline evaluation is bounded when a worker can take over. */
export interface InlineSlice {
  /** Own evaluation time on this thread before NeedsIsolation. */
  sliceMs: number;
  /** Longest sequence built on this thread before NeedsIsolation (jsonata's own order-by sort is quadratic). */
  maxSequenceLength: number;
}

/**
 * Evaluates a compiled expression under limits (time, depth, sequence length, output size). Concurrent
 * evaluations of the same compiled expression are independent: each carries its own budget.
 * Throws MappingError: MAPPING_TIMEOUT, MAPPING_DEPTH_EXCEEDED, MAPPING_SEQUENCE_TOO_LONG,
 * MAPPING_OUTPUT_TOO_LARGE, MAPPING_EVALUATION.
 *
 * With `inline`, it throws NeedsIsolation at the slice's bounds instead: the caller then runs it again where
 * a single long synchronous step cannot block its thread (a worker). Without, a single built-in call still
 * runs to its end: fine in a Web Worker or a worker thread that can be terminated, not in a server's thread.
 */
export async function evaluateExpression(
  compiled: CompiledExpression,
  input: unknown,
  bindings: MappingBindings = {},
  limits?: MappingLimits,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const inline = options.inline;
  evaluationProbe.onEvaluate?.(compiled.source, input, bindings);
  if (compiled.reference) {
    const found = lookupReference(compiled.reference, bindings);
    if (found.ok) return found.value;
  }
  const resolved = resolveLimits(limits);
  const budget = newBudget(resolved, inline?.sliceMs, options.spentMs);
  // Compiled code first (compiler/: synchronous, bounded by its own slice); FALLBACK hands the evaluation
  // to jsonata below with the same budget. Compiled code's sorts are not quadratic, so it takes the full
  // sequence limit inline: past it, the interpreter path decides (and reports D2015 its way).
  if (compiled.program && compilerSwitch.enabled) {
    const yieldGap = budget.nextYield - performance.now();
    const fast = runProgram(compiled.program, input, bindings, {
      deadline: budget.deadline,
      timeoutMs: budget.timeoutMs,
      maxDepth: budget.maxDepth,
      sliceEnd: budget.sliceEnd,
      isolated: options.isolated === true,
      maxSequenceLength: resolved.maxSequenceLength,
    });
    if (fast !== FALLBACK) {
      const finished = finishResult(fast, resolved.maxOutputBytes);
      if (finished === TOO_LARGE) throw outputTooLarge(resolved.maxOutputBytes);
      return finished;
    }
    // The interpreter then yields on its own schedule, as if it had started now: where it yields decides
    // which of two concurrent errors jsonata reports, and that must not depend on the compiled attempt.
    budget.nextYield = performance.now() + yieldGap;
  }
  const env: Record<string, unknown> = { ...bindings, [BUDGET_BINDING]: budget };
  const sequenceCap = inline ? Math.min(inline.maxSequenceLength, resolved.maxSequenceLength) : resolved.maxSequenceLength;
  let result: unknown;
  try {
    result = await compiled.interpreter(sequenceCap).evaluate(input, env);
  } catch (err) {
    if (budget.isolation) throw budget.isolation;
    if (inline && sequenceCap < resolved.maxSequenceLength && (err as { code?: string })?.code === 'D2015') {
      throw new NeedsIsolation('a long sequence');
    }
    throw evaluationError(compiled.source, budget, err, resolved);
  }
  if (budget.isolation) throw budget.isolation;
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

function evaluationError(source: string, budget: Budget, err: unknown, limits: Required<MappingLimits>): SpliceError {
  if (budget.failure) return budget.failure;
  if (err instanceof SpliceError) return err;
  const e = err as { code?: string; position?: number; token?: string; message?: string; value?: unknown };
  const at = typeof e?.position === 'number' ? { offset: runtimeErrorOffset(source, e.position, e.token) } : {};
  if (e?.code === 'D2014' || e?.code === 'D2015') {
    return new MappingError(
      'MAPPING_SEQUENCE_TOO_LONG',
      `expression built a sequence longer than ${e.code === 'D2014' ? '10,000,000 items (jsonata\'s range limit)' : `its limit of ${limits.maxSequenceLength} items`} (a huge range like [1..9999999], or a path over very many items). Work on fewer items, or raise the mapping sequence limit.`,
      { cause: err, details: { maxSequenceLength: limits.maxSequenceLength, jsonataCode: e.code, ...at } },
    );
  }
  if (err instanceof RangeError && /Invalid (string|array) length/.test(err.message)) {
    return new MappingError(
      'MAPPING_OUTPUT_TOO_LARGE',
      `expression built a value too large for the runtime (${err.message}). Build smaller strings or sequences.`,
      { cause: err, details: { maxOutputBytes: limits.maxOutputBytes } },
    );
  }
  const offset = at.offset ?? 0;
  const where = at.offset !== undefined ? ` at character ${offset + 1} of \`${abbreviate(source)}\`` : '';
  return new MappingError('MAPPING_EVALUATION', `expression failed${where}: ${e.message ?? String(err)}`, {
    cause: err,
    details: { offset, jsonataCode: e.code },
  });
}

/**
 * Where a run-time error sits in the expression text (0-based). jsonata reports a failing function call
 * (`$number($x)`, `$error("…")`) at the end of its `(` with the function's name as token: point at the `$`
 * of the name instead. `and`/`or` evaluate their right side inside a catch that overwrites any error's
 * position with their own (jsonata 2.2), so such an error is known only to come from the right side:
 * point at where it starts. Any other node (an operator, a variable) is located as compile errors are.
 */
function runtimeErrorOffset(source: string, position: number, token: string | undefined): number {
  if ((token === 'and' || token === 'or') && source.slice(position - token.length, position) === token) {
    let rhs = position;
    while (rhs < source.length && /\s/.test(source[rhs]!)) rhs++;
    return Math.min(rhs, source.length);
  }
  if (token && source[position - 1] === '(') {
    let end = position - 1;
    while (end > 0 && /\s/.test(source[end - 1]!)) end--;
    const start = end - token.length - 1;
    if (start >= 0 && source.slice(start, end) === `$${token}`) return start;
  }
  return errorOffset(source, position, token);
}

function abbreviate(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
