import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialCode, CredentialStore, loadKeyring, parseMasterKey } from '../../packages/server/src/credentials/index';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'splice-cred-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('master key', () => {
  it('generates master.key with mode 0600 and reuses it', () => {
    const dir = tempDir();
    const a = loadKeyring({ dataDir: dir, env: {} });
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(loadKeyring({ dataDir: dir, env: {} }).current.id).toBe(a.current.id);
  });

  it('processes starting together on a fresh data dir all end up with the same key', async () => {
    const dir = tempDir();
    const startAt = String(Date.now() + 3000);
    const ids = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/print-key-id.ts')], {
              env: { ...process.env, DATA_DIR: dir, START_AT: startAt },
            });
            let out = '';
            child.stdout.on('data', (d) => (out += d));
            child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
          }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(loadKeyring({ dataDir: dir, env: {} }).current.id);
    expect(readdirSync(dir)).toEqual(['master.key']);
  });

  it('refuses a key file readable by others', () => {
    const dir = tempDir();
    loadKeyring({ dataDir: dir, env: {} });
    chmodSync(join(dir, 'master.key'), 0o644);
    expect(() => loadKeyring({ dataDir: dir, env: {} })).toThrow(/readable by other users.*chmod 600/);
  });

  it('accepts SPLICE_MASTER_KEY as base64 or hex of 32 bytes and rejects anything else', () => {
    const raw = Buffer.alloc(32, 7);
    expect(parseMasterKey(raw.toString('base64'), 'x').key.equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString('hex'), 'x').key.equals(raw)).toBe(true);
    for (const bad of ['short', Buffer.alloc(16).toString('base64'), Buffer.alloc(31).toString('hex'), 'z'.repeat(64)]) {
      expect(() => parseMasterKey(bad, 'environment variable SPLICE_MASTER_KEY')).toThrow(
        /SPLICE_MASTER_KEY is not a 32-byte key.*openssl rand/,
      );
    }
    const dir = tempDir();
    expect(() => loadKeyring({ dataDir: dir, env: { SPLICE_MASTER_KEY: 'nope' } })).toThrow(/CREDENTIAL|32-byte/);
  });
});

describe('CredentialStore', () => {
  it('encrypts secrets, returns only metadata from list/get, and decrypts the active version', async () => {
    const dir = tempDir();
    const store = await CredentialStore.open({ dataDir: dir, env: {} });
    const token = 'pit-7f3c1e0a-secret-token-value';
    const info = await store.add({
      name: 'ghl-main',
      kind: 'highlevel-pit',
      values: { token, locationId: 'loc_1' },
      scopes: ['socialplanner/post.readonly'],
    });
    expect(info).toMatchObject({
      name: 'ghl-main',
      kind: 'highlevel-pit',
      connector: 'highlevel',
      status: 'active',
      activeVersion: 1,
      scopes: ['socialplanner/post.readonly'],
      meta: { locationId: 'loc_1' },
    });
    expect(JSON.stringify(await store.list())).not.toContain(token);
    const row = await store.db.selectFrom('credential_versions').selectAll().executeTakeFirstOrThrow();
    expect(Buffer.from(row.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(row.auth_tag, 'base64')).toHaveLength(16);
    expect(row.key_id).toBe(store.keyId);
    expect(row.ciphertext).not.toContain(token);
    expect((await store.readActive('ghl-main')).secret.token).toBe(token);
    await store.close();
  });

  it('binds each ciphertext to its credential and version (copying it elsewhere fails authentication)', async () => {
    const store = await CredentialStore.open({ dataDir: tempDir(), env: {} });
    await store.add({ name: 'a', kind: 'bearer', values: { token: 'token-aaaaaaaa' } });
    await store.add({ name: 'b', kind: 'bearer', values: { token: 'token-bbbbbbbb' } });
    const a = await store.get('a');
    const b = await store.get('b');
    const va = await store.db.selectFrom('credential_versions').selectAll().where('credential_id', '=', a.id).executeTakeFirstOrThrow();
    await store.db
      .updateTable('credential_versions')
      .set({ iv: va.iv, auth_tag: va.auth_tag, ciphertext: va.ciphertext })
      .where('credential_id', '=', b.id)
      .execute();
    await expect(store.readActive('b')).rejects.toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED' });
    await store.close();
  });

  it('rotates a secret to a new version and keeps the old one readable for runs in flight', async () => {
    const store = await CredentialStore.open({ dataDir: tempDir(), env: {} });
    await store.add({ name: 'pay', kind: 'payaca-api-key', values: { clientId: 'cid', clientSecret: 'old-secret-1' } });
    const rotated = await store.rotate('pay', { clientSecret: 'new-secret-2' });
    expect(rotated.activeVersion).toBe(2);
    expect((await store.readActive('pay')).secret.clientSecret).toBe('new-secret-2');
    expect((await store.readVersion('pay', 1)).secret.clientSecret).toBe('old-secret-1');
    const values = await store.secretValues();
    expect(values).toEqual(expect.arrayContaining(['old-secret-1', 'new-secret-2', Buffer.from('cid:new-secret-2').toString('base64')]));
    await store.close();
  });

  it('rotate-key re-encrypts everything under a new key file; data stays readable after reopening', async () => {
    const dir = tempDir();
    let store = await CredentialStore.open({ dataDir: dir, env: {} });
    await store.add({ name: 'one', kind: 'bearer', values: { token: 'tok-one-1234' } });
    await store.add({ name: 'two', kind: 'api-key-header', values: { apiKey: 'key-two-1234', headerName: 'X-Key' } });
    const oldFile = readFileSync(join(dir, 'master.key'), 'utf8');
    const r = await store.rotateKey();
    expect(r.reencrypted).toBe(2);
    expect(r.newKeyId).not.toBe(r.oldKeyId);
    expect(readFileSync(join(dir, 'master.key'), 'utf8')).not.toBe(oldFile);
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    const ids = await store.db.selectFrom('credential_versions').select('key_id').execute();
    expect(new Set(ids.map((x) => x.key_id))).toEqual(new Set([r.newKeyId]));
    await store.close();
    store = await CredentialStore.open({ dataDir: dir, env: {} });
    expect((await store.readActive('two')).secret.apiKey).toBe('key-two-1234');
    await store.close();
    // The old key cannot read the new ciphertexts.
    writeFileSync(join(dir, 'master.key'), oldFile, { mode: 0o600 });
    store = await CredentialStore.open({ dataDir: dir, env: {} });
    await expect(store.readActive('one')).rejects.toMatchObject({ code: 'CREDENTIAL_DECRYPT_FAILED' });
    await store.close();
  });

  it('rejects unknown kinds, missing required fields and malformed webhook keys with clear errors', async () => {
    const store = await CredentialStore.open({ dataDir: tempDir(), env: {} });
    await expect(store.add({ name: 'x', kind: 'magic', values: {} })).rejects.toThrow(
      /unknown credential kind "magic". Use one of: highlevel-pit/,
    );
    await expect(store.add({ name: 'x', kind: 'payaca-api-key', values: { clientSecret: 's3cret-value' } })).rejects.toThrow(
      /needs clientId/,
    );
    await expect(store.add({ name: 'x', kind: 'highlevel-webhook-key', values: { publicKey: 'not a key' } })).rejects.toThrow(
      /not a PEM public key/,
    );
    await store.add({ name: 'x', kind: 'bearer', values: { token: 'abcdefgh' } });
    await expect(store.add({ name: 'x', kind: 'bearer', values: { token: 'abcdefgh' } })).rejects.toMatchObject({
      code: 'CREDENTIAL_EXISTS',
    });
    await store.close();
  });
});

describe('error codes', () => {
  it('every credential error code is documented in docs/errors.md', () => {
    const doc = readFileSync(join(__dirname, '../../docs/errors.md'), 'utf8');
    const missing = Object.values(CredentialCode).filter((code) => !doc.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });
});
