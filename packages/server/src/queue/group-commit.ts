import type { Sql, SqlDatabase } from '../storage/sql';

/**
 * Group commit: writes that arrive while a transaction is being prepared share one transaction and one
 * commit (the commit, not the statements, is what costs in SQLite). Intake's events, workers' claims and
 * run outcomes of the same moment all go through the server's one instance. Each caller still gets its own
 * result only after the shared commit, so "acknowledged" keeps meaning "committed". If a batch fails, its
 * items are run again one by one so only the broken one fails: an item's `fn` may therefore run twice and
 * must only run statements on `tx` (side effects belong after its promise resolved).
 */
interface Pending {
  fn: (tx: Sql) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private batch: Pending[] = [];
  private scheduled = false;
  /** Commits made, and items they carried (for the statements-per-run figures and tests). */
  readonly stats = { commits: 0, items: 0 };

  constructor(
    private readonly sql: SqlDatabase,
    private readonly maxBatch = 256,
  ) {}

  run<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const items = this.batch.splice(0, this.maxBatch);
    if (this.batch.length > 0) setImmediate(() => void this.flush());
    else this.scheduled = false;
    if (items.length === 0) return;
    this.stats.commits++;
    this.stats.items += items.length;
    if (items.length === 1) {
      const [only] = items;
      return this.sql.transaction(only!.fn).then(only!.resolve, only!.reject);
    }
    let results: unknown[];
    try {
      results = await this.sql.transaction(async (tx) => {
        const out: unknown[] = [];
        for (const it of items) out.push(await it.fn(tx));
        return out;
      });
    } catch {
      for (const it of items) await this.sql.transaction(it.fn).then(it.resolve, it.reject);
      return;
    }
    for (let i = 0; i < items.length; i++) items[i]!.resolve(results[i]);
  }
}
