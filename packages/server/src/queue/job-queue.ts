import type { Sql } from '../storage/sql';

/**
 * The durable queue behind one interface: the embedded implementation is the `jobs` table
 * (sql-job-queue.ts, SQLite and PostgreSQL through `Sql`); another engine can serve it too. Every write
 * that must be atomic with other rows takes the caller's transaction `tx`: enqueue with the event and its
 * run, the outcome with the run record, a claim with the attempt it opens. Reads and lease upkeep that
 * stand alone run on the queue's own connection.
 *
 * Attempts: `attempts` counts attempts charged against `maxAttempts`. A claim charges one; a shutdown
 * hand-back (`releaseAll`) and a deferral (`defer`) give it back; a lease that expired (its worker died)
 * keeps it, so a job that kills its worker every time still ends as a dead letter.
 */
export interface NewJob {
  runId: string;
  flowId: string;
  /** Max running jobs of the flow at once, across every process sharing the database. */
  concurrency: number;
  maxAttempts: number;
  /** Earliest start (default: now). */
  availableAt?: Date;
  /** Scheduling key (e.g. the HighLevel location a run calls): a fair scheduler serves keys by turns. */
  key?: string;
}

/** Who holds a lease (this process's lease owner, see lease-owner.ts) and for how long. */
export interface Lease {
  owner: string;
  leaseMs: number;
}

export interface ClaimedJob {
  runId: string;
  flowId: string;
  key?: string;
  /** Attempts charged, this one included (1-based). */
  attempt: number;
  maxAttempts: number;
  owner: string;
  /** Epoch milliseconds. */
  leaseExpiresAt: number;
}

export interface QueueDepth {
  queued: number;
  running: number;
  dead: number;
  /** How long the longest-waiting due job has waited since it became due (0: none waiting). */
  oldestDueAgeMs: number;
}

export interface JobQueue {
  /**
   * Inserts the job. With `lease` it is inserted already claimed by that owner when its flow is under its
   * limit (claim-on-insert: the enqueuing process runs it at once, no poll, no second transaction); the
   * claim is returned, or undefined when the job was queued.
   */
  enqueue(tx: Sql, job: NewJob, lease?: Lease): Promise<ClaimedJob | undefined>;
  /** Takes up to `limit` due jobs (queued and due, or running with an expired lease) within per-flow limits. */
  claim(tx: Sql, lease: Lease, limit?: number): Promise<ClaimedJob[]>;
  /** Extends every lease `owner` holds; returns the run ids it still holds (a missing one was lost). */
  heartbeat(owner: string, leaseMs: number): Promise<Set<string>>;
  /** Removes a finished job. False when the owner lost it (the caller rolls back). */
  complete(tx: Sql, runId: string, owner: string): Promise<boolean>;
  /** Puts a failed attempt's job back, due after `delayMs` (the attempt stays charged). */
  retryLater(tx: Sql, runId: string, owner: string, delayMs: number, error: string): Promise<boolean>;
  /**
   * Hands a claimed job back, due at `dueAt`, giving its attempt back (its rate limit has no budget now);
   * `key` (when given) becomes the job's scheduling key.
   */
  defer(tx: Sql, runId: string, owner: string, opts: { dueAt: Date; key?: string }): Promise<boolean>;
  /** Gives up: the job stays as a dead letter with its reason. */
  deadLetter(tx: Sql, runId: string, owner: string, reason: string): Promise<boolean>;
  /** Queues a dead job again with fresh attempts. */
  revive(tx: Sql, runId: string, maxAttempts: number): Promise<boolean>;
  /** Drops a job (a discarded dead letter). */
  remove(tx: Sql, runId: string): Promise<void>;
  /** Shutdown: every job `owner` holds goes back to the queue at once, its attempt given back. */
  releaseAll(owner: string): Promise<number>;
  /**
   * Restart after a crash: leases of owners starting with `prefix` (this node's earlier lives, proven dead
   * by the node lock) except `self` expire now, so they are claimed at once instead of after the lease.
   */
  expireLeases(prefix: string, self: string): Promise<number>;
  depth(): Promise<QueueDepth>;
  /** In-process wake-up: called after a commit left due work queued. */
  notify(): void;
  onNotify(listener: () => void): () => void;
}
