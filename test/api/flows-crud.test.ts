import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREET_FLOW, startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('flows over HTTP with the admin token', () => {
  it('refuses every /api route without a valid token (401, JSON error)', async () => {
    expect(api.token).toMatch(/^splice_/);
    for (const [m, p] of [['GET', '/api/flows'], ['POST', '/api/flows'], ['GET', '/api/openapi.json'], ['GET', '/api/nope']] as const) {
      const res = await api.call(m, p, m === 'POST' ? { yaml: GREET_FLOW } : undefined, { token: null });
      expect(res.status, `${m} ${p}`).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const wrong = await api.call('GET', '/api/flows', undefined, { token: 'splice_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/not valid/);
  });

  it('creates, reads, updates (revisions), diffs, rolls back and deletes a flow, keeping the text verbatim', async () => {
    const created = await api.call('POST', '/api/flows', { yaml: GREET_FLOW, message: 'first', author: 'ada' });
    expect(created.status).toBe(201);
    expect(created.body.flow.id).toBe('greet');
    expect(created.body.revision).toMatchObject({ revision: 1, author: 'ada', message: 'first' });
    expect(created.body.flow).toMatchObject({ title: 'Greet a customer', triggerType: 'manual', active: false, valid: true, headRevision: 1 });

    const dup = await api.call('POST', '/api/flows', { yaml: GREET_FLOW });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('FLOW_EXISTS');

    const got = await api.call('GET', '/api/flows/greet');
    expect(got.body.flow.yaml).toBe(GREET_FLOW);

    const v2Text = GREET_FLOW.replace('"Hello "', '"Good day "');
    const v2 = await api.call('PUT', '/api/flows/greet', { yaml: v2Text, message: 'friendlier', baseRevision: 1 });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ created: true, revision: { revision: 2, message: 'friendlier' } });
    expect(v2.body.flow.yaml).toBe(v2Text);

    const same = await api.call('PUT', '/api/flows/greet', { yaml: v2Text });
    expect(same.body.created).toBe(false);
    expect(same.body.flow.headRevision).toBe(2);

    const stale = await api.call('PUT', '/api/flows/greet', { yaml: GREET_FLOW, baseRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REVISION_CONFLICT');

    const diff = await api.call('GET', '/api/flows/greet/diff?from=1&to=2');
    expect(diff.status).toBe(200);
    expect(diff.body.diff).toContain(`-    expression: '{ "text": "Hello " & $event.name }'`);
    expect(diff.body.diff).toContain(`+    expression: '{ "text": "Good day " & $event.name }'`);
    expect(diff.body.diff).toMatch(/^@@ /m);
    expect(diff.body.diff.split('\n')[0]).toMatch(/^--- greet\.yaml@1\t/);

    const rb = await api.call('POST', '/api/flows/greet/rollback', { revision: 1, message: 'back' });
    expect(rb.status).toBe(200);
    expect(rb.body.revision).toMatchObject({ revision: 3, rolledBackFrom: 1, message: 'back' });
    expect(rb.body.flow.yaml).toBe(GREET_FLOW);

    const revs = await api.call('GET', '/api/flows/greet/revisions');
    expect(revs.body.revisions.map((r: { revision: number }) => r.revision)).toEqual([3, 2, 1]);
    expect(revs.body.revisions[0].yaml).toBeUndefined();
    const r2 = await api.call('GET', '/api/flows/greet/revisions/2');
    expect(r2.body.yaml).toBe(v2Text);
    const none = await api.call('GET', '/api/flows/greet/revisions/9');
    expect(none.status).toBe(404);

    const list = await api.call('GET', '/api/flows');
    expect(list.body.flows.map((f: { id: string }) => f.id)).toEqual(['greet']);

    const del = await api.call('DELETE', '/api/flows/greet');
    expect(del.status).toBe(204);
    expect((await api.call('GET', '/api/flows/greet')).status).toBe(404);
  });

  it('validates with line:col from the loader, and accepts drafts that do not validate', async () => {
    const broken = GREET_FLOW.replace('type: map', 'type: mapp');
    const v = await api.call('POST', '/api/validate', { yaml: broken });
    expect(v.status).toBe(200);
    expect(v.body.valid).toBe(false);
    const line = broken.split('\n').findIndex((l) => l.includes('mapp')) + 1;
    expect(v.body.errors[0].location.line).toBe(line);
    expect(v.body.errors[0].location.col).toBeGreaterThan(0);

    const syntax = await api.call('POST', '/api/validate', { yaml: 'apiVersion: splice/v1\nkind: [Flow\n' });
    expect(syntax.body.valid).toBe(false);
    expect(syntax.body.errors[0].location.line).toBeGreaterThanOrEqual(2);

    const draft = await api.call('POST', '/api/flows', { yaml: broken.replace('name: greet', 'name: draft') });
    expect(draft.status).toBe(201);
    expect(draft.body.flow.valid).toBe(false);
    expect(draft.body.flow.validation.errors[0].location.line).toBe(line);
    const byId = await api.call('POST', '/api/flows/draft/validate', {});
    expect(byId.body.valid).toBe(false);

    const act = await api.call('POST', '/api/flows/draft/activate');
    expect(act.status).toBe(422);
    expect(act.body.error.code).toBe('INVALID_FLOW');
    expect(act.body.error.issues[0].location.line).toBe(line);
  });

  it('answers bad requests with 4xx JSON errors and field paths, never stack traces', async () => {
    const badJson = await api.call('POST', '/api/flows', '{"yaml": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_JSON');
    const noYaml = await api.call('POST', '/api/flows', { id: 'x' });
    expect(noYaml.status).toBe(422);
    expect(noYaml.body.error.path).toBe('body.yaml');
    const badId = await api.call('POST', '/api/flows', { yaml: GREET_FLOW, id: 'Bad Id' });
    expect(badId.status).toBe(422);
    expect(badId.body.error.path).toBe('body.id');
    const unknown = await api.call('GET', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('takes a flow file as a raw YAML body too (scripts: curl --data-binary @flow.yaml)', async () => {
    const text = GREET_FLOW.replace('name: greet', 'name: raw-yaml');
    const res = await fetch(`${api.url}/api/flows?message=from%20curl`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/yaml' }, body: text });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { flow: { id: string; yaml: string }; revision: { message: string } };
    expect(body.flow).toMatchObject({ id: 'raw-yaml', yaml: text });
    expect(body.revision.message).toBe('from curl');
  });

  it('answers CORS only for the editor origin', async () => {
    const pre = await fetch(`${api.url}/api/flows`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const evil = await fetch(`${api.url}/api/flows`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
