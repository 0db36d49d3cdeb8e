import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREET_FLOW, startTestApi, type TestApi } from '../api/helpers';

/**
 * Hardening of the REST API: every route in GET /api/openapi.json, fed what a careless script or a
 * hostile client sends, answers a 4xx with `{ error: { code, message, path?, location? } }`: never a
 * 500, never a stack trace, never a silently dropped field. Real server on 127.0.0.1, temp data dir.
 */
let api: TestApi;
let routes: { method: string; path: string }[] = [];

beforeAll(async () => {
  api = await startTestApi();
  const doc = (await api.call('GET', '/api/openapi.json')).body;
  routes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path: `/api${p.replace(/\{[^}]+\}/g, 'no-such-thing')}` })),
  );
  expect(routes.length).toBeGreaterThan(30);
  expect((await api.call('POST', '/api/flows', { yaml: GREET_FLOW })).status).toBe(201);
}, 60_000);
afterAll(() => api?.close());

async function send(method: string, path: string, body?: string, contentType?: string, token: string | null = api.token) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`${api.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    /* asserted below */
  }
  return { status: res.status, text, json };
}

function expectErrorBody(r: { status: number; text: string; json: any }, status: number | number[], what: string) {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `${what}: got ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
  expect(typeof r.json?.error?.code, `${what}: error.code`).toBe('string');
  expect(r.json.error.message.length, `${what}: error.message`).toBeGreaterThan(10);
  expect(r.text, `${what}: no stack trace`).not.toMatch(/\n\s+at |\bat .*\.ts:\d+/);
}

const withBody = (m: string) => m !== 'GET' && m !== 'DELETE';

describe('every route of the OpenAPI document', () => {
  it('answers 401 without a token and with a wrong one', async () => {
    for (const r of routes) {
      expectErrorBody(await send(r.method, r.path, undefined, undefined, null), 401, `${r.method} ${r.path} no token`);
      expectErrorBody(await send(r.method, r.path, undefined, undefined, 'splice_wrong'), 401, `${r.method} ${r.path} wrong token`);
    }
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    for (const r of routes.filter((x) => withBody(x.method))) {
      const res = await send(r.method, r.path, '{"yaml": ', 'application/json');
      expectErrorBody(res, 400, `${r.method} ${r.path}`);
      expect(res.json.error.code).toBe('INVALID_JSON');
    }
  });

  it('answers a body of another content type with 415', async () => {
    for (const r of routes.filter((x) => withBody(x.method))) {
      const res = await send(r.method, r.path, 'name=x', 'application/x-www-form-urlencoded');
      expectErrorBody(res, 415, `${r.method} ${r.path}`);
    }
  });

  it('answers an oversized body with 413', async () => {
    const big = JSON.stringify({ yaml: 'a'.repeat(6 * 1024 * 1024) });
    for (const r of routes.filter((x) => withBody(x.method)).slice(0, 6)) {
      expectErrorBody(await send(r.method, r.path, big, 'application/json'), 413, `${r.method} ${r.path}`);
    }
  });

  it('never answers 5xx for arrays, null, empty objects or absurd queries', async () => {
    for (const r of routes) {
      const bodies = withBody(r.method) ? ['[1,2]', 'null', '{}', '"text"', '{"yaml": 7, "revision": "x", "secret": 5}'] : [undefined];
      for (const b of bodies) {
        const res = await send(r.method, `${r.path}?limit=-1&cursor=%00&from=abc&to=-3&status=nope`, b, b === undefined ? undefined : 'application/json');
        expect(res.status, `${r.method} ${r.path} ${b}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
        expect(res.text).not.toMatch(/\n\s+at /);
        if (res.status >= 400) expectErrorBody(res, res.status, `${r.method} ${r.path} ${b}`);
      }
    }
  });
});

describe('flows', () => {
  it('refuses text that is not YAML with line:col, and stores nothing', async () => {
    const res = await api.call('POST', '/api/flows', { yaml: 'apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: broken\n  tags: [unclosed\n' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('FLOW_YAML_INVALID');
    expect(res.body.error.path).toBe('body.yaml');
    expect(res.body.error.location.line).toBeGreaterThan(1);
    expect(res.body.error.message).toMatch(/flow\.yaml:\d+:\d+: the text is not valid YAML/);
    const list = await api.call('GET', '/api/flows');
    expect(list.body.flows.map((f: { id: string }) => f.id)).toEqual(['greet']);
  });

  it('refuses a YAML list or scalar as a flow', async () => {
    for (const yaml of ['- 1\n- 2\n', 'just words\n']) {
      const res = await api.call('POST', '/api/flows', { yaml });
      expect(res.status).toBe(422);
      expect(res.body.error.message).toMatch(/not a flow/);
    }
  });

  it('keeps a draft that parses but does not validate, marked invalid with its issues', async () => {
    const res = await api.call('POST', '/api/flows', { yaml: GREET_FLOW.replace('name: greet', 'name: draft').replace('type: map', 'type: mapz') });
    expect(res.status).toBe(201);
    expect(res.body.flow.valid).toBe(false);
  });

  it('names an unknown field instead of dropping it', async () => {
    const res = await api.call('POST', '/api/flows', { yaml: GREET_FLOW.replace('name: greet', 'name: other'), name: 'other' });
    expect(res.status).toBe(422);
    expect(res.body.error.path).toBe('body.name');
  });

  it('answers a stale baseRevision with 409 and an unknown revision with 404 naming it', async () => {
    expect((await api.call('PUT', '/api/flows/greet', { yaml: `${GREET_FLOW}# one\n`, baseRevision: 1 })).status).toBe(200);
    const stale = await api.call('PUT', '/api/flows/greet', { yaml: `${GREET_FLOW}# two\n`, baseRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('REVISION_CONFLICT');
    const diff = await api.call('GET', '/api/flows/greet/diff?to=999');
    expect(diff.status).toBe(404);
    expect(diff.body.error.message).toContain('no revision 999');
    expect(diff.body.error.message).toContain('GET /api/flows/greet/revisions');
  });

  it('refuses a flow test file that cannot run, with line:col, and keeps the old one', async () => {
    const good = 'tests:\n  - name: greets\n    event: { name: Ada }\n';
    expect((await api.call('PUT', '/api/flows/greet/tests', { yaml: good })).status).toBe(200);
    const bad = await api.call('PUT', '/api/flows/greet/tests', { yaml: 'tests: [\n' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.location).toMatchObject({ line: expect.any(Number), col: expect.any(Number) });
    const shape = await api.call('PUT', '/api/flows/greet/tests', { yaml: 'cases: 1\n' });
    expect(shape.status).toBe(422);
    expect((await api.call('GET', '/api/flows/greet/tests')).body.yaml).toBe(good);
  });
});

describe('runs and optional bodies', () => {
  it('refuses a run payload sent without its `payload` wrapper instead of running {}', async () => {
    expect((await api.call('POST', '/api/flows/greet/activate', {})).status).toBe(200);
    const res = await api.call('POST', '/api/flows/greet/runs', { name: 'Ada' });
    expect(res.status).toBe(422);
    expect(res.body.error.path).toBe('body.name');
    expect(res.body.error.message).toContain('`payload`');
    expect((await api.call('GET', '/api/runs?flow=greet')).body.runs).toEqual([]);
  });

  it('checks the types of test-run, deploy, promote and import options', async () => {
    for (const [path, b, field] of [
      ['/api/flows/greet/test-runs', { revision: 'x' }, 'body.revision'],
      ['/api/flows/greet/test-runs', { dryRun: 'yes' }, 'body.dryRun'],
      ['/api/flows/greet/test-runs', { evnt: {} }, 'body.evnt'],
      ['/api/flows/greet/tests/run', { revision: 1.5 }, 'body.revision'],
      ['/api/flows/greet/deploy', { revision: 'head' }, 'body.revision'],
      ['/api/flows/greet/promote', { rev: 1 }, 'body.rev'],
      ['/api/templates/live-tag-sync/import', { id: 'x' }, 'body.id'],
    ] as const) {
      const res = await api.call('POST', path, b);
      expect(res.status, `${path} ${JSON.stringify(b)}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.path).toBe(field);
    }
  });

  it('refuses OAuth starts with a non-http redirect URI, an unknown environment or user type', async () => {
    const base = { name: 'conn', clientId: 'cid', clientSecret: 'cs', scopes: ['socialplanner/tag.readonly'] };
    for (const [extra, field] of [
      [{ redirectUri: 'javascript:alert(1)' }, 'body.redirectUri'],
      [{ environment: 'prod' }, 'body.environment'],
      [{ userType: 'Agency' }, 'body.userType'],
      [{ clientSecretEnv: 'X' }, 'body.clientSecretEnv'],
    ] as const) {
      const res = await api.call('POST', '/api/credentials/oauth/highlevel/start', { ...base, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.path).toBe(field);
    }
  });
});

describe('list queries', () => {
  it('refuse huge, zero, negative and non-numeric page sizes with the query path', async () => {
    for (const path of ['/api/runs', '/api/dead-letters']) {
      for (const limit of ['100000', '0', '-1', 'ten', '1.5']) {
        const res = await api.call('GET', `${path}?limit=${limit}`);
        expect(res.status, `${path}?limit=${limit}`).toBe(422);
        expect(res.body.error.path).toBe('query.limit');
      }
      expect((await api.call('GET', `${path}?limit=500`)).status).toBe(200);
    }
  });
});

describe('unknown ids', () => {
  it('answer 404 with the list route to look in', async () => {
    for (const [path, list] of [
      ['/api/flows/nope', 'GET /api/flows'],
      ['/api/runs/nope', 'GET /api/runs'],
      ['/api/templates/nope', 'GET /api/templates'],
      ['/api/environments/nope', 'GET /api/environments'],
    ] as const) {
      const res = await api.call('GET', path);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain(list);
    }
    const dead = await api.call('DELETE', '/api/dead-letters/nope');
    expect(dead.status).toBe(404);
    expect(dead.body.error.message).toContain('GET /api/dead-letters');
  });
});

describe('templates, environments, credentials', () => {
  it('does not read files outside the template library through the id', async () => {
    for (const id of ['..%2F..%2Fpackage', '..%2Fpackage.json', '%2Fetc%2Fpasswd', '....%2F%2Fschemas%2Fflow.schema']) {
      for (const [m, p] of [
        ['GET', `/api/templates/${id}`],
        ['POST', `/api/templates/${id}/import`],
      ] as const) {
        const res = await api.call(m, p, m === 'POST' ? {} : undefined);
        expect(res.status, `${m} ${p}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toMatch(/"name":\s*"splice"|root:/);
      }
    }
  });

  it('refuses unknown environment fields and non-http base URLs with the field path', async () => {
    const unknown = await api.call('PATCH', '/api/environments/staging', { baseUrl: { highlevel: 'http://127.0.0.1:1' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.path).toBe('body.baseUrl');
    const file = await api.call('PATCH', '/api/environments/staging', { baseUrls: { highlevel: 'file:///etc/passwd' } });
    expect(file.status).toBe(422);
    expect(file.body.error.path).toBe('body.baseUrls.highlevel');
  });

  it('answers credential mistakes with the request path of the field, and stores nothing', async () => {
    const wrongKey = await api.call('POST', '/api/credentials', { name: 'c1', type: 'highlevel-pit', fields: { token: 'pit-x' } });
    expect(wrongKey.status).toBe(422);
    expect(wrongKey.body.error.path).toBe('body.fields');
    const missing = await api.call('POST', '/api/credentials', { name: 'c1', type: 'payaca-api-key', secret: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.error.path).toMatch(/^body\.(secret|meta)\./);
    const unknownMeta = await api.call('POST', '/api/credentials', { name: 'c1', type: 'highlevel-pit', secret: 'pit-x', meta: { location: 'loc' } });
    expect(unknownMeta.status).toBe(422);
    expect(unknownMeta.body.error.path).toBe('body.meta.location');
    const otherConnector = await api.call('POST', '/api/credentials', { name: 'c1', type: 'highlevel-pit', secret: 'pit-x', connector: 'payaca' });
    expect(otherConnector.status).toBe(422);
    expect(otherConnector.body.error.path).toBe('body.connector');
    const kind = await api.call('POST', '/api/credentials', { name: 'c1', type: 'nope', secret: 'x' });
    expect(kind.status).toBe(422);
    expect((await api.call('GET', '/api/credentials')).body.credentials).toEqual([]);
  });

  it('refuses an OAuth token endpoint off HighLevel hosts (the client secret and refresh token go there)', async () => {
    for (const tokenUrl of ['https://splice-hardening.invalid/oauth/token', 'file:///etc/passwd', 'not a url']) {
      const res = await api.call('POST', '/api/credentials', { name: 'oauth-x', type: 'highlevel-oauth', secret: { clientSecret: 'cs' }, meta: { clientId: 'cid', tokenUrl } });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.path).toBe('body.meta.tokenUrl');
    }
    const ok = await api.call('POST', '/api/credentials', { name: 'oauth-ok', type: 'highlevel-oauth', secret: { clientSecret: 'cs' }, meta: { clientId: 'cid', tokenUrl: 'http://127.0.0.1:4010/highlevel/oauth/token' } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await api.call('DELETE', '/api/credentials/oauth-ok')).status).toBe(204);
  });

  it('refuses to delete a credential an environment binds, unless forced', async () => {
    expect((await api.call('POST', '/api/credentials', { name: 'bound-one', type: 'highlevel-pit', secret: 'pit-bound' })).status).toBe(201);
    expect((await api.call('PATCH', '/api/environments/staging', { bindings: { ghl: 'bound-one' } })).status).toBe(200);
    const refused = await api.call('DELETE', '/api/credentials/bound-one');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('staging (as ghl)');
    expect((await api.call('GET', '/api/credentials/bound-one')).status).toBe(200);
    expect((await api.call('DELETE', '/api/credentials/bound-one?force=true')).status).toBe(204);
    expect((await api.call('PATCH', '/api/environments/staging', { bindings: {} })).status).toBe(200);
  });

  it('answers CORS preflights only for the editor origin', async () => {
    const evil = await fetch(`${api.url}/api/flows`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const editor = await fetch(`${api.url}/api/flows`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(editor.status).toBe(204);
    expect(editor.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const get = await fetch(`${api.url}/api/flows`, { headers: { origin: 'http://evil.example', authorization: `Bearer ${api.token}` } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
