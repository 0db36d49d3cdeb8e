import type { Kysely, Migration } from 'kysely';

/**
 * Insights: the statistics store behind the dashboard (one row per location, platform, profile, post and
 * day: re-recording the same key replaces the values, so a re-run never double counts), periodic tag
 * snapshots (tag list with optional usage counts, and the diff against the previous snapshot), and the
 * tag-name mapping table between HighLevel tag ids and Payaca tag names.
 */
export const insightsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('insight_statistics')
      .addColumn('location_id', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('profile_id', 'text', (c) => c.notNull()) // '' when the source gives no profile
      .addColumn('post_id', 'text', (c) => c.notNull()) // '' for profile-level (not per post) figures
      .addColumn('date', 'text', (c) => c.notNull()) // YYYY-MM-DD (UTC day)
      .addColumn('impressions', 'double precision')
      .addColumn('reach', 'double precision')
      .addColumn('engagement', 'double precision')
      .addColumn('clicks', 'double precision')
      .addColumn('likes', 'double precision')
      .addColumn('comments', 'double precision')
      .addColumn('shares', 'double precision')
      .addColumn('followers', 'double precision')
      .addColumn('posts', 'double precision')
      .addColumn('flow_id', 'text')
      .addColumn('run_id', 'text')
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('insight_statistics_pk', ['location_id', 'platform', 'profile_id', 'post_id', 'date'])
      .execute();
    await db.schema.createIndex('insight_statistics_date').on('insight_statistics').columns(['date', 'location_id']).execute();

    await db.schema
      .createTable('insight_tag_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('location_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull()) // 1, 2, 3 ... per location
      .addColumn('taken_at', 'text', (c) => c.notNull())
      .addColumn('tag_count', 'integer', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull()) // JSON [{id, name, usage?}]
      .addColumn('diff', 'text', (c) => c.notNull()) // JSON {added, renamed, removed}
      .addColumn('idempotency_key', 'text')
      .addUniqueConstraint('insight_tag_snapshots_seq', ['location_id', 'seq'])
      .execute();
    await db.schema.createIndex('insight_tag_snapshots_key').on('insight_tag_snapshots').column('idempotency_key').execute();

    await db.schema
      .createTable('insight_tag_map')
      .addColumn('location_id', 'text', (c) => c.notNull())
      .addColumn('highlevel_tag_id', 'text', (c) => c.notNull())
      .addColumn('highlevel_name', 'text', (c) => c.notNull())
      .addColumn('payaca_name', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('insight_tag_map_pk', ['location_id', 'highlevel_tag_id'])
      .execute();
    await db.schema.createIndex('insight_tag_map_payaca').on('insight_tag_map').columns(['location_id', 'payaca_name']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('insight_tag_map').execute();
    await db.schema.dropTable('insight_tag_snapshots').execute();
    await db.schema.dropTable('insight_statistics').execute();
  },
};
