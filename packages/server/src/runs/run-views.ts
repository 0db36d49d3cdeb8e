import type { RunRecord, RunStatus, StepRecord } from '@splice/runtime';
import type { DeadLetter, RunSummary } from '../api/contract';
import type { RunAttemptsTable, RunsTable } from '../storage/schema';

/** How stored rows are shown to the API: the wire contract's RunSummary / run detail / DeadLetter. */
export interface RunAttemptView {
  attempt: number;
  workerId: string;
  /** running | succeeded | failed | filtered | interrupted */
  status: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  error?: { code: string; message: string; retryable: boolean };
  steps: StepRecord[];
}

export interface RunDetail extends Omit<RunRecord, 'error' | 'startedAt' | 'finishedAt' | 'durationMs' | 'status'>, RunSummary {
  runId: string;
  flow: string;
  status: RunStatus;
  eventId: string;
  source?: string;
  eventType?: string;
  replayOf?: string;
  /** Runs that replay this one. */
  replays: string[];
  deadReason?: string;
  discardedAt?: string;
  maxAttempts: number;
  /** Every attempt across queue retries, oldest first. */
  attemptHistory: RunAttemptView[];
}

export function toRunSummary(r: RunsTable): RunSummary & { replayOf?: string; deadReason?: string } {
  return strip({
    runId: r.id,
    flow: r.flow_id,
    status: r.status as RunStatus,
    trigger: r.trigger,
    environment: r.environment ?? undefined,
    revision: r.revision,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at ?? undefined,
    finishedAt: r.finished_at ?? undefined,
    durationMs: r.duration_ms ?? undefined,
    error: r.error_code ? strip({ code: r.error_code, message: r.error_message ?? '', step: r.error_step ?? undefined }) : undefined,
    replayOf: r.replay_of ?? undefined,
    deadReason: r.dead_reason ?? undefined,
    locationId: r.location_id ?? undefined,
  });
}

/** `runSteps`: the run row's steps, shown for the attempt whose own are not stored (the last one). */
export function toAttemptView(a: RunAttemptsTable, runSteps: string | null = null): RunAttemptView {
  const steps = a.steps ?? (a.status === 'running' || a.status === 'interrupted' ? null : runSteps);
  return strip({
    attempt: a.attempt,
    workerId: a.worker_id,
    status: a.status,
    startedAt: a.started_at,
    finishedAt: a.finished_at ?? undefined,
    durationMs: a.duration_ms ?? undefined,
    error: a.error_code ? { code: a.error_code, message: a.error_message ?? '', retryable: a.retryable === 1 } : undefined,
    steps: steps ? (JSON.parse(steps) as StepRecord[]) : [],
  });
}

export function toDeadLetter(r: RunsTable): DeadLetter {
  return {
    id: r.id,
    runId: r.id,
    flow: r.flow_id,
    reason: r.dead_reason ?? r.error_message ?? 'unknown',
    attempts: r.attempts,
    createdAt: r.finished_at ?? r.created_at,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '', step: r.error_step ?? undefined } : undefined,
    revision: r.revision,
    environment: r.environment ?? undefined,
  };
}

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
