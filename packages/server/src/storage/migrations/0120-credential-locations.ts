import type { Kysely, Migration } from 'kysely';

/**
 * Locations a credential serves: for an agency connection (`highlevel-agency`) the locations the app is
 * installed on (from /oauth/installedLocations and INSTALL/UNINSTALL webhooks) with each location's
 * token, obtained from the company token on demand and cached until it expires; for a group of private
 * integration tokens (`highlevel-pit-locations`) one token per location. Tokens are sealed like
 * credential versions (AES-256-GCM under the master key, associated data = credential, location and
 * token version). Runs get the location their calls were for, so history can be filtered by location.
 */
export const credentialLocationsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('credential_locations')
      .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
      .addColumn('location_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('address', 'text')
      .addColumn('status', 'text', (c) => c.notNull()) // installed | uninstalled
      .addColumn('source', 'text', (c) => c.notNull()) // installed-locations | webhook | added
      .addColumn('scopes', 'text') // JSON array; null: the credential's scopes
      .addColumn('key_id', 'text')
      .addColumn('iv', 'text')
      .addColumn('auth_tag', 'text')
      .addColumn('ciphertext', 'text')
      .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'text')
      .addColumn('token_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('event_at', 'text')
      .addColumn('installed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('credential_locations_pk', ['credential_id', 'location_id'])
      .execute();
    await db.schema.alterTable('runs').addColumn('location_id', 'text').execute();
    await db.schema.createIndex('runs_location').on('runs').columns(['location_id', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('runs_location').execute();
    await db.schema.alterTable('runs').dropColumn('location_id').execute();
    await db.schema.dropTable('credential_locations').execute();
  },
};
