import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { createServerContext, type ServerContext } from '../../packages/server/src/index';
import { freePort, payacaDelivery, postJson, startChildServer, tagSyncFlow, tempDir, waitFor, type ChildServer } from './helpers';

/**
 * Acceptance: kill -9 the server while 2,000 events are being sent and processed, restart it; every
 * acknowledged event completes, the sandbox sees all 2,000 idempotency keys, a key repeats only for a
 * call in flight at the kill (≤ worker concurrency), and run history shows those as retried attempts.
 */
const SECRET = 'payaca-webhook-secret-for-tests';
const EVENTS = 2000;
const WORKERS = 8;

let sandbox: Sandbox;
let server: ChildServer | undefined;
let reader: ServerContext | undefined;

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await reader?.close();
  await sandbox?.close();
});

it('loses no acknowledged event across kill -9 and repeats only calls in flight at the kill', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const creds = sandbox.credentials.highlevel;
  const config = {
    config: {
      port,
      dataDir,
      logLevel: 'warn',
      queue: { leaseMs: 1500, heartbeatMs: 400, pollMs: 100, backoffBaseMs: 50, backoffMaxMs: 1000 },
      workers: { count: WORKERS, perFlowConcurrency: WORKERS },
      shutdown: { graceMs: 5000 },
    },
    flows: [tagSyncFlow()],
    webhookKeys: { 'tag-sync': [{ kind: 'hmac-sha256', secret: SECRET }] },
    environment: {
      baseUrls: {},
      bindings: {},
      values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
    },
  };
  server = await startChildServer(config);
  const url = `http://127.0.0.1:${port}/hooks/tag-sync`;

  // Senders behave like Payaca: redeliver until a 2xx (connection refused and 503 are retried).
  const acked = new Set<number>();
  let next = 0;
  let killed = false;
  const sender = async () => {
    while (next < EVENTS) {
      const n = next++;
      for (;;) {
        const d = payacaDelivery(SECRET, n);
        const res = await postJson(url, d.body, d.headers).catch(() => undefined);
        if (res && res.status >= 200 && res.status < 300) {
          acked.add(n);
          break;
        }
        if (res && res.status < 500) throw new Error(`event ${n} refused with ${res.status}: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const senders = Array.from({ length: 24 }, sender);

  // Kill -9 once events are both arriving and being processed.
  await waitFor('load before the kill', async () => acked.size >= 700 && sandbox.admin.counters().highlevel.requests >= 100, 60_000, 20);
  const first = server;
  const ackedAtKill = acked.size;
  first.child.kill('SIGKILL');
  killed = (await first.exited).signal === 'SIGKILL';
  expect(killed).toBe(true);
  server = await startChildServer(config);

  await Promise.all(senders);
  expect(acked.size).toBe(EVENTS);

  reader = await createServerContext({ config: { dataDir, logLevel: 'silent' }, defaultMetrics: false });
  const ctx = reader;
  await waitFor(
    'every run to finish',
    async () => {
      const counts = await ctx.runs.countByStatus('tag-sync');
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return total === EVENTS && !counts.queued && !counts.running ? counts : undefined;
    },
    120_000,
    250,
  );
  expect(await ctx.runs.countByStatus('tag-sync')).toEqual({ succeeded: EVENTS });

  // One run per event: every acknowledged event has exactly one run.
  const events = await ctx.db.selectFrom('events').select(['id', 'dedupe_key']).where('flow_id', '=', 'tag-sync').execute();
  expect(new Set(events.map((e) => e.dedupe_key)).size).toBe(EVENTS);
  const runs = await ctx.db.selectFrom('runs').select(['id', 'event_id']).where('flow_id', '=', 'tag-sync').execute();
  expect(new Set(runs.map((r) => r.event_id)).size).toBe(EVENTS);

  // The sandbox saw every run's idempotency key; repeats only for calls in flight at the kill.
  const keys = sandbox.admin.counters().highlevel.idempotencyKeys;
  const runIds = new Set(runs.map((r) => r.id));
  const seen = Object.keys(keys).filter((k) => k.endsWith(':fetchTags'));
  expect(seen).toHaveLength(EVENTS);
  for (const id of runIds) expect(keys[`${id}:fetchTags`]).toBeGreaterThanOrEqual(1);
  const repeated = seen.filter((k) => keys[k]! > 1);
  expect(repeated.length).toBeLessThanOrEqual(WORKERS);
  for (const k of repeated) {
    expect(keys[k]).toBe(2);
    const run = await ctx.runs.get(k.slice(0, -':fetchTags'.length));
    expect(run!.attemptHistory.length).toBeGreaterThanOrEqual(2);
    expect(run!.attemptHistory[0]!.status).toBe('interrupted');
    expect(run!.attemptHistory.at(-1)!.status).toBe('succeeded');
  }
  // Runs cut short by the kill show the interrupted attempt, then the one that finished them.
  const interrupted = await ctx.db.selectFrom('run_attempts').select('run_id').where('status', '=', 'interrupted').execute();
  expect(interrupted.length).toBeLessThanOrEqual(WORKERS);
  console.log(`kill -9 at ${ackedAtKill} acked: ${interrupted.length} runs interrupted, ${repeated.length} calls repeated`);

  // Graceful stop: SIGTERM exits 0 with nothing left running.
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
  server = undefined;
}, 240_000);
