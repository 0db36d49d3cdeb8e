import { SqliteAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * The queue table, reshaped for the hot path (issue 10):
 * - `available_at` is when the row next needs attention: a queued job's due time, a running job's lease
 *   expiry. One index (status, available_at) then serves both claims (due jobs, expired leases) and the
 *   per-flow count of live leases; the second index on (status, lease_expires_at) was written twice per
 *   run and is gone with its column.
 * - `key`: the scheduling key (e.g. a HighLevel location) a fair scheduler serves by; null: none.
 * - SQLite: WITHOUT ROWID, so the table is one b-tree clustered on run_id (ids are time-ordered, inserts
 *   append) instead of a rowid table plus an index on run_id.
 */
export const jobsLeasesMigration: Migration = {
  async up(db: Kysely<any>) {
    const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
    await db.schema
      .createTable('jobs_v2')
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('concurrency', 'integer', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('available_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .$call((b) => (sqlite ? b.modifyEnd(sql`without rowid`) : b))
      .execute();
    await sql`
      INSERT INTO jobs_v2 (run_id, flow_id, key, status, concurrency, attempts, max_attempts, available_at, lease_owner, last_error, created_at, updated_at)
      SELECT run_id, flow_id, NULL, status, concurrency, attempts, max_attempts,
        CASE WHEN status = 'running' THEN coalesce(lease_expires_at, available_at) ELSE available_at END,
        lease_owner, last_error, created_at, updated_at
      FROM jobs`.execute(db);
    await db.schema.dropTable('jobs').execute();
    await db.schema.alterTable('jobs_v2').renameTo('jobs').execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'available_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('jobs').renameTo('jobs_v2').execute();
    await db.schema
      .createTable('jobs')
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('concurrency', 'integer', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('available_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await sql`
      INSERT INTO jobs SELECT run_id, flow_id, status, concurrency, attempts, max_attempts, available_at, lease_owner,
        CASE WHEN status = 'running' THEN available_at END, last_error, created_at, updated_at FROM jobs_v2`.execute(db);
    await db.schema.dropTable('jobs_v2').execute();
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'available_at']).execute();
    await db.schema.createIndex('jobs_leases').on('jobs').columns(['status', 'lease_expires_at']).execute();
  },
};
