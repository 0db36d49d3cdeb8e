import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main';

const fixtures = join(import.meta.dirname, 'fixtures/flows');
const dir = mkdtempSync(join(tmpdir(), 'splice-test-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function splice(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'splice', ...args], { out: (t) => (out += t), err: (t) => (err += t), setExit: () => {} });
  return { code, out, err };
}

describe('splice test', () => {
  it('passes a directory of passing flow tests: each case, then "N passed, 0 failed", exit 0', async () => {
    const ok = join(dir, 'ok');
    cpSync(join(fixtures, 'notify.yaml'), join(ok, 'notify.yaml'), { recursive: true });
    cpSync(join(fixtures, 'notify.test.yaml'), join(ok, 'notify.test.yaml'));
    const r = await splice('test', ok);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/PASS .*notify\.test\.yaml › posts the greeting and tags/);
    expect(r.out).toMatch(/PASS .*notify\.test\.yaml › fails the run when the webhook answers 400/);
    expect(r.out.trim().split('\n').pop()).toBe('2 passed, 0 failed');
  });

  it('fails with file:line:col, a diff and exit 1 when a case fails', async () => {
    const r = await splice('test', join(fixtures, 'notify-failing.test.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL .*notify-failing\.test\.yaml › posts the greeting and tags/);
    expect(r.out).toMatch(/notify-failing\.test\.yaml:20:17: requests\[0\]\.body\.text: expected "Hello Bob", got "Hello Ada"/);
    expect(r.out).toContain('- "Hello Bob"');
    expect(r.out).toContain('+ "Hello Ada"');
    expect(r.out.trim().split('\n').pop()).toBe('1 passed, 1 failed');
  });

  it('reports a test file whose flow is missing or invalid as a failure', async () => {
    const lone = join(dir, 'lone');
    cpSync(join(fixtures, 'notify.test.yaml'), join(lone, 'ghost.test.yaml'), { recursive: true });
    const r = await splice('test', lone);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ghost\.yaml\) does not exist/);
    writeFileSync(join(lone, 'ghost.yaml'), 'apiVersion: splice/v1\nkind: Flow\nmetadata: { name: ghost }\ntrigger: { type: manual }\nsteps: []\n');
    const invalid = await splice('test', lone);
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/ghost\.yaml:5:\d+: /);
  });

  it('exits 2 for a path that does not exist', async () => {
    const r = await splice('test', join(dir, 'nope'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such file or directory/);
  });
});
