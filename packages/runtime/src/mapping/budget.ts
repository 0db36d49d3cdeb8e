import type jsonata from 'jsonata';
import { MappingError } from '../errors';
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
}

export const DEFAULT_MAPPING_LIMITS: Required<MappingLimits> = { timeoutMs: 1000, maxDepth: 2000, maxOutputBytes: 10_000_000 };

/** Per-evaluation state, bound into the evaluation's environment under a name no expression can spell. */
export interface Budget {
  deadline: number;
  maxDepth: number;
  timeoutMs: number;
  countdown: number;
  nextYield: number;
  failure?: MappingError;
}

export const BUDGET_BINDING = 'splice budget';
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const FRAME_PUSH_HOOK = Symbol.for('jsonata.__createFrame_push');
/** Read the clock every N evaluator steps: reading it on every node costs more than the check is worth. */
const CHECK_EVERY = 64;
/** Give the event loop a turn after this much uninterrupted evaluation. */
const YIELD_EVERY_MS = 4;

export function newBudget(limits: Required<MappingLimits>): Budget {
  const now = performance.now();
  return {
    deadline: now + limits.timeoutMs,
    maxDepth: limits.maxDepth,
    timeoutMs: limits.timeoutMs,
    countdown: CHECK_EVERY,
    nextYield: now + YIELD_EVERY_MS,
  };
}

interface Frame {
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
    if (budget === undefined) budget = (frame.lookup(BUDGET_BINDING) as Budget | undefined) ?? null;
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
    if (now > budget.deadline) {
      throw (budget.failure ??= new MappingError(
        'MAPPING_TIMEOUT',
        `expression ran longer than its ${budget.timeoutMs} ms limit (endless recursion or a very large input?). Check that recursive functions stop, or raise the mapping time limit.`,
        { details: { timeoutMs: budget.timeoutMs } },
      ));
    }
    if (now >= budget.nextYield) frame.bind(ENTRY_HOOK, yieldOnce);
  };
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
  budget.nextYield = back + YIELD_EVERY_MS;
}

/**
 * Called by jsonata for every new frame; the evaluation's own frame is the one made from the compile frame.
 * jsonata assigns its own `guardrails` to that frame right after creating it, so ours goes in from a one-shot
 * entry hook on the first node (a plain property write keeps the frame's shape fast; an accessor did not).
 */
function onFramePush(enclosing: Frame, frame: Frame): void {
  if (enclosing.base === undefined) frame.bind(ENTRY_HOOK, installGuard);
}

function installGuard(_expr: unknown, _input: unknown, env: Frame): void {
  const base = env.base as Frame & { guardrails: () => void };
  base.bind(ENTRY_HOOK, undefined);
  base.guardrails = makeGuard(base);
}

export function installBudgetHook(expression: jsonata.Expression): void {
  expression.assign(FRAME_PUSH_HOOK as unknown as string, onFramePush);
}
