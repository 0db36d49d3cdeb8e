import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { runCliProcess, SPLICE_BIN } from '../credentials/helpers';

/**
 * `splice` as a new user meets it, as real child processes: bad arguments, bad files, bad data dirs,
 * unreachable servers, Ctrl-C. Each answer is one clear `error:` line with the documented exit code
 * (packages/cli/src/exit-codes.ts), never a stack trace or "internal error", and nothing half-written.
 */
let dir = '';
let notSplice: Server;
let notSpliceUrl = '';
const closedPort = 9; // discard: nothing listens on it on loopback

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'splice-cli-hardening-'));
  mkdirSync(join(dir, 'a-directory'));
  writeFileSync(join(dir, 'a-file'), 'not a directory\n');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff]));
  writeFileSync(join(dir, 'greet.yaml'), 'apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: greet\ntrigger:\n  type: manual\nsteps:\n  - id: hi\n    type: map\n    expression: \'"hi"\'\n');
  writeFileSync(join(dir, 'greet.test.yaml'), '');
  notSplice = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
  notSpliceUrl = await new Promise<string>((r) => notSplice.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(notSplice.address() as AddressInfo).port}`)));
});
afterAll(() => {
  notSplice?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Case {
  args: (d: string) => string[];
  exit: number;
  says: RegExp;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** The report goes to stdout (flow test failures are results, not errors). */
  onStdout?: boolean;
}

const data = (d: string) => ['--data-dir', join(d, 'data')];
const cases: Record<string, Case> = {
  'unknown command': { args: () => ['frobnicate'], exit: 2, says: /unknown command/ },
  'secret on argv is not an option': { args: (d) => ['credentials', 'add', 'x', '--kind', 'highlevel-pit', '--token', 'pit-abc', ...data(d)], exit: 2, says: /unknown option '--token'/ },
  'empty stdin for --token-stdin': { args: (d) => ['credentials', 'add', 'x', '--kind', 'highlevel-pit', '--token-stdin', ...data(d)], exit: 2, says: /stdin was empty/ },
  'unset env var for --from-env': { args: (d) => ['credentials', 'add', 'x', '--kind', 'highlevel-pit', '--from-env', 'SPLICE_HARDENING_UNSET', ...data(d)], exit: 2, says: /SPLICE_HARDENING_UNSET.*not set/ },
  'secret with a NUL byte': { args: (d) => ['credentials', 'add', 'x', '--kind', 'highlevel-pit', '--token-stdin', ...data(d)], input: 'pit\u0000abc', exit: 1, says: /token contains a control character/ },
  'whitespace-only secret': { args: (d) => ['credentials', 'add', 'x', '--kind', 'highlevel-pit', '--token-stdin', ...data(d)], input: '   ', exit: 1, says: /needs token/ },
  'unknown credential kind': { args: (d) => ['credentials', 'add', 'x', '--kind', 'nope', '--from-env', 'HOME', ...data(d)], exit: 1, says: /unknown credential kind "nope".*highlevel-pit/ },
  'data dir is a file': { args: (d) => ['credentials', 'list', '--data-dir', join(d, 'a-file')], exit: 3, says: /data dir .*a-file cannot be used \(it is a file/ },
  'data dir under a file': { args: (d) => ['credentials', 'list', '--data-dir', join(d, 'a-file', 'sub')], exit: 3, says: /cannot be used/ },
  'unknown credential': { args: (d) => ['credentials', 'show', 'nope', ...data(d)], exit: 1, says: /no credential named nope.*credentials add/ },
  'serve: port not a number': { args: (d) => ['serve', '--port', 'abc', ...data(d)], exit: 2, says: /--port must be a whole number/ },
  'serve: unknown log level': { args: (d) => ['serve', '--log-level', 'loud', ...data(d)], exit: 2, says: /--log-level must be one of/ },
  'serve: host not on this machine': { args: (d) => ['serve', '--host', '192.0.2.1', '--port', '0', ...data(d)], exit: 3, says: /cannot listen on --host 192\.0\.2\.1/ },
  'serve: data dir is a file': { args: (d) => ['serve', '--port', '0', '--data-dir', join(d, 'a-file')], exit: 3, says: /data dir .*a-file cannot be used/ },
  'flows: --server not a URL': { args: () => ['flows', 'list', '--server', 'notaurl'], exit: 2, says: /--server "notaurl" is not a URL/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows: server unreachable': { args: () => ['flows', 'list', '--server', `http://127.0.0.1:${closedPort}`], exit: 3, says: /cannot reach the Splice server/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows: not a Splice server': { args: () => ['flows', 'list', '--server', notSpliceUrl], exit: 3, says: /no JSON: is it a Splice server/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows: no token': { args: () => ['flows', 'list'], exit: 2, says: /no admin token/, env: { SPLICE_ADMIN_TOKEN: '' } },
  'flows push: a directory': { args: (d) => ['flows', 'push', join(d, 'a-directory'), '--server', notSpliceUrl], exit: 2, says: /is a directory/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows push: an empty file': { args: (d) => ['flows', 'push', join(d, 'empty.yaml'), '--server', notSpliceUrl], exit: 2, says: /empty\.yaml is empty/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows push: a binary file': { args: (d) => ['flows', 'push', join(d, 'binary.yaml'), '--server', notSpliceUrl], exit: 2, says: /binary file/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows run: payload not JSON': { args: () => ['flows', 'run', 'greet', '--payload', '{bad', '--server', notSpliceUrl], exit: 2, says: /payload is not valid JSON/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'flows run: payload file missing': { args: (d) => ['flows', 'run', 'greet', '--payload-file', join(d, 'nope.json'), '--server', notSpliceUrl], exit: 2, says: /no such file/, env: { SPLICE_ADMIN_TOKEN: 'x' } },
  'test: no such path': { args: (d) => ['test', join(d, 'nope')], exit: 2, says: /no such file or directory/ },
  'test: empty test file': { args: (d) => ['test', join(d, 'greet.test.yaml')], exit: 1, says: /greet\.test\.yaml:1:1: the file is empty or not a YAML mapping/, onStdout: true },
  'auth: client secret on argv': { args: (d) => ['auth', 'login', 'highlevel', '--name', 'x', '--client-id', 'cid', '--client-secret', 'cs-on-argv', ...data(d)], exit: 2, says: /never taken from the command line.*--client-secret-env/ },
  'auth: token endpoint off HighLevel hosts': { args: (d) => ['auth', 'login', 'highlevel', '--name', 'x', '--client-id', 'cid', '--client-secret-env', 'HOME', '--scopes', 'socialplanner/tag.readonly', '--base-url', 'https://splice-hardening.invalid', ...data(d)], exit: 1, says: /not a HighLevel token endpoint/ },
  'auth: port not a number': { args: (d) => ['auth', 'login', 'highlevel', '--name', 'x', '--port', 'abc', ...data(d)], exit: 2, says: /--port must be a whole number/ },
  'auth: unknown provider': { args: (d) => ['auth', 'login', 'github', '--name', 'x', ...data(d)], exit: 2, says: /unknown provider github/ },
  'sandbox: --faults is a directory': { args: (d) => ['sandbox', '--faults', join(d, 'a-directory')], exit: 2, says: /--faults .* is a directory/ },
  'sandbox: port not a number': { args: () => ['sandbox', '--port', 'abc'], exit: 2, says: /--port must be a whole number/ },
};

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('splice: bad input gets one clear line and the documented exit code', () => {
  it('for every case in the table', { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    await inBatches(Object.entries(cases), 3, async ([name, c]) => {
      const r = await runCliProcess(c.args(dir), { env: { SPLICE_DATA_DIR: join(dir, 'default-data'), ...c.env }, input: c.input });
      const problems = [
        r.status !== c.exit && `exit ${r.status}, expected ${c.exit}`,
        !c.says.test(c.onStdout ? r.stdout : r.stderr) && `output does not match ${c.says}`,
        /\n\s+at |internal error/.test(r.stderr + r.stdout) && 'stack trace or internal error',
      ].filter(Boolean);
      if (problems.length) failures.push(`${name}: ${problems.join('; ')}\n    stderr: ${r.stderr.trim().slice(0, 300)}`);
    });
    expect(failures, failures.join('\n')).toEqual([]);
  });
});

describe('nothing half-written', () => {
  it('a refused `credentials add` stores no row', async () => {
    const d = join(dir, 'refused-add');
    const bad = await runCliProcess(['credentials', 'add', 'bad name!', '--kind', 'highlevel-pit', '--from-env', 'PIT', '--data-dir', d], { env: { PIT: 'pit-secret-1' } });
    expect(bad.status).toBe(1);
    const oauth = await runCliProcess(['credentials', 'add', 'o', '--kind', 'highlevel-oauth', '--client-id', 'cid', '--data-dir', d]);
    expect(oauth.status).not.toBe(0);
    const list = await runCliProcess(['credentials', 'list', '--json', '--data-dir', d]);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).credentials).toEqual([]);
  });

  it('a refused rotate-key leaves every secret readable with the key in use', async () => {
    const d = join(dir, 'rotate');
    const key = randomBytes(32).toString('base64');
    const env = { SPLICE_MASTER_KEY: key, PIT: 'pit-secret-rotate-2' };
    expect((await runCliProcess(['credentials', 'add', 'ghl', '--kind', 'highlevel-pit', '--from-env', 'PIT', '--data-dir', d], { env })).status).toBe(0);
    const noNew = await runCliProcess(['credentials', 'rotate-key', '--data-dir', d], { env });
    expect(noNew.status).toBe(2);
    expect(noNew.stderr).toMatch(/--new-key-env/);
    const badNew = await runCliProcess(['credentials', 'rotate-key', '--new-key-env', 'NEW_KEY', '--data-dir', d], { env: { ...env, NEW_KEY: 'too-short' } });
    expect(badNew.status).not.toBe(0);
    expect(badNew.stderr).not.toMatch(/\n\s+at |internal error/);
    const store = await CredentialStore.open({ dataDir: d, env: { SPLICE_MASTER_KEY: key } });
    try {
      expect((await store.readActive('ghl')).secret.token).toBe('pit-secret-rotate-2');
    } finally {
      await store.close();
    }
  });

  it('a lost master.key is reported, not silently replaced by a new key that reads nothing', async () => {
    const d = join(dir, 'lost-key');
    expect((await runCliProcess(['credentials', 'add', 'ghl', '--kind', 'highlevel-pit', '--from-env', 'PIT', '--data-dir', d], { env: { PIT: 'pit-lost-4' } })).status).toBe(0);
    rmSync(join(d, 'master.key'));
    const list = await runCliProcess(['credentials', 'list', '--data-dir', d]);
    expect(list.status).toBe(1);
    expect(list.stderr).toMatch(/master\.key is missing, but this data dir holds secrets.*Restore/);
    expect(existsSync(join(d, 'master.key'))).toBe(false);
  });

  it('Ctrl-C while `auth login` waits: exit 130, a clear line, no credential stored', async () => {
    const d = join(dir, 'interrupted');
    const child = spawn(
      process.execPath,
      [SPLICE_BIN, 'auth', 'login', 'highlevel', '--name', 'conn', '--client-id', 'cid', '--client-secret-env', 'SECRET', '--scopes', 'socialplanner/tag.readonly', '--port', '0', '--data-dir', d],
      { env: { ...process.env, SECRET: 'client-secret-3' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const waiting = new Promise<void>((resolve) =>
      child.stdout.on('data', (b) => {
        stdout += b;
        if (stdout.includes('Waiting for the callback')) resolve();
      }),
    );
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waiting;
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toMatch(/interrupted: no credential was stored for conn/);
    const list = await runCliProcess(['credentials', 'list', '--json', '--data-dir', d]);
    expect(JSON.parse(list.stdout).credentials).toEqual([]);
  });
});
