import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../packages/cli/src/main';
import { GREET_FLOW, startTestApi, type TestApi } from './helpers';

let api: TestApi;
const dir = mkdtempSync(join(tmpdir(), 'splice-flows-cli-'));
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function splice(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'splice', 'flows', '--server', api.url, '--token', api.token, ...args], { out: (t) => (out += t), err: (t) => (err += t), setExit: () => {} });
  return { code, out, err };
}

describe('splice flows (REST API client)', () => {
  it('pushes a file as revisions, pulls it back verbatim, diffs and rolls back', async () => {
    const file = join(dir, 'greet.yaml');
    writeFileSync(file, GREET_FLOW);
    expect((await splice('push', file, '-m', 'first')).out).toBe('greet: revision 1 saved\n');
    writeFileSync(file, GREET_FLOW.replace('"Hello "', '"Hey "'));
    expect((await splice('push', file)).out).toBe('greet: revision 2 saved\n');
    expect((await splice('push', file)).out).toBe('greet: unchanged (revision 2)\n');
    expect((await splice('pull', 'greet', '--revision', '1')).out).toBe(GREET_FLOW);
    const diff = await splice('diff', 'greet');
    expect(diff.out).toContain(`+    expression: '{ "text": "Hey " & $event.name }'`);
    expect((await splice('rollback', 'greet', '1')).out).toBe('greet: revision 3 has the text of revision 1\n');
    expect((await splice('pull', 'greet')).out).toBe(GREET_FLOW);
    const list = await splice('list');
    expect(list.out).toMatch(/^greet\trev 3\tinactive\tvalid\tnot deployed/);
    expect((await splice('revisions', 'greet')).out.split('\n')[0]).toMatch(/^3\t.*\(rollback to 1\)$/);
  });

  it('activates, runs with a payload, and reports payload errors with field paths (exit 1)', async () => {
    expect((await splice('activate', 'greet')).out).toBe('greet: active\n');
    const run = await splice('run', 'greet', '--payload', '{"name":"Ada"}');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^[0-9a-f-]{36}\tqueued\tstaging@3\n$/);
    const bad = await splice('run', 'greet', '--payload', '{"age":"x"}');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('[INVALID_PAYLOAD]');
    expect(bad.err).toContain('payload.name');
  });

  it('runs the deployed revision, says when a newer save is not deployed, and deploys it', async () => {
    await splice('push', join(dir, 'greet.yaml'));
    const run = await splice('run', 'greet', '--payload', '{"name":"Ada"}', '--environment', 'staging');
    expect(run.out).toMatch(/\tstaging@3\n$/);
    expect(run.err).toBe('note: revision 4 is saved but not deployed to staging; deploy it with `splice flows deploy greet --environment staging`.\n');
    expect((await splice('deploy', 'greet')).out).toBe('greet: revision 4 deployed to staging\n');
    const after = await splice('run', 'greet', '--payload', '{"name":"Ada"}');
    expect(after.out).toMatch(/\tstaging@4\n$/);
    expect(after.err).toBe('');
    const prod = await splice('deploy', 'greet', '--environment', 'production');
    expect(prod.code).toBe(1);
    expect(prod.err).toContain('[PROMOTION_REFUSED]');
  });

  it('refuses promotion naming the failing test, with its file:line:col', async () => {
    const flowFile = join(dir, 'notify.yaml');
    copyFileSync(join(import.meta.dirname, 'fixtures/flows/notify.yaml'), flowFile);
    const tests = readFileSync(join(import.meta.dirname, 'fixtures/flows/notify.test.yaml'), 'utf8').replace('body: { text: Hello Ada }', 'body: { text: Hello Bob }');
    writeFileSync(join(dir, 'notify.test.yaml'), tests);
    expect((await splice('push', flowFile)).out).toBe('notify: revision 1 saved, tests pushed\n');
    const r = await splice('promote', 'notify');
    expect(r.code).toBe(1);
    expect(r.err).toContain('[PROMOTION_REFUSED]');
    expect(r.err).toMatch(/notify\.test\.yaml:\d+:\d+: test "posts the greeting and tags": requests\[0\]\.body\.text: expected "Hello Bob", got "Hello Ada"/);
  });

  it('says how to fix a wrong token or an unreachable server', async () => {
    let err = '';
    const code = await main(['node', 'splice', 'flows', '--server', api.url, '--token', 'nope', 'list'], { out: () => {}, err: (t) => (err += t), setExit: () => {} });
    expect(code).toBe(1);
    expect(err).toContain('[UNAUTHORIZED]');
    let err2 = '';
    const code2 = await main(['node', 'splice', 'flows', '--server', 'http://127.0.0.1:9', '--token', 'x', 'list'], { out: () => {}, err: (t) => (err2 += t), setExit: () => {} });
    expect(code2).toBe(3);
    expect(err2).toMatch(/cannot reach the Splice server/);
  });
});
