import { sql } from 'kysely';
import type { SpliceDb } from '../storage/database';

/**
 * Keeps SQLite's WAL from growing without making commits pay for it. By default the connection that
 * commits past 1000 WAL pages copies them into the database and fsyncs inside that commit; under load
 * that lands on a webhook's acknowledgement. Instead the server turns the automatic checkpoint off and
 * runs a PASSIVE checkpoint (never waits for readers or writers) once per `intervalMs`: the same copying,
 * done once a second for all commits since the last one (pages rewritten many times are copied once),
 * with one fsync instead of one per 1000 pages.
 *
 * Why not a worker thread with its own connection (as before): a second V8 isolate and SQLite instance
 * cost ~15 MB of resident memory for ~1% of one core, and memory is the tighter budget (DEVELOPERS.md:
 * steady state ≤ 150 MB).
 */
export class WalCheckpointer {
  private running: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly db: SpliceDb,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.checkpoint(), intervalMs);
    this.timer.unref();
  }

  static async start(db: SpliceDb, _file?: string, intervalMs = 1000): Promise<WalCheckpointer> {
    await sql`PRAGMA wal_autocheckpoint = 0`.execute(db);
    return new WalCheckpointer(db, intervalMs);
  }

  private checkpoint(): Promise<void> {
    this.running ??= sql`PRAGMA wal_checkpoint(PASSIVE)`
      .execute(this.db)
      .then(
        () => {},
        () => {}, // busy or closing: the next tick (or SQLite at close) does it
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** A last checkpoint before the database closes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.checkpoint();
  }
}
