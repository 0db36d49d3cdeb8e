import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot, tempDir, waitFor } from './helpers';

/** `splice serve` as a user runs it: starts, prints where it listens and the admin token once, serves, stops on SIGTERM with exit 0. */
function serve(args: string[]) {
  const child = spawn(process.execPath, [join(repoRoot, 'packages/cli/bin/splice.mjs'), 'serve', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SPLICE_ADMIN_TOKEN: '' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

it('starts, serves health, metrics, intake and the API, and exits 0 on SIGTERM', async () => {
  const dataDir = tempDir();
  const s = serve(['--port', '0', '--data-dir', dataDir, '--log-level', 'info', '--workers', '2']);
  const url = await waitFor('listening line', async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(s.output())?.[1], 30_000);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  expect(await (await fetch(`${url}/metrics`)).text()).toContain('splice_queue_depth');
  const hook = await fetch(`${url}/hooks/nothing-here`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  expect(hook.status).toBe(404);
  // The admin token is printed once at first start, and the API answers with it.
  const token = await waitFor('admin token', async () => /admin token[^\n]*\n\s*\n\s*(\S+)/i.exec(s.output())?.[1], 10_000);
  expect((await fetch(`${url}/api/flows`)).status).toBe(401);
  expect((await fetch(`${url}/api/flows`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  expect(s.output()).toContain('workers stopped');
  expect(s.output()).not.toMatch(/at .*\.ts:\d+/); // no stack traces
}, 60_000);

it('refuses a bad --port with a usage error (exit 2)', async () => {
  const s = serve(['--port', 'abc', '--data-dir', tempDir()]);
  expect(await s.exited).toBe(2);
  expect(s.output()).toContain('--port must be a whole number');
});
