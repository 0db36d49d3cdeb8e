import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrations } from '../storage/migrations/index';
import type { SpliceDb } from '../storage/database';

/**
 * An in-memory SQLite database with every migration applied: the Splice data store of a flow-test file
 * (`splice test`), so `splice.*` steps run for real without touching the server's data dir. Cases of one
 * file share it in order (a later case sees the snapshots an earlier case stored).
 */
export async function openMemoryDatabase(): Promise<{ db: SpliceDb; close(): Promise<void> }> {
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) }) as SpliceDb;
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) throw new Error(`in-memory Splice database: migration failed: ${String(error)}`, { cause: error });
  return { db, close: () => db.destroy() };
}
