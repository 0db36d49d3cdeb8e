import type { CheckpointStore, Flow, RunRecord } from '@splice/runtime';
import type { ActiveFlow } from '../intake/flow-resolver';

/** What a worker needs from the runtime's engine (`createEngine({...})` satisfies it). */
export interface FlowEngine {
  run(flow: Flow, event: unknown, opts: FlowEngineRunOptions): Promise<RunRecord>;
}

export interface FlowEngineRunOptions {
  runId: string;
  /** Finished steps of earlier attempts: returned instead of re-run. */
  checkpoints: CheckpointStore;
  /** Aborted when the lease is lost or the server shuts down past its grace period. */
  signal: AbortSignal;
  /** Literal secret values to redact wherever they appear in the record. */
  secrets?: string[];
  /** 1-based attempt of the run (queue retries). */
  attempt?: number;
}

/** Builds the engine for a flow revision: base URLs and credentials of its environment. */
export type EngineFactory = (flow: ActiveFlow) => FlowEngine;
