import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRegistry, createEngine, httpAction, parseFlow, Redactor, type CredentialResolver, type Flow } from '../src/index';
import { json, startTestServer } from './http-test-server';

/** One engine (one sender, one pool) serves runs of different environments and credentials. */
function flow(yaml: string): Flow {
  const parsed = parseFlow(
    `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: per-run\ntrigger:\n  type: webhook\n  source: generic\ncredentials:\n  api: { connector: http }\n${yaml}`,
  );
  if (!parsed.flow) throw new Error(parsed.errors.map((e) => e.format()).join('\n'));
  return parsed.flow;
}

function bearer(token: string, refreshed?: string): CredentialResolver {
  return {
    async resolve(name) {
      return { name, connector: 'http', version: 1, auth: { kind: 'bearer', token } };
    },
    ...(refreshed ? { async onUnauthorized(c) { return { ...c, auth: { kind: 'bearer' as const, token: refreshed } }; } } : {}),
  };
}

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer(async (req, res) => {
    if (req.url.startsWith('/auth') && req.headers.authorization !== 'Bearer fresh-token-456') return json(res, 401, { error: 'expired' });
    json(res, 200, { auth: req.headers.authorization ?? null, region: req.url });
  });
});
afterAll(() => server.close());

const callFlow = flow(`steps:
  - id: post
    type: call
    uses: http
    credential: api
    with: { method: POST, url: "=$env.base & $env.path", body: { note: "=$event.note" } }
`);

describe('engine run options', () => {
  it('takes credentials, $env and base URLs per run; a run never sees another run’s secrets', async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(httpAction) });
    const [a, b] = await Promise.all([
      engine.run(callFlow, { note: 'mentions token-of-run-B-2222' }, {
        credentials: bearer('token-of-run-A-1111'),
        env: { base: server.url, path: '/a' },
      }),
      engine.run(callFlow, { note: 'mentions token-of-run-A-1111' }, {
        credentials: bearer('token-of-run-B-2222'),
        env: { base: server.url, path: '/b' },
      }),
    ]);
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('succeeded');
    const sent = server.requests.filter((r) => r.url === '/a' || r.url === '/b');
    expect(sent.find((r) => r.url === '/a')?.headers.authorization).toBe('Bearer token-of-run-A-1111');
    expect(sent.find((r) => r.url === '/b')?.headers.authorization).toBe('Bearer token-of-run-B-2222');
    // Each record redacts its own token (the server echoes it back) and only its own.
    expect(JSON.stringify(a)).not.toContain('token-of-run-A-1111');
    expect(JSON.stringify(b)).not.toContain('token-of-run-B-2222');
    expect(JSON.stringify(a.event)).toContain('token-of-run-B-2222');
    expect(JSON.stringify(b.event)).toContain('token-of-run-A-1111');
  });

  it("refreshes on 401 through the run's own resolver", async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(httpAction), credentials: bearer('engine-default-0000') });
    const record = await engine.run(callFlow, { note: 'x' }, {
      credentials: bearer('stale-token-123', 'fresh-token-456'),
      env: { base: server.url, path: '/auth' },
    });
    expect(record.status).toBe('succeeded');
    expect(record.steps[0]?.attempts[0]?.response?.status).toBe(200);
    expect(JSON.stringify(record)).not.toContain('fresh-token-456');
  });

  it("allows a base URL's host for the run that has it, not for the next run", async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(httpAction) });
    const f = flow(`steps:
  - id: get
    type: call
    uses: http
    with: { url: "https://api.example.test/v1" }
`);
    const allowed = await engine.run(f, {}, { dryRun: true, baseUrls: { example: 'https://api.example.test' } });
    const refused = await engine.run(f, {}, { dryRun: true });
    expect(allowed.status).toBe('succeeded');
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('HTTP_HOST_NOT_ALLOWED');
  });

  it('reuses a secrets list across runs without sharing what one run adds', async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(httpAction) });
    const stored = ['stored-secret-9999'];
    const echo = flow(`steps:
  - id: shape
    type: map
    expression: '$event'
`);
    const first = await engine.run(echo, { a: 'stored-secret-9999', b: 'token-of-run-A-1111' }, { secrets: stored });
    const second = await engine.run(echo, { a: 'stored-secret-9999', b: 'token-of-run-A-1111' }, { secrets: stored });
    for (const r of [first, second]) expect(r.steps[0]?.output).toEqual({ a: '[redacted]', b: 'token-of-run-A-1111' });
    stored.push('pushed-later-8888');
    const third = await engine.run(echo, { c: 'pushed-later-8888' }, { secrets: stored });
    expect(third.steps[0]?.output).toEqual({ c: '[redacted]' });
  });
});

describe('Redactor.fork', () => {
  it('starts with the parent’s secrets; secrets added to a fork stay in it', () => {
    const base = new Redactor(['shared-secret-1']);
    const one = base.fork();
    const two = base.fork();
    one.addSecret('only-in-one-2');
    expect(one.text('shared-secret-1 only-in-one-2')).toBe('[redacted] [redacted]');
    expect(two.text('shared-secret-1 only-in-one-2')).toBe('[redacted] only-in-one-2');
    expect(base.text('shared-secret-1 only-in-one-2')).toBe('[redacted] only-in-one-2');
  });
});
