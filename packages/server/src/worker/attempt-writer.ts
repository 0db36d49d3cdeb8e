import type { RunRecord, StepRecord } from '@splice/runtime';
import type { ClaimedJob, JobQueue } from '../queue/job-queue';
import type { SpliceDb } from '../storage/database';

/**
 * Writes a run attempt's start and outcome. Each outcome is ONE transaction with the queue update,
 * guarded by the lease: if the job is no longer ours (lease expired and another worker took it), nothing
 * is written and the caller drops its result.
 */
export type AttemptOutcome =
  | { kind: 'finished'; record: RunRecord }
  | { kind: 'retry'; record?: RunRecord; error: AttemptError; delayMs: number }
  | { kind: 'dead'; record?: RunRecord; error: AttemptError; reason: string }
  | { kind: 'failed'; record?: RunRecord; error: AttemptError };

export interface AttemptError {
  code: string;
  message: string;
  step?: string;
  retryable: boolean;
}

export class AttemptWriter {
  constructor(
    private readonly db: SpliceDb,
    private readonly queue: JobQueue,
  ) {}

  /** Marks the run running and opens the attempt row; returns its attempt number (history order). */
  async start(job: ClaimedJob): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      // An attempt still "running" belonged to a worker that died or was stopped: it was interrupted.
      await trx.updateTable('run_attempts').set({ status: 'interrupted', finished_at: now }).where('run_id', '=', job.runId).where('status', '=', 'running').execute();
      const last = await trx.selectFrom('run_attempts').select((eb) => eb.fn.max('attempt').as('n')).where('run_id', '=', job.runId).executeTakeFirst();
      const attempt = Number(last?.n ?? 0) + 1;
      await trx
        .insertInto('run_attempts')
        .values({ run_id: job.runId, attempt, worker_id: job.owner, status: 'running', started_at: now, finished_at: null, duration_ms: null, error_code: null, error_message: null, retryable: null, steps: null })
        .execute();
      await trx
        .updateTable('runs')
        .set((eb) => ({ status: 'running', attempts: attempt, started_at: eb.fn.coalesce('started_at', eb.val(now)) }))
        .where('id', '=', job.runId)
        .execute();
      return attempt;
    });
  }

  /** Records the outcome. False when the lease was lost (nothing written). */
  async finish(job: ClaimedJob, attempt: number, startedAtMs: number, outcome: AttemptOutcome): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const owned =
        outcome.kind === 'retry'
          ? await this.queue.retryLater(trx, job.runId, job.owner, outcome.delayMs, `${outcome.error.code}: ${outcome.error.message}`)
          : outcome.kind === 'dead'
            ? await this.queue.deadLetter(trx, job.runId, job.owner, outcome.reason)
            : await this.queue.complete(trx, job.runId, job.owner);
      if (!owned) return false;
      const now = new Date();
      const durationMs = now.getTime() - startedAtMs;
      const record = outcome.record;
      const steps = record ? JSON.stringify(record.steps satisfies StepRecord[]) : null;
      const error = outcome.kind === 'finished' ? record?.error : outcome.error;
      const attemptStatus = outcome.kind === 'finished' ? record!.status : 'failed';
      await trx
        .updateTable('run_attempts')
        .set({
          status: attemptStatus,
          finished_at: now.toISOString(),
          duration_ms: durationMs,
          error_code: error?.code ?? null,
          error_message: error?.message ?? null,
          retryable: outcome.kind === 'finished' ? null : outcome.error.retryable ? 1 : 0,
          steps,
        })
        .where('run_id', '=', job.runId)
        .where('attempt', '=', attempt)
        .execute();
      const runStatus = outcome.kind === 'finished' ? record!.status : outcome.kind === 'retry' ? 'queued' : outcome.kind;
      const final = outcome.kind !== 'retry';
      const runRow = await trx.selectFrom('runs').select('started_at').where('id', '=', job.runId).executeTakeFirst();
      await trx
        .updateTable('runs')
        .set({
          status: runStatus,
          finished_at: final ? now.toISOString() : null,
          duration_ms: final && runRow?.started_at ? now.getTime() - Date.parse(runRow.started_at) : null,
          error_code: error?.code ?? null,
          error_message: error?.message ?? null,
          error_step: error?.step ?? null,
          ...(steps !== null ? { steps } : {}),
          dead_reason: outcome.kind === 'dead' ? outcome.reason : null,
        })
        .where('id', '=', job.runId)
        .execute();
      return true;
    });
  }
}
