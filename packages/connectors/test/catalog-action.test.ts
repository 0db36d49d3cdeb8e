import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../src/registry';
import { ConnectorError } from '../src/errors';
import { getCatalog } from '../src/catalog';
import { requestProblems, responseProblems } from '../src/operation-schemas';
import { actionContext, bearer, startLoopbackApi, type SeenRequest } from './loopback-api';

const TAGS = Array.from({ length: 250 }, (_, i) => ({ _id: `t${i}`, tag: `Tag ${i}`, locationId: 'loc_1' }));
let api: Awaited<ReturnType<typeof startLoopbackApi>>;
let respondTagsAs: 'ok' | 'broken' = 'ok';

beforeAll(async () => {
  api = await startLoopbackApi((req: SeenRequest) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.endsWith('/tags')) {
      if (respondTagsAs === 'broken') return { body: { success: true, statusCode: 200, message: 'ok', results: { tags: 'not-a-list' } } };
      const skip = Number(url.searchParams.get('skip') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      return { body: { success: true, statusCode: 200, message: 'Fetched', results: { tags: TAGS.slice(skip, skip + limit), count: TAGS.length } } };
    }
    if (url.pathname.endsWith('/posts/list')) {
      const b = req.body as { skip: string; limit: string };
      const posts = Array.from({ length: 130 }, (_, i) => ({ _id: `p${i}` }));
      return { status: 201, body: { success: true, statusCode: 201, message: 'ok', results: { posts: posts.slice(Number(b.skip), Number(b.skip) + Number(b.limit)), count: posts.length } } };
    }
    if (url.pathname.endsWith('/statistics')) return { status: 201, body: { results: { totals: { posts: 3 } } } };
    if (url.pathname.endsWith('/customers')) return { body: { results: [{ id: 'cus_1', name: 'Jo' }], totalCount: 1 } };
    return { status: 404, body: { message: 'no route' } };
  });
});
afterAll(() => api.close());

const registry = createConnectorRegistry();
const action = (id: string) => registry.get(id)!;

describe('catalog actions (one generic factory) against a loopback API', () => {
  it('registers all 85 HighLevel and 9 Payaca operations, plus v2 aliases', () => {
    expect(registry.list().filter((a) => a.id.startsWith('highlevel.v2.'))).toHaveLength(40);
    expect(registry.list().filter((a) => a.id.startsWith('highlevel.v3.'))).toHaveLength(45);
    expect(registry.list().filter((a) => a.id.startsWith('payaca.'))).toHaveLength(9);
    expect(action('highlevel.get-tags-location-id').scope).toBe('socialplanner/tag.readonly');
    expect(createConnectorRegistry({ connectors: ['payaca'] }).list()).toHaveLength(9);
  });

  it("compiles every operation's request and response schemas (all 94 operations)", () => {
    for (const op of getCatalog()) {
      expect(() => requestProblems(op, { params: {}, query: {}, headers: {}, body: undefined }), op.id).not.toThrow();
      for (const r of op.responses) expect(() => responseProblems(op, Number(r.status), {}), `${op.id} ${r.status}`).not.toThrow();
    }
  });

  it('builds the request from the catalog: base URL, encoded path params, query, Version header, bearer auth', async () => {
    const { ctx, close, limiter } = actionContext({ highlevel: api.url });
    const before = api.seen.length;
    const out = await action('highlevel.get-tags-location-id').run({ params: { locationId: 'loc 1/a' }, query: { searchText: 'kit', limit: 5, skip: 0 } }, ctx);
    const req = api.seen[before]!;
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/social-media-posting/loc%201%2Fa/tags?searchText=kit&limit=5&skip=0');
    expect(req.headers.version).toBe('2021-07-28');
    expect(req.headers.authorization).toBe('Bearer pit-test-token');
    expect(out).toMatchObject({ results: { tags: TAGS.slice(0, 5), count: 250 } });
    expect(limiter.stats('highlevel:loc 1/a')?.used[0]).toBe(1);
    await close();
  });

  it('sends Version: v3 for v3 operations and paces statistics by the locationId of its query', async () => {
    const { ctx, close, limiter } = actionContext({ highlevel: api.url });
    const before = api.seen.length;
    await action('highlevel.v3.get-statistics').run({ query: { locationId: 'loc_9' }, body: { profileIds: ['p1'] } }, ctx);
    expect(api.seen[before]!.headers.version).toBe('v3');
    expect(api.seen[before]!.body).toEqual({ profileIds: ['p1'] });
    expect(limiter.stats('highlevel:loc_9')?.used[0]).toBe(1);
    await close();
  });

  it('validates before sending: a schema violation names the field and nothing is sent', async () => {
    const { ctx, close } = actionContext({ highlevel: api.url });
    const before = api.seen.length;
    const err = await action('highlevel.get-social-media-statistics').run({ query: { locationId: 'loc_1' }, body: { profileIds: [] } }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('REQUEST_INVALID');
    expect((err as ConnectorError).message).toMatch(/^body\.profileIds: must NOT have fewer than 1 items/);
    const unknownQuery = await action('highlevel.get-tags-location-id').run({ params: { locationId: 'l' }, query: { serchText: 'x' } }, ctx).catch((e: unknown) => e);
    expect((unknownQuery as ConnectorError).message).toMatch(/^query\.serchText: is not a known field/);
    const missing = await action('highlevel.get-tags-by-ids').run({ params: { locationId: 'l' }, body: {} }, ctx).catch((e: unknown) => e);
    expect((missing as ConnectorError).message).toMatch(/^body\.tagIds: is required/);
    expect(api.seen.length).toBe(before);
    await close();
  });

  it("fills a missing locationId from the credential's location", async () => {
    const { ctx, close } = actionContext({ highlevel: api.url }, { credential: bearer({ locationId: 'loc_from_cred' }) });
    const before = api.seen.length;
    await action('highlevel.get-tags-location-id').run({ query: { limit: '1' } }, ctx);
    expect(api.seen[before]!.url).toBe('/social-media-posting/loc_from_cred/tags?limit=1');
    await close();
  });

  it('checks the answer against the response schema: warns by default, fails in strict mode', async () => {
    respondTagsAs = 'broken';
    try {
      const lax = actionContext({ highlevel: api.url });
      await action('highlevel.get-tags-location-id').run({ params: { locationId: 'l' } }, lax.ctx);
      expect(lax.warnings.join('\n')).toMatch(/response\.results\.tags: must be array/);
      const strict = actionContext({ highlevel: api.url }, { strictResponses: true });
      const err = await action('highlevel.get-tags-location-id').run({ params: { locationId: 'l' } }, strict.ctx).catch((e: unknown) => e);
      expect((err as ConnectorError).code).toBe('RESPONSE_INVALID');
      await lax.close();
      await strict.close();
    } finally {
      respondTagsAs = 'ok';
    }
  });

  it('paginates limit/skip lists until the total, collecting every item', async () => {
    const { ctx, close } = actionContext({ highlevel: api.url }, { paginate: true });
    const before = api.seen.length;
    const out = (await action('highlevel.get-tags-location-id').run({ params: { locationId: 'loc_1' }, query: { limit: 100 } }, ctx)) as { items: unknown[]; pages: number; total: number };
    expect(out.items).toEqual(TAGS);
    expect(out.pages).toBe(3);
    expect(api.seen.slice(before).map((r) => new URL(r.url, 'http://x').searchParams.get('skip'))).toEqual(['0', '100', '200']);
    expect(api.seen.slice(before).map((r) => r.headers['idempotency-key'])).toEqual(['run-1:step', 'run-1:step:page-2', 'run-1:step:page-3']);
    // Without limit/skip the defaults apply (100 per page from 0).
    const again = (await action('highlevel.get-tags-location-id').run({ params: { locationId: 'loc_1' } }, ctx)) as { items: unknown[]; pages: number };
    expect([again.items.length, again.pages]).toEqual([250, 3]);
    // Body-paged list (get-posts): skip/limit are required strings in the body; pages fill them.
    const before2 = api.seen.length;
    const posts = (await action('highlevel.get-posts').run({ params: { locationId: 'loc_1' }, body: { fromDate: '2026-01-01', toDate: '2026-12-31', includeUsers: 'false', limit: '50' } }, ctx)) as { items: unknown[]; pages: number };
    expect([posts.items.length, posts.pages]).toEqual([130, 3]);
    expect(api.seen.slice(before2).map((r) => (r.body as { skip: string }).skip)).toEqual(['0', '50', '100']);
    const notPageable = await action('highlevel.get-tags-by-ids').run({ params: { locationId: 'l' }, body: { tagIds: ['a'] } }, ctx).catch((e: unknown) => e);
    expect((notPageable as ConnectorError).code).toBe('PAGINATION_UNSUPPORTED');
    await close();
  });

  it('a dry run sends nothing, shows one page, and raises no warnings about its synthetic answer', async () => {
    const recorded: string[] = [];
    const { ctx, warnings, close } = actionContext(
      { highlevel: api.url },
      { paginate: true, dryRun: true, strictResponses: true, recordRequest: (r) => recorded.push(`${r.method} ${r.url}`) },
    );
    const before = api.seen.length;
    await action('highlevel.get-tags-location-id').run({ params: { locationId: 'loc_1' }, query: { limit: 100 } }, ctx);
    expect(api.seen.length).toBe(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatch(/^GET .*\/social-media-posting\/loc_1\/tags\?limit=100&skip=0$/);
    expect(warnings).toEqual([]);
    await close();
  });

  it('refuses to send a non-JSON (multipart) body instead of sending it wrongly', async () => {
    const { ctx, close } = actionContext({ highlevel: api.url });
    const before = api.seen.length;
    const err = await action('highlevel.upload-csv').run({ params: { locationId: 'l' }, body: { file: 'a,b' } }, ctx).catch((e: unknown) => e);
    expect((err as ConnectorError).code).toBe('UNSUPPORTED_CONTENT_TYPE');
    expect(api.seen.length).toBe(before);
    await close();
  });

  it('calls Payaca with Basic auth under /v1, and refuses hosts outside the connector', async () => {
    const basic = { name: 'payaca', connector: 'payaca', version: 1, auth: { kind: 'basic' as const, username: 'client', password: 'secret' } };
    const { ctx, close } = actionContext({ payaca: `${api.url}/v1`, highlevel: 'https://evil.example.com' }, { credential: basic });
    const before = api.seen.length;
    await action('payaca.list-customers').run({ query: { limit: 10 } }, ctx);
    expect(api.seen[before]!.url).toBe('/v1/customers?limit=10');
    expect(api.seen[before]!.headers.authorization).toBe(`Basic ${Buffer.from('client:secret').toString('base64')}`);
    expect(api.seen[before]!.headers.version).toBeUndefined();
    const tooLong = await action('payaca.add-customer-tags').run({ params: { customerId: 'c' }, body: { tagNames: ['x'.repeat(31)] } }, ctx).catch((e: unknown) => e);
    expect((tooLong as ConnectorError).message).toMatch(/^body\.tagNames\[0\]: must NOT have more than 30 characters/);
    const evil = await action('highlevel.get-account').run({ params: { locationId: 'l' } }, ctx).catch((e: unknown) => e);
    expect((evil as ConnectorError).code).toBe('HOST_NOT_ALLOWED');
    expect(api.seen.length).toBe(before + 1);
    await close();
  });
});
