import type { SpliceDb } from '../storage/database';

/**
 * The durable queue behind one interface. The embedded implementation is a SQLite table (see
 * sql-job-queue.ts); a PostgreSQL one can claim with `FOR UPDATE SKIP LOCKED` (or pg-boss) later.
 * Writes that must be atomic with other rows (enqueue with the event and run; finish with the run
 * record) take the caller's transaction `db`.
 */
export interface NewJob {
  runId: string;
  flowId: string;
  /** Max running jobs of the flow at once. */
  concurrency: number;
  maxAttempts: number;
  /** Earliest start (default: now). */
  availableAt?: Date;
}

export interface ClaimedJob {
  runId: string;
  flowId: string;
  /** This attempt's number (1-based): earlier attempts include ones cut short by a crash. */
  attempt: number;
  maxAttempts: number;
  owner: string;
  leaseExpiresAt: string;
}

export type QueueDepth = { queued: number; running: number; dead: number };

export interface JobQueue {
  enqueue(db: SpliceDb, job: NewJob): Promise<void>;
  /** Atomically take the next due job (queued and due, or running with an expired lease) within per-flow limits. */
  claim(owner: string, leaseMs: number, db?: SpliceDb): Promise<ClaimedJob | undefined>;
  /** Extend a lease. False when the job is no longer this owner's (lease expired and taken). */
  heartbeat(runId: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Remove a finished job. False when the owner lost it (caller must roll back). */
  complete(db: SpliceDb, runId: string, owner: string): Promise<boolean>;
  /** Put a failed job back, due after `delayMs`. */
  retryLater(db: SpliceDb, runId: string, owner: string, delayMs: number, error: string): Promise<boolean>;
  /** Give up on a job: it stays as a dead letter. */
  deadLetter(db: SpliceDb, runId: string, owner: string, reason: string): Promise<boolean>;
  /** Queue a dead job again with fresh attempts. */
  revive(db: SpliceDb, runId: string, maxAttempts: number): Promise<boolean>;
  /** Drop a dead job (a discarded dead letter). */
  remove(db: SpliceDb, runId: string): Promise<void>;
  /** Shutdown: hand every job this owner holds back to the queue at once (no attempt is charged). */
  releaseAll(ownerPrefix: string): Promise<number>;
  depth(): Promise<QueueDepth>;
  /** In-process wake-up: called after an enqueue commits. */
  notify(): void;
  onNotify(listener: () => void): () => void;
}
