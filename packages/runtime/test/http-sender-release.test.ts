import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../src/actions/action';
import { createHttpSender } from '../src/actions/http-sender';
import { createRateLimiter } from '../src/ratelimit/index';
import { json, startTestServer } from './http-test-server';

function ctx(signal = new AbortController().signal): ActionContext {
  return {
    stepId: 'call',
    idempotencyKey: 'run-1:call',
    signal,
    dryRun: false,
    http: undefined as never,
    attempt: 1,
    baseUrls: {},
    strictResponses: false,
    recordRequest: () => {},
    recordResponse: () => {},
    warn: () => {},
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('HTTP sender and the rate limiter', () => {
  it('an answered call stops counting as in flight', async () => {
    const server = await startTestServer((_req, res) => json(res, 200, { ok: true }));
    closers.push(server.close);
    const limiter = createRateLimiter();
    const sender = createHttpSender({ rateLimiter: limiter });
    closers.push(() => sender.close());
    await sender.send({ method: 'GET', url: `${server.url}/x`, rateLimitKey: 'highlevel:loc-a' }, ctx());
    expect(limiter.stats('highlevel:loc-a')).toMatchObject({ inFlight: 0, used: [1, 1] });
  });

  it('releases the key when the call gets no answer: connection refused, timeout, abort', async () => {
    // A port that refuses connections: listen, note the port, close.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const refusedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const hanging = await startTestServer(() => new Promise<void>(() => {}));
    closers.push(async () => {
      hanging.close();
    });

    const limiter = createRateLimiter();
    const sender = createHttpSender({ rateLimiter: limiter });
    closers.push(() => sender.close());
    const key = 'highlevel:loc-b';

    await expect(sender.send({ method: 'GET', url: `http://127.0.0.1:${refusedPort}/`, rateLimitKey: key }, ctx())).rejects.toMatchObject({
      code: 'HTTP_NETWORK',
    });
    expect(limiter.stats(key)?.inFlight).toBe(0);

    await expect(sender.send({ method: 'GET', url: `${hanging.url}/slow`, rateLimitKey: key, timeoutMs: 50 }, ctx())).rejects.toMatchObject({
      code: 'HTTP_TIMEOUT',
    });
    expect(limiter.stats(key)?.inFlight).toBe(0);

    const abort = new AbortController();
    const pending = sender.send({ method: 'GET', url: `${hanging.url}/abort`, rateLimitKey: key }, ctx(abort.signal));
    setTimeout(() => abort.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'HTTP_ABORTED' });
    expect(limiter.stats(key)?.inFlight).toBe(0);
    // Unanswered calls may still have reached the API: they keep counting in the window.
    expect(limiter.stats(key)?.used[0]).toBe(3);
  });
});
