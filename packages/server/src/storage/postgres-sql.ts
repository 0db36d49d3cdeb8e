import type pg from 'pg';
import type { Row, Sql, SqlDatabase, SqlResult, Statement } from './sql';

/**
 * `SqlDatabase` on the pg pool Kysely also uses (separate connections, so nothing interleaves). Each
 * statement is a named prepared statement: parsed and planned once per connection.
 */
export function createPostgresSql(pool: pg.Pool): SqlDatabase {
  const execOn =
    (client: pg.Pool | pg.PoolClient) =>
    async <R>(s: Statement, params?: Readonly<Record<string, unknown>>): Promise<SqlResult<R>> => {
      const r = await client.query({ name: s.name, text: s.compile('postgres').text, values: s.values('postgres', params) });
      return { rows: r.rows as R[], changes: r.rowCount ?? 0 };
    };
  const autocommit = execOn(pool);
  return {
    dialect: 'postgres',
    run<R = Row>(s: Statement, params?: Readonly<Record<string, unknown>>) {
      return autocommit<R>(s, params);
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ dialect: 'postgres', run: execOn(client) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
