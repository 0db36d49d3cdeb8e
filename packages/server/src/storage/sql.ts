/**
 * The hot path's SQL: statements written once as text with `:name` placeholders, compiled once per
 * dialect (SQLite `?`, PostgreSQL `$N`), run straight on the driver (better-sqlite3 or pg) with no query
 * building. The queue, intake's event store and the attempt writer use it; everything else keeps Kysely.
 *
 * Why not Kysely here: measured on this machine, Kysely's executeQuery costs ~7 µs per statement against
 * ~1 µs for the same prepared better-sqlite3 statement awaited the same way, and a run took 16–21
 * statements through it (bench/statements-per-run.ts). Both implementations live behind `Sql`, so the
 * queue and store code above it is one code path for SQLite and PostgreSQL.
 */
export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;

export interface SqlResult<R> {
  rows: R[];
  /** Rows written by an INSERT, UPDATE or DELETE (with RETURNING: the rows returned). */
  changes: number;
}

/** Runs statements: inside one transaction (the `tx` of `transaction` or of a group commit), or autocommit. */
export interface Sql {
  readonly dialect: Dialect;
  run<R = Row>(statement: Statement, params?: Readonly<Record<string, unknown>>): Promise<SqlResult<R>>;
}

export interface SqlDatabase extends Sql {
  /**
   * Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken up front and two
   * processes never deadlock upgrading). `fn` must only await its `tx` statements: on SQLite the
   * connection is held, and every other query of the process waits, until it returns.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

let nextId = 0;

/** A statement compiled for both dialects on first use. Text may differ per dialect. */
export class Statement {
  /** Stable name (PostgreSQL prepares named statements once per connection). */
  readonly name = `splice_${++nextId}`;
  private readonly compiled: Partial<Record<Dialect, { text: string; names: string[] }>> = {};

  constructor(private readonly text: string | Readonly<Record<Dialect, string>>) {}

  compile(dialect: Dialect): { text: string; names: string[] } {
    const hit = this.compiled[dialect];
    if (hit) return hit;
    const source = typeof this.text === 'string' ? this.text : this.text[dialect];
    // SQLite: one `?` per occurrence (better-sqlite3 binds `?NNN` as named, not by number), so `names`
    // lists every occurrence; PostgreSQL: `$N` per distinct name, reused where it repeats.
    const names: string[] = [];
    const text = source.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_m, name: string) => {
      if (dialect === 'sqlite') {
        names.push(name);
        return '?';
      }
      let i = names.indexOf(name);
      if (i === -1) i = names.push(name) - 1;
      return `$${i + 1}`;
    });
    return (this.compiled[dialect] = { text, names });
  }

  /** The parameter values in placeholder order. A missing value is a bug in the caller: say which. */
  values(dialect: Dialect, params: Readonly<Record<string, unknown>> | undefined): unknown[] {
    const { names } = this.compile(dialect);
    const out = new Array<unknown>(names.length);
    for (let i = 0; i < names.length; i++) {
      const v = params?.[names[i]!];
      if (v === undefined) throw new Error(`SQL parameter :${names[i]} has no value (statement ${this.name}); pass null for NULL.`);
      out[i] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    return out;
  }
}

export const statement = (text: string | Readonly<Record<Dialect, string>>): Statement => new Statement(text);
