import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, LocationTokens, TokenRefresher, saveOAuthTokens } from '../../packages/server/src/credentials/index';
import { agencyParts, connectAgency } from './agency-helpers';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { tempDataDir } from './helpers';

/**
 * The same store and cross-process refresh lock on real PostgreSQL (127.0.0.1:5432, db `test`), in a
 * schema of its own so other tests using the database are not disturbed.
 */
// pg is the server package's dependency; load it from there.
const pg = createRequire(join(__dirname, '../../packages/server/package.json'))('pg') as {
  Client: new (o: { connectionString: string }) => {
    connect(): Promise<void>;
    query(q: string): Promise<{ rows: unknown[] }>;
    end(): Promise<void>;
  };
};
const BASE = process.env.SPLICE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `cred_test_${process.pid}_${Date.now()}`;
const url = `${BASE}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

let sandbox: Sandbox;
const data = tempDataDir();
const admin = new pg.Client({ connectionString: BASE });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: 3600 });
});
afterAll(async () => {
  await admin.query(`drop schema if exists ${schema} cascade`).catch(() => {});
  await admin.end();
  await sandbox?.close();
  data.cleanup();
});

describe('CredentialStore on PostgreSQL', () => {
  it('stores, rotates and re-keys, and two stores (two pools, as two processes) refresh a token once', async () => {
    const a = await CredentialStore.open({ dataDir: data.dir, url });
    const b = await CredentialStore.open({ dataDir: data.dir, url });
    const hl = sandbox.credentials.highlevel;
    const t = sandbox.admin.highlevel.issueToken({ ttlSeconds: 3600 });
    await saveOAuthTokens(
      a,
      { name: 'ghl', clientId: hl.oauth.clientId, clientSecret: hl.oauth.clientSecret, tokenUrl: `${sandbox.highlevel.url}/oauth/token` },
      {
        accessToken: t.access_token,
        refreshToken: t.refresh_token!,
        expiresAt: new Date(Date.now() - 1000).toISOString(),
        scopes: t.scope.split(' '),
      },
    );
    const stored = await admin.query(`select ciphertext from ${schema}.credential_versions`);
    expect(JSON.stringify(stored.rows)).not.toContain(t.access_token);

    const before = { ...sandbox.admin.highlevel.counters() };
    const ra = new TokenRefresher({ store: a });
    const rb = new TokenRefresher({ store: b });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? ra : rb).ensureFresh('ghl')));
    const after = sandbox.admin.highlevel.counters();
    expect(after.tokensRefreshed - before.tokensRefreshed).toBe(1);
    expect(after.invalidGrant).toBe(before.invalidGrant);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([2]));
    expect(ra.stats.refreshes + rb.stats.refreshes).toBe(1);

    const r = await a.rotateKey();
    expect(r.reencrypted).toBe(2);
    const reopened = await CredentialStore.open({ dataDir: data.dir, url });
    expect((await reopened.readActive('ghl')).secret.accessToken).toBe(results[0]!.secret.accessToken);
    await Promise.all([a.close(), b.close(), reopened.close()]);
  });

  it('an agency connection on PostgreSQL: two stores (two pools) asking for every location at once get one token per location', async () => {
    const a = await CredentialStore.open({ dataDir: data.dir, url });
    const b = await CredentialStore.open({ dataDir: data.dir, url });
    const info = await connectAgency(a, sandbox, 'agency', agencyParts(a).locationTokens);
    expect((await a.locations.list(info.id)).length).toBe(3);
    const before = sandbox.admin.highlevel.counters().locationTokensIssued;
    const ta = new LocationTokens({ store: a, refresher: new TokenRefresher({ store: a }) });
    const tb = new LocationTokens({ store: b, refresher: new TokenRefresher({ store: b }) });
    const ids = sandbox.credentials.highlevel.locations.map((l) => l.id);
    const got = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? ta : tb).tokenFor(info, ids[i % 3]!)));
    expect(sandbox.admin.highlevel.counters().locationTokensIssued - before).toBe(3);
    expect(ta.stats.exchanges + tb.stats.exchanges).toBe(3);
    for (const id of ids) expect(new Set(got.filter((t) => t.locationId === id).map((t) => t.token)).size).toBe(1);
    const sealed = await admin.query(`select ciphertext from ${schema}.credential_locations`);
    for (const t of got) expect(JSON.stringify(sealed.rows)).not.toContain(t.token);
    await Promise.all([a.close(), b.close()]);
  });
});
