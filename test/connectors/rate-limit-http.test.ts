import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionRegistry, createEngine, type Flow } from '../../packages/runtime/src/index';
import { createHttpSender } from '../../packages/runtime/src/actions/http-sender';
import { createRateLimiter, maxInSlidingWindow } from '../../packages/runtime/src/ratelimit/index';
import { createConnectorRegistry } from '../../packages/connectors/src/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Pacing against a real loopback server that itself enforces HighLevel's rule (N per sliding window per
 * location, 429 beyond it) and sends the X-RateLimit-* headers. The window is 2 s instead of 10 s (same
 * checks, shorter run); limiter and server use the same numbers. Arrivals are timed with performance.now
 * (monotonic, sub-millisecond) on purpose: a limiter pacing on whole milliseconds is up to 1 ms early.
 */
const LIMIT = 100;
const WINDOW_MS = 2_000;

interface LocationLog { arrivals: number[]; statuses: number[] }
const logs = new Map<string, LocationLog>();
const inject429 = new Map<string, Set<number>>(); // location → request numbers (1-based) answered 429
let server: Server;
let baseUrl: string;

function logOf(loc: string): LocationLog {
  let l = logs.get(loc);
  if (!l) logs.set(loc, (l = { arrivals: [], statuses: [] }));
  return l;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const loc = decodeURIComponent(/^\/social-media-posting\/([^/]+)\/tags/.exec(req.url ?? '')?.[1] ?? 'none');
    const log = logOf(loc);
    const now = performance.now();
    const inWindow = log.arrivals.filter((t, i) => now - t < WINDOW_MS && log.statuses[i] !== 429).length;
    log.arrivals.push(now);
    const n = log.arrivals.length;
    const injected = inject429.get(loc)?.has(n) ?? false;
    const over = inWindow >= LIMIT;
    const status = injected || over ? 429 : 200;
    log.statuses.push(status);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-ratelimit-max': String(LIMIT),
      'x-ratelimit-interval-milliseconds': String(WINDOW_MS),
      'x-ratelimit-remaining': String(Math.max(0, LIMIT - inWindow - 1)),
    };
    if (status === 429) headers['retry-after'] = '1';
    res.writeHead(status, headers);
    res.end(JSON.stringify(status === 429 ? { statusCode: 429, message: 'Too many requests' } : { success: true, statusCode: 200, message: 'ok', results: { tags: [], count: 0 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const limits = { 'highlevel:': [{ limit: LIMIT, windowMs: WINDOW_MS }] };
const actions = createConnectorRegistry({ connectors: ['highlevel'] });
const tags = actions.get('highlevel.get-tags-location-id')!;

function context(limiter: ReturnType<typeof createRateLimiter>) {
  const http = createHttpSender({ rateLimiter: limiter });
  return {
    http,
    ctx: {
      stepId: 's', idempotencyKey: 'k', signal: new AbortController().signal, dryRun: false, http, attempt: 1,
      baseUrls: { highlevel: baseUrl }, strictResponses: false,
      credential: { name: 'ghl', connector: 'highlevel', version: 1, auth: { kind: 'bearer' as const, token: 't' } },
      recordRequest() {}, recordResponse() {}, warn() {},
    },
  };
}

describe('per-location pacing against a loopback API that enforces the limit', () => {
  it('a burst of 300 calls for one location: never more than 100 per window and zero 429s', async () => {
    const limiter = createRateLimiter({ limits });
    const { ctx, http } = context(limiter);
    const results = await Promise.allSettled(Array.from({ length: 300 }, () => tags.run({ params: { locationId: 'loc_burst' } }, ctx)));
    await http.close();
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const log = logOf('loc_burst');
    expect(log.arrivals).toHaveLength(300);
    expect(log.statuses.filter((s) => s === 429)).toHaveLength(0);
    expect(maxInSlidingWindow(log.arrivals, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
  });

  it("another location's calls are not held up by a saturated one", async () => {
    const limiter = createRateLimiter({ limits });
    const { ctx, http } = context(limiter);
    const busy = Array.from({ length: 150 }, () => tags.run({ params: { locationId: 'loc_busy' } }, ctx));
    // Let the busy location use up its window first.
    await new Promise((r) => setTimeout(r, 200));
    const quiet = await Promise.all(Array.from({ length: 10 }, () => tags.run({ params: { locationId: 'loc_quiet' } }, ctx)));
    expect(quiet).toHaveLength(10);
    const quietLast = Math.max(...logOf('loc_quiet').arrivals);
    const busyArrivals = [...logOf('loc_busy').arrivals].sort((a, b) => a - b);
    // loc_busy's 101st call must wait for its window; loc_quiet's calls all arrived before it.
    await Promise.all(busy);
    await http.close();
    expect(busyArrivals.length).toBeLessThanOrEqual(LIMIT);
    expect(quietLast).toBeLessThan([...logOf('loc_busy').arrivals].sort((a, b) => a - b)[LIMIT]!);
    expect(logOf('loc_busy').statuses.filter((s) => s === 429)).toHaveLength(0);
  });

  it('with 429s injected, runs wait as told (Retry-After) and succeed', async () => {
    inject429.set('loc_429', new Set([3, 4, 5]));
    const limiter = createRateLimiter({ limits });
    const engine = createEngine({ actions: new ActionRegistry().register(tags), baseUrls: { highlevel: baseUrl }, rateLimiter: limiter });
    const flow: Flow = {
      apiVersion: 'splice/v1', kind: 'Flow', metadata: { name: 'tags' }, trigger: { type: 'manual' },
      steps: [{ id: 'tags', type: 'call', uses: 'highlevel.get-tags-location-id', with: { params: { locationId: 'loc_429' } }, retry: { maxAttempts: 4, initialDelay: '10ms' } }],
    };
    const runs = await Promise.all(Array.from({ length: 12 }, () => engine.run(flow, {})));
    expect(runs.map((r) => r.status)).toEqual(Array(12).fill('succeeded'));
    const log = logOf('loc_429');
    expect(log.statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(log.statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(runs.flatMap((r) => r.steps[0]!.attempts).filter((a) => a.error?.message.includes('429'))).toHaveLength(3);
    expect(limiter.stats('highlevel:loc_429')?.throttled).toBe(3);
    // Each run that met a 429 waited as told (Retry-After: 1) before its next attempt.
    for (const attempts of runs.map((r) => r.steps[0]!.attempts)) {
      attempts.forEach((a, i) => {
        if (!a.error || !attempts[i + 1]) return;
        const failedAt = Date.parse(a.startedAt) + a.durationMs;
        expect(Date.parse(attempts[i + 1]!.startedAt) - failedAt).toBeGreaterThanOrEqual(990);
      });
    }
  });
});
