import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { StaticFlowResolver, StaticWebhookSecretSource, startServer, type RunningServer } from '../../packages/server/src/index';
import { createDefaultEngineFactory } from '../../packages/server/src/worker/engine-factory';
import { payacaDelivery, postJson, tagSyncFlow, tempDir, waitFor } from './helpers';

/**
 * Acceptance: with the sandbox injecting 20% 5xx and 10% 429, every event ends succeeded or in dead
 * letters with its reason, none is lost, and the retries show in run history. Then dead letters are
 * retried (faults off) or discarded, and a run is replayed.
 */
const SECRET = 'payaca-webhook-secret-for-tests';
const EVENTS = 300;
const MAX_ATTEMPTS = 3;

let sandbox: Sandbox;
let server: RunningServer;

beforeAll(async () => {
  sandbox = await createSandbox({
    rateLimit: false,
    logLevel: 'silent',
    seed: 7,
    faults: { highlevel: [{ errorRate: 0.2, errorStatus: 503, rate429: 0.1, retryAfterSeconds: 1 }] },
  });
  const creds = sandbox.credentials.highlevel;
  let factory: ReturnType<typeof createDefaultEngineFactory> | undefined;
  server = await startServer({
    config: {
      port: 0,
      dataDir: tempDir(),
      logLevel: 'silent',
      queue: { maxAttempts: MAX_ATTEMPTS, backoffBaseMs: 20, backoffMaxMs: 200, pollMs: 50 },
      workers: { count: 8 },
    },
    defaultMetrics: false,
    flows: new StaticFlowResolver([tagSyncFlow({ stepAttempts: 1 })]),
    webhookSecrets: new StaticWebhookSecretSource({ 'tag-sync': [{ kind: 'hmac-sha256', secret: SECRET }] }),
    engineFactory: (flow) => {
      factory ??= createDefaultEngineFactory(server.ctx, {
        environment: async () => ({
          baseUrls: {},
          bindings: {},
          values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
        }),
      });
      return factory(flow);
    },
    createApiRouter: () => undefined,
  });
});
afterAll(async () => {
  await server?.close({ graceMs: 2000 });
  await sandbox?.close();
});

it('ends every event succeeded or dead-lettered with a reason, retries in history, none lost', async () => {
  const ctx = server.ctx;
  const runIds: string[] = [];
  for (let i = 0; i < EVENTS; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, EVENTS - i) }, (_, k) => {
        const d = payacaDelivery(SECRET, i + k);
        return postJson(`${server.url}/hooks/tag-sync`, d.body, d.headers);
      }),
    );
    for (const r of batch) {
      expect(r.status).toBe(202);
      runIds.push(r.body.runId);
    }
  }
  const counts = await waitFor(
    'all runs to finish',
    async () => {
      const c = await ctx.runs.countByStatus('tag-sync');
      return !c.queued && !c.running && Object.values(c).reduce((a, b) => a + b, 0) === EVENTS ? c : undefined;
    },
    150_000,
    200,
  );
  expect(Object.keys(counts).sort()).toEqual(['dead', 'succeeded']);
  expect(counts.succeeded! + counts.dead!).toBe(EVENTS);

  // Every run the intake acknowledged reached the sandbox at least once, under its stable key.
  const keys = sandbox.admin.counters().highlevel.idempotencyKeys;
  for (const id of runIds) expect(keys[`${id}:fetchTags`]).toBeGreaterThanOrEqual(1);

  // Dead letters carry their reason; retried runs show each attempt.
  const { deadLetters } = await ctx.runs.listDeadLetters({ flow: 'tag-sync', limit: 500 });
  expect(deadLetters).toHaveLength(counts.dead!);
  for (const d of deadLetters) {
    expect(d.reason).toMatch(new RegExp(`at step "fetchTags": .* \\(gave up after ${MAX_ATTEMPTS} attempts\\)`));
    const run = await ctx.runs.get(d.runId);
    expect(run!.attemptHistory.map((a) => a.status)).toEqual(Array(MAX_ATTEMPTS).fill('failed'));
    expect(keys[`${d.runId}:fetchTags`]).toBe(MAX_ATTEMPTS);
  }
  const { runs } = await ctx.runs.list({ flow: 'tag-sync', status: 'succeeded', limit: 500 });
  const retried = runs.filter((r) => (r.attempts ?? 0) > 1);
  expect(retried.length).toBeGreaterThan(0);
  const sample = await ctx.runs.get(retried[0]!.runId);
  const failedAttempt = sample!.attemptHistory[0]!;
  expect(failedAttempt.status).toBe('failed');
  expect(failedAttempt.error?.retryable).toBe(true);
  const status = failedAttempt.steps.find((s) => s.id === 'fetchTags')?.attempts[0]?.response?.status;
  expect([429, 503]).toContain(status);
  expect(sample!.attemptHistory.at(-1)!.status).toBe('succeeded');

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toMatch(/splice_run_retries_total\{flow="tag-sync"\} [1-9]/);
  expect(metrics).toMatch(/splice_http_429_total\{connector="http"\} [1-9]/);
  expect(metrics).toMatch(/splice_runs_total\{status="dead"\} [1-9]/);

  // Dead letters: discard one, retry the rest with the faults gone.
  sandbox.admin.setFaults({ highlevel: [] });
  const [discard, ...rest] = deadLetters;
  await ctx.runs.discardDeadLetter(discard!.runId);
  for (const d of rest) await ctx.runs.retryDeadLetter(d.runId);
  await waitFor('retried dead letters to succeed', async () => {
    const rs = await Promise.all(rest.map((d) => ctx.runs.get(d.runId)));
    return rs.every((r) => r?.status === 'succeeded');
  });
  expect((await ctx.runs.listDeadLetters({ flow: 'tag-sync' })).deadLetters).toHaveLength(0);
  expect((await ctx.runs.get(discard!.runId))!.discardedAt).toBeTruthy();

  // Replay: a new run of the same event, linked to the original.
  const replay = await ctx.runs.replay(discard!.runId);
  const replayed = await waitFor('replay to finish', async () => {
    const r = await ctx.runs.get(replay.runId);
    return r?.status === 'succeeded' ? r : undefined;
  });
  const original = await ctx.runs.get(discard!.runId);
  expect(replayed.replayOf).toBe(discard!.runId);
  expect(replayed.eventId).toBe(original!.eventId);
  expect(replayed.event).toEqual(original!.event);
  expect(original!.replays).toEqual([replay.runId]);
}, 200_000);
