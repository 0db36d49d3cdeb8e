import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, resolveLoginSettings } from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { runCli } from '../support/in-process-cli';
import { addPitArgs, approveOnConsentPage, highLevelLoginArgs, type LoginApp, printedInstallUrl, runCliProcess, tempDataDir, waitFor } from './helpers';

const SCOPES = 'socialplanner/post.readonly socialplanner/tag.readonly';

let sandbox: Sandbox;
const data = tempDataDir();
const logs: string[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: 3600, logLevel: 'silent' });
});
afterAll(async () => {
  await sandbox?.close();
  data.cleanup();
});

/** The sandbox's OAuth app, its secret in TEST_GHL_CLIENT_SECRET (set by login()). */
const ghlApp = (scopes: Pick<LoginApp, 'scopes' | 'scopesFrom'>): LoginApp => ({
  clientId: sandbox.credentials.highlevel.oauth.clientId,
  clientSecretEnv: 'TEST_GHL_CLIENT_SECRET',
  ...scopes,
});

/** `splice auth login highlevel` in-process, with this test acting as the person on the consent page. */
async function login(name: string) {
  process.env.TEST_GHL_CLIENT_SECRET = sandbox.credentials.highlevel.oauth.clientSecret;
  const cli = runCli(highLevelLoginArgs({ name, baseUrl: sandbox.highlevel.url, dataDir: data.dir, app: ghlApp({ scopes: SCOPES }) }));
  const installUrl = await printedInstallUrl(cli);
  const callback = await approveOnConsentPage(installUrl);
  const code = await cli.done;
  logs.push(cli.text());
  return { cli, code, installUrl, callback };
}

describe('splice auth login highlevel against the sandbox', () => {
  it('prints the install URL, takes the callback, exchanges the code and stores the tokens', async () => {
    const { cli, code, installUrl, callback } = await login('ghl-oauth');
    const u = new URL(installUrl);
    expect(u.origin).toBe(sandbox.highlevel.url);
    expect(u.pathname).toBe('/oauth/chooselocation');
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: sandbox.credentials.highlevel.oauth.clientId,
      scope: SCOPES,
    });
    expect(u.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(u.searchParams.get('state')).toBeTruthy();
    expect(callback.status).toBe(200);
    expect(callback.body).toContain(`Connected ghl-oauth to location ${callback.locationId}`);
    expect(code).toBe(0);
    expect(cli.out.join('')).toContain(`location:  ${callback.locationId}`);
    expect(cli.out.join('')).toContain(`granted:   ${SCOPES}`);
    expect(sandbox.admin.highlevel.counters().tokensIssued).toBeGreaterThanOrEqual(1);

    const store = await CredentialStore.open({ dataDir: data.dir });
    const c = await store.readActive('ghl-oauth');
    expect(c.info).toMatchObject({
      kind: 'highlevel-oauth',
      status: 'active',
      scopes: SCOPES.split(' '),
      meta: { locationId: callback.locationId, userType: 'Location', tokenUrl: `${sandbox.highlevel.url}/oauth/token` },
    });
    expect(c.secret.accessToken).toMatch(/^sbx_at_/);
    expect(c.secret.refreshToken).toMatch(/^sbx_rt_/);
    await store.close();
  });

  it("tests the stored connection with a harmless GET of the location's tags", async () => {
    const t = runCli(['credentials', 'test', 'ghl-oauth', '--base-url', sandbox.highlevel.url, '--data-dir', data.dir]);
    expect(await t.done).toBe(0);
    expect(t.out.join('')).toMatch(/^ok: GET http:\/\/127\.0\.0\.1:\d+\/social-media-posting\/[^/]+\/tags: ghl-oauth works \(200/);
    logs.push(t.text());
  });

  it('refuses a callback with a state it did not issue', async () => {
    const cli = runCli(highLevelLoginArgs({ name: 'other', baseUrl: sandbox.highlevel.url, dataDir: data.dir, app: ghlApp({ scopes: SCOPES }) }));
    const redirect = await waitFor(() => /Waiting for the callback on (\S+) /.exec(cli.out.join(''))?.[1], 'the callback URL');
    const forged = await fetch(`${redirect}?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/does not belong to an install in progress/);
    expect(await cli.done).toBe(1);
    expect(await (await CredentialStore.open({ dataDir: data.dir })).find('other')).toBeUndefined();
  });

  it('after storing a PIT and an OAuth credential, no token text is in the database files or the logs', async () => {
    // A PIT through the real CLI process, the secret on stdin.
    const pit = sandbox.credentials.highlevel.privateIntegrationToken;
    const add = await runCliProcess(addPitArgs('ghl-pit', sandbox.credentials.highlevel.locationId, data.dir), { input: pit });
    expect(add.status, add.stderr).toBe(0);
    logs.push(add.stdout, add.stderr);
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', 'ghl-pit'],
      ['show', 'ghl-oauth', '--json'],
      ['test', 'ghl-pit', '--base-url', sandbox.highlevel.url],
    ]) {
      const r = await runCliProcess(['credentials', ...args, '--data-dir', data.dir]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      logs.push(r.stdout, r.stderr);
    }
    // A refresh too, so rotated tokens are on disk as well.
    sandbox.admin.highlevel.expireAccessTokens();
    const store = await CredentialStore.open({ dataDir: data.dir });
    await store.db
      .updateTable('credentials')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('name', '=', 'ghl-oauth')
      .execute();
    await store.db
      .updateTable('credential_versions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const t = runCli(['credentials', 'test', 'ghl-oauth', '--base-url', sandbox.highlevel.url, '--data-dir', data.dir]);
    expect(await t.done).toBe(0);
    logs.push(t.text());

    const secrets = await store.secretValues();
    const oauth = await store.readActive('ghl-oauth');
    expect(oauth.version).toBeGreaterThanOrEqual(2);
    const v1 = await store.readVersion('ghl-oauth', 1);
    const needles = [
      pit,
      oauth.secret.accessToken!,
      oauth.secret.refreshToken!,
      v1.secret.accessToken!,
      v1.secret.refreshToken!,
      sandbox.credentials.highlevel.oauth.clientSecret,
    ];
    expect(secrets).toEqual(expect.arrayContaining(needles));

    // Read the files while the database is open, so the write-ahead log is there too.
    const files = readdirSync(data.dir).filter((f) => f.startsWith('splice.db'));
    expect(files).toEqual(expect.arrayContaining(['splice.db', 'splice.db-wal']));
    const haystacks = [
      ...files.map((f) => ({ where: f, bytes: readFileSync(join(data.dir, f)) })),
      { where: 'logs', bytes: Buffer.from(logs.join('\n')) },
    ];
    await store.close();
    // Positive control: plain metadata (the location id) is found by the same search, so a miss means encrypted.
    expect(haystacks.some((h) => h.where.startsWith('splice.db') && h.bytes.includes(Buffer.from(oauth.info.meta.locationId!)))).toBe(true);
    for (const needle of needles) {
      for (const h of haystacks) {
        expect(h.bytes.includes(Buffer.from(needle)), `${needle.slice(0, 8)}… found in ${h.where}`).toBe(false);
        expect(h.bytes.includes(Buffer.from(needle, 'utf16le')), `${needle.slice(0, 8)}… (utf16) found in ${h.where}`).toBe(false);
      }
    }
  });

  it('takes login settings from a stored app: production install page by default, the sandbox for a sandbox connection', async () => {
    const store = await CredentialStore.open({ dataDir: data.dir });
    await store.add({
      name: 'ghl-app',
      kind: 'highlevel-oauth',
      values: { clientId: 'app-123', clientSecret: 'app-secret-456' },
      scopes: ['socialplanner/tag.readonly'],
    });
    expect(await resolveLoginSettings(store, { name: 'ghl-app' })).toEqual({
      clientId: 'app-123',
      clientSecret: 'app-secret-456',
      scopes: ['socialplanner/tag.readonly'],
      tokenUrl: 'https://services.leadconnectorhq.com/oauth/token',
      installUrl: 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation',
    });
    expect(await resolveLoginSettings(store, { name: 'ghl-oauth' })).toMatchObject({
      tokenUrl: `${sandbox.highlevel.url}/oauth/token`,
      installUrl: `${sandbox.highlevel.url}/oauth/chooselocation`,
      scopes: SCOPES.split(' '),
    });
    await expect(resolveLoginSettings(store, { name: 'brand-new' })).rejects.toThrow(
      /the OAuth client id is required for brand-new: pass --client-id/,
    );
    await expect(resolveLoginSettings(store, { name: 'ghl-pit' })).rejects.toThrow(/is a highlevel-pit, not an OAuth connection/);
    await store.close();
  });

  it('asks for exactly the scopes a flow needs with --scopes-from', async () => {
    const flowFile = join(data.dir, 'tags.flow.yaml');
    writeFileSync(
      flowFile,
      [
        'apiVersion: splice/v1',
        'kind: Flow',
        'metadata: { name: scoped }',
        'credentials: { ghl: { connector: highlevel } }',
        'trigger: { type: manual }',
        'steps:',
        '  - { id: fetchTags, type: call, uses: highlevel.get-tags-location-id, credential: ghl, with: { params: { locationId: loc_1 } } }',
        '  - { id: fetchAccounts, type: call, uses: highlevel.get-account, credential: ghl, with: { params: { locationId: loc_1 } } }',
        '',
      ].join('\n'),
    );
    const cli = runCli(
      highLevelLoginArgs({ name: 'ghl-scoped', baseUrl: sandbox.highlevel.url, dataDir: data.dir, app: ghlApp({ scopesFrom: flowFile }) }),
    );
    const installUrl = await printedInstallUrl(cli);
    expect(new URL(installUrl).searchParams.get('scope')).toBe('socialplanner/account.readonly socialplanner/tag.readonly');
    expect((await approveOnConsentPage(installUrl)).status).toBe(200);
    expect(await cli.done, cli.text()).toBe(0);
    expect(cli.out.join('')).toContain('granted:   socialplanner/account.readonly socialplanner/tag.readonly');
  });
});
