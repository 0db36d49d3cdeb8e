import type { ExpressionLocation } from '../errors';

/** The record of one run: what the engine produces, and what the server stores. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'filtered' | 'dead';
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'filtered';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>; // redacted
  body?: unknown;
}
export interface RecordedResponse {
  status: number;
  headers: Record<string, string>; // redacted
  body?: unknown;
}

export interface StepAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  request?: RecordedRequest;
  response?: RecordedResponse;
  error?: { code: string; message: string; retryable: boolean };
}

export interface StepRecord {
  /** Step id; inside foreach `each[3].postTag`, inside if `branch.then.stepId`. */
  id: string;
  type: string;
  uses?: string;
  /** The resource the call was for (a HighLevel location id, see ActionDefinition.resourceOf). */
  resource?: string;
  status: StepStatus;
  input?: unknown;
  output?: unknown;
  startedAt: string;
  durationMs: number;
  attempts: StepAttempt[];
  /** `expression`: where in this step the failing expression is (field + offset), see ExpressionLocation. */
  error?: { code: string; message: string; path?: string; expression?: ExpressionLocation };
  warnings?: string[];
  /** True when the output came from a checkpoint of an earlier attempt and nothing was re-run. */
  fromCheckpoint?: boolean;
}

export interface RunRecord {
  runId: string;
  flow: string;
  status: RunStatus;
  event: unknown;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  steps: StepRecord[];
  /** `step`: the innermost failing step's path; `expression`: where in that step, for mapping errors. */
  error?: { code: string; message: string; step?: string; expression?: ExpressionLocation };
  dryRun?: boolean;
}

/**
 * Durable resume: the server hands the engine a checkpoint store; finished steps return their saved
 * output instead of running again (never re-run a finished side effect).
 */
export interface CheckpointStore {
  get(stepPath: string): Promise<StepRecord | undefined>;
  put(stepPath: string, record: StepRecord): Promise<void>;
}
