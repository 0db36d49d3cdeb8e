import { statement, type Sql, type SqlDatabase } from '../storage/sql';
import type { ClaimedJob, JobQueue, Lease, NewJob, QueueDepth } from './job-queue';

/**
 * The embedded queue: the `jobs` table, on SQLite or PostgreSQL through the same statements. A row's
 * `available_at` is when it next needs attention: a queued job's due time, a running job's lease expiry,
 * so one index (status, available_at) finds due jobs, expired leases and live leases per flow.
 * Per-flow concurrency counts the flow's running jobs whose lease has not expired.
 */
// Claim-on-insert: one statement decides from the flow's live leases whether the new job starts leased
// (running, its attempt charged) or queued. A job due later is never inserted leased. (Casts: PostgreSQL
// cannot infer a parameter's type from an INSERT ... SELECT list.)
const insertLeased = statement(`
  INSERT INTO jobs (run_id, flow_id, key, status, concurrency, attempts, max_attempts, available_at, lease_owner, last_error, created_at, updated_at)
  SELECT CAST(:runId AS text), CAST(:flowId AS text), CAST(:key AS text),
    CASE WHEN live.n < :concurrency THEN 'running' ELSE 'queued' END, CAST(:concurrency AS integer),
    CASE WHEN live.n < :concurrency THEN 1 ELSE 0 END, CAST(:maxAttempts AS integer),
    CASE WHEN live.n < :concurrency THEN CAST(:expires AS text) ELSE CAST(:now AS text) END,
    CASE WHEN live.n < :concurrency THEN CAST(:owner AS text) END, NULL, CAST(:now AS text), CAST(:now AS text)
  FROM (SELECT count(*) AS n FROM jobs WHERE flow_id = :flowId AND status = 'running' AND available_at > :now) AS live
  RETURNING status`);

const insertQueued = statement(`
  INSERT INTO jobs (run_id, flow_id, key, status, concurrency, attempts, max_attempts, available_at, lease_owner, last_error, created_at, updated_at)
  VALUES (:runId, :flowId, :key, 'queued', :concurrency, 0, :maxAttempts, :availableAt, NULL, NULL, :now, :now)`);

// Two index ranges instead of a per-row subquery: `busy` counts live leases per flow once, then the oldest
// due job of a flow under its limit is taken (expired leases first: their workers died).
const claimOne = statement(`
  UPDATE jobs SET status = 'running', lease_owner = :owner, available_at = :expires, attempts = attempts + 1, updated_at = :now
  WHERE run_id = (
    WITH busy AS (
      SELECT flow_id, count(*) AS n FROM jobs WHERE status = 'running' AND available_at > :now GROUP BY flow_id)
    SELECT c.run_id FROM (
      SELECT * FROM (
        SELECT j.run_id FROM jobs j LEFT JOIN busy b ON b.flow_id = j.flow_id
        WHERE j.status = 'running' AND j.available_at <= :now AND coalesce(b.n, 0) < j.concurrency
        LIMIT 1) expired
      UNION ALL
      SELECT * FROM (
        SELECT j.run_id FROM jobs j LEFT JOIN busy b ON b.flow_id = j.flow_id
        WHERE j.status = 'queued' AND j.available_at <= :now AND coalesce(b.n, 0) < j.concurrency
        ORDER BY j.available_at
        LIMIT 1) due) c
    LIMIT 1)
    -- Re-checked on the row itself: with PostgreSQL a concurrent claimer that waited on the row lock sees
    -- it taken and claims nothing, instead of taking the same job twice.
    AND (status = 'queued' OR available_at <= :now)
  RETURNING run_id, flow_id, key, attempts, max_attempts`);

const extend = statement(`
  UPDATE jobs SET available_at = :expires, updated_at = :now WHERE lease_owner = :owner AND status = 'running' RETURNING run_id`);
const deleteOwned = statement(`DELETE FROM jobs WHERE run_id = :runId AND lease_owner = :owner AND status = 'running'`);
const requeue = statement(`
  UPDATE jobs SET status = 'queued', lease_owner = NULL, available_at = :at, last_error = :error, updated_at = :now
  WHERE run_id = :runId AND lease_owner = :owner AND status = 'running'`);
const deferOwned = statement(`
  UPDATE jobs SET status = 'queued', lease_owner = NULL, available_at = :at, key = coalesce(:key, key),
    attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = :now
  WHERE run_id = :runId AND lease_owner = :owner AND status = 'running'`);
const bury = statement(`
  UPDATE jobs SET status = 'dead', lease_owner = NULL, available_at = :now, last_error = :reason, updated_at = :now
  WHERE run_id = :runId AND lease_owner = :owner AND status = 'running'`);
const revive = statement(`
  UPDATE jobs SET status = 'queued', attempts = 0, max_attempts = :maxAttempts, available_at = :now, last_error = NULL, updated_at = :now
  WHERE run_id = :runId AND status = 'dead'`);
const removeJob = statement(`DELETE FROM jobs WHERE run_id = :runId`);
// A released attempt was not the job's fault: give the attempt back so shutdowns do not dead-letter work.
const releaseOwner = statement(`
  UPDATE jobs SET status = 'queued', lease_owner = NULL, available_at = :now, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = :now
  WHERE lease_owner = :owner AND status = 'running'`);
const expirePrefix = statement(`
  UPDATE jobs SET available_at = :now, updated_at = :now
  WHERE status = 'running' AND substr(lease_owner, 1, length(:prefix)) = :prefix AND lease_owner <> :self AND available_at > :now`);
const depthByStatus = statement(`
  SELECT status, count(*) AS n, min(CASE WHEN status = 'queued' AND available_at <= :now THEN available_at END) AS oldest
  FROM jobs GROUP BY status`);

export class SqlJobQueue implements JobQueue {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly sql: SqlDatabase) {}

  async enqueue(tx: Sql, job: NewJob, lease?: Lease): Promise<ClaimedJob | undefined> {
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const concurrency = Math.max(1, job.concurrency);
    const base = { runId: job.runId, flowId: job.flowId, key: job.key ?? null, concurrency, maxAttempts: job.maxAttempts, now };
    if (!lease || (job.availableAt && job.availableAt.getTime() > nowMs)) {
      await tx.run(insertQueued, { ...base, availableAt: job.availableAt ? job.availableAt.toISOString() : now });
      return undefined;
    }
    const expiresMs = nowMs + lease.leaseMs;
    const { rows } = await tx.run<{ status: string }>(insertLeased, {
      ...base,
      owner: lease.owner,
      expires: new Date(expiresMs).toISOString(),
    });
    if (rows[0]?.status !== 'running') return undefined;
    return {
      runId: job.runId,
      flowId: job.flowId,
      key: job.key,
      attempt: 1,
      maxAttempts: job.maxAttempts,
      owner: lease.owner,
      leaseExpiresAt: expiresMs,
    };
  }

  async claim(tx: Sql, lease: Lease, limit = 1): Promise<ClaimedJob[]> {
    const nowMs = Date.now();
    const expiresMs = nowMs + lease.leaseMs;
    const params = { owner: lease.owner, expires: new Date(expiresMs).toISOString(), now: new Date(nowMs).toISOString() };
    const out: ClaimedJob[] = [];
    while (out.length < limit) {
      const { rows } = await tx.run<{ run_id: string; flow_id: string; key: string | null; attempts: number; max_attempts: number }>(
        claimOne,
        params,
      );
      const row = rows[0];
      if (!row) break;
      out.push({
        runId: row.run_id,
        flowId: row.flow_id,
        ...(row.key !== null ? { key: row.key } : {}),
        attempt: Number(row.attempts),
        maxAttempts: Number(row.max_attempts),
        owner: lease.owner,
        leaseExpiresAt: expiresMs,
      });
    }
    return out;
  }

  async heartbeat(owner: string, leaseMs: number): Promise<Set<string>> {
    const now = Date.now();
    const { rows } = await this.sql.run<{ run_id: string }>(extend, {
      owner,
      expires: new Date(now + leaseMs).toISOString(),
      now: new Date(now).toISOString(),
    });
    return new Set(rows.map((r) => r.run_id));
  }

  async complete(tx: Sql, runId: string, owner: string): Promise<boolean> {
    return (await tx.run(deleteOwned, { runId, owner })).changes === 1;
  }

  async retryLater(tx: Sql, runId: string, owner: string, delayMs: number, error: string): Promise<boolean> {
    const now = Date.now();
    const r = await tx.run(requeue, { runId, owner, error, at: new Date(now + delayMs).toISOString(), now: new Date(now).toISOString() });
    return r.changes === 1;
  }

  async defer(tx: Sql, runId: string, owner: string, opts: { dueAt: Date; key?: string }): Promise<boolean> {
    const r = await tx.run(deferOwned, { runId, owner, at: opts.dueAt.toISOString(), key: opts.key ?? null, now: new Date().toISOString() });
    return r.changes === 1;
  }

  async deadLetter(tx: Sql, runId: string, owner: string, reason: string): Promise<boolean> {
    return (await tx.run(bury, { runId, owner, reason, now: new Date().toISOString() })).changes === 1;
  }

  async revive(tx: Sql, runId: string, maxAttempts: number): Promise<boolean> {
    return (await tx.run(revive, { runId, maxAttempts, now: new Date().toISOString() })).changes === 1;
  }

  async remove(tx: Sql, runId: string): Promise<void> {
    await tx.run(removeJob, { runId });
  }

  async releaseAll(owner: string): Promise<number> {
    return (await this.sql.run(releaseOwner, { owner, now: new Date().toISOString() })).changes;
  }

  async expireLeases(prefix: string, self: string): Promise<number> {
    return (await this.sql.run(expirePrefix, { prefix, self, now: new Date().toISOString() })).changes;
  }

  async depth(): Promise<QueueDepth> {
    const now = Date.now();
    const { rows } = await this.sql.run<{ status: string; n: number | string; oldest: string | null }>(depthByStatus, {
      now: new Date(now).toISOString(),
    });
    const d: QueueDepth = { queued: 0, running: 0, dead: 0, oldestDueAgeMs: 0 };
    for (const r of rows) {
      if (r.status === 'queued' || r.status === 'running' || r.status === 'dead') d[r.status] = Number(r.n);
      if (r.status === 'queued' && r.oldest) d.oldestDueAgeMs = Math.max(0, now - Date.parse(r.oldest));
    }
    return d;
  }

  notify(): void {
    for (const l of this.listeners) l();
  }

  onNotify(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
