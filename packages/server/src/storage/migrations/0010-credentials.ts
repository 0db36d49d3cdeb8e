import type { Kysely, Migration } from 'kysely';

/**
 * Credentials: one row of plain metadata per credential, one row per secret version (AES-256-GCM
 * ciphertext with its key id, IV and tag), and a lease row per credential used as a cross-process lock
 * while a refresh token is being spent.
 */
export const credentialsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('connector', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('status_reason', 'text')
      .addColumn('status_at', 'text')
      .addColumn('scopes', 'text') // JSON array, null = not scoped
      .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}')) // JSON object of non-secret facts
      .addColumn('active_version', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('credential_versions')
      .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('iv', 'text', (c) => c.notNull())
      .addColumn('auth_tag', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('origin', 'text', (c) => c.notNull()) // add | rotate | refresh | login
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .addPrimaryKeyConstraint('credential_versions_pk', ['credential_id', 'version'])
      .execute();
    await db.schema
      .createTable('credential_locks')
      .addColumn('credential_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('credential_locks').execute();
    await db.schema.dropTable('credential_versions').execute();
    await db.schema.dropTable('credentials').execute();
  },
};
