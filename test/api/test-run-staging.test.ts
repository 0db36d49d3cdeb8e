import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { startTestApi, type TestApi } from './helpers';

/** Test runs go to STAGING: the sandbox's base URLs and the credentials bound in staging. */
const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: tags
credentials:
  ghl:
    connector: highlevel
trigger:
  type: manual
  sample: { locationId: LOC }
steps:
  - id: fetchTags
    type: call
    uses: highlevel.v2.get-tags-location-id
    credential: ghl
    with:
      params:
        locationId: =$event.locationId
`;

let api: TestApi;
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
  api = await startTestApi();
  const hl = sandbox.credentials.highlevel;
  await api.call('PATCH', '/api/environments/staging', { baseUrls: sandbox.baseUrls, bindings: { ghl: 'ghl-sandbox' } });
  const cred = await api.call('POST', '/api/credentials', { name: 'ghl-sandbox', type: 'highlevel-pit', secret: hl.privateIntegrationToken, meta: { locationId: hl.locationId } });
  expect(cred.status, JSON.stringify(cred.body)).toBe(201);
  expect((await api.call('POST', '/api/flows', { yaml: FLOW.replace('LOC', hl.locationId) })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await sandbox?.close();
});

describe('test-run against staging (the sandbox)', () => {
  it('calls the sandbox with the staging credential and records request and response, redacted', async () => {
    const before = sandbox.admin.counters().highlevel.requests;
    const res = await api.call('POST', '/api/flows/tags/test-runs', {});
    expect(res.status).toBe(200);
    expect(res.body.status, JSON.stringify(res.body.error)).toBe('succeeded');
    const step = res.body.steps[0];
    expect(step.attempts[0].request.url).toContain(`${sandbox.baseUrls.highlevel}/social-media-posting/${sandbox.credentials.highlevel.locationId}/tags`);
    expect(step.attempts[0].response.status).toBe(200);
    expect(sandbox.admin.counters().highlevel.requests).toBe(before + 1);
    expect(JSON.stringify(res.body)).not.toContain(sandbox.credentials.highlevel.privateIntegrationToken);
  });

  it('tests the staging credential against the sandbox (metadata answer, no secret)', async () => {
    const res = await api.call('POST', '/api/credentials/ghl-sandbox/test', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    expect(res.body.target).toContain(sandbox.baseUrls.highlevel);
    expect(JSON.stringify(res.body)).not.toContain(sandbox.credentials.highlevel.privateIntegrationToken);
  });

  it('dry runs send nothing and show the request that would be sent', async () => {
    const before = sandbox.admin.counters().highlevel.requests;
    const res = await api.call('POST', '/api/flows/tags/test-runs', { dryRun: true });
    expect(res.body.dryRun).toBe(true);
    expect(res.body.steps[0].attempts[0].request.method).toBe('GET');
    expect(sandbox.admin.counters().highlevel.requests).toBe(before);
  });
});
