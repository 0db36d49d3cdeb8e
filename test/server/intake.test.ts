import { generateKeyPairSync, sign } from 'node:crypto';
import { sql } from '../../packages/server/node_modules/kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { StaticFlowResolver, StaticWebhookSecretSource, startServer, type RunningServer } from '../../packages/server/src/index';
import { createDefaultEngineFactory } from '../../packages/server/src/worker/engine-factory';
import type { Flow } from '../../packages/runtime/src/index';
import { payacaDelivery, payacaSignature, postJson, tagSyncFlow, tempDir, waitFor } from './helpers';

const SECRET = 'payaca-webhook-secret-for-tests';
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const edPem = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function highlevelFlow(name: string, secret: string): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name },
    trigger: { type: 'webhook', source: 'highlevel', secret },
    steps: [{ id: 'shape', type: 'map', expression: '{ "post": postId }' }],
  };
}

let sandbox: Sandbox;
let server: RunningServer;
let base: string;

async function runCount(): Promise<number> {
  const counts = await server.ctx.runs.countByStatus();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
  const creds = sandbox.credentials.highlevel;
  server = await startServer({
    config: { port: 0, dataDir: tempDir(), logLevel: 'silent', intake: { bodyLimitBytes: 4096 }, workers: { count: 2 } },
    defaultMetrics: false,
    flows: new StaticFlowResolver([tagSyncFlow(), highlevelFlow('ghl-posts', 'ghl-key'), highlevelFlow('ghl-legacy', 'ghl-legacy-key')]),
    webhookSecrets: new StaticWebhookSecretSource({
      'tag-sync': [{ kind: 'hmac-sha256', secret: SECRET }],
      'ghl-posts': [{ kind: 'ed25519', publicKey: edPem }],
      'ghl-legacy': [{ kind: 'rsa-sha256', publicKey: rsaPem }],
    }),
    engineFactory: (flow) => factory(flow),
    createApiRouter: () => undefined,
  });
  const factory = createDefaultEngineFactory(server.ctx, {
    environment: async () => ({
      baseUrls: {},
      bindings: {},
      values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
    }),
  });
  base = `${server.url}/hooks`;
});

afterAll(async () => {
  await server?.close({ graceMs: 2000 });
  await sandbox?.close();
});

describe('webhook intake', () => {
  it('accepts a signed Payaca delivery only after storing it, and runs it against the sandbox', async () => {
    const d = payacaDelivery(SECRET, 1);
    const res = await postJson(`${base}/tag-sync`, d.body, d.headers);
    expect(res.status).toBe(202);
    expect(res.body.runId).toBeTruthy();
    const run = await waitFor('run to finish', async () => {
      const r = await server.ctx.runs.get(res.body.runId);
      return r && r.status !== 'queued' && r.status !== 'running' ? r : undefined;
    });
    expect(run.status).toBe('succeeded');
    const call = run.steps.find((s) => s.id === 'fetchTags');
    expect(call?.attempts[0]?.response?.status).toBeGreaterThanOrEqual(200);
    expect(call?.attempts[0]?.response?.status).toBeLessThan(300);
    expect(call?.attempts[0]?.request?.headers.authorization ?? '').not.toContain(sandbox.credentials.highlevel.privateIntegrationToken);
    expect(sandbox.admin.counters().highlevel.idempotencyKeys[`${run.runId}:fetchTags`]).toBe(1);
  });

  it('refuses bad deliveries with 401/401/413/400/415/401 and creates no run', async () => {
    const before = await runCount();
    const good = payacaDelivery(SECRET, 2);

    const wrongSig = await postJson(`${base}/tag-sync`, good.body, { 'x-payaca-signature': payacaSignature('not-the-secret', good.body) });
    expect(wrongSig.status).toBe(401);
    expect(wrongSig.body.error.code).toBe('BAD_SIGNATURE');

    const staleBody = JSON.stringify({ eventId: 'evt-stale', n: 3, timestamp: new Date(Date.now() - 10 * 60_000).toISOString() });
    const stale = await postJson(`${base}/tag-sync`, staleBody, { 'x-payaca-signature': payacaSignature(SECRET, staleBody) });
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('STALE_TIMESTAMP');

    const bigBody = JSON.stringify({ eventId: 'evt-big', n: 4, pad: 'x'.repeat(10_000) });
    const big = await postJson(`${base}/tag-sync`, bigBody, { 'x-payaca-signature': payacaSignature(SECRET, bigBody) });
    expect(big.status).toBe(413);

    const badJson = '{"eventId": "evt-bad", n: }';
    const malformed = await postJson(`${base}/tag-sync`, badJson, { 'x-payaca-signature': payacaSignature(SECRET, badJson) });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_JSON');

    const text = await postJson(`${base}/tag-sync`, good.body, { ...good.headers, 'content-type': 'text/plain' });
    expect(text.status).toBe(415);

    const unsigned = await postJson(`${base}/tag-sync`, good.body);
    expect(unsigned.status).toBe(401);

    expect(await runCount()).toBe(before);
    // ...and the server keeps serving.
    const ok = await postJson(`${base}/tag-sync`, good.body, good.headers);
    expect(ok.status).toBe(202);
    expect(await runCount()).toBe(before + 1);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/splice_events_received_total\{source="payaca",outcome="refused_401"\} 3/);
    expect(metrics).toMatch(/splice_events_received_total\{source="payaca",outcome="accepted"\} \d+/);
  });

  it('answers a repeated delivery 200 with the first run and does not run it twice', async () => {
    const d = payacaDelivery(SECRET, 50);
    const first = await postJson(`${base}/tag-sync`, d.body, d.headers);
    const again = await postJson(`${base}/tag-sync`, d.body, d.headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, runId: first.body.runId });
    const { runs } = await server.ctx.runs.list({ flow: 'tag-sync', limit: 500 });
    const ids = await Promise.all(runs.map(async (r) => (await server.ctx.runs.get(r.runId))?.event));
    expect(ids.filter((e) => (e as { eventId?: string })?.eventId === 'evt-50')).toHaveLength(1);
  });

  it('recognises a Payaca redelivery by its envelope id', async () => {
    const body = JSON.stringify({
      id: 'env-77',
      event: 'project.tagsChanged',
      occurredAt: new Date().toISOString(),
      data: { projectId: 1 },
    });
    const headers = { 'x-payaca-signature': payacaSignature(SECRET, body), 'x-payaca-event': 'project.tagsChanged' };
    const flow = server.ctx.flows as StaticFlowResolver;
    flow.add({ ...tagSyncFlow({ name: 'payaca-envelope' }), trigger: { type: 'webhook', source: 'payaca', secret: 'payaca-hook' } });
    (server.ctx.webhookSecrets as StaticWebhookSecretSource).set('payaca-envelope', [{ kind: 'hmac-sha256', secret: SECRET }]);
    const first = await postJson(`${base}/payaca-envelope`, body, headers);
    const again = await postJson(`${base}/payaca-envelope`, body, headers);
    expect(first.status).toBe(202);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, runId: first.body.runId } });
  });

  it('verifies HighLevel Ed25519 and legacy RSA signatures and deduplicates by webhookId', async () => {
    const body = JSON.stringify({ type: 'PostPublished', webhookId: 'wh-1', postId: 'p1', timestamp: new Date().toISOString() });
    const sig = sign(null, Buffer.from(body), ed.privateKey).toString('base64');
    expect((await postJson(`${base}/ghl-posts`, body, { 'x-ghl-signature': sig })).status).toBe(202);
    expect((await postJson(`${base}/ghl-posts`, body, { 'x-ghl-signature': sig })).body.duplicate).toBe(true);
    const forged = sign(null, Buffer.from(body.replace('p1', 'p2')), ed.privateKey).toString('base64');
    expect((await postJson(`${base}/ghl-posts`, body, { 'x-ghl-signature': forged })).status).toBe(401);

    const legacyBody = JSON.stringify({ type: 'PostPublished', webhookId: 'wh-2', postId: 'p9', timestamp: Date.now() });
    const rsaSig = sign('sha256', Buffer.from(legacyBody), rsa.privateKey).toString('base64');
    expect((await postJson(`${base}/ghl-legacy`, legacyBody, { 'x-wh-signature': rsaSig })).status).toBe(202);
    // An Ed25519 header cannot stand in for a flow whose key is RSA.
    expect((await postJson(`${base}/ghl-legacy`, legacyBody, { 'x-ghl-signature': sig })).status).toBe(401);
  });

  it('answers 503 when the store cannot take the event, and 202 again once it can', async () => {
    const before = await runCount();
    await sql`PRAGMA query_only = ON`.execute(server.ctx.db as never);
    try {
      const d = payacaDelivery(SECRET, 70);
      const res = await postJson(`${base}/tag-sync`, d.body, d.headers);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('INTAKE_UNAVAILABLE');
    } finally {
      await sql`PRAGMA query_only = OFF`.execute(server.ctx.db as never);
    }
    expect(await runCount()).toBe(before);
    const d = payacaDelivery(SECRET, 70);
    expect((await postJson(`${base}/tag-sync`, d.body, d.headers)).status).toBe(202);
  });

  it('answers 404 for an unknown flow and 503 while shutting down, storing nothing', async () => {
    const before = await runCount();
    const d = payacaDelivery(SECRET, 60);
    expect((await postJson(`${base}/no-such-flow`, d.body, d.headers)).status).toBe(404);
    server.ctx.state.accepting = false;
    try {
      const res = await postJson(`${base}/tag-sync`, d.body, d.headers);
      expect(res.status).toBe(503);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    } finally {
      server.ctx.state.accepting = true;
    }
    expect(await runCount()).toBe(before);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
