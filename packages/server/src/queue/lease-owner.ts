import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Who this process is to the queue: `<node>:<boot>`. The node part is stable for a data dir (several
 * processes sharing one data dir get one node each); the boot part is new every start.
 *
 * The proof that a node's earlier lives are dead is an exclusive lock held for the process's lifetime: a
 * small SQLite file per node in the data dir, in EXCLUSIVE locking mode, so the operating system's file
 * lock is what holds it and `kill -9` releases it. A process that takes node k's lock knows every lease
 * owned by node k under another boot id belongs to a process that no longer runs (it crashed, or stopped
 * without handing back), and expires those leases at once instead of waiting out the lease. Leases of other
 * nodes (other live processes, here or on other machines sharing a PostgreSQL database) are never touched.
 */
export interface LeaseOwner {
  /** This process's lease owner string: `<node>:<boot>`. */
  owner: string;
  /** The stable part, including its trailing `:`: the prefix of every lease this node ever took. */
  nodePrefix: string;
  /** True when this process holds the node's lock (false: no data dir; leases of earlier lives are left to expire). */
  exclusive: boolean;
  release(): void;
}

const MAX_NODES = 64;

export function acquireLeaseOwner(dataDir: string | undefined): LeaseOwner {
  const boot = randomBytes(4).toString('hex');
  if (dataDir) {
    const dir = join(dataDir, 'nodes');
    mkdirSync(dir, { recursive: true });
    for (let k = 0; k < MAX_NODES; k++) {
      const lock = tryLock(join(dir, `node-${k}.lock`));
      if (!lock) continue;
      const nodePrefix = `${lock.id}:`;
      return { owner: `${nodePrefix}${boot}`, nodePrefix, exclusive: true, release: () => lock.db.close() };
    }
  }
  // No data dir, or every node's lock is held: an identity of our own, leaving others' leases to expire.
  const nodePrefix = `${hostname()}-${randomBytes(4).toString('hex')}:`;
  return { owner: `${nodePrefix}${boot}`, nodePrefix, exclusive: false, release: () => {} };
}

/** The node's lock and id, or undefined when another live process holds it. */
function tryLock(file: string): { db: Database.Database; id: string } | undefined {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS node (id TEXT NOT NULL)');
    let row = db.prepare('SELECT id FROM node').get() as { id: string } | undefined;
    if (!row) {
      row = { id: `${hostname()}-${randomBytes(4).toString('hex')}` };
      db.prepare('INSERT INTO node (id) VALUES (?)').run(row.id);
    }
    db.exec('COMMIT');
    return { db, id: row.id };
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return undefined;
    throw err;
  }
}
