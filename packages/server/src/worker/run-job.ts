import type { RunRecord, StepRecord } from '@splice/runtime';
import type { ServerConfig } from '../config';
import type { RunFinishedEvent } from '../context';
import type { ActiveFlow, FlowResolver } from '../intake/flow-resolver';
import type { Logger } from '../logger';
import type { ServerMetrics } from '../metrics';
import type { GroupCommit } from '../queue/group-commit';
import type { ClaimedJob } from '../queue/job-queue';
import { BufferedCheckpointStore } from '../runs/buffered-checkpoint-store';
import type { EventStore } from '../runs/event-store';
import type { SqlDatabase } from '../storage/sql';
import type { AttemptError, AttemptOutcome, StartedAttempt } from './attempt-writer';
import { backoffDelayMs } from './backoff';
import type { FlowEngine } from './flow-engine';

/**
 * Runs one claimed job: the run's event and flow revision (as handed over by intake, else read), the
 * engine with the run's checkpoints (finished steps are not re-run; idempotency keys `${runId}:${stepPath}`
 * stay the same), then the outcome (finished, retry later with backoff, or dead letter) recorded by the
 * caller's `record` in one transaction with the queue update.
 */
export interface RunJobDeps {
  logger: Logger;
  metrics: ServerMetrics;
  queueConfig: ServerConfig['queue'];
  flows(): FlowResolver;
  events: EventStore;
  engineFor(flow: ActiveFlow): FlowEngine;
  sql: SqlDatabase;
  commits: GroupCommit;
  emitRunFinished(e: RunFinishedEvent): void;
}

/** Writes the outcome (and may claim the worker's next job in the same commit). False: the lease was lost. */
export type RecordOutcome = (outcome: AttemptOutcome, checkpoints: BufferedCheckpointStore, startedAtMs: number) => Promise<boolean>;

export interface RunJobHandle {
  /** Resolves when the job is done (or abandoned). */
  done: Promise<void>;
  /** Abort the engine; `shutdown`: the job is being returned to the queue (pending checkpoints written, nothing else). */
  abort(reason: 'shutdown' | 'lease lost'): void;
}

export function runJob(deps: RunJobDeps, job: ClaimedJob, started: StartedAttempt, record: RecordOutcome): RunJobHandle {
  const controller = new AbortController();
  let stopped: 'shutdown' | 'lease lost' | undefined;
  let finished = false;
  const done = execute(deps, job, started, record, controller, () => stopped)
    .catch((err) => {
      deps.logger.error({ runId: job.runId, err: { message: (err as Error)?.message } }, 'worker failed to record a run');
    })
    .finally(() => (finished = true));
  return {
    done,
    abort(reason) {
      if (finished || stopped) return;
      stopped = reason;
      controller.abort(new Error(reason));
    },
  };
}

async function execute(
  deps: RunJobDeps,
  job: ClaimedJob,
  started: StartedAttempt,
  record: RecordOutcome,
  /** Aborted at shutdown or when the lease is lost: one signal for the engine. */
  controller: AbortController,
  stopped: () => 'shutdown' | 'lease lost' | undefined,
): Promise<void> {
  const { logger, metrics } = deps;
  // A child logger per run costs; most runs succeed and log nothing at the default level.
  let child: Logger | undefined;
  const log = () => (child ??= logger.child({ flowId: job.flowId, runId: job.runId }));
  const startedAt = Date.now();
  const attempt = started.attempt;
  const checkpoints = new BufferedCheckpointStore(deps, job.runId, !started.firstEver);
  if (attempt > 1) metrics.retries.inc({ flow: job.flowId });
  metrics.runsByStatus.inc({ status: 'running' });

  let outcome: AttemptOutcome;
  try {
    const fresh = started.fresh;
    const flow =
      fresh?.flow ?? (await deps.flows().getRevision({ flowId: job.flowId, revision: started.revision, environment: started.environment }));
    const body = fresh ? fresh.body : (await deps.events.get(started.eventId))?.body;
    if (body === undefined || !flow) {
      const what =
        body === undefined
          ? `its event ${started.eventId} is missing`
          : `flow "${job.flowId}" revision ${started.revision} is not available`;
      outcome = dead({ code: 'RUN_UNRUNNABLE', message: `The run cannot start: ${what}.`, retryable: false }, attempt);
    } else {
      const event = fresh?.event !== undefined ? fresh.event : JSON.parse(body);
      const result = await deps
        .engineFor(flow)
        .run(flow.flow, event, { runId: job.runId, checkpoints, signal: controller.signal, attempt });
      outcome = classify(deps.queueConfig, result, job, attempt);
    }
  } catch (err) {
    const e = err as { code?: string; message?: string; retryable?: boolean };
    const error: AttemptError = { code: e?.code ?? 'ENGINE_ERROR', message: e?.message ?? String(err), retryable: e?.retryable ?? true };
    outcome = error.retryable ? retryOrDead(deps.queueConfig, job, attempt, error) : { kind: 'failed', error };
  }

  const why = stopped();
  if (why) {
    // Handed back: what finished before the stop stays done (the lease is still ours until released).
    if (why === 'shutdown') await checkpoints.flushNow().catch(() => {});
    log().info({ attempt }, why === 'shutdown' ? 'run returned to the queue at shutdown' : 'lease lost; another worker owns the run');
    return;
  }
  if (!(await record(outcome, checkpoints, startedAt))) {
    log().warn({ attempt }, 'lease lost before the outcome was recorded; the run will be taken again');
    return;
  }
  observe(metrics, outcome, startedAt);
  const status = outcome.kind === 'finished' ? outcome.record.status : outcome.kind === 'retry' || outcome.kind === 'deferred' ? 'queued' : outcome.kind;
  deps.emitRunFinished({ runId: job.runId, flowId: job.flowId, status, attempt });
  // Successes at debug (one line per run adds up at volume); anything else at info/warn.
  if (status === 'succeeded' || status === 'filtered' || outcome.kind === 'deferred') {
    if (logger.isLevelEnabled('debug')) log().debug({ attempt, status }, 'run finished');
  } else if (outcome.kind === 'retry')
    log().info({ attempt, status, error: outcome.error, retryInMs: outcome.delayMs }, 'run attempt failed; retry scheduled');
  else log().warn({ attempt, status, error: outcome.kind === 'finished' ? outcome.record.error : outcome.error }, 'run did not succeed');
}

type QueueConfig = ServerConfig['queue'];

function classify(q: QueueConfig, record: RunRecord, job: ClaimedJob, attempt: number): AttemptOutcome {
  if (record.status !== 'failed') return { kind: 'finished', record };
  const failed = record.steps.find((s) => s.id === record.error?.step) ?? [...record.steps].reverse().find((s) => s.status === 'failed');
  const lastAttemptError = failed?.attempts[failed.attempts.length - 1]?.error;
  const error: AttemptError = {
    code: record.error?.code ?? failed?.error?.code ?? 'RUN_FAILED',
    message: record.error?.message ?? failed?.error?.message ?? 'the run failed',
    step: record.error?.step ?? failed?.id,
    retryable: lastAttemptError?.retryable ?? false,
  };
  if (!error.retryable) return { kind: 'failed', record, error };
  const last = failed?.attempts[failed.attempts.length - 1];
  return { ...retryOrDead(q, job, attempt, error, retryAfterMs(last?.response?.headers)), record };
}

function retryOrDead(q: QueueConfig, job: ClaimedJob, attempt: number, error: AttemptError, notBeforeMs = 0): AttemptOutcome {
  if (job.attempt >= job.maxAttempts) return dead(error, attempt);
  // Never sooner than the API's Retry-After (a 429 the step's own retries could not wait out).
  const delayMs = Math.max(backoffDelayMs(job.attempt, q.backoffBaseMs, q.backoffMaxMs), Math.min(notBeforeMs, q.backoffMaxMs));
  return { kind: 'retry', error, delayMs };
}

function retryAfterMs(headers: Record<string, string> | undefined): number {
  const v = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (!v) return 0;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

function dead(error: AttemptError, attempt: number): AttemptOutcome {
  const where = error.step ? ` at step "${error.step}"` : '';
  return {
    kind: 'dead',
    error,
    reason: `${error.code}${where}: ${error.message} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`,
  };
}

function observe(metrics: ServerMetrics, outcome: AttemptOutcome, startedAt: number): void {
  const status = outcome.kind === 'finished' ? outcome.record.status : outcome.kind === 'retry' ? 'retrying' : outcome.kind;
  if (outcome.kind === 'deferred') return metrics.runsByStatus.inc({ status });
  metrics.runsByStatus.inc({ status });
  metrics.runDuration.observe({ status }, (Date.now() - startedAt) / 1000);
  const steps: StepRecord[] = outcome.record?.steps ?? [];
  for (const s of steps) {
    if (s.fromCheckpoint) continue;
    metrics.stepDuration.observe({ type: s.type, status: s.status }, s.durationMs / 1000);
    for (const a of s.attempts) {
      if (a.response?.status === 429) metrics.rateLimited.inc({ connector: (s.uses ?? 'http').split('.')[0] ?? 'http' });
    }
  }
}
