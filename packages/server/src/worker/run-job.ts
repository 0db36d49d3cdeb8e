import type { RunRecord, StepRecord } from '@splice/runtime';
import type { ServerContext } from '../context';
import type { ClaimedJob } from '../queue/job-queue';
import { BufferedCheckpointStore } from '../runs/buffered-checkpoint-store';
import type { AttemptWriter, AttemptError, AttemptOutcome, StartedAttempt } from './attempt-writer';
import { backoffDelayMs } from './backoff';

/**
 * Runs one claimed job: loads the run's event and flow revision, runs the engine with the run's
 * checkpoints (finished steps are not re-run; idempotency keys `${runId}:${stepPath}` stay the same),
 * keeps the lease alive, and records the outcome: finished, retry later with backoff, or dead letter.
 */
export interface RunJobHandle {
  /** Resolves when the job is done (or abandoned). */
  done: Promise<void>;
  /** Abort the engine; `shutdown`: the job is being returned to the queue, record nothing. */
  abort(reason: 'shutdown'): void;
}

export function runJob(ctx: ServerContext, job: ClaimedJob, started: StartedAttempt, writer: AttemptWriter): RunJobHandle {
  const controller = new AbortController();
  let abandoned = false;
  const done = execute(ctx, writer, job, started, controller, () => abandoned).catch((err) => {
    ctx.logger.error({ runId: job.runId, err: { message: (err as Error)?.message } }, 'worker failed to record a run');
  });
  return {
    done,
    abort(reason) {
      abandoned = true;
      controller.abort(new Error(reason));
    },
  };
}

async function execute(
  ctx: ServerContext,
  writer: AttemptWriter,
  job: ClaimedJob,
  started: StartedAttempt,
  /** Aborted at shutdown (by the handle) or when the lease is lost (here): one signal for the engine. */
  controller: AbortController,
  abandoned: () => boolean,
): Promise<void> {
  // A child logger per run costs; most runs succeed and log nothing at the default level.
  let child: ReturnType<typeof ctx.logger.child> | undefined;
  const log = () => (child ??= ctx.logger.child({ flowId: job.flowId, runId: job.runId }));
  const startedAt = Date.now();
  const attempt = started.attempt;
  const checkpoints = new BufferedCheckpointStore(ctx.db, job.runId, !started.firstEver);
  if (attempt > 1) ctx.metrics.retries.inc({ flow: job.flowId });
  ctx.metrics.runsByStatus.inc({ status: 'running' });

  let leaseLost = false;
  const heartbeat = setInterval(() => {
    ctx.queue.heartbeat(job.runId, job.owner, ctx.config.queue.leaseMs).then(
      (ok) => {
        if (ok) return;
        leaseLost = true;
        controller.abort(new Error('lease lost'));
      },
      () => {},
    );
  }, ctx.config.queue.heartbeatMs);
  heartbeat.unref();

  let outcome: AttemptOutcome;
  try {
    const eventBody = started.eventBody ?? (await ctx.events.get(started.eventId))?.body;
    const flow = await ctx.flows.getRevision({ flowId: job.flowId, revision: started.revision, environment: started.environment });
    if (eventBody === undefined || !flow) {
      const what =
        eventBody === undefined
          ? `its event ${started.eventId} is missing`
          : `flow "${job.flowId}" revision ${started.revision} is not available`;
      outcome = dead({ code: 'RUN_UNRUNNABLE', message: `The run cannot start: ${what}.`, retryable: false }, attempt);
    } else {
      const record = await ctx.engineFor(flow).run(flow.flow, JSON.parse(eventBody), {
        runId: job.runId,
        checkpoints,
        signal: controller.signal,
        attempt,
      });
      outcome = classify(ctx, record, job, attempt);
    }
  } catch (err) {
    const e = err as { code?: string; message?: string; retryable?: boolean };
    const error: AttemptError = { code: e?.code ?? 'ENGINE_ERROR', message: e?.message ?? String(err), retryable: e?.retryable ?? true };
    outcome = error.retryable ? retryOrDead(ctx, job, attempt, error) : { kind: 'failed', error };
  } finally {
    clearInterval(heartbeat);
  }

  if (abandoned() || leaseLost) {
    log().info({ attempt }, abandoned() ? 'run returned to the queue at shutdown' : 'lease lost; another worker owns the run');
    return;
  }
  const written = await writer.finish(job, started, startedAt, outcome, checkpoints);
  if (!written) {
    log().warn({ attempt }, 'lease lost before the outcome was recorded; the run will be taken again');
    return;
  }
  observe(ctx, outcome, startedAt);
  const status = outcome.kind === 'finished' ? outcome.record.status : outcome.kind === 'retry' ? 'queued' : outcome.kind;
  ctx.emitRunFinished({ runId: job.runId, flowId: job.flowId, status, attempt });
  // Successes at debug (one line per run adds up at volume); anything else at info/warn.
  if (status === 'succeeded' || status === 'filtered') {
    if (ctx.logger.isLevelEnabled('debug')) log().debug({ attempt, status }, 'run finished');
  } else if (outcome.kind === 'retry')
    log().info({ attempt, status, error: outcome.error, retryInMs: outcome.delayMs }, 'run attempt failed; retry scheduled');
  else log().warn({ attempt, status, error: outcome.kind === 'finished' ? outcome.record.error : outcome.error }, 'run did not succeed');
}

function classify(ctx: ServerContext, record: RunRecord, job: ClaimedJob, attempt: number): AttemptOutcome {
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
  return { ...retryOrDead(ctx, job, attempt, error, retryAfterMs(last?.response?.headers)), record };
}

function retryOrDead(ctx: ServerContext, job: ClaimedJob, attempt: number, error: AttemptError, notBeforeMs = 0): AttemptOutcome {
  if (job.attempt >= job.maxAttempts) return dead(error, attempt);
  const q = ctx.config.queue;
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

function observe(ctx: ServerContext, outcome: AttemptOutcome, startedAt: number): void {
  const status = outcome.kind === 'finished' ? outcome.record.status : outcome.kind === 'retry' ? 'retrying' : outcome.kind;
  ctx.metrics.runsByStatus.inc({ status });
  ctx.metrics.runDuration.observe({ status }, (Date.now() - startedAt) / 1000);
  const steps: StepRecord[] = outcome.record?.steps ?? [];
  for (const s of steps) {
    if (s.fromCheckpoint) continue;
    ctx.metrics.stepDuration.observe({ type: s.type, status: s.status }, s.durationMs / 1000);
    for (const a of s.attempts) {
      if (a.response?.status === 429) ctx.metrics.rateLimited.inc({ connector: (s.uses ?? 'http').split('.')[0] ?? 'http' });
    }
  }
}
