import type { Kysely, Migration } from 'kysely';

/**
 * Flows as YAML text with numbered revisions, their flow-test files, environments (bindings, values,
 * base URLs), the revision deployed per environment, schedule tick state with a cross-process lock row,
 * and the hashed admin token of the REST API.
 */
export const flowsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('head_revision', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('flow_revisions')
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('rolled_back_from', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('flow_revisions_pk', ['flow_id', 'revision'])
      .execute();
    await db.schema
      .createTable('flow_tests')
      .addColumn('flow_id', 'text', (c) => c.primaryKey().references('flows.id').onDelete('cascade'))
      .addColumn('yaml', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('environments')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('base_urls', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('bindings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('env_values', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('deployments')
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('deployed_at', 'text', (c) => c.notNull())
      .addColumn('deployed_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deployments_pk', ['flow_id', 'environment'])
      .execute();
    await db.schema
      .createTable('schedule_ticks')
      .addColumn('flow_id', 'text', (c) => c.primaryKey())
      .addColumn('last_tick_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('scheduler_locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('admin_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['admin_tokens', 'scheduler_locks', 'schedule_ticks', 'deployments', 'environments', 'flow_tests', 'flow_revisions', 'flows']) {
      await db.schema.dropTable(t).execute();
    }
  },
};
