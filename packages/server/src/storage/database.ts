import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index';
import { createPostgresSql } from './postgres-sql';
import type { SpliceSchema } from './schema';
import type { Dialect, SqlDatabase } from './sql';
import { createSqliteSql } from './sqlite-sql';

/**
 * The one storage layer: Kysely over better-sqlite3 (embedded default: one file under the data dir)
 * or PostgreSQL (`SPLICE_DATABASE_URL=postgres://...`). Every table is declared in schema.ts and
 * created by a migration in migrations/; modules never open their own connections.
 */
export type SpliceDb = Kysely<SpliceSchema>;
export type { Dialect };

export interface OpenDatabaseOptions {
  /** Data dir holding `splice.db` (SQLite). */
  dataDir?: string;
  /** `postgres://...` to use PostgreSQL instead of SQLite. */
  url?: string;
}

export interface OpenedDatabase {
  db: SpliceDb;
  dialect: Dialect;
  /** The same database for the hot path's prepared statements (storage/sql.ts). */
  sql: SqlDatabase;
  /** SQLite file path, when embedded. */
  file?: string;
  close(): Promise<void>;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDatabase> {
  const url = opts.url ?? process.env.SPLICE_DATABASE_URL;
  if (url && /^postgres(ql)?:/.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    const db = new Kysely<SpliceSchema>({ dialect: new PostgresDialect({ pool }) });
    await migrate(db);
    return { db, dialect: 'postgres', sql: createPostgresSql(pool), close: () => db.destroy() };
  }
  const dataDir = opts.dataDir ?? '.splice';
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'splice.db');
  // SQLite answers SQLITE_BUSY without waiting in a few cases busy_timeout does not cover (the WAL switch
  // or WAL recovery of a brand-new file while another process opens it): those are retried a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSqlite(file);
    } catch (err) {
      if (attempt >= 5 || !isSqliteBusy(err)) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 50));
    }
  }
}

async function openSqlite(file: string): Promise<OpenedDatabase> {
  const sqlite = new Database(file);
  // WAL lets readers (API, editor) run while a worker writes. busy_timeout makes several processes on one
  // file wait for each other instead of failing with SQLITE_BUSY; it comes first because switching a fresh
  // file to WAL takes an exclusive lock that another process opening the same new data dir may hold.
  const db = new Kysely<SpliceSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    cachePreparedStatements(sqlite);
    await migrateSqlite(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, dialect: 'sqlite', sql: createSqliteSql(db as never, sqlite), file, close: () => db.destroy() };
}

function isSqliteBusy(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

/**
 * PostgreSQL: Kysely's migrator takes an advisory lock, so concurrent processes migrate one at a time.
 * Unordered migrations are allowed (both dialects): modules number their migrations independently and land
 * in any order, so a data dir may already have run a migration that sorts after one landed later.
 */
async function migrate(db: SpliceDb): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  throwIfFailed(await migrator.migrateToLatest());
}

/**
 * SQLite: Kysely takes no lock across processes, so two processes opening the same fresh data dir (say
 * `splice serve` and `splice credentials add`) could both create the tables. BEGIN IMMEDIATE takes SQLite's
 * write lock first: the second process waits (busy_timeout), then finds every migration already done.
 */
async function migrateSqlite(db: SpliceDb): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => migrations },
        disableTransactions: true,
        allowUnorderedMigrations: true,
      });
      throwIfFailed(await migrator.migrateToLatest());
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

function throwIfFailed({ error, results }: Awaited<ReturnType<Migrator['migrateToLatest']>>): void {
  if (!error) return;
  const failed = results?.find((r) => r.status === 'Error');
  throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
}

/**
 * Kysely's SQLite driver prepares every query again, and preparing costs about as much as running a small
 * statement. The same statements repeat (the queue runs a handful per job), so keep prepared ones by SQL
 * text. Safe because Kysely runs one query at a time on this connection (its connection mutex).
 */
function cachePreparedStatements(sqlite: Database.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof sqlite.prepare;
}
