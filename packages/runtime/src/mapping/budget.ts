import type jsonata from 'jsonata';
import { MappingError } from '../errors';
import { NeedsIsolation } from './needs-isolation';
import { yieldToEventLoop } from './yield-to-event-loop';

/**
 * Hard limits for one evaluation. jsonata tail-call-optimises `( $f := function($x){ $f($x+1) }; $f(0) )`
 * into an endless loop with no stack overflow, so only a real clock stops it, and the process must keep
 * serving other runs meanwhile.
 *
 * How (and why this way): jsonata calls `environment.base.guardrails()` synchronously on every node it
 * evaluates, and awaits an `__evaluate_entry` hook when one is bound. An always-bound entry hook costs an
 * extra await per node (~25% of throughput), so instead:
 *  - an `__createFrame_push` hook installs our budget check as the evaluation's `guardrails` (sync, no await);
 *  - the check reads the clock every CHECK_EVERY nodes, throws on the deadline or depth, and when it is time
 *    to give the event loop a turn it binds a one-shot `__evaluate_entry` hook that awaits setImmediate.
 */
export interface MappingLimits {
  /** Evaluation time per expression (time spent yielded to other work does not count). Default 1000 ms. */
  timeoutMs?: number;
  /** Maximum nesting of jsonata's evaluator (deep recursion). Default 2000. */
  maxDepth?: number;
  /** Maximum size of a result, as JSON bytes. Default 10 MB. */
  maxOutputBytes?: number;
  /** Maximum length of any sequence an expression builds (`[1..n]`, a path's results, `$append`). Default 1,000,000. */
  maxSequenceLength?: number;
  /** Heap of the isolated evaluator (a worker thread) that runs heavy expressions, in MB. Default 256. */
  maxMemoryMb?: number;
}

export const DEFAULT_MAPPING_LIMITS: Required<MappingLimits> = {
  timeoutMs: 1000,
  maxDepth: 2000,
  maxOutputBytes: 10_000_000,
  maxSequenceLength: 1_000_000,
  maxMemoryMb: 256,
};

/** Per-evaluation state, bound into the evaluation's environment under a name no expression can spell. */
export interface Budget {
  deadline: number;
  maxDepth: number;
  timeoutMs: number;
  countdown: number;
  nextYield: number;
  failure?: MappingError;
  /**
   * Set for an inline evaluation on the caller's thread: past this instant (own time) the evaluation stops
   * with NeedsIsolation and runs again where a runaway cannot block the process (see isolation/).
   */
  sliceEnd?: number;
  /** Why an inline evaluation must continue in isolation (kept in case jsonata swallowed the throw). */
  isolation?: NeedsIsolation;
}

export const BUDGET_BINDING = 'splice budget';
const BUDGET_PROPERTY = 'spliceBudget';
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const FRAME_PUSH_HOOK = Symbol.for('jsonata.__createFrame_push');
/** Read the clock every N evaluator steps: reading it on every node costs more than the check is worth. */
const CHECK_EVERY = 64;
/** Give the event loop a turn after this much uninterrupted evaluation. */
const YIELD_EVERY_MS = 4;

export function newBudget(limits: Required<MappingLimits>, sliceMs?: number, spentMs = 0): Budget {
  const now = performance.now();
  const budget: Budget = {
    deadline: now + Math.max(1, limits.timeoutMs - spentMs),
    maxDepth: limits.maxDepth,
    timeoutMs: limits.timeoutMs,
    countdown: CHECK_EVERY,
    nextYield: now + YIELD_EVERY_MS,
  };
  if (sliceMs !== undefined) budget.sliceEnd = now + sliceMs;
  return budget;
}


export interface Frame {
  lookup(name: string | symbol): unknown;
  bind(name: string | symbol, value: unknown): void;
  base?: Frame;
  depth: number;
}

/** The per-evaluation guard, installed as `exec_env.guardrails`; `this` is the evaluation's base frame. */
function makeGuard(frame: Frame): () => void {
  let budget: Budget | null | undefined;
  // Anonymous on purpose: a named function expression gets tsx's keepNames __name() on every evaluation.
  return function (): void {
    if (budget === undefined) {
      budget = (frame.lookup(BUDGET_BINDING) as Budget | undefined) ?? null;
      if (budget) (frame as unknown as Record<string, Budget>)[BUDGET_PROPERTY] = budget;
    }
    if (budget === null) return;
    if (frame.depth > budget.maxDepth) {
      throw (budget.failure ??= new MappingError(
        'MAPPING_DEPTH_EXCEEDED',
        `expression nests deeper than ${budget.maxDepth} levels (runaway recursion?). Make the recursion end sooner, or iterate with $map/$reduce instead.`,
        { details: { maxDepth: budget.maxDepth } },
      ));
    }
    if (--budget.countdown > 0) return;
    budget.countdown = CHECK_EVERY;
    const now = performance.now();
    checkClock(budget, now);
    if (now >= budget.nextYield) frame.bind(ENTRY_HOOK, yieldOnce);
  };
}

function checkClock(budget: Budget, now: number): void {
  if (budget.sliceEnd !== undefined && now > budget.sliceEnd) throw (budget.isolation ??= new NeedsIsolation('the inline time slice'));
  if (now > budget.deadline) throw (budget.failure ??= timeoutError(budget));
}

export function timeoutError(budget: { timeoutMs: number }): MappingError {
  return new MappingError(
    'MAPPING_TIMEOUT',
    `expression ran longer than its ${budget.timeoutMs} ms limit (endless recursion, a very large input, or a built-in on a huge sequence?). Check that recursive functions stop, or raise the mapping time limit.`,
    { details: { timeoutMs: budget.timeoutMs } },
  );
}

/**
 * One unit of work done outside jsonata's evaluator (a built-in call, see builtin-guards.ts): counts
 * toward the same clock check, so `$map([1..1e6], $string)` is stopped like a lambda loop is.
 */
export function tickBudget(budget: Budget): void {
  if (--budget.countdown > 0) return;
  budget.countdown = CHECK_EVERY;
  checkClock(budget, performance.now());
}

/** The budget of the evaluation a frame belongs to (set on its base frame when the guard is installed). */
export function budgetOfFrame(frame: { base?: unknown }): Budget | undefined {
  return (frame.base as { [BUDGET_PROPERTY]?: Budget } | undefined)?.[BUDGET_PROPERTY];
}

async function yieldOnce(_expr: unknown, _input: unknown, env: Frame): Promise<void> {
  const base = env.base as Frame;
  base.bind(ENTRY_HOOK, undefined);
  const budget = base.lookup(BUDGET_BINDING) as Budget | undefined;
  const leftAt = performance.now();
  await yieldToEventLoop();
  if (!budget) return;
  const back = performance.now();
  budget.deadline += back - leftAt; // time spent serving others is not this expression's time
  if (budget.sliceEnd !== undefined) budget.sliceEnd += back - leftAt;
  budget.nextYield = back + YIELD_EVERY_MS;
}

/**
 * Called by jsonata for every new frame; the evaluation's own frame is the one made from the compile frame.
 * jsonata assigns its own `guardrails` to that frame right after creating it, so ours goes in from a one-shot
 * entry hook on the first node (a plain property write keeps the frame's shape fast; an accessor did not).
 */
function framePushHook(onFirstFrame: (compileFrame: Frame) => void) {
  return function (enclosing: Frame, frame: Frame): void {
    if (enclosing.base !== undefined) return;
    frame.bind(ENTRY_HOOK, installGuard);
    onFirstFrame(enclosing);
  };
}

function installGuard(_expr: unknown, _input: unknown, env: Frame): void {
  const base = env.base as Frame & { guardrails: () => void };
  base.bind(ENTRY_HOOK, undefined);
  const budget = base.lookup(BUDGET_BINDING) as Budget | undefined;
  if (budget) (base as unknown as Record<string, Budget>)[BUDGET_PROPERTY] = budget;
  base.guardrails = makeGuard(base);
}

/** `onEvaluation` gets the expression's compile frame at each evaluation's start (builtin-guards.ts binds there). */
export function installBudgetHook(expression: jsonata.Expression, onEvaluation: (compileFrame: Frame) => void): void {
  expression.assign(FRAME_PUSH_HOOK as unknown as string, framePushHook(onEvaluation));
}
