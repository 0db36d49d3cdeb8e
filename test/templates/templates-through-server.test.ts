import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminToken } from '../../packages/server/src/api/admin-token';
import { createApiRouter } from '../../packages/server/src/api/router';
import { configureStaging, ensureCredentials, importTemplates } from '../../packages/server/src/insights/demo-bootstrap';
import { startServer, type RunningServer } from '../../packages/server/src/serve';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { routeDelta, snapshotCounters } from './support/sandbox-runner';

/**
 * The templates as `splice start` sets them up, driven the way production drives them: signed webhooks
 * from the sandbox into /hooks/<flow>, an API-triggered run, and test runs against staging, each through
 * the durable queue and workers, with the calls counted by the sandbox.
 */
let sandbox: Sandbox;
let server: RunningServer;
let dataDir: string;
let token = '';

async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The newest run of a flow once it has finished. */
async function finishedRun(flow: string, after: number): Promise<any> {
  const until = Date.now() + 30_000;
  for (;;) {
    const runs = (await call<any>('GET', `/api/runs?flow=${flow}`)).body.runs as any[];
    const done = runs.filter((r) => ['succeeded', 'failed', 'filtered', 'dead'].includes(r.status));
    if (done.length > after) return (await call('GET', `/api/runs/${done[0].runId}`)).body;
    if (Date.now() > until) throw new Error(`no finished run of ${flow}: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  delete process.env.SPLICE_ADMIN_TOKEN;
  sandbox = await createSandbox({ seed: 3 });
  dataDir = mkdtempSync(join(tmpdir(), 'splice-templates-server-'));
  server = await startServer({
    config: { dataDir, port: 0, logLevel: 'silent', queue: { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 50 }, workers: { count: 2 } },
    defaultMetrics: false,
    createApiRouter: async (ctx) => {
      token = (await ensureAdminToken(ctx.db)).generated ?? '';
      return createApiRouter(ctx);
    },
  });
  const hl = sandbox.credentials.highlevel;
  const pc = sandbox.credentials.payaca;
  await ensureCredentials(server.ctx, [
    { name: 'sb-hl', kind: 'highlevel-pit', values: { token: hl.privateIntegrationToken, locationId: hl.locationId }, scopes: hl.oauth.scopes },
    { name: 'sb-payaca', kind: 'payaca-api-key', values: { clientId: pc.clientId, clientSecret: pc.clientSecret } },
    { name: 'sb-hl-webhook', kind: 'highlevel-webhook-key', values: { publicKey: hl.webhookPublicKey, algorithm: 'ed25519' } },
    { name: 'sb-payaca-webhook', kind: 'payaca-webhook-secret', values: { secret: pc.webhookSecret } },
  ]);
  await configureStaging(server.ctx, {
    baseUrls: sandbox.baseUrls,
    bindings: { highlevel: 'sb-hl', payaca: 'sb-payaca', highlevelWebhook: 'sb-hl-webhook', payacaWebhook: 'sb-payaca-webhook' },
    values: { locationId: hl.locationId, payacaCustomerId: sandbox.admin.payaca.data().customers[0]!.id },
  });
  const imported = await importTemplates(server.ctx, { activate: true });
  expect(imported.map((t) => [t.id, t.outcome, t.active])).toEqual([
    ['live-tag-sync', 'imported', true],
    ['location-tags-into-payaca', 'imported', true],
    ['post-statistics', 'imported', true],
    ['tag-details-sync', 'imported', true],
  ]);
  // Idempotent: a second bootstrap keeps everything as it is.
  expect((await importTemplates(server.ctx, { activate: true })).map((t) => t.outcome)).toEqual(['kept', 'kept', 'kept', 'kept']);
}, 60_000);

afterAll(async () => {
  await server?.close({ graceMs: 500 });
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('templates through the server (staging bound to the sandbox)', () => {
  it('post-statistics: a signed HighLevel webhook records the statistics behind the dashboard', async () => {
    const before = snapshotCounters(sandbox);
    const delivery = await sandbox.admin.highlevel.sendWebhook({
      url: `${server.url}/hooks/post-statistics`,
      type: 'SocialPostPublished',
      locationId: sandbox.credentials.highlevel.locationId,
      payload: { postId: 'p-1' },
    });
    expect(delivery.status).toBeLessThan(300);
    const run = await finishedRun('post-statistics', 0);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const delta = routeDelta(before, snapshotCounters(sandbox));
    expect(delta).toEqual({ 'highlevel GET /social-media-posting/{locationId}/accounts': 1, 'highlevel POST /social-media-posting/statistics': 1 });
    const stats = (await call<any>('GET', `/api/insights/statistics?location=${sandbox.credentials.highlevel.locationId}`)).body;
    expect(stats.dates).toHaveLength(7);
    expect(stats.series.length).toBeGreaterThan(1);
    expect(stats.totals.impressions).toBeGreaterThan(0);
  });

  it('location-tags-into-payaca: an API-triggered run puts every tag on the customer', async () => {
    const customer = sandbox.admin.payaca.data().customers[3]!;
    const accepted = await call<any>('POST', '/api/flows/location-tags-into-payaca/runs', { payload: { customerId: customer.id } });
    expect(accepted.status).toBe(202);
    const run = await finishedRun('location-tags-into-payaca', 0);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const tags = sandbox.admin.highlevel.data().tags.get(sandbox.credentials.highlevel.locationId)!.map((t) => t.tag);
    expect(sandbox.admin.payaca.data().customers.find((c) => c.id === customer.id)!.tags).toEqual(expect.arrayContaining(tags));
  });

  it('live-tag-sync: a test run against staging sends the tags; the next run sends nothing', async () => {
    const first = await call<any>('POST', '/api/flows/live-tag-sync/test-runs', { event: {} });
    expect(first.body.status, JSON.stringify(first.body.error)).toBe('succeeded');
    const before = snapshotCounters(sandbox);
    const second = await call<any>('POST', '/api/flows/live-tag-sync/test-runs', { event: {} });
    expect(second.body.status).toBe('filtered');
    const delta = routeDelta(before, snapshotCounters(sandbox));
    expect(Object.keys(delta).filter((k) => k.startsWith('payaca'))).toEqual([]);
    const trends = (await call<any>('GET', '/api/insights/tags/trends')).body;
    expect(trends.snapshots).toBe(2);
  });

  it('tag-details-sync: a signed Payaca webhook reads tag details by id and renames the project tag', async () => {
    // live-tag-sync filled the mapping table; rename one tag in HighLevel (the stand-in's data).
    const loc = sandbox.credentials.highlevel.locationId;
    const tag = sandbox.admin.highlevel.data().tags.get(loc)![0]!;
    const project = sandbox.admin.payaca.data().projects[0]!;
    project.tags = [tag.tag];
    const oldName = tag.tag;
    tag.tag = `${oldName} 2`;
    const before = snapshotCounters(sandbox);
    await sandbox.admin.payaca.sendWebhook({ event: 'project.tagsChanged', url: `${server.url}/hooks/tag-details-sync`, projectId: project.id, data: { added: [oldName], removed: [] } });
    const run = await finishedRun('tag-details-sync', 0);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({
      'highlevel POST /social-media-posting/{locationId}/tags/details': 1,
      'payaca PATCH /v1/projects/{projectId}': 1,
    });
    expect(sandbox.admin.payaca.data().projects[0]!.tags).toEqual([`${oldName} 2`]);
  });
});
