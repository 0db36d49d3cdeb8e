import type { CheckpointStore, StepRecord } from '@splice/runtime';
import type { GroupCommit } from '../queue/group-commit';
import type { Sql, SqlDatabase } from '../storage/sql';
import { SqlCheckpointStore, deleteCheckpoints, upsertCheckpoint } from './checkpoint-store';

/** Steps with no effect outside the run: their checkpoints may wait for the next write. */
const PURE_STEPS = new Set(['map', 'filter']);

/**
 * The checkpoints of one run attempt, written when they matter and at the least cost:
 * - a step with an outside effect (a call) is written by the next group commit after it finished, on
 *   its own if nothing else writes first, so an answered call is durable within a commit of its answer
 *   even while other calls of the run are still in flight (a `foreach` with `concurrency` > 1);
 * - before any later step starts, pending effects are committed first (so a finished call is durable
 *   before the next call is sent, as with an immediate write);
 * - with the attempt's outcome (a failed attempt keeps them for its retry; a succeeded run needs none:
 *   a run that finishes before its scheduled write costs no checkpoint statement at all);
 * - when the attempt is handed back at shutdown (`flushNow` before the lease is released).
 * A crash thus repeats only calls in flight (or answered within the last commit), with the same
 * idempotency key. `hasSaved` false (a run's first attempt) skips the lookups: nothing can be saved yet.
 */
export class BufferedCheckpointStore implements CheckpointStore {
  /** Not yet known to be committed. Writes never remove entries: the caller confirms after its commit. */
  private pending: Array<[string, StepRecord]> = [];
  private serialized = new WeakMap<StepRecord, string>();
  /** Whether this run may have rows in step_checkpoints (earlier attempts, or a write of this one). */
  private stored: boolean;
  /** The attempt's outcome was written: scheduled writes have nothing left to do. */
  private closed = false;
  private scheduled = false;
  private readonly saved: SqlCheckpointStore;

  constructor(
    private readonly deps: { sql: SqlDatabase; commits: GroupCommit },
    private readonly runId: string,
    hasSaved: boolean,
  ) {
    this.stored = hasSaved;
    this.saved = new SqlCheckpointStore(deps.sql, runId);
  }

  async get(stepPath: string): Promise<StepRecord | undefined> {
    if (this.pending.some(([, r]) => !PURE_STEPS.has(r.type))) await this.flushNow();
    if (!this.stored) return undefined;
    return this.saved.get(stepPath);
  }

  async put(stepPath: string, record: StepRecord): Promise<void> {
    this.pending.push([stepPath, record]);
    if (PURE_STEPS.has(record.type) || this.scheduled) return;
    // After this tick: a run that finishes right away writes its outcome first and this finds it closed.
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed && this.pending.length > 0) this.flushNow().catch(() => {});
    });
  }

  /** Commits what is pending now (through the group commit), unless the outcome was written meanwhile. */
  async flushNow(): Promise<void> {
    const rows = this.pending.slice();
    if (rows.length === 0) return;
    await this.deps.commits.run((tx) => (this.closed ? Promise.resolve() : this.write(tx, rows)));
    this.confirm(rows);
  }

  /** Writes pending checkpoints in the caller's transaction (a retried or dead attempt's outcome). */
  async flush(tx: Sql): Promise<void> {
    this.closed = true;
    await this.write(tx, this.pending.slice());
  }

  /** The run is finished: its checkpoints will never be read again. */
  async discard(tx: Sql): Promise<void> {
    this.closed = true;
    if (this.stored) await tx.run(deleteCheckpoints, { runId: this.runId });
  }

  private async write(tx: Sql, rows: Array<[string, StepRecord]>): Promise<void> {
    if (rows.length === 0) return;
    const now = new Date().toISOString();
    for (const [stepPath, record] of rows) {
      let text = this.serialized.get(record);
      if (text === undefined) this.serialized.set(record, (text = JSON.stringify(record)));
      await tx.run(upsertCheckpoint, { runId: this.runId, stepPath, record: text, now });
    }
    this.stored = true;
  }

  private confirm(rows: Array<[string, StepRecord]>): void {
    const done = new Set(rows);
    this.pending = this.pending.filter((r) => !done.has(r));
  }
}
