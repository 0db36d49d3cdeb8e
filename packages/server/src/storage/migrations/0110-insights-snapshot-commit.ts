import type { Kysely, Migration } from 'kysely';

/**
 * Tag snapshots get a `committed` flag: a flow takes a snapshot uncommitted, applies the diff, then
 * commits it; diffs are taken against the last committed snapshot, so a run that failed half-way has its
 * changes found (and applied) again by the next run instead of losing them. Existing rows count as committed.
 */
export const insightsSnapshotCommitMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('insight_tag_snapshots').addColumn('committed', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('insight_tag_snapshots').dropColumn('committed').execute();
  },
};
