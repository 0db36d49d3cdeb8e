import { CompiledQuery, type QueryResult } from 'kysely';
import type { SpliceDb } from '../storage/database';

/**
 * A query built with Kysely once and run many times with new values. Building and compiling a query
 * costs about twice what SQLite takes to run a small statement, and the queue runs the same handful of
 * statements for every event. The query is built with a placeholder for each named value, compiled
 * by the database's own dialect on first use (so it stays portable: SQLite or PostgreSQL), and each
 * run only swaps the values in. Values that are constant in the built query stay as compiled.
 */
const PLACEHOLDER = '\u0000splice-prepared:';

type Slot = { name: string } | { value: unknown };
/** A query builder, or a `sql` template (which compiles against a database). */
type Buildable = { compile(db: SpliceDb): CompiledQuery<unknown> };

export class PreparedQuery<P extends Record<string, unknown>> {
  private compiled?: { sql: string; slots: Slot[] };

  constructor(private readonly build: (db: SpliceDb, p: <K extends keyof P & string>(name: K) => P[K]) => Buildable) {}

  /** Runs on `db`, which may be a transaction. */
  execute<R = unknown>(db: SpliceDb, values: P): Promise<QueryResult<R>> {
    const c = (this.compiled ??= this.compile(db));
    const parameters = c.slots.map((s) => ('name' in s ? values[s.name] : s.value));
    return db.executeQuery<R>(CompiledQuery.raw(c.sql, parameters));
  }

  /** Rows changed by an insert, update or delete. */
  async affected(db: SpliceDb, values: P): Promise<number> {
    const r = await this.execute(db, values);
    return Number(r.numAffectedRows ?? 0n);
  }

  private compile(db: SpliceDb): { sql: string; slots: Slot[] } {
    const q = this.build(db, (name) => `${PLACEHOLDER}${name}` as never).compile(db);
    const slots = q.parameters.map((v): Slot =>
      typeof v === 'string' && v.startsWith(PLACEHOLDER) ? { name: v.slice(PLACEHOLDER.length) } : { value: v },
    );
    return { sql: q.sql, slots };
  }
}
