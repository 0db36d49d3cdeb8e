import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '@splice/server/credentials/index';
import { splice } from './run-cli';
import { json, startTestServer } from '../../runtime/test/http-test-server';

const SECRET = 'tok-cli-run-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let dataDir: string;
let flowFile: string;
beforeAll(async () => {
  server = await startTestServer((req, res) => json(res, 200, { auth: req.headers.authorization === `Bearer ${SECRET}` }));
  const dir = await mkdtemp(join(tmpdir(), 'splice-run-creds-'));
  dataDir = join(dir, 'data');
  const store = await CredentialStore.open({ dataDir });
  await store.add({ name: 'svc-token', kind: 'bearer', values: { token: SECRET } });
  await store.close();
  flowFile = join(dir, 'flow.yaml');
  await writeFile(
    flowFile,
    `apiVersion: splice/v1
kind: Flow
metadata:
  name: call-with-credential
trigger:
  type: manual
credentials:
  api:
    connector: http
steps:
  - id: ping
    type: call
    uses: http
    credential: api
    with:
      method: GET
      url: =$env.target
`,
  );
});
afterAll(() => server.close());

describe('splice run with stored credentials', () => {
  it('resolves the flow credential from the data dir through --credential, sends its auth and never prints it', async () => {
    const before = server.requests.length;
    const r = await splice('run', flowFile, '--env', `target=${server.url}/ping`, '--data-dir', dataDir, '--credential', 'api=svc-token', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(server.requests.slice(before)).toHaveLength(1);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(r.out).steps[0].output).toMatchObject({ auth: true });
    expect(r.out).not.toContain(SECRET);
  });

  it('an unbound name fails the step with how to add it, and sends nothing', async () => {
    const before = server.requests.length;
    const r = await splice('run', flowFile, '--env', `target=${server.url}/ping`, '--data-dir', dataDir);
    expect(r.code).toBe(1);
    expect(server.requests.length).toBe(before);
    expect(r.out).toContain("splice credentials add api");
    expect(r.out).toContain("[CREDENTIAL_UNBOUND]");
    expect(r.out).toContain("--credential api=<stored name>");
  });

  it('documents where credentials come from in `splice run --help`', async () => {
    const r = await splice('run', '--help');
    expect(r.out).toContain('--credential <flowName=storedName>');
    expect(r.out).toContain('splice credentials add');
    expect(r.out).toContain('--sandbox');
  });
});

describe('splice run --help', () => {
  it('shows no empty-list defaults for repeatable options', async () => {
    const r = await splice('run', '--help');
    expect(r.out).not.toContain('(default: [])');
    expect(r.out).toContain('--env <KEY=VALUE>');
  });
});

describe('splice run without a credential store', () => {
  it('names the missing store and how to add credentials (exit 2), and creates nothing', async () => {
    const empty = join(await mkdtemp(join(tmpdir(), 'splice-no-store-')), 'data');
    const r = await splice('run', flowFile, '--env', `target=${server.url}/ping`, '--data-dir', empty);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the flow uses credential api, but ${empty} holds no credential store`);
    expect(r.err).toContain('splice credentials add');
    expect(existsSync(empty)).toBe(false);
  });
});
