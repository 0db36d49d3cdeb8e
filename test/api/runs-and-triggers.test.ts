import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GREET_FLOW, startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  expect((await api.call('POST', '/api/flows', { yaml: GREET_FLOW })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
});

describe('test runs and manual/API triggers', () => {
  it('test-runs the head against staging with the sample event and returns the run record', async () => {
    const res = await api.call('POST', '/api/flows/greet/test-runs', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ flow: 'greet', status: 'succeeded', event: { name: 'Ada' } });
    expect(res.body.steps[0]).toMatchObject({ id: 'greeting', status: 'succeeded', output: { text: 'Hello Ada' } });

    const withEvent = await api.call('POST', '/api/flows/greet/test-runs', { event: { name: 'Grace' }, dryRun: true });
    expect(withEvent.body.steps[0].output).toEqual({ text: 'Hello Grace' });
    expect(withEvent.body.dryRun).toBe(true);

    const unsaved = await api.call('POST', '/api/flows/greet/test-runs', { yaml: GREET_FLOW.replace('"Hello "', '"Hi "'), event: { name: 'Lin' } });
    expect(unsaved.body.steps[0].output).toEqual({ text: 'Hi Lin' });

    const invalid = await api.call('POST', '/api/flows/greet/test-runs', { yaml: GREET_FLOW.replace('type: map', 'type: nope') });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('INVALID_FLOW');
  });

  it('refuses manual runs of an inactive flow with 409', async () => {
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Ada' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('FLOW_INACTIVE');
  });

  it('queues a manual run durably (202 + runId) and a worker completes it', async () => {
    const act = await api.call('POST', '/api/flows/greet/activate');
    expect(act.status).toBe(200);
    expect(act.body.flow).toMatchObject({ active: true, deployed: { staging: 1 } });

    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Queue' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', environment: 'staging', revision: 1 });
    const runId = res.body.runId as string;
    // The run went through the queue: the run row, its event and (until done) a job were committed.
    const row = await api.server.ctx.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    expect(row.trigger).toBe('manual');
    const ev = await api.server.ctx.db.selectFrom('events').selectAll().where('id', '=', row.event_id).executeTakeFirstOrThrow();
    expect(JSON.parse(ev.body)).toEqual({ name: 'Queue' });

    const done = await eventually(async () => {
      const r = await api.call('GET', `/api/runs/${runId}`);
      return r.body.status === 'succeeded' ? r.body : undefined;
    });
    expect(done.steps[0].output).toEqual({ text: 'Hello Queue' });

    const list = await api.call('GET', '/api/runs?flow=greet');
    expect(list.body.runs.map((r: { runId: string }) => r.runId)).toContain(runId);

    const replay = await api.call('POST', `/api/runs/${runId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body.replayOf).toBe(runId);
  });

  it('validates the payload against trigger.input: 422 with field paths', async () => {
    const res = await api.call('POST', '/api/flows/greet/runs', { payload: { age: 'old' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INVALID_PAYLOAD');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['payload.age', 'payload.name']);
  });

  it('deduplicates manual runs by idempotency key', async () => {
    const a = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Once' }, idempotencyKey: 'k-1' });
    const b = await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'Once' }, idempotencyKey: 'k-1' });
    expect(a.status).toBe(202);
    expect(b.body).toMatchObject({ runId: a.body.runId, duplicate: true });
  });

  it('lists dead letters (empty) and 404s unknown runs', async () => {
    const dl = await api.call('GET', '/api/dead-letters');
    expect(dl.status).toBe(200);
    expect(dl.body.deadLetters).toEqual([]);
    expect((await api.call('GET', '/api/runs/nope')).status).toBe(404);
  });

  it('stops taking runs once deactivated', async () => {
    await api.call('POST', '/api/flows/greet/deactivate');
    expect((await api.call('POST', '/api/flows/greet/runs', { payload: { name: 'x' } })).status).toBe(409);
  });
});

describe('webhook triggers follow activation', () => {
  const HOOK = `apiVersion: splice/v1
kind: Flow
metadata:
  name: hook
trigger:
  type: webhook
  source: generic
steps:
  - id: echo
    type: map
    expression: '$event.value'
`;
  it('answers 404 while inactive, takes events once active, 404 again after deactivation', async () => {
    await api.call('POST', '/api/flows', { yaml: HOOK });
    const send = () => fetch(`${api.url}/hooks/hook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 42 }) });
    expect((await send()).status).toBe(404);
    const act = await api.call('POST', '/api/flows/hook/activate');
    expect(act.body.flow.webhookPath).toBe('/hooks/hook');
    const accepted = await send();
    expect(accepted.status).toBe(202);
    const { runId } = (await accepted.json()) as { runId: string };
    const done = await eventually(async () => {
      const r = await api.call('GET', `/api/runs/${runId}`);
      return r.body.status === 'succeeded' ? r.body : undefined;
    });
    expect(done.steps[0].output).toBe(42);
    await api.call('POST', '/api/flows/hook/deactivate');
    expect((await send()).status).toBe(404);
  });
});
