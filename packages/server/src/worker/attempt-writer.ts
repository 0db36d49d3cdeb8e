import type { RunRecord, StepRecord } from '@splice/runtime';
import type { ClaimedJob, JobQueue, Lease } from '../queue/job-queue';
import type { BufferedCheckpointStore } from '../runs/buffered-checkpoint-store';
import type { FreshRun } from '../runs/event-store';
import { statement, type Sql } from '../storage/sql';

/**
 * Writes a run attempt's start and outcome, each inside a transaction the caller gives (the server's
 * group commit), in the same transaction as the queue update and guarded by the lease: if the job is no
 * longer ours (lease expired and another worker took it), nothing is written and the caller drops its
 * result. A finish can claim the worker's next job in the same transaction, so a worker working through a
 * backlog costs one commit per run, shared with everything else of that moment.
 */
export type AttemptOutcome =
  | { kind: 'finished'; record: RunRecord }
  /** Not run now (its rate limit has no budget): back to the queue, due at `dueAt`, no attempt charged. */
  | { kind: 'deferred'; record?: RunRecord; dueAt: Date; key?: string }
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
  /** The attempt's number in the run's history (1-based; interrupted attempts count). */
  attempt: number;
  eventId: string;
  revision: number;
  environment?: string;
  /** When the run's first attempt started. */
  runStartedAt: string;
  /** No attempt of this run ever started before: it has no checkpoints yet. */
  firstEver: boolean;
  /** What this process knows of the run already (it queued it): no need to read it back. */
  fresh?: FreshRun;
}

export interface ClaimedRun {
  job: ClaimedJob;
  started: StartedAttempt;
}

// The claim's run update returns the run's facts: no separate read.
const markRunning = statement(`
  UPDATE runs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, :now)
  WHERE id = :runId RETURNING attempts, event_id, revision, environment, started_at`);
// An attempt still "running" belonged to a worker that died or was stopped: it was interrupted.
const markInterrupted = statement(`
  UPDATE run_attempts SET status = 'interrupted', finished_at = :now WHERE run_id = :runId AND status = 'running'`);
const openAttempt = statement(`
  INSERT INTO run_attempts (run_id, attempt, worker_id, status, started_at) VALUES (:runId, :attempt, :owner, 'running', :now)`);
const closeAttempt = statement(`
  UPDATE run_attempts SET status = :status, finished_at = :finishedAt, duration_ms = :durationMs, error_code = :errorCode,
    error_message = :errorMessage, retryable = :retryable, steps = :steps
  WHERE run_id = :runId AND attempt = :attempt`);
// The run's last attempt's steps live on the run row only (run-store.ts reads them there for that
// attempt): one copy of the largest value a run writes.
// A deferred attempt leaves no trace: its attempt row goes, the run is queued again with its count back.
const dropAttempt = statement(`DELETE FROM run_attempts WHERE run_id = :runId AND attempt = :attempt`);
const requeueRun = statement(`UPDATE runs SET status = 'queued', attempts = attempts - 1 WHERE id = :runId AND attempts > 0`);
// The location the run's calls were for comes with its steps (history per location; agency, issue 16).
const finishRun = statement(`
  UPDATE runs SET status = :status, finished_at = :finishedAt, duration_ms = :durationMs, error_code = :errorCode,
    error_message = :errorMessage, error_step = :errorStep, dead_reason = :deadReason, steps = coalesce(:steps, steps),
    location_id = coalesce(:locationId, location_id)
  WHERE id = :runId`);

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
  constructor(
    private readonly queue: JobQueue,
    /** Runs this process queued: their facts without a read (EventStore.takeFresh). */
    private readonly fresh: (runId: string) => FreshRun | undefined = () => undefined,
  ) {}

  /** Claims up to `limit` due jobs and opens their attempts in `tx`. */
  async claimAndStart(tx: Sql, lease: Lease, limit: number): Promise<ClaimedRun[]> {
    const jobs = await this.queue.claim(tx, lease, limit);
    const out: ClaimedRun[] = [];
    for (const job of jobs) out.push({ job, started: await this.start(tx, job) });
    return out;
  }

  /** Marks the run running and opens the attempt row. */
  private async start(tx: Sql, job: ClaimedJob): Promise<StartedAttempt> {
    const now = new Date().toISOString();
    const run = (
      await tx.run<{ attempts: number; event_id: string; revision: number; environment: string | null; started_at: string }>(markRunning, {
        runId: job.runId,
        now,
      })
    ).rows[0];
    if (!run) throw new Error(`run ${job.runId} of a queued job is missing`);
    const attempt = Number(run.attempts);
    if (attempt > 1) await tx.run(markInterrupted, { runId: job.runId, now });
    await tx.run(openAttempt, { runId: job.runId, attempt, owner: job.owner, now });
    const fresh = attempt === 1 ? this.fresh(job.runId) : undefined;
    return {
      attempt,
      eventId: run.event_id,
      revision: Number(run.revision),
      environment: run.environment ?? undefined,
      runStartedAt: run.started_at,
      firstEver: attempt === 1,
      fresh,
    };
  }

  /**
   * Records the outcome in `tx`. False when the lease was lost (nothing written). With `next`, claims the
   * worker's next job in the same transaction.
   */
  async finish(
    tx: Sql,
    job: ClaimedJob,
    started: StartedAttempt,
    startedAtMs: number,
    outcome: AttemptOutcome,
    checkpoints: BufferedCheckpointStore,
  ): Promise<boolean> {
    if (outcome.kind === 'deferred') {
      if (!(await this.queue.defer(tx, job.runId, job.owner, { dueAt: outcome.dueAt, key: outcome.key }))) return false;
      await checkpoints.flush(tx);
      await tx.run(dropAttempt, { runId: job.runId, attempt: started.attempt });
      await tx.run(requeueRun, { runId: job.runId });
      return true;
    }
    const owned =
      outcome.kind === 'retry'
        ? await this.queue.retryLater(tx, job.runId, job.owner, outcome.delayMs, `${outcome.error.code}: ${outcome.error.message}`)
        : outcome.kind === 'dead'
          ? await this.queue.deadLetter(tx, job.runId, job.owner, outcome.reason)
          : await this.queue.complete(tx, job.runId, job.owner);
    if (!owned) return false;
    // A finished run never reads its checkpoints again; a retried or dead one needs them.
    if (outcome.kind === 'finished' || outcome.kind === 'failed') await checkpoints.discard(tx);
    else await checkpoints.flush(tx);
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const record = outcome.record;
    const steps = record ? JSON.stringify(record.steps satisfies StepRecord[]) : null;
    const error = outcome.kind === 'finished' ? record?.error : outcome.error;
    const final = outcome.kind !== 'retry';
    await tx.run(closeAttempt, {
      runId: job.runId,
      attempt: started.attempt,
      status: outcome.kind === 'finished' ? record!.status : 'failed',
      finishedAt: now,
      durationMs: nowMs - startedAtMs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      retryable: outcome.kind === 'finished' ? null : outcome.error.retryable ? 1 : 0,
      // A retried attempt keeps its own steps (the run's row will show the next attempt's); the last one's
      // are on the run row (NULL here), or '[]' when it produced no record.
      steps: final ? (steps === null ? '[]' : null) : steps,
    });
    await tx.run(finishRun, {
      runId: job.runId,
      status: outcome.kind === 'finished' ? record!.status : outcome.kind === 'retry' ? 'queued' : outcome.kind,
      finishedAt: final ? now : null,
      durationMs: final ? nowMs - Date.parse(started.runStartedAt) : null,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      errorStep: error?.step ?? null,
      deadReason: outcome.kind === 'dead' ? outcome.reason : null,
      steps,
      locationId: record ? runLocationOf(record) : null,
    });
    return true;
  }
}
