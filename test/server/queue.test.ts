import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import type { Flow } from '../../packages/runtime/src/index';
import { createServerContext, EventStore, StaticFlowResolver, WorkerPool, type ServerContext } from '../../packages/server/src/index';
import { createDefaultEngineFactory } from '../../packages/server/src/worker/engine-factory';
import { tagSyncFlow, tempDir, waitFor } from './helpers';

/** The durable queue, leases, per-flow limits, checkpoints, shutdown and retention on a real SQLite file. */
let sandbox: Sandbox;
let ctx: ServerContext;
const flows = new StaticFlowResolver();

function twoCallFlow(): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name: 'two-calls' },
    trigger: { type: 'webhook', source: 'generic' },
    steps: [
      ...tagSyncFlow().steps,
      {
        id: 'listTags',
        type: 'call',
        uses: 'http',
        with: {
          method: 'GET',
          url: "=$env.hlBase & '/social-media-posting/' & $env.locationId & '/tags'",
          headers: { Authorization: "='Bearer ' & $env.token", Version: '2021-07-28' },
        },
        retry: { maxAttempts: 1 },
      },
    ],
  };
}

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
  const creds = sandbox.credentials.highlevel;
  flows.add(tagSyncFlow());
  flows.add(twoCallFlow());
  flows.add({ ...tagSyncFlow({ name: 'limited', concurrency: 2 }) });
  ctx = await createServerContext({
    config: {
      dataDir: tempDir(),
      databaseUrl: process.env.SPLICE_TEST_DATABASE_URL,
      logLevel: 'silent',
      queue: { maxAttempts: 2, backoffBaseMs: 10, backoffMaxMs: 20, leaseMs: 5000, heartbeatMs: 1000, pollMs: 50 },
    },
    defaultMetrics: false,
    flows,
  });
  ctx.setEngineFactory(
    createDefaultEngineFactory(ctx, {
      environment: async () => ({
        baseUrls: {},
        bindings: {},
        values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
      }),
    }),
  );
});
afterAll(async () => {
  await ctx?.close();
  await sandbox?.close();
});
afterEach(() => sandbox.admin.setFaults({ highlevel: [] }));

/** One claim in its own transaction, as a worker of another process would take it. */
async function claim(owner: string, leaseMs: number) {
  return (await ctx.sql.transaction((tx) => ctx.queue.claim(tx, { owner, leaseMs })))[0];
}

async function submit(name: string, n: number) {
  const flow = (await flows.findActive(name))!;
  return ctx.events.submit({ flow, source: 'generic', body: JSON.stringify({ n }), trigger: 'manual' });
}

describe('durable queue', () => {
  it('writes event, run and job in one transaction: a failed enqueue leaves no orphan', async () => {
    const failing = new EventStore({
      sql: ctx.sql,
      queue: { enqueue: async () => Promise.reject(new Error('disk full')), notify() {} } as never,
      commits: ctx.commits,
      defaults: { maxAttempts: 2, perFlowConcurrency: 8 },
    });
    const before = await ctx.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      failing.submit({
        flow: (await flows.findActive('tag-sync'))!,
        source: 'generic',
        body: '{"n":1}',
        trigger: 'manual',
        dedupeKey: 'k1',
      }),
    ).rejects.toThrow('disk full');
    const after = await ctx.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await ctx.db.selectFrom('runs').select('id').execute()).toHaveLength(0);
  });

  it('leases: a claimed job is not taken again until its lease expires; the old owner then cannot finish it', async () => {
    const { runId } = await submit('tag-sync', 1);
    const a = await claim('owner-a', 150);
    expect(a?.runId).toBe(runId);
    expect(await claim('owner-b', 150)).toBeUndefined();
    expect((await ctx.queue.heartbeat('owner-a', 150)).has(runId)).toBe(true);
    await new Promise((r) => setTimeout(r, 220));
    const b = await claim('owner-b', 5000);
    expect(b).toMatchObject({ runId, attempt: 2 });
    expect((await ctx.queue.heartbeat('owner-a', 150)).has(runId)).toBe(false);
    expect(await ctx.queue.complete(ctx.sql, runId, 'owner-a')).toBe(false);
    expect(await ctx.queue.complete(ctx.sql, runId, 'owner-b')).toBe(true);
    await ctx.db.updateTable('runs').set({ status: 'succeeded' }).where('id', '=', runId).execute();
  });

  it('per-flow concurrency: at most `options.concurrency` running jobs of a flow, others still flow', async () => {
    const limited = await Promise.all([1, 2, 3, 4].map((n) => submit('limited', n)));
    const other = await submit('tag-sync', 9);
    const claimed = [];
    for (let i = 0; i < 6; i++) claimed.push(await claim(`w${i}`, 5000));
    const got = claimed.filter(Boolean).map((j) => j!.flowId);
    expect(got.filter((f) => f === 'limited')).toHaveLength(2);
    expect(got).toContain('tag-sync');
    // Shutdown-style release hands them back without charging an attempt.
    for (let i = 0; i < 6; i++) await ctx.queue.releaseAll(`w${i}`);
    const jobs = await ctx.db
      .selectFrom('jobs')
      .selectAll()
      .where('run_id', 'in', [...limited.map((l) => l.runId), other.runId])
      .execute();
    expect(jobs.every((j) => j.status === 'queued' && j.attempts === 0)).toBe(true);
    await ctx.db.deleteFrom('jobs').execute();
    await ctx.db.updateTable('runs').set({ status: 'succeeded' }).where('status', '=', 'queued').execute();
  });

  it('checkpoints: a retried run does not repeat a call that already succeeded', async () => {
    sandbox.admin.setFaults({ highlevel: [{ route: 'get-tags-location-id', errorRate: 1, errorStatus: 502 }] });
    const { runId } = await submit('two-calls', 1);
    const pool = new WorkerPool(ctx, 2);
    pool.start();
    try {
      const run = await waitFor('run to be dead-lettered', async () => {
        const r = await ctx.runs.get(runId);
        return r?.status === 'dead' ? r : undefined;
      });
      expect(run.attemptHistory).toHaveLength(2);
      const second = run.attemptHistory[1]!.steps;
      expect(second.find((s) => s.id === 'fetchTags')?.fromCheckpoint).toBe(true);
      expect(second.find((s) => s.id === 'listTags')?.status).toBe('failed');
      const keys = sandbox.admin.counters().highlevel.idempotencyKeys;
      expect(keys[`${runId}:fetchTags`]).toBe(1);
      expect(keys[`${runId}:listTags`]).toBe(2);
      expect(run.deadReason).toMatch(/step "listTags"/);
    } finally {
      await pool.stop(1000);
    }
  });

  it('shutdown: a run still in flight after the grace period goes back to the queue and completes later', async () => {
    sandbox.admin.setFaults({ highlevel: [{ latencyMs: 1500 }] });
    const { runId } = await submit('tag-sync', 77);
    const pool = new WorkerPool(ctx, 1);
    pool.start();
    await waitFor('run to start', async () => (await ctx.runs.get(runId))?.status === 'running');
    const { released } = await pool.stop(100);
    expect(released).toBe(1);
    const job = await ctx.db.selectFrom('jobs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'queued', lease_owner: null, attempts: 0 });
    sandbox.admin.setFaults({ highlevel: [] });
    const again = new WorkerPool(ctx, 1);
    again.start();
    try {
      const run = await waitFor('run to finish after restart', async () => {
        const r = await ctx.runs.get(runId);
        return r?.status === 'succeeded' ? r : undefined;
      });
      expect(run.attemptHistory.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    } finally {
      await again.stop(1000);
    }
  });

  it('retention: deletes finished runs beyond keep-last-N and older than N days, never unfinished ones', async () => {
    await ctx.db.deleteFrom('jobs').execute();
    await ctx.db.deleteFrom('run_attempts').execute();
    await ctx.db.deleteFrom('runs').execute();
    const ids = [];
    for (let n = 0; n < 5; n++) ids.push((await submit('tag-sync', 1000 + n)).runId);
    const day = 86_400_000;
    for (const [i, id] of ids.entries()) {
      await ctx.db
        .updateTable('runs')
        .set({ status: i === 0 ? 'queued' : 'succeeded', created_at: new Date(Date.now() - [10, 9, 8, 5, 4][i]! * day).toISOString() })
        .where('id', '=', id)
        .execute();
    }
    expect(await ctx.runs.sweep({ maxAgeDays: 0, keepLastPerFlow: 3 })).toBe(1);
    expect(await ctx.runs.get(ids[1]!)).toBeUndefined();
    expect(await ctx.runs.sweep({ maxAgeDays: 7, keepLastPerFlow: 0 })).toBe(1);
    expect(await ctx.runs.get(ids[2]!)).toBeUndefined();
    expect((await ctx.runs.get(ids[0]!))?.status).toBe('queued');
    expect((await ctx.runs.list({ flow: 'tag-sync' })).runs.map((r) => r.runId).sort()).toEqual([ids[0], ids[3], ids[4]].sort());
  });

  it('lists runs with filters and cursor paging', async () => {
    const all = (await ctx.runs.list({ flow: 'tag-sync', limit: 500 })).runs;
    const page1 = await ctx.runs.list({ flow: 'tag-sync', limit: 2 });
    expect(page1.runs).toHaveLength(2);
    const page2 = await ctx.runs.list({ flow: 'tag-sync', limit: 2, cursor: page1.nextCursor });
    expect([...page1.runs, ...page2.runs].map((r) => r.runId)).toEqual(
      all.slice(0, page1.runs.length + page2.runs.length).map((r) => r.runId),
    );
    expect((await ctx.runs.list({ flow: 'tag-sync', status: 'queued' })).runs.every((r) => r.status === 'queued')).toBe(true);
    await expect(ctx.runs.list({ cursor: 'garbage' })).rejects.toMatchObject({ code: 'BAD_CURSOR', httpStatus: 400 });
  });
});
