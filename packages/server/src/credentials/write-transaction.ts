import { sql } from 'kysely';
import type { Dialect, SpliceDb } from '../storage/database';

/**
 * A transaction that takes the write lock up front. On SQLite a plain (deferred) BEGIN that reads and
 * then writes can fail with SQLITE_BUSY when another process wrote meanwhile; BEGIN IMMEDIATE waits
 * (busy_timeout) for the write lock instead. On PostgreSQL a normal transaction is enough.
 */
export async function writeTransaction<T>(db: SpliceDb, dialect: Dialect, fn: (tx: SpliceDb) => Promise<T>): Promise<T> {
  if (dialect === 'postgres') return db.transaction().execute((tx) => fn(tx));
  return db.connection().execute(async (conn) => {
    await beginImmediate(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    }
  });
}

/** busy_timeout covers most waits, but under heavy multi-process load BEGIN can still see BUSY: retry. */
async function beginImmediate(conn: SpliceDb): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sql`begin immediate`.execute(conn);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
    }
  }
}
