import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  TokenRefresher,
  createStoreCredentialResolver,
  isExpiring,
  refreshSkewMs,
  saveOAuthTokens,
} from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { runCli } from '../support/in-process-cli';
import { approveOnConsentPage, highLevelLoginArgs, printedInstallUrl, tempDataDir } from './helpers';

let sandbox: Sandbox;
let store: CredentialStore;
const data = tempDataDir();

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: 3600 });
  store = await CredentialStore.open({ dataDir: data.dir });
});
afterAll(async () => {
  await store?.close();
  await sandbox?.close();
  data.cleanup();
});

/** An OAuth credential holding fresh sandbox tokens. */
async function connect(name: string, ttlSeconds = 3600) {
  const hl = sandbox.credentials.highlevel;
  const t = sandbox.admin.highlevel.issueToken({ ttlSeconds, scopes: ['socialplanner/tag.readonly'] });
  return saveOAuthTokens(
    store,
    { name, clientId: hl.oauth.clientId, clientSecret: hl.oauth.clientSecret, tokenUrl: `${sandbox.highlevel.url}/oauth/token` },
    {
      accessToken: t.access_token,
      refreshToken: t.refresh_token!,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
      scopes: t.scope.split(' '),
      userType: 'Location',
      locationId: hl.locationId,
    },
  );
}

async function getTags(token: string): Promise<number> {
  const res = await fetch(`${sandbox.highlevel.url}/social-media-posting/${sandbox.credentials.highlevel.locationId}/tags`, {
    headers: { Authorization: `Bearer ${token}`, Version: '2021-07-28' },
  });
  await res.arrayBuffer();
  return res.status;
}

describe('refresh skew', () => {
  it('is 60 s or 10% of the lifetime, whichever is smaller', () => {
    const at = (s: number) => ({ versionCreatedAt: new Date(0).toISOString(), expiresAt: new Date(s * 1000).toISOString() });
    expect(refreshSkewMs(at(5))).toBe(500);
    expect(refreshSkewMs(at(86399))).toBe(60_000);
    expect(isExpiring(at(5), 4_400)).toBe(false);
    expect(isExpiring(at(5), 4_600)).toBe(true);
  });
});

describe('TokenRefresher', () => {
  it('refreshes once on a 401 and the retried call succeeds; concurrent 401s share one refresh', async () => {
    await connect('ghl-401');
    const resolver = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) });
    const cred = await resolver.resolve('ghl-401');
    expect(cred.auth.kind).toBe('bearer');
    sandbox.admin.highlevel.expireAccessTokens();
    const token = (cred.auth as { token: string }).token;
    expect(await getTags(token)).toBe(401);
    const before = sandbox.admin.highlevel.counters().tokensRefreshed;
    const fresh = await Promise.all(Array.from({ length: 10 }, () => resolver.onUnauthorized!(cred)));
    expect(sandbox.admin.highlevel.counters().tokensRefreshed).toBe(before + 1);
    expect(new Set(fresh.map((f) => f.version))).toEqual(new Set([cred.version + 1]));
    expect(await getTags((fresh[0]!.auth as { token: string }).token)).toBe(200);
    // A late 401 for the old version uses the newer one instead of spending another refresh token.
    const late = await createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) }).onUnauthorized!(cred);
    expect(late.version).toBe(cred.version + 1);
    expect(sandbox.admin.highlevel.counters().tokensRefreshed).toBe(before + 1);
  });

  it('on invalid_grant marks the credential needs_reconnect; runs fail fast until `auth login` reconnects it', async () => {
    await connect('ghl-dead', 1);
    // Spend the stored refresh token behind Splice's back (as a second installation would).
    const cur = await store.readActive('ghl-dead');
    const spend = await fetch(`${sandbox.highlevel.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: cur.info.meta.clientId!,
        client_secret: cur.secret.clientSecret!,
        grant_type: 'refresh_token',
        refresh_token: cur.secret.refreshToken!,
      }),
    });
    expect(spend.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const refresher = new TokenRefresher({ store });
    const resolver = createStoreCredentialResolver({ store, refresher });
    await expect(resolver.resolve('ghl-dead')).rejects.toMatchObject({
      code: 'CREDENTIAL_NEEDS_RECONNECT',
      message: expect.stringContaining('splice auth login highlevel --name ghl-dead'),
    });
    expect(refresher.stats.invalidGrants).toBe(1);
    const info = await store.get('ghl-dead');
    expect(info).toMatchObject({ status: 'needs_reconnect', reconnectHint: 'run `splice auth login highlevel --name ghl-dead`' });
    expect(info.statusReason).toMatch(/invalid_grant/);
    expect(info.statusAt).toBeTruthy();
    // Fail fast: no more token requests for a dead credential.
    const grants = sandbox.admin.highlevel.counters().invalidGrant;
    await expect(createStoreCredentialResolver({ store, refresher }).resolve('ghl-dead')).rejects.toMatchObject({
      code: 'CREDENTIAL_NEEDS_RECONNECT',
    });
    expect(sandbox.admin.highlevel.counters().invalidGrant).toBe(grants);
    const show = runCli(['credentials', 'show', 'ghl-dead', '--data-dir', data.dir]);
    expect(await show.done).toBe(0);
    expect(show.out.join('')).toMatch(/status: +needs_reconnect \(the token endpoint answered invalid_grant/);

    // Reconnect with just the name: client id, secret and scopes come from the stored credential.
    const login = runCli(highLevelLoginArgs({ name: 'ghl-dead', baseUrl: sandbox.highlevel.url, dataDir: data.dir }));
    const url = await printedInstallUrl(login);
    expect((await approveOnConsentPage(url)).status).toBe(200);
    expect(await login.done).toBe(0);
    const back = await store.get('ghl-dead');
    expect(back.status).toBe('active');
    expect(back.activeVersion).toBe(info.activeVersion + 1);
    const ok = await createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) }).resolve('ghl-dead');
    expect(await getTags((ok.auth as { token: string }).token)).toBe(200);
  });

  it('a run keeps the version it started with while a rotation makes a new one active', async () => {
    await store.add({ name: 'pay-rot', kind: 'payaca-api-key', values: { clientId: 'cid', clientSecret: 'secret-v1' } });
    const runA = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) });
    const a1 = await runA.resolve('pay-rot');
    await store.rotate('pay-rot', { clientSecret: 'secret-v2' });
    const a2 = await runA.resolve('pay-rot');
    expect(a2.version).toBe(a1.version);
    expect(a2.auth).toEqual({ kind: 'basic', username: 'cid', password: 'secret-v1' });
    const runB = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }) });
    expect((await runB.resolve('pay-rot')).auth).toEqual({ kind: 'basic', username: 'cid', password: 'secret-v2' });
    // A shared resolver pins per runId.
    const shared = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }), shared: true });
    const s1 = await shared.resolve('pay-rot', { runId: 'run-1' });
    await store.rotate('pay-rot', { clientSecret: 'secret-v3' });
    expect((await shared.resolve('pay-rot', { runId: 'run-1' })).version).toBe(s1.version);
    expect((await shared.resolve('pay-rot', { runId: 'run-2' })).version).toBe(s1.version + 1);
    expect((await store.readVersion('pay-rot', 1)).secret.clientSecret).toBe('secret-v1');
  });

  it('refuses a credential bound to the wrong connector and names unknown credentials', async () => {
    const resolver = createStoreCredentialResolver({ store, refresher: new TokenRefresher({ store }), bindings: { payaca: 'ghl-401' } });
    await expect(resolver.resolve('payaca', { connector: 'payaca', stepId: 'createCustomer' })).rejects.toMatchObject({
      code: 'CREDENTIAL_WRONG_CONNECTOR',
    });
    await expect(resolver.resolve('nope')).rejects.toMatchObject({
      code: 'CREDENTIAL_UNBOUND',
      message: expect.stringContaining('splice credentials add nope'),
    });
  });

  it('takes over a lease left behind by a crashed process once it has expired', async () => {
    await connect('ghl-stale', 1);
    const info = await store.get('ghl-stale');
    // A process died while holding the lock: its lease runs out 300 ms from now.
    await store.db
      .insertInto('credential_locks')
      .values({ credential_id: info.id, owner: 'dead-host:1:x', lease_until: new Date(Date.now() + 300).toISOString() })
      .execute();
    await new Promise((r) => setTimeout(r, 1100));
    const refresher = new TokenRefresher({ store });
    const fresh = await refresher.ensureFresh('ghl-stale');
    expect(fresh.version).toBe(info.activeVersion + 1);
    expect(refresher.stats.refreshes).toBe(1);
    expect(await store.db.selectFrom('credential_locks').selectAll().where('credential_id', '=', info.id).execute()).toEqual([]);
  });

  it('secretValues follows new versions (for the run redactor)', async () => {
    const first = await store.secretValues();
    await store.add({ name: 'late-bearer', kind: 'bearer', values: { token: 'late-bearer-token-1' } });
    const second = await store.secretValues();
    expect(first).not.toContain('late-bearer-token-1');
    expect(second).toContain('late-bearer-token-1');
  });

  it('keeps recently superseded versions available for webhook verification during a rotation', async () => {
    await store.add({ name: 'hook', kind: 'payaca-webhook-secret', values: { secret: 'hook-secret-one' } });
    await store.rotate('hook', { secret: 'hook-secret-two' });
    expect((await store.readRecentVersions('hook')).map((v) => v.secret.secret)).toEqual(['hook-secret-two', 'hook-secret-one']);
    expect((await store.readRecentVersions('hook', 0)).map((v) => v.secret.secret)).toEqual(['hook-secret-two']);
  });
});
