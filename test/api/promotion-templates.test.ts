import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers';

const fixtures = join(import.meta.dirname, 'fixtures');
const NOTIFY = readFileSync(join(fixtures, 'flows/notify.yaml'), 'utf8');
const NOTIFY_TESTS = readFileSync(join(fixtures, 'flows/notify.test.yaml'), 'utf8');

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ templatesDir: join(fixtures, 'templates') });
  expect((await api.call('POST', '/api/flows', { yaml: NOTIFY })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
});

describe('environments and promotion', () => {
  it('has staging (sandbox) and production (real base URLs) with their own bindings', async () => {
    const res = await api.call('GET', '/api/environments');
    const byName = Object.fromEntries(res.body.environments.map((e: { name: string }) => [e.name, e]));
    expect(byName.production.baseUrls).toMatchObject({ highlevel: 'https://services.leadconnectorhq.com', payaca: 'https://api.payaca.com/v1' });
    expect(byName.staging.baseUrls.highlevel).toMatch(/^http:\/\/127\.0\.0\.1/);
    const patched = await api.call('PATCH', '/api/environments/production', { bindings: { ghl: 'ghl-prod' }, values: { region: 'uk' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ bindings: { ghl: 'ghl-prod' }, values: { region: 'uk' } });
    expect((await api.call('GET', '/api/environments/staging')).body.bindings).toEqual({});
    const bad = await api.call('PATCH', '/api/environments/staging', { baseUrls: { highlevel: 'ftp://x' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.path).toBe('body.baseUrls.highlevel');
    expect((await api.call('GET', '/api/environments/qa')).status).toBe(404);
  });

  it('refuses to promote a flow without tests', async () => {
    const res = await api.call('POST', '/api/flows/notify/promote', {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PROMOTION_REFUSED');
    expect(res.body.error.details.reason).toBe('no_tests');
  });

  it('refuses a revision whose flow tests fail and names the failing test', async () => {
    const failing = NOTIFY_TESTS.replace('body: { text: Hello Ada }', 'body: { text: Hello Bob }');
    expect((await api.call('PUT', '/api/flows/notify/tests', { yaml: failing })).status).toBe(200);
    const run = await api.call('POST', '/api/flows/notify/tests/run', {});
    expect(run.body).toMatchObject({ passed: 1, failed: 1 });

    const res = await api.call('POST', '/api/flows/notify/promote', { revision: 1 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PROMOTION_REFUSED');
    expect(res.body.error.message).toContain('posts the greeting and tags');
    expect(res.body.error.details.failedTests).toHaveLength(1);
    const failed = res.body.error.details.failedTests[0];
    expect(failed.name).toBe('posts the greeting and tags');
    expect(failed.failures[0]).toMatchObject({ path: 'requests[0].body.text', message: 'expected "Hello Bob", got "Hello Ada"' });
    expect(failed.failures[0].location.line).toBe(failing.split('\n').findIndex((l) => l.includes('Hello Bob')) + 1);
    expect((await api.call('GET', '/api/flows/notify/deployments')).body.deployments).toEqual([]);
  });

  it('promotes once the tests pass, and tracks the deployed revision per environment', async () => {
    expect((await api.call('PUT', '/api/flows/notify/tests', { yaml: NOTIFY_TESTS })).status).toBe(200);
    expect((await api.call('POST', '/api/flows/notify/deploy', {})).status).toBe(200);
    const res = await api.call('POST', '/api/flows/notify/promote', {});
    expect(res.status).toBe(200);
    expect(res.body.deployment).toMatchObject({ flowId: 'notify', environment: 'production', revision: 1 });
    expect(res.body.tests).toMatchObject({ passed: 2, failed: 0 });
    const flow = (await api.call('GET', '/api/flows/notify')).body.flow;
    expect(flow.deployed).toEqual({ staging: 1, production: 1 });
    const envs = (await api.call('GET', '/api/environments')).body.environments;
    expect(envs.find((e: { name: string }) => e.name === 'production').deployments).toEqual({ notify: 1 });

    // A newer revision that breaks a test is refused; production keeps revision 1.
    const broken = NOTIFY.replace('"Hello "', '"Bye "');
    await api.call('PUT', '/api/flows/notify', { yaml: broken });
    const refused = await api.call('POST', '/api/flows/notify/promote', { revision: 2 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.failedTests[0].name).toBe('posts the greeting and tags');
    expect((await api.call('GET', '/api/flows/notify')).body.flow.deployed.production).toBe(1);
  });
});

describe('templates', () => {
  it('lists templates with title, description and the scopes they need', async () => {
    const res = await api.call('GET', '/api/templates');
    expect(res.status).toBe(200);
    expect(res.body.templates).toEqual([
      expect.objectContaining({
        id: 'hello-template',
        title: 'Hello template',
        description: "Fetches the location's tags from the Users API (HighLevel Social Planner).",
        scopes: ['socialplanner/tag.readonly'],
        connectors: ['highlevel'],
        triggerType: 'manual',
        hasTests: true,
      }),
    ]);
    expect((await api.call('GET', '/api/templates/nope')).status).toBe(404);
  });

  it('imports a template as a new flow with its text verbatim and its tests', async () => {
    const text = readFileSync(join(fixtures, 'templates/hello-template.yaml'), 'utf8');
    const res = await api.call('POST', '/api/templates/hello-template/import', {});
    expect(res.status).toBe(201);
    expect(res.body.flow.id).toBe('hello-template');
    expect(res.body.flow.yaml).toBe(text);
    expect(res.body.flow.hasTests).toBe(true);
    const again = await api.call('POST', '/api/templates/hello-template/import', {});
    expect(again.status).toBe(409);
    const renamed = await api.call('POST', '/api/templates/hello-template/import', { flowId: 'hello-2' });
    expect(renamed.status).toBe(201);
    expect(renamed.body.flow.yaml).toBe(text);
  });
});
