import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, rawRequest, signHighLevel, signPayaca, startHostileServer, type HostileServer } from './fuzz-harness';

/**
 * Issue 11 items 1–6, through real HTTP: the signature covers everything that decides what runs (event
 * type, delivery id, timestamp come from the signed body; unsigned headers never override them), deep
 * payloads are refused before they are stored, a lying Content-Length is answered from the header, and
 * the admin API checks the token before it reads a body.
 */
let h: HostileServer;
beforeAll(async () => {
  h = await startHostileServer();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const hook = (flow: string) => `${h.url}/hooks/${flow}`;
const payacaEnvelope = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `env-${randomUUID()}`, event: 'project.tagsChanged', occurredAt: new Date().toISOString(), data: { project: { id: 'p1' } }, ...extra });
const payacaHeaders = (body: string, extra: Record<string, string> = {}) => ({ 'x-payaca-signature': signPayaca(body), 'x-payaca-event': 'project.tagsChanged', ...extra });
const ghlBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'ContactTagUpdate', locationId: 'loc1', id: 'c1', tags: ['a'], timestamp: new Date().toISOString(), webhookId: `wh-${randomUUID()}`, ...extra });

const DELIVERY_ID_HEADERS = ['x-delivery-id', 'idempotency-key', 'x-payaca-delivery-id', 'x-payaca-delivery', 'x-ghl-webhook-id'];

describe('signed means signed: facts come from the signed body', () => {
  it('a replayed Payaca delivery with a fresh unsigned delivery-id header is the same delivery', async () => {
    const body = payacaEnvelope();
    const first = await post(hook('payaca'), body, payacaHeaders(body));
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const before = await h.runCount();
    for (const name of DELIVERY_ID_HEADERS) {
      const again = await post(hook('payaca'), body, payacaHeaders(body, { [name]: `fresh-${randomUUID()}` }));
      expect(again, name).toMatchObject({ status: 200, body: { duplicate: true, runId: first.body.runId } });
    }
    expect(await h.runCount()).toBe(before);
  });

  it('a replayed HighLevel delivery with a fresh unsigned delivery-id header is the same delivery', async () => {
    const body = ghlBody();
    const first = await post(hook('ghl'), body, { 'x-ghl-signature': signHighLevel(body) });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const before = await h.runCount();
    for (const name of DELIVERY_ID_HEADERS) {
      const again = await post(hook('ghl'), body, { 'x-ghl-signature': signHighLevel(body), [name]: `fresh-${randomUUID()}` });
      expect(again, name).toMatchObject({ status: 200, body: { duplicate: true, runId: first.body.runId } });
    }
    expect(await h.runCount()).toBe(before);
  });

  it('a signed stale timestamp is refused whatever fresh unsigned timestamp header comes with it', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const now = String(Math.floor(Date.now() / 1000));
    const before = await h.runCount();
    const pay = payacaEnvelope({ timestamp: hourAgo });
    const ghl = ghlBody({ timestamp: hourAgo });
    for (const name of ['x-payaca-timestamp', 'x-webhook-timestamp', 'x-ghl-timestamp']) {
      for (const value of [now, new Date().toISOString()]) {
        const p = await post(hook('payaca'), pay, payacaHeaders(pay, { [name]: value }));
        expect(p, `payaca ${name}`).toMatchObject({ status: 401, body: { error: { code: 'STALE_TIMESTAMP' } } });
        const g = await post(hook('ghl'), ghl, { 'x-ghl-signature': signHighLevel(ghl), [name]: value });
        expect(g, `highlevel ${name}`).toMatchObject({ status: 401, body: { error: { code: 'STALE_TIMESTAMP' } } });
      }
    }
    expect(await h.runCount()).toBe(before);
  });

  it('the signed body names the event; an unsigned header cannot relabel it', async () => {
    const before = await h.runCount();
    const created = payacaEnvelope({ event: 'project.created' });
    const relabelled = await post(hook('payaca-tags'), created, payacaHeaders(created, { 'x-payaca-event': 'project.tagsChanged' }));
    expect(relabelled).toMatchObject({ status: 202, body: { ignored: true } });
    const contact = ghlBody({ type: 'ContactCreate' });
    for (const name of ['x-event-type', 'x-ghl-event', 'x-payaca-event']) {
      const g = await post(hook('ghl-tags'), contact, { 'x-ghl-signature': signHighLevel(contact), [name]: 'ContactTagUpdate' });
      expect(g, name).toMatchObject({ status: 202, body: { ignored: true } });
    }
    expect(await h.runCount()).toBe(before);
    // Where Payaca's body names no event, the header is all there is (declared, with its risk).
    const bare = JSON.stringify({ id: `env-${randomUUID()}`, occurredAt: new Date().toISOString(), data: {} });
    const headerOnly = await post(hook('payaca-tags'), bare, payacaHeaders(bare));
    expect(headerOnly.status, JSON.stringify(headerOnly.body)).toBe(202);
    expect(headerOnly.body.ignored).toBeUndefined();
    expect(await h.runCount()).toBe(before + 1);
  });
});

describe('deep payloads', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

  it('refuses a delivery nested 10,000 levels deep with 400 and stores nothing; 64 levels pass', async () => {
    const before = await h.runCount();
    for (const flow of ['payaca', 'generic']) {
      const body = `{"id":"env-deep-${flow}","event":"project.tagsChanged","data":${nested(10_000)}}`;
      const res = await post(hook(flow), body, flow === 'payaca' ? payacaHeaders(body) : {});
      expect(res, flow).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_TOO_DEEP' } } });
    }
    expect(await h.runCount()).toBe(before);
    const ok = `{"id":"env-63","event":"project.tagsChanged","data":${nested(63)}}`;
    expect((await post(hook('payaca'), ok, payacaHeaders(ok))).status).toBe(202);
    // Brackets inside strings do not nest.
    const text = JSON.stringify({ id: 'env-str', event: 'project.tagsChanged', data: { s: '['.repeat(10_000) } });
    expect((await post(hook('payaca'), text, payacaHeaders(text))).status).toBe(202);
  });

  it('GET /api/runs/<id> answers a record stored deep before this limit, clipped, not 500', async () => {
    const flow = await h.server.ctx.flows.findActive('generic');
    const stored = await h.server.ctx.events.submit({ flow: flow!, source: 'generic', body: `{"deep":${nested(10_000)}}`, trigger: 'webhook' });
    const res = await fetch(`${h.url}/api/runs/${stored.runId}`, { headers: { authorization: `Bearer ${h.adminToken}` } });
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(JSON.parse(text).runId).toBe(stored.runId);
    expect(text).toContain('[too deep to show]');
  });
});

describe('Content-Length over the limit is answered from the header', () => {
  const lying = (path: string, headers = '') =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}Content-Length: 999999999\r\n\r\n{}`;

  it('on /hooks (the fast path, and express for encoded bodies) and on the API', async () => {
    const before = await h.runCount();
    for (const [what, request] of [
      ['hooks fast path', lying('/hooks/payaca')],
      ['hooks via express', lying('/hooks/payaca', 'Content-Encoding: gzip\r\n')],
      ['unknown flow', lying('/hooks/nope')],
      ['api with token', lying('/api/flows', `Authorization: Bearer ${h.adminToken}\r\n`)],
    ]) {
      const res = await rawRequest(h.port, request!);
      expect(res.status, `${what}: ${res.head}`).toBe(413);
      expect(JSON.parse(res.body).error.code, what).toBe('PAYLOAD_TOO_LARGE');
      expect(res.head.toLowerCase(), what).toContain('connection: close');
    }
    expect(await h.runCount()).toBe(before);
  });
});

describe('the admin API checks the token before it reads a body', () => {
  it('answers 401 to an unauthenticated caller whatever the body: malformed, huge, or declared huge', async () => {
    const api = `${h.url}/api/flows`;
    const malformed = await post(api, '{"yaml": ', {});
    expect(malformed).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const big = await post(api, JSON.stringify({ yaml: 'x'.repeat(6 * 1024 * 1024) }), { authorization: 'Bearer wrong' });
    expect(big).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    const declared = await rawRequest(h.port, 'POST /api/flows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{}');
    expect(declared.status, declared.head).toBe(401);
    // With the token the body is read and judged as before.
    const judged = await post(api, '{"yaml": ', { authorization: `Bearer ${h.adminToken}` });
    expect(judged).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
  });
});
