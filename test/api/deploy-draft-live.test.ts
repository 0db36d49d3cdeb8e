import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GREET_FLOW, startTestApi, type TestApi } from './helpers';

/**
 * Save vs deploy, as n8n and Zapier users expect: saving makes a draft revision and never changes what
 * runs; Deploy puts a saved revision live in one environment (production only through the promotion gate
 * with the flow tests); runs execute a deployed revision and say which, beside the head.
 */
const TESTS = `tests:
  - name: greets by name
    event: { name: Ada }
    expect:
      status: succeeded
      outputs:
        greeting: { text: Hello Ada }
`;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  expect((await api.call('POST', '/api/flows', { yaml: GREET_FLOW })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
});

const flow = async () => (await api.call('GET', '/api/flows/greet')).body.flow;
const runOf = (runId: string) =>
  eventually(async () => {
    const r = await api.call('GET', `/api/runs/${runId}`);
    return r.body.status === 'succeeded' ? r.body : undefined;
  });

describe('draft vs live', () => {
  it('activating a new flow deploys its head to staging, and the flow says what its triggers run', async () => {
    const act = await api.call('POST', '/api/flows/greet/activate');
    expect(act.status).toBe(200);
    expect(act.body.flow).toMatchObject({ active: true, headRevision: 1, deployed: { staging: 1 }, liveTarget: { environment: 'staging', revision: 1 } });
    expect(act.body.flow.deployments).toEqual([expect.objectContaining({ environment: 'staging', revision: 1, deployedBy: 'admin', deployedAt: expect.any(String) })]);
  });

  it('a save is a draft: runs keep the deployed revision and the answer shows the newer head', async () => {
    const saved = await api.call('PUT', '/api/flows/greet', { yaml: GREET_FLOW.replace('"Hello "', '"Hi "') });
    expect(saved.body.revision.revision).toBe(2);
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ environment: 'staging', revision: 1, headRevision: 2 });
    const run = await runOf(res.body.runId);
    expect(run).toMatchObject({ revision: 1, environment: 'staging' });
    expect(run.steps[0].output).toEqual({ text: 'Hello Ada' });
  });

  it('re-activating does not ship the draft (no hidden deploy)', async () => {
    await api.call('POST', '/api/flows/greet/deactivate');
    const act = await api.call('POST', '/api/flows/greet/activate');
    expect(act.body.flow).toMatchObject({ headRevision: 2, deployed: { staging: 1 }, liveTarget: { environment: 'staging', revision: 1 } });
  });

  it('Deploy puts the saved revision live in staging, and the next run executes it', async () => {
    const dep = await api.call('POST', '/api/flows/greet/deploy', { environment: 'staging' });
    expect(dep.status).toBe(200);
    expect(dep.body.deployment).toMatchObject({ flowId: 'greet', environment: 'staging', revision: 2 });
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' }, environment: 'staging' });
    expect(res.body).toMatchObject({ environment: 'staging', revision: 2, headRevision: 2 });
    expect((await runOf(res.body.runId)).steps[0].output).toEqual({ text: 'Hi Ada' });
  });

  it('a run asked of an environment with nothing deployed is refused with FLOW_NOT_DEPLOYED', async () => {
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' }, environment: 'production' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('FLOW_NOT_DEPLOYED');
    expect(res.body.error.message).toContain('"environment": "production"');
    const bad = await api.call('POST', '/api/flows/greet/runs', { environment: 'qa' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.path).toBe('body.environment');
  });

  it('deploying to production goes through the promotion gate: no tests, failing tests, then passing tests', async () => {
    const noTests = await api.call('POST', '/api/flows/greet/deploy', { environment: 'production' });
    expect(noTests.status).toBe(422);
    expect(noTests.body.error).toMatchObject({ code: 'PROMOTION_REFUSED', details: { reason: 'no_tests', revision: 2 } });

    // Revision 2 says "Hi": a test expecting "Hello" fails and names itself.
    await api.call('PUT', '/api/flows/greet/tests', { yaml: TESTS });
    const failing = await api.call('POST', '/api/flows/greet/deploy', { environment: 'production' });
    expect(failing.status).toBe(422);
    expect(failing.body.error.details.failedTests).toEqual([expect.objectContaining({ name: 'greets by name' })]);
    expect((await flow()).deployed.production).toBeUndefined();

    // An older revision that passes may be deployed by number.
    const ok = await api.call('POST', '/api/flows/greet/deploy', { environment: 'production', revision: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body.deployment).toMatchObject({ environment: 'production', revision: 1 });
    expect(ok.body.tests).toMatchObject({ passed: 1, failed: 0 });
    // Production's deployment is what the triggers run from now on.
    expect(await flow()).toMatchObject({ deployed: { staging: 2, production: 1 }, liveTarget: { environment: 'production', revision: 1 } });
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' } });
    expect(res.body).toMatchObject({ environment: 'production', revision: 1, headRevision: 2 });
  });
});
