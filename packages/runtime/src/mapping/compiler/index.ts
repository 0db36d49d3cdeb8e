import type { AstNode } from './ast';
import { compileAst, type CompiledProgram, type CompileOutcome } from './program';
import { Bail, CHECK_EVERY, meter } from './runtime/meter';
import { isFunction } from './runtime/values';

/**
 * JSONata compiled to JavaScript. `compileProgram` turns jsonata's parsed tree into a function (or says
 * why it leaves the expression to the interpreter); `runProgram` runs it on the caller's thread within a
 * short slice of the evaluation's budget and answers FALLBACK whenever the interpreter must decide:
 * jsonata would raise an error, a limit is near, or a value is outside the compiled subset. The caller
 * then evaluates with the interpreter as if the compiled run had not happened (it has no side effects).
 */
export type { CompiledProgram, CompileOutcome };
export { BUILTIN_NAMES } from './builtins/catalog';

export const FALLBACK: unique symbol = Symbol('fallback to the interpreter');

/** How long compiled code may hold the thread before handing over (the interpreter then yields regularly). */
export const COMPILED_SLICE_MS = 8;

export function compileProgram(ast: unknown): CompileOutcome {
  return compileAst(ast as AstNode);
}

/** What runProgram needs of the evaluation's budget and limits (mapping/budget.ts). */
export interface RunBudget {
  /** performance.now() instant the evaluation must end by. */
  deadline: number;
  timeoutMs: number;
  maxDepth: number;
  /** End of the evaluation's inline slice, when the caller has one. */
  sliceEnd?: number;
  maxSequenceLength?: number;
  /** Runs where it may hold its thread until the deadline (a worker): no slice, no inline bounds. */
  isolated?: boolean;
}

/** Counts since the process started (the conformance test and the bench report them). */
export const compilerStats = { runs: 0, fallbacks: 0, reasons: new Map<string, number>() };

function fallback(reason: string): typeof FALLBACK {
  compilerStats.fallbacks++;
  compilerStats.reasons.set(reason, (compilerStats.reasons.get(reason) ?? 0) + 1);
  return FALLBACK;
}

const hasOwn = Object.prototype.hasOwnProperty;

export function runProgram(
  program: CompiledProgram,
  input: unknown,
  bindings: Record<string, unknown> | undefined,
  budget: RunBudget,
): unknown {
  compilerStats.runs++;
  if (bindings) for (const name of program.builtinNames) if (hasOwn.call(bindings, name)) return fallback('a binding shadows a built-in');
  const sliceEnd = budget.isolated ? budget.deadline : (budget.sliceEnd ?? performance.now() + COMPILED_SLICE_MS);
  meter.n = CHECK_EVERY;
  meter.work = 0;
  meter.stopAt = Math.min(sliceEnd, budget.deadline);
  meter.deadline = budget.deadline;
  meter.depth = program.baseDepth;
  meter.maxDepth = budget.maxDepth;
  meter.maxSequence = budget.maxSequenceLength ?? 1e7;
  meter.timestamp = 0;
  meter.isolated = budget.isolated === true;
  let result: unknown;
  try {
    result = program.run(input, bindings);
  } catch (err) {
    return fallback(err instanceof Bail ? err.reason : 'error condition');
  }
  if (program.makesFunctions && holdsFunction(result)) return fallback('a function in the result');
  return result;
}

/** A function value anywhere in a result (bounded walk: results are size-checked afterwards anyway). */
function holdsFunction(value: unknown): boolean {
  const stack = [value];
  let budget = 1_000_000;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function') return true;
      continue;
    }
    if (isFunction(v) || --budget < 0) return true;
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push(v[i]);
    else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
  }
  return false;
}

/** Turns compiled evaluation off (the conformance test and the bench compare against the interpreter). */
export const compilerSwitch = { enabled: true };

/**
 * Sees every evaluateExpression call when set (`pnpm bench` records the templates' expressions with the
 * data their flow tests give them). Unset in production: one property read per evaluation.
 */
export const evaluationProbe: { onEvaluate?: (source: string, input: unknown, bindings: Record<string, unknown>) => void } = {};
