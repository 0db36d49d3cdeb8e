import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { ensureAdminToken } from '../../packages/server/src/api/admin-token';
import { createApiRouter } from '../../packages/server/src/api/router';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { createLogger } from '../../packages/server/src/logger';
import { startServer, type RunningServer } from '../../packages/server/src/serve';
import { approveOnConsentPage } from '../credentials/helpers';
import { StaticFlowResolver, StaticWebhookSecretSource } from '../../packages/server/src/index';
import { tagSyncFlow } from '../server/helpers';

/**
 * Security defaults, end to end: a real server (127.0.0.1, temp data dir, debug logs captured as raw
 * text) runs a signed Payaca webhook flow that calls the sandbox with a HighLevel PIT, a HighLevel OAuth
 * connection (installed through the consent page) and a Payaca API key (Basic). Then every place a
 * secret could leak is searched for the secret's text: API answers, run records, logs, the database.
 */
const WEBHOOK_SECRET = 'whsec-hardening-7f3a9c1e5b';
const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: signed-sync
credentials:
  ghl: { connector: highlevel }
  ghlOauth: { connector: highlevel }
  payaca: { connector: payaca }
  hooks: { connector: payaca }
trigger:
  type: webhook
  source: payaca
  secret: hooks
steps:
  - id: tagsPit
    type: call
    uses: highlevel.v2.get-tags-location-id
    credential: ghl
    with: { params: { locationId: LOC } }
  - id: tagsOauth
    type: call
    uses: highlevel.v2.get-tags-location-id
    credential: ghlOauth
    with: { params: { locationId: LOC } }
  - id: customers
    type: call
    uses: payaca.list-customers
    credential: payaca
`;

let sandbox: Sandbox;
let server: RunningServer;
let token = '';
let dataDir = '';
const logChunks: string[] = [];
const secrets: Record<string, string> = {};

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
};

const payacaSignature = (body: string) => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

async function waitForRun(flow: string, count: number): Promise<any[]> {
  for (let i = 0; i < 400; i++) {
    const runs = (await call('GET', `/api/runs?flow=${flow}`)).body.runs as any[];
    if (runs.length >= count && runs.every((r) => !['queued', 'running'].includes(r.status))) return runs;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`runs of ${flow} did not finish`);
}

beforeAll(async () => {
  delete process.env.SPLICE_ADMIN_TOKEN;
  // 2-second access tokens: the run below refreshes the OAuth connection, so refresh logs are searched too.
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent', tokenTtlSeconds: 2 });
  dataDir = mkdtempSync(join(tmpdir(), 'splice-hardening-'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      logChunks.push(chunk.toString());
      done();
    },
  });
  server = await startServer({
    config: { dataDir, port: 0, logLevel: 'debug', queue: { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 50 }, workers: { count: 2 } },
    logger: createLogger({ level: 'debug', destination: sink }),
    defaultMetrics: false,
    createApiRouter: async (ctx) => {
      token = (await ensureAdminToken(ctx.db)).generated ?? '';
      return createApiRouter(ctx);
    },
  });
  const hl = sandbox.credentials.highlevel;
  const pay = sandbox.credentials.payaca;
  secrets.pit = hl.privateIntegrationToken;
  secrets.oauthClientSecret = hl.oauth.clientSecret;
  secrets.payacaClientSecret = pay.clientSecret;
  // The wire form of Basic auth: a redactor that only knows the raw secret would miss it.
  secrets.payacaBasic = Buffer.from(`${pay.clientId}:${pay.clientSecret}`).toString('base64');
  secrets.webhookSecret = WEBHOOK_SECRET;
  secrets.adminToken = token;

  const env = await call('PATCH', '/api/environments/staging', {
    baseUrls: sandbox.baseUrls,
    bindings: { ghl: 'ghl-pit', ghlOauth: 'ghl-oauth', payaca: 'payaca-key', hooks: 'payaca-hooks' },
  });
  expect(env.status, env.text).toBe(200);
  for (const c of [
    { name: 'ghl-pit', type: 'highlevel-pit', secret: hl.privateIntegrationToken, meta: { locationId: hl.locationId } },
    { name: 'payaca-key', type: 'payaca-api-key', secret: { clientSecret: pay.clientSecret }, meta: { clientId: pay.clientId } },
    { name: 'payaca-hooks', type: 'payaca-webhook-secret', secret: WEBHOOK_SECRET },
  ]) {
    const res = await call('POST', '/api/credentials', c);
    expect(res.status, res.text).toBe(201);
  }
  const started = await call('POST', '/api/credentials/oauth/highlevel/start', {
    name: 'ghl-oauth',
    clientId: hl.oauth.clientId,
    clientSecret: hl.oauth.clientSecret,
    scopes: hl.oauth.scopes,
    environment: 'staging',
  });
  expect(started.status, started.text).toBe(200);
  const approved = await approveOnConsentPage(started.body.installUrl);
  expect(approved.status, approved.body).toBe(200);
  // The tokens the sandbox issued, read the only way there is: through the store with the master key.
  const store = await CredentialStore.open({ dataDir });
  try {
    const oauth = await store.readActive('ghl-oauth');
    secrets.accessToken = oauth.secret.accessToken!;
    secrets.refreshToken = oauth.secret.refreshToken!;
  } finally {
    await store.close();
  }
  expect(secrets.accessToken?.length).toBeGreaterThan(10);

  const created = await call('POST', '/api/flows', { yaml: FLOW.replaceAll('LOC', hl.locationId) });
  expect(created.status, created.text).toBe(201);
  expect(created.body.flow.valid, created.text).toBe(true);
  const active = await call('POST', '/api/flows/signed-sync/activate', {});
  expect(active.status, active.text).toBe(200);

  await new Promise((r) => setTimeout(r, 2_100)); // let the access token expire
  const body = JSON.stringify({ id: 'evt-1', type: 'project.tagsChanged', data: { projectId: 'p1' } });
  const res = await fetch(`${server.url}/hooks/signed-sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-payaca-signature': payacaSignature(body) },
    body,
  });
  expect(res.status, await res.text()).toBeLessThan(300);
  const runs = await waitForRun('signed-sync', 1);
  expect(runs[0].status, JSON.stringify(runs[0])).toBe('succeeded');
  const after = await CredentialStore.open({ dataDir });
  try {
    const oauth = await after.readActive('ghl-oauth');
    secrets.refreshedAccessToken = oauth.secret.accessToken!;
    secrets.refreshedRefreshToken = oauth.secret.refreshToken!;
  } finally {
    await after.close();
  }
  expect(secrets.refreshedAccessToken, 'the OAuth connection was refreshed during the run').not.toBe(secrets.accessToken);

  // A failing call (a wrong PIT answered 401) is logged and recorded too: its token must not show either.
  secrets.wrongPit = 'pit-wrong-hardening-5d1c0e';
  expect((await call('POST', '/api/credentials', { name: 'ghl-wrong', type: 'highlevel-pit', secret: secrets.wrongPit, meta: { locationId: hl.locationId } })).status).toBe(201);
  expect((await call('PATCH', '/api/environments/staging', { bindings: { ghl: 'ghl-wrong', ghlOauth: 'ghl-oauth', payaca: 'payaca-key', hooks: 'payaca-hooks' } })).status).toBe(200);
  const failed = await call('POST', '/api/flows/signed-sync/test-runs', { event: { id: 'evt-test' } });
  expect(failed.body.status, failed.text).toBe('failed');
  expect(failed.text).toMatch(/401/);
  expectNoSecret(failed.text, 'the failed test run');
  expect((await call('PATCH', '/api/environments/staging', { bindings: { ghl: 'ghl-pit', ghlOauth: 'ghl-oauth', payaca: 'payaca-key', hooks: 'payaca-hooks' } })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await server?.close({ graceMs: 200 });
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function expectNoSecret(text: string, where: string) {
  for (const [name, value] of Object.entries(secrets)) {
    expect(text.includes(value), `${name} appears in ${where}`).toBe(false);
  }
}

describe('secrets never leave the store', () => {
  it('the run used every credential, and its record holds no secret', async () => {
    const [run] = await waitForRun('signed-sync', 1);
    const detail = await call('GET', `/api/runs/${run.id ?? run.runId}`);
    expect(detail.status).toBe(200);
    const steps = detail.body.steps ?? detail.body.run?.steps;
    expect(steps.map((s: { id: string }) => s.id)).toEqual(['tagsPit', 'tagsOauth', 'customers']);
    expect(detail.text).toMatch(/\[redacted\]|REDACTED/i);
    expectNoSecret(detail.text, 'the run record');
    expectNoSecret((await call('GET', '/api/runs')).text, 'the runs list');
  });

  it('credential, flow and environment answers hold metadata only', async () => {
    for (const path of [
      '/api/credentials',
      '/api/credentials/ghl-pit',
      '/api/credentials/ghl-oauth',
      '/api/credentials/payaca-key',
      '/api/credentials/payaca-hooks',
      '/api/flows',
      '/api/flows/signed-sync',
      '/api/environments',
      '/api/environments/staging',
      '/api/flows/signed-sync/deployments',
    ]) {
      const res = await call('GET', path);
      expect(res.status, path).toBe(200);
      expectNoSecret(res.text, path);
    }
  });

  it('the editor served by the server (page and every asset) holds no secret', async (t) => {
    const page = await fetch(`${server.url}/`);
    if (page.status === 404) return t.skip('editor not built (pnpm --filter @splice/editor build)');
    const html = await page.text();
    expectNoSecret(html, 'the editor page');
    // The page's assets, then the chunks they load lazily (workers, screens).
    const seen = new Set<string>();
    const queue = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(queue.length).toBeGreaterThan(0);
    while (queue.length) {
      const asset = queue.shift()!;
      if (seen.has(asset)) continue;
      seen.add(asset);
      const res = await fetch(`${server.url}/${asset}`);
      // Names found inside bundles may be strings of a library (elk mentions a worker it does not ship).
      if (res.status === 404) continue;
      const text = await res.text();
      expectNoSecret(text, asset);
      for (const m of text.matchAll(/assets\/[\w.-]+\.js/g)) queue.push(m[0]);
      for (const m of text.matchAll(/["'`]\.\/([\w.-]+\.js)["'`]/g)) queue.push(`assets/${m[1]}`);
    }
    expect(seen.size).toBeGreaterThan(2);
  });

  it('the raw log text of the whole run holds no secret', () => {
    const log = logChunks.join('');
    expect(log).toMatch(/signed-sync/);
    expectNoSecret(log, 'the server log');
  });

  it('the database file holds secrets only encrypted, and the admin token only as a hash', () => {
    for (const file of ['splice.db', 'splice.db-wal']) {
      const path = join(dataDir, file);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path).toString('latin1');
      expectNoSecret(bytes, file);
    }
  });
});

describe('webhook signatures', () => {
  const deliver = (headers: Record<string, string>, body: string) =>
    fetch(`${server.url}/hooks/signed-sync`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses unsigned and wrongly signed deliveries with 401, creating no run', async () => {
    const before = (await waitForRun('signed-sync', 1)).length;
    const body = JSON.stringify({ id: 'evt-2', type: 'project.tagsChanged' });
    expect((await deliver({}, body)).status).toBe(401);
    const forged = createHmac('sha256', 'not-the-secret').update(body).digest('hex');
    expect((await deliver({ 'x-payaca-signature': forged }, body)).status).toBe(401);
    // Signed for a different body (replayed signature, altered payload).
    const other = JSON.stringify({ id: 'evt-3' });
    expect((await deliver({ 'x-payaca-signature': payacaSignature(other) }, body)).status).toBe(401);
    expect((await call('GET', '/api/runs?flow=signed-sync')).body.runs.length).toBe(before);
  });

  it('a flow that receives Payaca or HighLevel webhooks cannot be saved as valid, or activated, without trigger.secret', async () => {
    for (const source of ['payaca', 'highlevel']) {
      const yaml = `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: unsigned-${source}\ntrigger:\n  type: webhook\n  source: ${source}\nsteps:\n  - id: echo\n    type: map\n    expression: '$'\n`;
      const validated = await call('POST', '/api/validate', { yaml });
      expect(validated.body.valid, validated.text).toBe(false);
      expect(validated.text).toMatch(/secret/);
      expect((await call('POST', '/api/flows', { yaml })).status).toBe(201);
      const activate = await call('POST', `/api/flows/unsigned-${source}/activate`, {});
      expect(activate.status, activate.text).toBeGreaterThanOrEqual(400);
      expect(activate.status).toBeLessThan(500);
      const hook = await fetch(`${server.url}/hooks/unsigned-${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"x"}' });
      expect(hook.status).toBeGreaterThanOrEqual(400);
      expect(hook.status).toBeLessThan(500);
    }
  });

  it('refuses unsigned deliveries to a Payaca flow stored and activated before trigger.secret was required', async () => {
    // Written straight to the tables, as an older Splice would have left it: active, deployed, no secret.
    const yaml = `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: legacy-hook\ntrigger:\n  type: webhook\n  source: payaca\nsteps:\n  - id: echo\n    type: map\n    expression: '$'\n`;
    const now = new Date().toISOString();
    const db = server.ctx.db;
    await db.insertInto('flows').values({ id: 'legacy-hook', active: 1, head_revision: 1, created_at: now, updated_at: now }).execute();
    await db.insertInto('flow_revisions').values({ flow_id: 'legacy-hook', revision: 1, yaml, author: 'old', message: 'old', rolled_back_from: null, created_at: now }).execute();
    await db.insertInto('deployments').values({ flow_id: 'legacy-hook', environment: 'staging', revision: 1, deployed_at: now, deployed_by: 'old' }).execute();
    const res = await fetch(`${server.url}/hooks/legacy-hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"legacy-1"}' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await call('GET', '/api/runs?flow=legacy-hook')).body.runs).toEqual([]);
  });
});

describe('webhook signatures for flows given in code (StaticFlowResolver)', () => {
  // Flows handed to startServer({ flows }) in code skip schema validation; intake itself must still never
  // take a Payaca or HighLevel delivery unsigned.
  it('intake refuses (401) unsigned deliveries for payaca/highlevel flows that name no trigger.secret, whatever resolver supplied them', async () => {
    for (const source of ['payaca', 'highlevel'] as const) {
      const flow = { ...tagSyncFlow({ name: `code-${source}` }), trigger: { type: 'webhook' as const, source } };
      const codeServer = await startServer({
        config: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'splice-code-flow-')), workers: { count: 1 } },
        logger: createLogger({ level: 'silent' }),
        flows: new StaticFlowResolver([flow]),
        webhookSecrets: new StaticWebhookSecretSource({}),
        createApiRouter: () => undefined,
      });
      try {
        const res = await fetch(`${codeServer.url}/hooks/code-${source}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"u-1"}' });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/trigger\.secret/);
        expect((await codeServer.ctx.runs.list({ flow: `code-${source}` })).runs).toEqual([]);
      } finally {
        await codeServer.close({ graceMs: 500 });
      }
    }
  });
});

describe('the admin token', () => {
  it('is stored only as its SHA-256 hash', async () => {
    const rows = await server.ctx.db.selectFrom('admin_tokens').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
  });

  it('is required on every /api route, including unknown ones', async () => {
    for (const path of ['/api/flows', '/api/credentials', '/api/openapi.json', '/api/no-such-route', '/api/insights/statistics']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(401);
    }
  });
});
