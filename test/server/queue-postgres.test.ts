import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServerContext, StaticFlowResolver, type ServerContext } from '../../packages/server/src/index';
import { tagSyncFlow, tempDir } from './helpers';

/**
 * The same queue on real PostgreSQL (127.0.0.1:5432, trust auth): many concurrent claimers on a pool
 * of connections never take one job twice, and per-flow limits hold.
 */
const DB = `splice_queue_${process.pid}_${Date.now()}`;
const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', sql], { stdio: 'pipe' });
let ctx: ServerContext;
const flows = new StaticFlowResolver([tagSyncFlow(), tagSyncFlow({ name: 'limited', concurrency: 3 })]);

beforeAll(async () => {
  psql(`create database ${DB}`);
  ctx = await createServerContext({
    config: {
      dataDir: tempDir(),
      databaseUrl: `postgres://postgres@127.0.0.1:5432/${DB}`,
      logLevel: 'silent',
      workers: { perFlowConcurrency: 100 },
    },
    defaultMetrics: false,
    flows,
  });
});
afterAll(async () => {
  await ctx?.close();
  psql(`drop database if exists ${DB}`);
});

it('never hands one job to two concurrent claimers, and keeps per-flow limits', async () => {
  const free = (await flows.findActive('tag-sync'))!;
  const limited = (await flows.findActive('limited'))!;
  for (let n = 0; n < 20; n++) await ctx.events.submit({ flow: free, source: 'generic', body: JSON.stringify({ n }), trigger: 'manual' });
  for (let n = 0; n < 10; n++)
    await ctx.events.submit({ flow: limited, source: 'generic', body: JSON.stringify({ n }), trigger: 'manual' });
  const claim = (owner: string) => ctx.sql.transaction((tx) => ctx.queue.claim(tx, { owner, leaseMs: 30_000 }));
  const got = (await Promise.all(Array.from({ length: 60 }, (_, i) => claim(`pg-worker-${i}`)))).flat();
  const ids = got.map((c) => c.runId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(got.filter((c) => c.flowId === 'limited').length).toBeLessThanOrEqual(3);
  // Everything left is still claimable later: nothing lost between claimers.
  for (let i = 0; i < 40; i++) await claim(`pg-late-${i}`);
  const running = await ctx.db
    .selectFrom('jobs')
    .select('run_id')
    .where('status', '=', 'running')
    .where('flow_id', '=', 'tag-sync')
    .execute();
  expect(running).toHaveLength(20);
  const limitedRunning = await ctx.db
    .selectFrom('jobs')
    .select('run_id')
    .where('status', '=', 'running')
    .where('flow_id', '=', 'limited')
    .execute();
  expect(limitedRunning).toHaveLength(3);
});
