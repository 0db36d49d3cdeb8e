import { sql } from 'kysely';
import type { SpliceDb } from '../storage/database';
import type { ClaimedJob, JobQueue, NewJob, QueueDepth } from './job-queue';
import { PreparedQuery } from './prepared-query';

/**
 * The embedded queue: the `jobs` table. A claim is one UPDATE ... WHERE run_id = (SELECT ...) RETURNING,
 * atomic in SQLite (one writer at a time, WAL) across processes sharing the file. Per-flow concurrency
 * counts the flow's running jobs whose lease has not expired.
 */
export class SqlJobQueue implements JobQueue {
  private readonly listeners = new Set<() => void>();

  /** The statements every job runs, compiled once (see prepared-query.ts). */
  private readonly insertJob = new PreparedQuery<{
    runId: string;
    flowId: string;
    concurrency: number;
    maxAttempts: number;
    availableAt: string;
    now: string;
  }>((db, p) =>
    db.insertInto('jobs').values({
      run_id: p('runId'),
      flow_id: p('flowId'),
      status: 'queued',
      concurrency: p('concurrency'),
      attempts: 0,
      max_attempts: p('maxAttempts'),
      available_at: p('availableAt'),
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_at: p('now'),
      updated_at: p('now'),
    }),
  );

  private readonly claimJob = new PreparedQuery<{ owner: string; expires: string; nowIso: string }>((_db, p) => {
    const owner = p('owner');
    const expires = p('expires');
    const nowIso = p('nowIso');
    // Two index scans instead of one per-row subquery: `busy` counts live leases per flow once, then the
    // oldest due job of a flow under its limit is taken (expired leases first: their workers died).
    return sql<{ run_id: string; flow_id: string; attempts: number; max_attempts: number }>`
      UPDATE jobs SET status = 'running', lease_owner = ${owner}, lease_expires_at = ${expires},
        attempts = attempts + 1, updated_at = ${nowIso}
      WHERE run_id = (
        WITH busy AS (
          SELECT flow_id, count(*) AS n FROM jobs
          WHERE status = 'running' AND lease_expires_at > ${nowIso} GROUP BY flow_id)
        SELECT c.run_id FROM (
          SELECT * FROM (
            SELECT j.run_id FROM jobs j LEFT JOIN busy b ON b.flow_id = j.flow_id
            WHERE j.status = 'running' AND j.lease_expires_at <= ${nowIso} AND coalesce(b.n, 0) < j.concurrency
            LIMIT 1) expired
          UNION ALL
          SELECT * FROM (
            SELECT j.run_id FROM jobs j LEFT JOIN busy b ON b.flow_id = j.flow_id
            WHERE j.status = 'queued' AND j.available_at <= ${nowIso} AND coalesce(b.n, 0) < j.concurrency
            ORDER BY j.available_at
            LIMIT 1) due) c
        LIMIT 1)
        -- Re-checked on the row itself: with PostgreSQL a concurrent claimer that waited on the row lock
        -- sees it taken and claims nothing, instead of taking the same job twice.
        AND (status = 'queued' OR lease_expires_at <= ${nowIso})
      RETURNING run_id, flow_id, attempts, max_attempts`;
  });

  private readonly deleteJob = new PreparedQuery<{ runId: string; owner: string }>((db, p) =>
    db.deleteFrom('jobs').where('run_id', '=', p('runId')).where('lease_owner', '=', p('owner')).where('status', '=', 'running'),
  );

  constructor(private readonly db: SpliceDb) {}

  async enqueue(db: SpliceDb, job: NewJob): Promise<void> {
    const now = new Date().toISOString();
    await this.insertJob.execute(db, {
      runId: job.runId,
      flowId: job.flowId,
      concurrency: Math.max(1, job.concurrency),
      maxAttempts: job.maxAttempts,
      availableAt: (job.availableAt ?? new Date()).toISOString(),
      now,
    });
  }

  async claim(owner: string, leaseMs: number, db: SpliceDb = this.db): Promise<ClaimedJob | undefined> {
    const now = new Date();
    const nowIso = now.toISOString();
    const expires = new Date(now.getTime() + leaseMs).toISOString();
    const { rows } = await this.claimJob.execute<{ run_id: string; flow_id: string; attempts: number; max_attempts: number }>(db, {
      owner,
      expires,
      nowIso,
    });
    const row = rows[0];
    if (!row) return undefined;
    return {
      runId: row.run_id,
      flowId: row.flow_id,
      attempt: Number(row.attempts),
      maxAttempts: Number(row.max_attempts),
      owner,
      leaseExpiresAt: expires,
    };
  }

  async heartbeat(runId: string, owner: string, leaseMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString(), updated_at: new Date().toISOString() })
      .where('run_id', '=', runId)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async complete(db: SpliceDb, runId: string, owner: string): Promise<boolean> {
    return (await this.deleteJob.affected(db, { runId, owner })) === 1;
  }

  async retryLater(db: SpliceDb, runId: string, owner: string, delayMs: number, error: string): Promise<boolean> {
    const now = Date.now();
    const r = await db
      .updateTable('jobs')
      .set({
        status: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        available_at: new Date(now + delayMs).toISOString(),
        last_error: error,
        updated_at: new Date(now).toISOString(),
      })
      .where('run_id', '=', runId)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deadLetter(db: SpliceDb, runId: string, owner: string, reason: string): Promise<boolean> {
    const r = await db
      .updateTable('jobs')
      .set({ status: 'dead', lease_owner: null, lease_expires_at: null, last_error: reason, updated_at: new Date().toISOString() })
      .where('run_id', '=', runId)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async revive(db: SpliceDb, runId: string, maxAttempts: number): Promise<boolean> {
    const now = new Date().toISOString();
    const r = await db
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, max_attempts: maxAttempts, available_at: now, last_error: null, updated_at: now })
      .where('run_id', '=', runId)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async remove(db: SpliceDb, runId: string): Promise<void> {
    await db.deleteFrom('jobs').where('run_id', '=', runId).execute();
  }

  async releaseAll(ownerPrefix: string): Promise<number> {
    // A released attempt was not the job's fault: give the attempt back so shutdowns do not dead-letter work.
    const r = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        attempts: sql<number>`case when ${eb.ref('attempts')} > 0 then ${eb.ref('attempts')} - 1 else 0 end`,
        updated_at: new Date().toISOString(),
      }))
      .where('lease_owner', 'like', `${ownerPrefix}%`)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async depth(): Promise<QueueDepth> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const d: QueueDepth = { queued: 0, running: 0, dead: 0 };
    for (const r of rows) if (r.status in d) d[r.status as keyof QueueDepth] = Number(r.n);
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
