import type { CheckpointStore, StepRecord } from '@splice/runtime';
import { statement, type Sql } from '../storage/sql';

/**
 * Step checkpoints of one run (the runtime's CheckpointStore). The engine puts each finished step; a
 * retried or resumed attempt gets the saved record back and does not run that step again. Workers use
 * the buffered store (buffered-checkpoint-store.ts) on top of these statements.
 */
export const readCheckpoint = statement(`SELECT record FROM step_checkpoints WHERE run_id = :runId AND step_path = :stepPath`);
export const upsertCheckpoint = statement(`
  INSERT INTO step_checkpoints (run_id, step_path, record, created_at) VALUES (:runId, :stepPath, :record, :now)
  ON CONFLICT (run_id, step_path) DO UPDATE SET record = excluded.record, created_at = excluded.created_at`);
export const deleteCheckpoints = statement(`DELETE FROM step_checkpoints WHERE run_id = :runId`);

export class SqlCheckpointStore implements CheckpointStore {
  constructor(
    private readonly sql: Sql,
    private readonly runId: string,
  ) {}

  async get(stepPath: string): Promise<StepRecord | undefined> {
    const r = (await this.sql.run<{ record: string }>(readCheckpoint, { runId: this.runId, stepPath })).rows[0];
    return r ? (JSON.parse(r.record) as StepRecord) : undefined;
  }

  async put(stepPath: string, record: StepRecord): Promise<void> {
    await this.sql.run(upsertCheckpoint, { runId: this.runId, stepPath, record: JSON.stringify(record), now: new Date().toISOString() });
  }
}
