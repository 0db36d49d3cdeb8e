import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type FaultConfig, type Sandbox } from '../../packages/sandbox/src/index';
import { call, highlevelClient, payacaClient } from './helpers';

/** Fault injection reproduces from a seed; the inspection endpoints tell what the stand-ins saw. */

const tags = (sb: Sandbox) => `/social-media-posting/${sb.credentials.highlevel.locationId}/tags`;

async function statusPattern(faults: FaultConfig, n = 40): Promise<number[]> {
  const sb = await createSandbox({ seed: 5, rateLimit: false, faults });
  try {
    const client = highlevelClient(sb);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await client.get(tags(sb))).status);
    return out;
  } finally {
    await sb.close();
  }
}

describe('fault injection', () => {
  it('the same seed gives the same failure pattern; another seed another one', async () => {
    const rules = { highlevel: [{ route: 'get-tags-location-id', errorRate: 0.3, errorStatus: 503, rate429: 0.2 }] };
    const a = await statusPattern({ seed: 77, ...rules });
    const b = await statusPattern({ seed: 77, ...rules });
    const c = await statusPattern({ seed: 78, ...rules });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toContain(503);
    expect(a).toContain(429);
    expect(a).toContain(200);
  });

  it('faults apply per route; injected 429s carry Retry-After and are counted', async () => {
    const sb = await createSandbox({
      seed: 6,
      faults: { highlevel: [{ route: 'GET /social-media-posting/{locationId}/tags', rate429: 1, retryAfterSeconds: 3 }] },
    });
    try {
      const client = highlevelClient(sb);
      const r = await client.get(tags(sb));
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('3');
      expect((await client.get(`/social-media-posting/${sb.credentials.highlevel.locationId}/accounts`)).status).toBe(200);
      const counters = sb.admin.highlevel.counters();
      expect(counters.rateLimited429).toBe(1);
      expect(counters.faultsInjected['429']).toBe(1);
    } finally {
      await sb.close();
    }
  });

  it('connection resets and hangs: the client sees a network error or no answer', async () => {
    const sb = await createSandbox({ seed: 7 });
    try {
      const put = await call(`${sb.payaca.origin}/_sandbox/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          rules: [
            { route: 'list-tax-rates', resetRate: 1 },
            { route: 'list-custom-field-definitions', hangRate: 1 },
          ],
        }),
      });
      expect(put.status).toBe(200);
      expect(put.body.rules).toHaveLength(2);
      await expect(payacaClient(sb).get('/tax-rates')).rejects.toThrow();
      const hung = await fetch(`${sb.payaca.url}/custom-fields?groupRole=project`, { signal: AbortSignal.timeout(300) }).catch(
        (e: Error) => e,
      );
      expect(hung).toBeInstanceOf(Error);
      expect((hung as Error).name).toMatch(/TimeoutError|AbortError/);
      // Other routes are untouched.
      expect((await payacaClient(sb).get('/customers')).status).toBe(200);
      const counters = sb.admin.payaca.counters();
      expect(counters.faultsInjected.reset).toBe(1);
      expect(counters.faultsInjected.hang).toBe(1);
    } finally {
      await sb.close(); // must not wait for the hung request
    }
  });

  it('added latency delays the answer but keeps it correct', async () => {
    const sb = await createSandbox({ seed: 8, faults: { highlevel: [{ route: '*', latencyMs: 50 }] } });
    try {
      const r = await highlevelClient(sb).get(tags(sb));
      expect(r.status).toBe(200);
      expect(sb.admin.highlevel.requests().at(-1)?.fault).toBe('latency');
    } finally {
      await sb.close();
    }
  });

  it('the OAuth token endpoint can fail too (refresh under failure)', async () => {
    const sb = await createSandbox({ seed: 10, faults: { highlevel: [{ route: 'POST /oauth/token', errorRate: 1, errorStatus: 503 }] } });
    try {
      const { clientId, clientSecret } = sb.credentials.highlevel.oauth;
      const res = await call(`${sb.highlevel.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }).toString(),
      });
      expect(res.status).toBe(503);
      expect(sb.admin.highlevel.counters().tokensIssued).toBe(0);
      sb.admin.setFaults({});
      const ok = await call(`${sb.highlevel.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }).toString(),
      });
      expect(ok.status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('bad fault rules are refused with the field named', async () => {
    await expect(createSandbox({ faults: { highlevel: [{ errorRate: 2 }] } })).rejects.toThrow(/faults\.highlevel\[0\]\.errorRate/);
  });
});

describe('inspection', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await createSandbox({ seed: 9 });
  });
  afterAll(async () => sb?.close());

  it('request log, counters per route and status, and counts per Idempotency-Key', async () => {
    const client = highlevelClient(sb);
    await client.get(tags(sb), { 'Idempotency-Key': 'evt-1' });
    await client.get(tags(sb), { 'Idempotency-Key': 'evt-1' });
    await client.get(tags(sb), { 'Idempotency-Key': 'evt-2' });
    await highlevelClient(sb, 'bad').get(tags(sb));
    const counters = await call(`${sb.highlevel.url}/_sandbox/counters`);
    expect(counters.body.routes['GET /social-media-posting/{locationId}/tags']).toEqual({ 200: 3, 401: 1 });
    expect(counters.body.idempotencyKeys).toEqual({ 'evt-1': 2, 'evt-2': 1 });
    await highlevelClient(sb, 'bad').get(tags(sb), { 'Idempotency-Key': 'evt-3' });
    expect(sb.admin.highlevel.counters().idempotencyKeysSucceeded).toEqual({ 'evt-1': 2, 'evt-2': 1 });
    expect(sb.admin.highlevel.counters().idempotencyKeys['evt-3']).toBe(1);
    const log = await call(`${sb.highlevel.url}/_sandbox/requests?operationId=get-tags-location-id`);
    expect(log.body.requests).toHaveLength(5);
    expect(log.body.requests[0]).toMatchObject({
      method: 'GET',
      status: 200,
      locationId: sb.credentials.highlevel.locationId,
      idempotencyKey: 'evt-1',
    });
    const combined = await call(`${sb.url}/_sandbox/counters`);
    expect(combined.body.highlevel.requests).toBe(5);
  });

  it('secrets in logged bodies are redacted', async () => {
    const { clientId } = sb.credentials.highlevel.oauth;
    await call(`${sb.highlevel.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, client_secret: 'super-secret', grant_type: 'refresh_token', refresh_token: 'rt-secret' }),
    });
    const log = JSON.stringify((await call(`${sb.highlevel.url}/_sandbox/requests`)).body);
    expect(log).not.toContain('super-secret');
    expect(log).not.toContain('rt-secret');
  });

  it('reset clears counters and restores demo data; seed changes the data but keeps credentials valid', async () => {
    const client = highlevelClient(sb);
    const before = (await client.get(tags(sb))).body.results.tags;
    expect((await call(`${sb.highlevel.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200);
    expect(sb.admin.highlevel.counters().requests).toBe(0);
    const reseeded = await call(`${sb.highlevel.url}/_sandbox/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 99 }),
    });
    expect(reseeded.body.seed).toBe(99);
    const after = await client.get(tags(sb));
    expect(after.status).toBe(200);
    expect(after.body.results.tags.map((t: { _id: string }) => t._id)).not.toEqual(before.map((t: { _id: string }) => t._id));
    await call(`${sb.highlevel.url}/_sandbox/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 9 }),
    });
    expect((await client.get(tags(sb))).body.results.tags).toEqual(before);
  });

  it('admin endpoints refuse cross-origin browser requests', async () => {
    const res = await call(`${sb.highlevel.url}/_sandbox/reset`, { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });
});
