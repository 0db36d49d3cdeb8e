import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Server core: received events (deduplicated per flow by delivery key), runs and their attempts, the
 * durable job queue (one row per run that still has work; leases for workers), and step checkpoints.
 * Plain SQL types so PostgreSQL takes the same migration.
 */
export const runsQueueMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text')
      .addColumn('dedupe_key', 'text')
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('events_dedupe')
      .unique()
      .on('events')
      .columns(['flow_id', 'dedupe_key'])
      .where(sql.ref('dedupe_key'), 'is not', null)
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('environment', 'text')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('error_step', 'text')
      .addColumn('steps', 'text')
      .addColumn('replay_of', 'text')
      .addColumn('dead_reason', 'text')
      .addColumn('discarded_at', 'text')
      .execute();
    await db.schema.createIndex('runs_flow_created').on('runs').columns(['flow_id', 'created_at']).execute();
    // Status changes three times per run: a full (status, created_at) index would be rewritten each time.
    // Lists by status scan runs_created; dead letters, the one rare status listed often, get their own.
    await db.schema
      .createIndex('runs_dead')
      .on('runs')
      .columns(['created_at'])
      .where(sql<boolean>`status = 'dead'`)
      .execute();
    await db.schema.createIndex('runs_created').on('runs').columns(['created_at']).execute();

    await db.schema
      .createTable('run_attempts')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('worker_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('retryable', 'integer')
      .addColumn('steps', 'text')
      .addPrimaryKeyConstraint('run_attempts_pk', ['run_id', 'attempt'])
      .execute();

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
    await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'available_at']).execute();
    await db.schema.createIndex('jobs_leases').on('jobs').columns(['status', 'lease_expires_at']).execute();

    await db.schema
      .createTable('step_checkpoints')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('step_path', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('step_checkpoints_pk', ['run_id', 'step_path'])
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['step_checkpoints', 'jobs', 'run_attempts', 'runs', 'events']) await db.schema.dropTable(t).ifExists().execute();
  },
};
