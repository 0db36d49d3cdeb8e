import type { SpliceDb } from '../storage/database';

/**
 * Group commit: writes that arrive while a transaction is being prepared share one transaction and one
 * commit (the commit, not the statements, is what costs in SQLite). Each caller still gets its own
 * result only after the shared commit, so "acknowledged" keeps meaning "committed". If a batch fails,
 * its items are retried one by one so only the broken one fails.
 */
interface Pending {
  fn: (trx: SpliceDb) => Promise<unknown>;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private batch: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: SpliceDb,
    private readonly maxBatch = 128,
  ) {}

  run<T>(fn: (trx: SpliceDb) => Promise<T>): Promise<T> {
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
    if (items.length === 1) {
      const [only] = items;
      return this.db.transaction().execute(only!.fn).then(only!.resolve, only!.reject);
    }
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const it of items) out.push(await it.fn(trx));
        return out;
      });
    } catch {
      for (const it of items) await this.db.transaction().execute(it.fn).then(it.resolve, it.reject);
      return;
    }
    items.forEach((it, i) => it.resolve(results[i]));
  }
}
