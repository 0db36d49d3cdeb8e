import type { CheckpointStore, StepRecord } from '@splice/runtime';
import type { SpliceDb } from '../storage/database';

/**
 * Step checkpoints of one run (the runtime's CheckpointStore). The engine puts each finished step; a
 * retried or resumed attempt gets the saved record back and does not run that step again.
 */
export class SqlCheckpointStore implements CheckpointStore {
  constructor(
    private readonly db: SpliceDb,
    private readonly runId: string,
  ) {}

  async get(stepPath: string): Promise<StepRecord | undefined> {
    const r = await this.db
      .selectFrom('step_checkpoints')
      .select('record')
      .where('run_id', '=', this.runId)
      .where('step_path', '=', stepPath)
      .executeTakeFirst();
    return r ? (JSON.parse(r.record) as StepRecord) : undefined;
  }

  async put(stepPath: string, record: StepRecord): Promise<void> {
    const row = { run_id: this.runId, step_path: stepPath, record: JSON.stringify(record), created_at: new Date().toISOString() };
    await this.db
      .insertInto('step_checkpoints')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'step_path']).doUpdateSet({ record: row.record, created_at: row.created_at }))
      .execute();
  }
}
