import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { EnvironmentStore } from '../../packages/server/src/environments/environment-store';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { runCliToEnd } from '../support/in-process-cli';
import { addPitArgs, runCliProcess, tempDataDir } from './helpers';

let sandbox: Sandbox;
const data = tempDataDir();
const cli = (...args: string[]) => runCliToEnd([...args, '--data-dir', data.dir]);

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false });
});
afterAll(async () => {
  await sandbox?.close();
  data.cleanup();
  delete process.env.TEST_PAYACA_SECRET;
});

describe('splice credentials', () => {
  it('adds a Payaca API key from an env variable and tests it against the sandbox (Basic auth)', async () => {
    process.env.TEST_PAYACA_SECRET = sandbox.credentials.payaca.clientSecret;
    const add = await cli(
      'credentials',
      'add',
      'payaca-main',
      '--kind',
      'payaca-api-key',
      '--client-id',
      sandbox.credentials.payaca.clientId,
      '--from-env',
      'TEST_PAYACA_SECRET',
    );
    expect(add).toMatchObject({ code: 0, out: 'added payaca-main (payaca-api-key, version 1)\n' });
    const test = await cli('credentials', 'test', 'payaca-main', '--base-url', sandbox.payaca.url);
    expect(test.code, test.err).toBe(0);
    expect(test.out).toMatch(/^ok: GET http:\/\/127\.0\.0\.1:\d+\/v1\/customers\?limit=1: payaca-main works \(200/);
    // The same through the staging environment's base URL.
    const store = await CredentialStore.open({ dataDir: data.dir });
    await new EnvironmentStore(store.db).update('staging', { baseUrls: { payaca: sandbox.payaca.url } });
    await store.close();
    const viaEnv = await cli('credentials', 'test', 'payaca-main', '--environment', 'staging');
    expect(viaEnv.out).toContain(`ok: GET ${sandbox.payaca.url}/customers?limit=1`);
  });

  it('reports a rejected credential with exit code 1 and how to fix it', async () => {
    const r = await runCliProcess(addPitArgs('ghl-bad', sandbox.credentials.highlevel.locationId, data.dir), { input: 'pit-not-a-real-token\n' });
    expect(r.status, r.stderr).toBe(0);
    const test = await cli('credentials', 'test', 'ghl-bad', '--base-url', sandbox.highlevel.url);
    expect(test.code).toBe(1);
    expect(test.out).toMatch(/^FAILED: GET .*\/tags: the API rejected the credential \(401\).*splice credentials rotate/);
  });

  it('never takes a secret as a plain argument and explains the ways that work', async () => {
    const argv = await cli('credentials', 'add', 'x', '--kind', 'bearer', '--token', 'abc');
    expect(argv.code).toBe(2);
    const none = await cli('credentials', 'add', 'x', '--kind', 'bearer');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/needs its token: pipe it in with --token-stdin or name a variable with --from-env VAR/);
    const unset = await cli('credentials', 'add', 'x', '--kind', 'bearer', '--from-env', 'SURELY_NOT_SET_VAR');
    expect(unset).toMatchObject({ code: 2, err: expect.stringContaining('SURELY_NOT_SET_VAR') });
    const kind = await cli('credentials', 'add', 'x', '--kind', 'oauth-magic', '--from-env', 'PATH');
    expect(kind).toMatchObject({ code: 1, err: expect.stringContaining('unknown credential kind "oauth-magic"') });
  });

  it('stores webhook verification keys and secrets, checks them locally, and never shows them', async () => {
    process.env.TEST_GHL_WEBHOOK_KEY = sandbox.credentials.highlevel.webhookPublicKey;
    process.env.TEST_PAYACA_WEBHOOK = sandbox.credentials.payaca.webhookSecret;
    expect(
      (await cli('credentials', 'add', 'ghl-hook', '--kind', 'highlevel-webhook-key', '--from-env', 'TEST_GHL_WEBHOOK_KEY')).code,
    ).toBe(0);
    const legacy = await cli(
      'credentials',
      'add',
      'ghl-hook-rsa',
      '--kind',
      'highlevel-webhook-key',
      '--public-key-env',
      'TEST_GHL_WEBHOOK_KEY',
      '--algorithm',
      'rsa-sha256',
    );
    expect(legacy).toMatchObject({ code: 1, err: expect.stringContaining('is a ed25519 key but algorithm is rsa-sha256') });
    expect(
      (await cli('credentials', 'add', 'payaca-hook', '--kind', 'payaca-webhook-secret', '--secret-env', 'TEST_PAYACA_WEBHOOK')).code,
    ).toBe(0);
    const t = await cli('credentials', 'test', 'ghl-hook');
    expect(t).toMatchObject({ code: 0, out: expect.stringContaining('ok: local check') });
    const show = await cli('credentials', 'show', 'payaca-hook');
    expect(show.out).toContain('secrets:    secret (encrypted, never shown)');
    expect(show.out).not.toContain(sandbox.credentials.payaca.webhookSecret);
  });

  it('rotates, lists, shows and removes', async () => {
    process.env.TEST_PAYACA_SECRET = 'rotated-secret-value';
    expect(await cli('credentials', 'rotate', 'payaca-main', '--from-env', 'TEST_PAYACA_SECRET')).toMatchObject({
      code: 0,
      out: 'rotated payaca-main: version 2 is active\n',
    });
    const list = await cli('credentials', 'list');
    expect(list.out).toMatch(/^NAME +KIND +CONNECTOR +STATUS +VERSION +EXPIRES +SCOPES\n/);
    expect(list.out).toMatch(/payaca-main +payaca-api-key +payaca +active +2 /);
    const json = JSON.parse((await cli('credentials', 'show', 'payaca-main', '--json')).out);
    expect(json).toMatchObject({ name: 'payaca-main', activeVersion: 2, meta: { clientId: sandbox.credentials.payaca.clientId } });
    expect(JSON.stringify(json)).not.toContain('rotated-secret-value');
    expect(await cli('credentials', 'remove', 'ghl-bad')).toMatchObject({ code: 0 });
    expect(await cli('credentials', 'show', 'ghl-bad')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no credential named ghl-bad'),
    });
  });

  it('rotate-key with SPLICE_MASTER_KEY needs the new key from a variable, then only the new key reads the data', async () => {
    const env = tempDataDir();
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('hex');
    const run = (args: string[], extra: NodeJS.ProcessEnv, input?: string) =>
      runCliProcess([...args, '--data-dir', env.dir], { env: extra, input });
    const add = await run(
      ['credentials', 'add', 'tok', '--kind', 'bearer', '--token-stdin'],
      { SPLICE_MASTER_KEY: oldKey },
      'bearer-secret-123',
    );
    expect(add.status, add.stderr).toBe(0);
    const bad = await run(['credentials', 'list'], { SPLICE_MASTER_KEY: 'too-short' });
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stderr).toMatch(/SPLICE_MASTER_KEY is not a 32-byte key in base64 or hex.*openssl rand -base64 32/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const noNew = await run(['credentials', 'rotate-key'], { SPLICE_MASTER_KEY: oldKey });
    expect(noNew.status, noNew.stderr).toBe(2);
    const rot = await run(['credentials', 'rotate-key', '--new-key-env', 'NEXT_KEY'], { SPLICE_MASTER_KEY: oldKey, NEXT_KEY: newKey });
    expect(rot.status, rot.stderr).toBe(0);
    expect(rot.stdout).toMatch(/re-encrypted 1 secret version\(s\)/);
    const store = await CredentialStore.open({ dataDir: env.dir, env: { SPLICE_MASTER_KEY: newKey } });
    expect((await store.readActive('tok')).secret.token).toBe('bearer-secret-123');
    await store.close();
    const stale = await CredentialStore.open({ dataDir: env.dir, env: { SPLICE_MASTER_KEY: oldKey } });
    await expect(stale.readActive('tok')).rejects.toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED' });
    await stale.close();
    env.cleanup();
  });
});
