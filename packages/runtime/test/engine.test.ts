import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActionRegistry,
  createEngine,
  defineAction,
  httpAction,
  parseFlow,
  type CheckpointStore,
  type CredentialResolver,
  type Flow,
  type StepRecord,
} from '../src/index';
import { json, startTestServer } from './http-test-server';

function flow(yaml: string): Flow {
  const parsed = parseFlow(
    `apiVersion: splice/v1\nkind: Flow\nmetadata:\n  name: test-flow\ntrigger:\n  type: webhook\n  source: generic\n${yaml}`,
  );
  if (!parsed.flow) throw new Error(parsed.errors.map((e) => e.format()).join('\n'));
  return parsed.flow;
}

const actions = new ActionRegistry().register(httpAction);
let server: Awaited<ReturnType<typeof startTestServer>>;
let failuresLeft = 0;
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  server = await startTestServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/flaky' && failuresLeft-- > 0) return json(res, 503, { error: 'try later' });
    if (path === '/bad') return json(res, 400, { error: 'bad tag' });
    if (path === '/limited') return json(res, 429, { error: 'slow down' }, { 'retry-after': '120' });
    if (path === '/auth') {
      return req.headers.authorization === 'Bearer fresh-token-456' ? json(res, 200, { ok: true }) : json(res, 401, { error: 'expired' });
    }
    if (path === '/slow') {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
    }
    json(res, 200, { received: req.body ? JSON.parse(req.body) : null, auth: req.headers.authorization ?? null, path });
  });
});
afterAll(() => server.close());

describe('engine', () => {
  it('runs webhook → map → http: sends the mapped request with an idempotency key and records everything', async () => {
    const engine = createEngine({ actions, env: { target: `${server.url}/tags` } });
    const f = flow(`steps:
  - id: shape
    type: map
    expression: '{ "project": $event.projectId, "tags": $event.tags.$uppercase(name) }'
  - id: post
    type: call
    uses: http
    with:
      method: POST
      url: =$env.target
      body: =$steps.shape
`);
    const before = server.requests.length;
    const record = await engine.run(f, { projectId: 'p1', tags: [{ name: 'a' }, { name: 'b' }] }, { runId: 'run-1' });
    expect(record.status).toBe('succeeded');
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toEqual({ project: 'p1', tags: ['A', 'B'] });
    expect(sent[0]!.headers['idempotency-key']).toBe('run-1:post');
    const post = record.steps[1]!;
    expect(post).toMatchObject({
      id: 'post',
      type: 'call',
      uses: 'http',
      status: 'succeeded',
      input: { method: 'POST', url: `${server.url}/tags` },
    });
    expect(post.output).toMatchObject({ received: { project: 'p1' } });
    expect(post.attempts[0]!.request).toMatchObject({ method: 'POST', url: `${server.url}/tags` });
    expect(post.attempts[0]!.response?.status).toBe(200);
    expect(record.steps[0]!.output).toEqual({ project: 'p1', tags: ['A', 'B'] });
  });

  it('retries 503 with backoff and records every attempt; does not retry 400', async () => {
    const engine = createEngine({ actions });
    failuresLeft = 2;
    const ok = await engine.run(
      flow(
        `steps:\n  - id: c\n    type: call\n    uses: http\n    retry: { initialDelay: 5ms, maxDelay: 20ms }\n    with: { url: "${server.url}/flaky" }\n`,
      ),
      {},
    );
    expect(ok.status).toBe('succeeded');
    expect(ok.steps[0]!.attempts.map((a) => a.response?.status)).toEqual([503, 503, 200]);
    expect(ok.steps[0]!.attempts[0]!.error).toMatchObject({ code: 'HTTP_5XX', retryable: true });

    const bad = await engine.run(
      flow(
        `steps:\n  - id: c\n    type: call\n    uses: http\n    with: { url: "${server.url}/bad" }\n  - id: after\n    type: map\n    expression: "1"\n`,
      ),
      {},
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatchObject({ code: 'HTTP_4XX', step: 'c' });
    expect(bad.steps[0]!.attempts).toHaveLength(1);
    expect(bad.steps[1]).toMatchObject({ id: 'after', status: 'skipped' });
  });

  it('fails (retryable) instead of sleeping when Retry-After exceeds maxDelay', async () => {
    const record = await createEngine({ actions }).run(
      flow(`steps:\n  - id: c\n    type: call\n    uses: http\n    retry: { maxDelay: 1s }\n    with: { url: "${server.url}/limited" }\n`),
      {},
    );
    expect(record.status).toBe('failed');
    expect(record.steps[0]!.attempts).toHaveLength(1);
    expect(record.steps[0]!.attempts[0]!.error).toMatchObject({ code: 'HTTP_4XX', retryable: true });
  });

  it('filter false ends the run `filtered` and skips later steps; `when` false skips a call', async () => {
    const engine = createEngine({ actions });
    const f = flow(
      `steps:\n  - id: onlyBig\n    type: filter\n    condition: $event.size > 10\n  - id: after\n    type: map\n    expression: "1"\n`,
    );
    const small = await engine.run(f, { size: 1 });
    expect(small.status).toBe('filtered');
    expect(small.steps.map((s) => s.status)).toEqual(['filtered', 'skipped']);
    expect((await engine.run(f, { size: 11 })).status).toBe('succeeded');
    const skipped = await engine.run(
      flow(`steps:\n  - id: c\n    type: call\n    uses: http\n    when: "false"\n    with: { url: "${server.url}/x" }\n`),
      {},
    );
    expect(skipped.steps[0]).toMatchObject({ status: 'skipped', attempts: [] });
  });

  it("if outputs its branch's last step; foreach respects concurrency and drops filtered items", async () => {
    const engine = createEngine({ actions });
    maxInFlight = 0;
    const f = flow(`steps:
  - id: pick
    type: if
    condition: $event.kind = "tags"
    then:
      - id: yes
        type: map
        expression: '"then-branch"'
    else:
      - id: no
        type: map
        expression: '"else-branch"'
  - id: each
    type: foreach
    items: $event.items
    concurrency: 2
    steps:
      - id: skipOdd
        type: filter
        condition: $item % 2 = 0
      - id: send
        type: call
        uses: http
        with:
          method: POST
          url: "${server.url}/slow"
          body: '={ "n": $item, "i": $index, "branch": $steps.pick }'
  - id: summary
    type: map
    expression: '{ "count": $count($steps.each), "branch": $steps.yes }'
`);
    const record = await engine.run(f, { kind: 'tags', items: [0, 1, 2, 3, 4, 5, 6, 8] });
    expect(record.status).toBe('succeeded');
    expect(maxInFlight).toBe(2);
    const each = record.steps.find((s) => s.id === 'each')!;
    expect((each.output as Array<{ received: { n: number } }>).map((o) => o.received.n)).toEqual([0, 2, 4, 6, 8]);
    expect(record.steps.find((s) => s.id === 'each[1].send')!.status).toBe('skipped');
    expect(record.steps.find((s) => s.id === 'each[2].send')!.attempts[0]!.request?.headers['idempotency-key']).toMatch(
      /:each\[2\]\.send$/,
    );
    expect(record.steps.find((s) => s.id === 'summary')!.output).toEqual({ count: 5, branch: 'then-branch' });
    expect(record.steps.find((s) => s.id === 'pick.then.yes')).toBeDefined();
  });

  it('resumes from checkpoints: finished steps are not re-run and keep the same idempotency key', async () => {
    const saved = new Map<string, StepRecord>();
    const checkpoints: CheckpointStore = { get: async (p) => saved.get(p), put: async (p, r) => void saved.set(p, structuredClone(r)) };
    const f = flow(`steps:
  - id: first
    type: call
    uses: http
    with: { method: POST, url: "${server.url}/first" }
  - id: second
    type: call
    uses: http
    retry: { maxAttempts: 1 }
    with: { url: "${server.url}/flaky" }
`);
    const engine = createEngine({ actions });
    failuresLeft = 1;
    const before = server.requests.length;
    const first = await engine.run(f, {}, { runId: 'resume-1', checkpoints });
    expect(first.status).toBe('failed');
    const second = await engine.run(f, {}, { runId: 'resume-1', checkpoints });
    expect(second.status).toBe('succeeded');
    expect(second.steps[0]).toMatchObject({ id: 'first', fromCheckpoint: true });
    const paths = server.requests.slice(before).map((r) => [r.url, r.headers['idempotency-key']]);
    expect(paths).toEqual([
      ['/first', 'resume-1:first'],
      ['/flaky', 'resume-1:second'],
      ['/flaky', 'resume-1:second'],
    ]);
  });

  it('redacts credential secrets and opts.secrets everywhere; refreshes once on 401', async () => {
    const resolver: CredentialResolver = {
      resolve: async (name) => ({ name, connector: 'generic', version: 1, auth: { kind: 'bearer', token: 'stale-token-123' } }),
      onUnauthorized: async (cred) => ({ ...cred, version: 2, auth: { kind: 'bearer', token: 'fresh-token-456' } }),
    };
    const engine = createEngine({ actions, credentials: resolver });
    const f = flow(`credentials:\n  api: { connector: generic }\nsteps:
  - id: echo
    type: call
    uses: http
    credential: api
    with: { method: POST, url: "${server.url}/echo", body: { note: "=$event.note" } }
  - id: refreshed
    type: call
    uses: http
    credential: api
    with: { url: "${server.url}/auth" }
`);
    const record = await engine.run(f, { note: 'my password is hunter2-xyz' }, { secrets: ['hunter2-xyz'] });
    expect(record.status).toBe('succeeded');
    expect(server.requests.at(-2)!.headers.authorization).toBe('Bearer stale-token-123');
    const text = JSON.stringify(record);
    expect(text).not.toContain('stale-token-123');
    expect(text).not.toContain('fresh-token-456');
    expect(text).not.toContain('hunter2-xyz');
    expect(text).toContain('[redacted]');
    expect(record.steps[0]!.attempts[0]!.request!.headers.authorization).toBe('[redacted]');
  });

  it('fails a step fast when its credential cannot be resolved', async () => {
    const resolver: CredentialResolver = { resolve: async (name) => Promise.reject(new Error(`no credential named ${name}`)) };
    const f = flow(
      `credentials:\n  api: { connector: generic }\nsteps:\n  - id: c\n    type: call\n    uses: http\n    credential: api\n    with: { url: "${server.url}/x" }\n`,
    );
    const before = server.requests.length;
    const record = await createEngine({ actions, credentials: resolver }).run(f, {});
    expect(record.error).toMatchObject({ code: 'CREDENTIAL_UNAVAILABLE', step: 'c' });
    expect(record.steps[0]!.attempts).toHaveLength(0);
    expect(server.requests.length).toBe(before);
  });

  it('dry run records the request and sends nothing; hosts outside the allow-list are refused', async () => {
    const engine = createEngine({ actions });
    const before = server.requests.length;
    const f = flow(
      `steps:\n  - id: c\n    type: call\n    uses: http\n    with: { method: PUT, url: "${server.url}/dry", body: { a: 1 } }\n`,
    );
    const dry = await engine.run(f, {}, { dryRun: true });
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(dry.steps[0]!.attempts[0]!.request).toMatchObject({ method: 'PUT', url: `${server.url}/dry`, body: { a: 1 } });
    expect(server.requests.length).toBe(before);
    const outside = await engine.run(
      flow(`steps:\n  - id: c\n    type: call\n    uses: http\n    with: { url: "https://example.com/x" }\n`),
      {},
    );
    expect(outside.error).toMatchObject({ code: 'HTTP_HOST_NOT_ALLOWED' });
  });

  it('paces calls that carry a rate-limit key through the rate limiter', async () => {
    const seen: string[] = [];
    const limited = defineAction({
      id: 'test.limited',
      connector: 'test',
      title: 'limited',
      run: (_input, ctx) =>
        ctx.http.send({ method: 'GET', url: `${server.url}/limited-ok`, rateLimitKey: 'test:loc1' }, ctx).then((r) => r.body),
    });
    const engine = createEngine({
      actions: new ActionRegistry().register(limited),
      rateLimiter: {
        acquire: async (key) => void seen.push(`acquire ${key}`),
        observe: (key, status) => void seen.push(`observe ${key} ${status}`),
      },
    });
    const record = await engine.run(flow(`steps:\n  - id: c\n    type: call\n    uses: test.limited\n`), {});
    expect(record.status).toBe('succeeded');
    expect(seen).toEqual(['acquire test:loc1', 'observe test:loc1 200']);
  });

  it('fails a runaway expression with MAPPING_TIMEOUT while other runs complete meanwhile', async () => {
    const engine = createEngine({ actions, limits: { timeoutMs: 1500 } });
    const runaway = flow(`steps:\n  - id: spin\n    type: map\n    expression: "( $f := function($x){ $f($x+1) }; $f(0) )"\n`);
    const normal = flow(
      `steps:\n  - id: shape\n    type: map\n    expression: '{ "n": $event.n }'\n  - id: post\n    type: call\n    uses: http\n    with: { method: POST, url: "${server.url}/normal", body: =$steps.shape }\n`,
    );
    const finished: string[] = [];
    const spinning = engine.run(runaway, {}).then((r) => (finished.push('runaway'), r));
    const others = Promise.all(
      Array.from({ length: 5 }, (_, n) => engine.run(normal, { n }).then((r) => (finished.push(`normal-${n}`), r))),
    );
    const [spun, done] = await Promise.all([spinning, others]);
    expect(spun.status).toBe('failed');
    expect(spun.error).toMatchObject({ code: 'MAPPING_TIMEOUT', step: 'spin' });
    expect(done.every((r) => r.status === 'succeeded')).toBe(true);
    expect(finished.at(-1)).toBe('runaway');
  });
});

describe('engine: timeouts and network failures', () => {
  it('maps a silent server to HTTP_TIMEOUT (retried), a closed port to HTTP_NETWORK, and a slow run to RUN_TIMEOUT', async () => {
    const silent = await startTestServer(() => {
      /* never answers */
    });
    const engine = createEngine({ actions });
    try {
      const timedOut = await engine.run(
        flow(
          `steps:\n  - id: c\n    type: call\n    uses: http\n    timeout: 100ms\n    retry: { maxAttempts: 2, initialDelay: 1ms }\n    with: { url: "${silent.url}/x" }\n`,
        ),
        {},
      );
      expect(timedOut.error).toMatchObject({ code: 'HTTP_TIMEOUT', step: 'c' });
      expect(timedOut.steps[0]!.attempts.map((a) => a.error?.code)).toEqual(['HTTP_TIMEOUT', 'HTTP_TIMEOUT']);

      const runTimeout = await engine.run(
        flow(
          `options: { timeout: 150ms }\nsteps:\n  - id: c\n    type: call\n    uses: http\n    timeout: 10s\n    with: { url: "${silent.url}/y" }\n  - id: after\n    type: map\n    expression: "1"\n`,
        ),
        {},
      );
      expect(runTimeout.status).toBe('failed');
      expect(runTimeout.error).toMatchObject({ code: 'RUN_TIMEOUT', step: 'c' });
    } finally {
      await silent.close().catch(() => {});
    }
    const closed = await startTestServer(() => {});
    const closedUrl = closed.url;
    await closed.close();
    const refused = await engine.run(
      flow(
        `steps:\n  - id: c\n    type: call\n    uses: http\n    retry: { maxAttempts: 2, initialDelay: 1ms }\n    with: { url: "${closedUrl}/x" }\n`,
      ),
      {},
    );
    expect(refused.error).toMatchObject({ code: 'HTTP_NETWORK' });
    expect(refused.steps[0]!.attempts).toHaveLength(2);
  });
});

describe('engine: cancelling runs', () => {
  it("a caller's signal stops its own run only; runs without a signal or timeout are not affected", async () => {
    const silent = await startTestServer(() => {
      /* never answers */
    });
    const engine = createEngine({ actions });
    try {
      const stop = new AbortController();
      const hanging = engine.run(flow(`steps:\n  - id: c\n    type: call\n    uses: http\n    with: { url: "${silent.url}/x" }\n`), {}, { signal: stop.signal });
      const others = Array.from({ length: 3 }, () =>
        engine.run(flow(`steps:\n  - id: c\n    type: call\n    uses: http\n    with: { url: "${server.url}/ok" }\n`), {}),
      );
      expect((await Promise.all(others)).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      stop.abort();
      const cancelled = await hanging;
      expect(cancelled.status).toBe('failed');
      expect(cancelled.error).toMatchObject({ code: 'RUN_ABORTED', step: 'c' });
      // A later run without a signal still runs: nothing of the cancelled run's signal is shared.
      expect((await engine.run(flow(`steps:\n  - id: m\n    type: map\n    expression: "1"\n`), {})).status).toBe('succeeded');
    } finally {
      await silent.close().catch(() => {});
    }
  });
});

describe('engine: checkpoint store failures', () => {
  it('fails the run as retryable CHECKPOINT_UNAVAILABLE when the store cannot be read', async () => {
    const broken: CheckpointStore = { get: async () => Promise.reject(new Error('database is down')), put: async () => {} };
    const record = await createEngine({ actions }).run(
      flow(`steps:\n  - id: a\n    type: map\n    expression: "1"\n`),
      {},
      { checkpoints: broken },
    );
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ code: 'CHECKPOINT_UNAVAILABLE', step: 'a' });
  });
});
