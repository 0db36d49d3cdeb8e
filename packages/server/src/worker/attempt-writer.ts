import type { RunRecord, StepRecord } from '@splice/runtime';
import type { ClaimedJob, JobQueue } from '../queue/job-queue';
import type { BufferedCheckpointStore } from '../runs/buffered-checkpoint-store';
import { GroupCommit } from '../queue/group-commit';
import { PreparedQuery } from '../queue/prepared-query';
import type { SpliceDb } from '../storage/database';
import type { FreshRun } from '../runs/event-store';

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

export interface StartedAttempt {
  attempt: number;
  eventId: string;
  revision: number;
  environment?: string;
  /** When the run's first attempt started. */
  runStartedAt: string;
  /** No attempt of this run ever started before: it has no checkpoints yet. */
  firstEver: boolean;
  /** The event's JSON text, when this process queued the run (no need to read it back). */
  eventBody?: string;
}

/** The statements every attempt runs, compiled once (see queue/prepared-query.ts). */
const insertAttempt = () =>
  new PreparedQuery<{ runId: string; attempt: number; owner: string; now: string }>((db, p) =>
    db.insertInto('run_attempts').values({
      run_id: p('runId'),
      attempt: p('attempt'),
      worker_id: p('owner'),
      status: 'running',
      started_at: p('now'),
      finished_at: null,
      duration_ms: null,
      error_code: null,
      error_message: null,
      retryable: null,
      steps: null,
    }),
  );
const markRunning = () =>
  new PreparedQuery<{ runId: string; attempt: number; startedAt: string }>((db, p) =>
    db
      .updateTable('runs')
      .set({ status: 'running', attempts: p('attempt'), started_at: p('startedAt') })
      .where('id', '=', p('runId')),
  );
type AttemptResult = {
  runId: string;
  attempt: number;
  status: string;
  finishedAt: string;
  durationMs: number;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: number | null;
  steps: string | null;
};
const finishAttempt = () =>
  new PreparedQuery<AttemptResult>((db, p) =>
    db
      .updateTable('run_attempts')
      .set({
        status: p('status'),
        finished_at: p('finishedAt'),
        duration_ms: p('durationMs'),
        error_code: p('errorCode'),
        error_message: p('errorMessage'),
        retryable: p('retryable'),
        steps: p('steps'),
      })
      .where('run_id', '=', p('runId'))
      .where('attempt', '=', p('attempt')),
  );
type RunResult = {
  runId: string;
  status: string;
  finishedAt: string | null;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorStep: string | null;
  deadReason: string | null;
  steps: string;
  locationId: string | null;
};
/** `withSteps` false: an attempt that produced no record keeps the run's steps of earlier attempts. */
const finishRun = (withSteps: boolean) =>
  new PreparedQuery<RunResult>((db, p) =>
    db
      .updateTable('runs')
      .set({
        status: p('status'),
        finished_at: p('finishedAt'),
        duration_ms: p('durationMs'),
        error_code: p('errorCode'),
        error_message: p('errorMessage'),
        error_step: p('errorStep'),
        dead_reason: p('deadReason'),
        // The location the run's calls were for comes with its steps (history per location).
        ...(withSteps ? { steps: p('steps'), location_id: p('locationId') } : {}),
      })
      .where('id', '=', p('runId')),
  );

/**
 * The location a run was for: the resource of its calls (one agency flow serves every location, each
 * call naming its own), else the event's `locationId`. A run touching several locations takes the first.
 */
export function runLocationOf(record: Pick<RunRecord, 'steps' | 'event'>): string | null {
  for (const s of record.steps) if (s.resource) return s.resource;
  const e = record.event as { locationId?: unknown } | null;
  return e && typeof e === 'object' && typeof e.locationId === 'string' && e.locationId ? e.locationId : null;
}

export class AttemptWriter {
  private readonly commits: GroupCommit;
  private readonly insertAttempt = insertAttempt();
  private readonly markRunning = markRunning();
  private readonly finishAttempt = finishAttempt();
  private readonly finishRunWithSteps = finishRun(true);
  private readonly finishRunKeepSteps = finishRun(false);

  constructor(
    private readonly db: SpliceDb,
    private readonly queue: JobQueue,
    commits?: GroupCommit,
    /** Runs this process queued: their facts without a read (EventStore.takeFresh). */
    private readonly fresh: (runId: string) => FreshRun | undefined = () => undefined,
  ) {
    this.commits = commits ?? new GroupCommit(db);
  }

  /**
   * Claims the next due job and opens its attempt, in one transaction: the group commit's, shared with
   * other claims, intake and outcomes of the same moment (one commit instead of one each).
   */
  async claimAndStart(owner: string, leaseMs: number): Promise<{ job: ClaimedJob; started: StartedAttempt } | undefined> {
    return this.commits.run(async (trx) => {
      const job = await this.queue.claim(owner, leaseMs, trx);
      if (!job) return undefined;
      return { job, started: await this.start(job, trx) };
    });
  }

  /**
   * Marks the run running and opens the attempt row. Returns the attempt number (history order), the
   * run's facts, and whether an earlier attempt ever started (if not, there can be no checkpoints).
   */
  async start(job: ClaimedJob, trx: SpliceDb): Promise<StartedAttempt> {
    {
      const now = new Date().toISOString();
      // The job's first claim ever, of a run this process queued: the run row is as intake wrote it.
      const fresh = this.fresh(job.runId);
      const run =
        fresh && job.attempt === 1
          ? { event_id: fresh.eventId, revision: fresh.revision, environment: fresh.environment ?? null, attempts: 0, started_at: null }
          : await trx
              .selectFrom('runs')
              .select(['event_id', 'revision', 'environment', 'attempts', 'started_at'])
              .where('id', '=', job.runId)
              .executeTakeFirstOrThrow();
      let attempt = 1;
      if (run.attempts > 0) {
        // An attempt still "running" belonged to a worker that died or was stopped: it was interrupted.
        await trx
          .updateTable('run_attempts')
          .set({ status: 'interrupted', finished_at: now })
          .where('run_id', '=', job.runId)
          .where('status', '=', 'running')
          .execute();
        const last = await trx
          .selectFrom('run_attempts')
          .select((eb) => eb.fn.max('attempt').as('n'))
          .where('run_id', '=', job.runId)
          .executeTakeFirst();
        attempt = Number(last?.n ?? 0) + 1;
      }
      await this.insertAttempt.execute(trx, { runId: job.runId, attempt, owner: job.owner, now });
      const startedAt = run.started_at ?? now;
      await this.markRunning.execute(trx, { runId: job.runId, attempt, startedAt });
      return {
        attempt,
        eventId: run.event_id,
        revision: run.revision,
        environment: run.environment ?? undefined,
        runStartedAt: startedAt,
        firstEver: run.attempts === 0,
        eventBody: fresh && job.attempt === 1 ? fresh.body : undefined,
      };
    }
  }

  /** Records the outcome. False when the lease was lost (nothing written). */
  async finish(
    job: ClaimedJob,
    started: StartedAttempt,
    startedAtMs: number,
    outcome: AttemptOutcome,
    checkpoints: BufferedCheckpointStore,
  ): Promise<boolean> {
    const attempt = started.attempt;
    return this.commits.run(async (trx) => {
      const owned =
        outcome.kind === 'retry'
          ? await this.queue.retryLater(trx, job.runId, job.owner, outcome.delayMs, `${outcome.error.code}: ${outcome.error.message}`)
          : outcome.kind === 'dead'
            ? await this.queue.deadLetter(trx, job.runId, job.owner, outcome.reason)
            : await this.queue.complete(trx, job.runId, job.owner);
      if (!owned) return false;
      // A finished run never reads its checkpoints again; a retried or dead one needs them.
      if (outcome.kind === 'finished' || outcome.kind === 'failed') await checkpoints.discard(trx);
      else await checkpoints.flush(trx);
      const now = new Date();
      const durationMs = now.getTime() - startedAtMs;
      const record = outcome.record;
      const steps = record ? JSON.stringify(record.steps satisfies StepRecord[]) : null;
      const error = outcome.kind === 'finished' ? record?.error : outcome.error;
      const attemptStatus = outcome.kind === 'finished' ? record!.status : 'failed';
      await this.finishAttempt.execute(trx, {
        runId: job.runId,
        attempt,
        status: attemptStatus,
        finishedAt: now.toISOString(),
        durationMs,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        retryable: outcome.kind === 'finished' ? null : outcome.error.retryable ? 1 : 0,
        steps,
      });
      const runStatus = outcome.kind === 'finished' ? record!.status : outcome.kind === 'retry' ? 'queued' : outcome.kind;
      const final = outcome.kind !== 'retry';
      await (steps !== null ? this.finishRunWithSteps : this.finishRunKeepSteps).execute(trx, {
        runId: job.runId,
        status: runStatus,
        finishedAt: final ? now.toISOString() : null,
        durationMs: final ? now.getTime() - Date.parse(started.runStartedAt) : null,
        errorCode: error?.code ?? null,
        errorMessage: error?.message ?? null,
        errorStep: error?.step ?? null,
        deadReason: outcome.kind === 'dead' ? outcome.reason : null,
        steps: steps ?? '',
        locationId: record ? runLocationOf(record) : null,
      });
      return true;
    });
  }
}
