import type { CheckpointStore, StepRecord } from '@splice/runtime';
import type { SpliceDb } from '../storage/database';
import { SqlCheckpointStore } from './checkpoint-store';

/** Steps with no effect outside the run: their checkpoints may wait for the next write. */
const PURE_STEPS = new Set(['map', 'filter']);

/**
 * The checkpoints of one run attempt, written when they matter: before the next step with an outside
 * effect starts (so a finished call is durable before another call is sent), and with the attempt's
 * outcome (a failed attempt keeps them for its retry; a succeeded run needs none). A finished call is
 * thus exactly as exposed as with an immediate write: a crash after its answer and before the next
 * commit repeats it with the same idempotency key. `hasSaved` false (a run's first attempt) skips the
 * lookups: nothing can be saved yet.
 */
export class BufferedCheckpointStore implements CheckpointStore {
  private pending: Array<[string, StepRecord]> = [];
  /** Whether this run may have rows in step_checkpoints (earlier attempts, or a flush of this one). */
  stored: boolean;

  /** Reads what earlier attempts (or a flush of this one) saved. */
  private readonly saved: SqlCheckpointStore;

  constructor(
    private readonly db: SpliceDb,
    private readonly runId: string,
    hasSaved: boolean,
  ) {
    this.stored = hasSaved;
    this.saved = new SqlCheckpointStore(db, runId);
  }

  async get(stepPath: string): Promise<StepRecord | undefined> {
    if (this.pending.some(([, r]) => !PURE_STEPS.has(r.type))) await this.flush(this.db);
    if (!this.stored) return undefined;
    return this.saved.get(stepPath);
  }

  async put(stepPath: string, record: StepRecord): Promise<void> {
    this.pending.push([stepPath, record]);
  }

  /** Writes pending checkpoints (inside the caller's transaction when given one). */
  async flush(db: SpliceDb): Promise<void> {
    if (this.pending.length === 0) return;
    const now = new Date().toISOString();
    const rows = this.pending.map(([step_path, record]) => ({
      run_id: this.runId,
      step_path,
      record: JSON.stringify(record),
      created_at: now,
    }));
    this.pending = [];
    await db
      .insertInto('step_checkpoints')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['run_id', 'step_path'])
          .doUpdateSet((eb) => ({ record: eb.ref('excluded.record'), created_at: eb.ref('excluded.created_at') })),
      )
      .execute();
    this.stored = true;
  }

  /** The run is finished: its checkpoints will never be read again. */
  async discard(db: SpliceDb): Promise<void> {
    this.pending = [];
    if (this.stored) await db.deleteFrom('step_checkpoints').where('run_id', '=', this.runId).execute();
    this.stored = false;
  }
}
