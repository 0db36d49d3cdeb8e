import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { SpliceDb } from '../storage/database';

/**
 * Moves SQLite's WAL checkpoints off the request path. By default the committing connection copies the
 * WAL into the database every 1000 pages, and that commit also fsyncs (milliseconds, blocking the event
 * loop). The server turns that off on its connection and lets a worker thread with its own connection
 * run PASSIVE checkpoints (never blocking writers) every `intervalMs`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  tick();
  db.close();
  parentPort.postMessage('stopped');
});
`;

export class WalCheckpointer {
  private constructor(private readonly worker: Worker) {}

  static async start(db: SpliceDb, file: string, intervalMs = 1000): Promise<WalCheckpointer> {
    const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath, file, intervalMs } });
    worker.unref();
    await sql`PRAGMA wal_autocheckpoint = 0`.execute(db);
    return new WalCheckpointer(worker);
  }

  /** Final checkpoint, then the thread ends (at most ~2 s). */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.worker.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    });
    await this.worker.terminate();
  }
}
