import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Row, Sql, SqlDatabase, SqlResult, Statement } from './sql';

/**
 * `SqlDatabase` on the better-sqlite3 connection Kysely also uses. Kysely serialises its queries on that
 * connection with a mutex and its transactions span awaits, so a raw statement run between two of them
 * would land inside their transaction: every use here first takes Kysely's connection
 * (`db.connection().execute`), which waits for the mutex, and gives it back when done.
 */
export function createSqliteSql(kysely: Kysely<unknown>, sqlite: Database.Database): SqlDatabase {
  const prepared = new Map<Statement, Database.Statement>();
  const prepare = (s: Statement): Database.Statement => {
    let st = prepared.get(s);
    if (!st) prepared.set(s, (st = sqlite.prepare(s.compile('sqlite').text)));
    return st;
  };
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');

  // Synchronous under the hood; async so callers are the same code for PostgreSQL.
  const exec = async <R>(s: Statement, params?: Readonly<Record<string, unknown>>): Promise<SqlResult<R>> => {
    const st = prepare(s);
    const values = s.values('sqlite', params);
    if (st.reader) {
      const rows = st.all(...values) as R[];
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: st.run(...values).changes };
  };
  const tx: Sql = { dialect: 'sqlite', run: exec };

  return {
    dialect: 'sqlite',
    run<R = Row>(s: Statement, params?: Readonly<Record<string, unknown>>) {
      return kysely.connection().execute(() => exec<R>(s, params));
    },
    transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      return kysely.connection().execute(async () => {
        begin.run();
        try {
          const result = await fn(tx);
          commit.run();
          return result;
        } catch (err) {
          if (sqlite.inTransaction) rollback.run();
          throw err;
        }
      });
    },
  };
}
