import { SpliceError } from '../errors';
import { compileExpression } from '../mapping/compile';
import type { MappingBindings } from '../mapping/evaluate';
import { atExpression } from '../mapping/expression-location';
import { evaluateTemplate } from '../mapping/template';
import type { Step } from '../model/flow';
import type { StepRecord } from './run-record';
import type { RunState, Scope, SequenceResult, StepRunContext } from './step-context';
import { stepDefinition } from './steps/index';

/** A step failed; carries the innermost failing step's path up through if/foreach containers. */
export class StepFailure extends Error {
  constructor(
    readonly path: string,
    readonly error: SpliceError,
  ) {
    super(error.message);
  }
}

/**
 * Runs steps in order within one scope: checkpoints (finished steps are never re-run), records, publishing
 * each output as `$steps.<id>`, stopping on a false filter (later steps are recorded as `skipped`).
 */
export async function runSequence(run: RunState, steps: Step[], scope: Scope): Promise<SequenceResult> {
  let lastOutput: unknown;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const path = `${scope.prefix}${step.id}`;
    const saved = run.checkpoints ? await checkpoint(path, () => run.checkpoints?.get(path)) : undefined;
    if (saved) {
      run.records.push({ ...saved, fromCheckpoint: true });
      scope.steps[step.id] = saved.output;
      lastOutput = saved.output;
      if (saved.status === 'filtered') return skipRest(run, steps.slice(i + 1), scope, lastOutput);
      continue;
    }
    if (run.signal.aborted) throw new StepFailure(path, abortError(run));
    const record: StepRecord = {
      id: path,
      type: step.type,
      status: 'succeeded',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      attempts: [],
    };
    if (step.type === 'call') record.uses = step.uses;
    run.records.push(record);
    const started = performance.now();
    const def = stepDefinition(step.type)!;
    try {
      const result = await def.run(step as never, stepContext(run, scope, path, record));
      record.durationMs = performance.now() - started;
      record.status = result.status ?? 'succeeded';
      if (result.output !== undefined) record.output = run.redactor.value(result.output);
      scope.steps[step.id] = result.output;
      lastOutput = result.output;
      if (run.checkpoints) await checkpoint(path, () => run.checkpoints?.put(path, record));
      if (result.stop) return skipRest(run, steps.slice(i + 1), scope, lastOutput);
    } catch (err) {
      record.durationMs = performance.now() - started;
      record.status = 'failed';
      const failure = err instanceof StepFailure ? err : new StepFailure(path, normalize(run, err));
      record.error = {
        code: failure.error.code,
        message: run.redactor.text(failure.error.message),
        ...(failure.error.path ? { path: failure.error.path } : {}),
        // Only the step that failed itself: an enclosing foreach/if repeats the error, not its place.
        ...(failure.error.expression && failure.path === path ? { expression: failure.error.expression } : {}),
      };
      markRestSkipped(run, steps.slice(i + 1), scope);
      throw failure;
    }
  }
  return { stopped: false, lastOutput };
}

/** A checkpoint store failure (e.g. the database is down) fails the run as retryable, never silently. */
async function checkpoint<T>(path: string, op: () => Promise<T> | undefined): Promise<T | undefined> {
  try {
    return await op();
  } catch (err) {
    const error = new SpliceError(
      'CHECKPOINT_UNAVAILABLE',
      `could not read or save the checkpoint of step \`${path}\`: ${(err as Error)?.message ?? String(err)}. The run can be retried; finished steps keep their checkpoints.`,
      { retryable: true, cause: err },
    );
    throw new StepFailure(path, error);
  }
}

function skipRest(run: RunState, rest: Step[], scope: Scope, lastOutput: unknown): SequenceResult {
  markRestSkipped(run, rest, scope);
  return { stopped: true, lastOutput };
}

function markRestSkipped(run: RunState, rest: Step[], scope: Scope): void {
  const now = new Date().toISOString();
  for (const s of rest)
    run.records.push({ id: `${scope.prefix}${s.id}`, type: s.type, status: 'skipped', startedAt: now, durationMs: 0, attempts: [] });
}

function abortError(run: RunState): SpliceError {
  const reason = run.signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') {
    return new SpliceError(
      'RUN_TIMEOUT',
      `the run took longer than the flow's \`options.timeout\` (${String(run.flow.options?.timeout)}). Raise the timeout or make the flow do less per run.`,
    );
  }
  return new SpliceError(
    'RUN_ABORTED',
    'the run was cancelled before it finished (shutdown or a user request). It can be retried; finished steps are not re-run.',
    { retryable: true },
  );
}

function normalize(run: RunState, err: unknown): SpliceError {
  if (run.signal.aborted && !(err instanceof SpliceError && err.code !== 'HTTP_ABORTED')) return abortError(run);
  return asSpliceError(err);
}

/** A SpliceError as is; anything else thrown is a bug in Splice, reported as INTERNAL_ERROR. */
export function asSpliceError(err: unknown): SpliceError {
  if (err instanceof SpliceError) return err;
  return new SpliceError(
    'INTERNAL_ERROR',
    `unexpected error: ${(err as Error)?.message ?? String(err)}. This is a bug in Splice; please report it with the run record.`,
    { cause: err },
  );
}

function bindingsOf(run: RunState, scope: Scope): MappingBindings {
  const bindings: MappingBindings = { event: run.event, steps: scope.steps, env: run.env, run: { id: run.runId, flow: run.flow.metadata.name } };
  if (scope.item !== undefined || scope.index !== undefined) {
    bindings.item = scope.item;
    bindings.index = scope.index;
  }
  return bindings;
}

/** Methods in shorthand: tsx's keepNames wraps every arrow-function property in a costly __name() per step. */
function stepContext(run: RunState, scope: Scope, path: string, record: StepRecord): StepRunContext {
  return {
    run,
    scope,
    path,
    record,
    async evaluate(source, field) {
      try {
        return await run.mapping.evaluate(compileExpression(source), run.event, bindingsOf(run, scope), run.limits);
      } catch (err) {
        throw atExpression(err, field, 0);
      }
    },
    evaluateTemplate(value, field) {
      return evaluateTemplate(value, run.event, bindingsOf(run, scope), run.limits, run.mapping.evaluate, field);
    },
    runSequence(steps, child) {
      return runSequence(run, steps, child);
    },
  };
}
