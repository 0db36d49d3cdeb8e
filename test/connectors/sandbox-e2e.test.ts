import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionRegistry, createEngine, type CredentialResolver, type Flow } from '../../packages/runtime/src/index';
import { createHttpSender } from '../../packages/runtime/src/actions/http-sender';
import { createRateLimiter, maxInSlidingWindow } from '../../packages/runtime/src/ratelimit/index';
import { baseUrlsFor, createConnectorRegistry } from '../../packages/connectors/src/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';

/**
 * Catalog actions end to end against the sandbox's HighLevel stand-in (auth, Version, scopes, request
 * validation and rate limits as HighLevel). The rate window is 2 s instead of 10 s for a short run; the
 * sandbox and the limiter are given the same numbers.
 */
const WINDOW_MS = 2_000;
let sb: Sandbox;

beforeAll(async () => {
  sb = await createSandbox({ rateLimit: { max: 100, intervalMs: WINDOW_MS, daily: 200_000 }, logLevel: 'silent' });
});
afterAll(() => sb?.close());

const actions = createConnectorRegistry();
const limits = { 'highlevel:': [{ limit: 100, windowMs: WINDOW_MS }, { limit: 200_000, windowMs: 86_400_000 }] };

function credentials(): CredentialResolver {
  const hl = sb.credentials.highlevel;
  return {
    resolve: async (name) => ({ name, connector: 'highlevel', version: 1, auth: { kind: 'bearer', token: hl.privateIntegrationToken }, meta: { locationId: hl.locationId } }),
  };
}

function routeCount(route: string, status?: number): number {
  const byStatus = sb.admin.counters().highlevel.routes[route] ?? {};
  return status === undefined ? Object.values(byStatus).reduce((a, b) => a + b, 0) : (byStatus[String(status)] ?? 0);
}

const tagsFlow = (statisticsBody: unknown): Flow => ({
  apiVersion: 'splice/v1',
  kind: 'Flow',
  metadata: { name: 'tags-and-statistics' },
  credentials: { ghl: { connector: 'highlevel' } },
  trigger: { type: 'manual' },
  steps: [
    { id: 'tags', type: 'call', uses: 'highlevel.get-tags-location-id', credential: 'ghl', with: { params: { locationId: '=$event.locationId' }, query: { limit: 10 } } },
    { id: 'details', type: 'call', uses: 'highlevel.get-tags-by-ids', credential: 'ghl', with: { params: { locationId: '=$event.locationId' }, body: { tagIds: '=[$steps.tags.results.tags._id]' } } },
    { id: 'accounts', type: 'call', uses: 'highlevel.get-account', credential: 'ghl', with: { params: { locationId: '=$event.locationId' } } },
    { id: 'statistics', type: 'call', uses: 'highlevel.get-social-media-statistics', credential: 'ghl', with: { query: { locationId: '=$event.locationId' }, body: statisticsBody } },
  ],
  options: { strictResponses: true },
});

describe('catalog actions against the sandbox', () => {
  it("derives the sandbox's base URLs from its root URL, as the sandbox itself reports them", () => {
    expect(baseUrlsFor({ sandboxUrl: sb.url })).toEqual(sb.baseUrls);
  });

  it('a flow calling GET tags, POST tags/details and POST statistics runs end to end', async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(...actions.list()), credentials: credentials(), baseUrls: sb.baseUrls, rateLimiter: createRateLimiter({ limits }) });
    const run = await engine.run(tagsFlow({ profileIds: '=[$steps.accounts.results.accounts.profileId]' }), { locationId: sb.credentials.highlevel.locationId });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    const [tags, details, , stats] = run.steps;
    const listed = (tags!.output as { results: { tags: Array<{ _id: string }> } }).results.tags;
    expect(listed.length).toBeGreaterThan(0);
    expect((details!.output as { results: { tags: Array<{ _id: string }> } }).results.tags.map((t) => t._id).sort()).toEqual(listed.map((t) => t._id).sort());
    expect(stats!.output).toMatchObject({ results: { totals: expect.any(Object) } });
    expect(run.steps.flatMap((s) => s.warnings ?? [])).toEqual([]);
    expect(tags!.attempts[0]!.request?.headers.version).toBe('2021-07-28');
  });

  it('a body that violates the schema fails before sending, naming the field', async () => {
    const engine = createEngine({ actions: new ActionRegistry().register(...actions.list()), credentials: credentials(), baseUrls: sb.baseUrls, rateLimiter: createRateLimiter({ limits }) });
    const before = routeCount('POST /social-media-posting/statistics');
    const run = await engine.run(tagsFlow({ profileIds: [] }), { locationId: sb.credentials.highlevel.locationId });
    expect(run.status).toBe('failed');
    const failed = run.steps.find((s) => s.id === 'statistics')!;
    expect(failed.error?.code).toBe('REQUEST_INVALID');
    expect(failed.error?.message).toMatch(/^body\.profileIds: must NOT have fewer than 1 items/);
    expect(failed.attempts.every((a) => a.request === undefined)).toBe(true);
    expect(routeCount('POST /social-media-posting/statistics')).toBe(before);
  });

  it('a burst of 300 calls for one location: at most 100 per window and the sandbox counts zero 429s', async () => {
    sb.admin.reset();
    const limiter = createRateLimiter({ limits });
    const http = createHttpSender({ rateLimiter: limiter });
    const hl = sb.credentials.highlevel;
    const ctx = {
      stepId: 'burst', idempotencyKey: 'burst', signal: new AbortController().signal, dryRun: false, http, attempt: 1,
      baseUrls: sb.baseUrls, strictResponses: false, recordRequest() {}, recordResponse() {}, warn() {},
      credential: { name: 'ghl', connector: 'highlevel', version: 1, auth: { kind: 'bearer' as const, token: hl.privateIntegrationToken } },
    };
    const tags = actions.get('highlevel.get-tags-location-id')!;
    const results = await Promise.allSettled(Array.from({ length: 300 }, () => tags.run({ params: { locationId: hl.locationId } }, ctx)));
    await http.close();
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const counters = sb.admin.counters().highlevel;
    expect(counters.rateLimited429).toBe(0);
    expect(routeCount('GET /social-media-posting/{locationId}/tags', 200)).toBe(300);
    const arrivals = sb.admin.highlevel.requests({ route: 'GET /social-media-posting/{locationId}/tags', limit: 1000 }).map((r) => Date.parse(r.at));
    expect(arrivals).toHaveLength(300);
    expect(maxInSlidingWindow(arrivals, WINDOW_MS)).toBeLessThanOrEqual(100);
  });

  it('Payaca operations from our model work against the Payaca stand-in, with Basic auth and strict response checks', async () => {
    const { clientId, clientSecret } = sb.credentials.payaca;
    const payaca: CredentialResolver = { resolve: async (name) => ({ name, connector: 'payaca', version: 1, auth: { kind: 'basic', username: clientId, password: clientSecret } }) };
    const engine = createEngine({ actions: new ActionRegistry().register(...actions.list()), credentials: payaca, baseUrls: sb.baseUrls });
    const flow: Flow = {
      apiVersion: 'splice/v1', kind: 'Flow', metadata: { name: 'payaca-sync' }, credentials: { p: { connector: 'payaca' } }, trigger: { type: 'manual' },
      options: { strictResponses: true },
      steps: [
        { id: 'customer', type: 'call', uses: 'payaca.create-or-update-customer', credential: 'p', with: { body: { name: 'Jo Bloggs', email: 'jo.e2e@example.com' } } },
        { id: 'tag', type: 'call', uses: 'payaca.add-customer-tags', credential: 'p', with: { params: { customerId: '=$steps.customer.id' }, body: { tagNames: ['boiler', 'kitchen'] } } },
        { id: 'project', type: 'call', uses: 'payaca.create-project', credential: 'p', with: { params: { customerId: '=$steps.customer.id' }, body: { reference: 'J-1', siteAddress: { line1: '1 High St', postcode: 'AB1 2CD' }, tags: ['boiler'] } } },
        { id: 'fields', type: 'call', uses: 'payaca.list-custom-field-definitions', credential: 'p', with: { query: { groupRole: 'project' } } },
        { id: 'taxRates', type: 'call', uses: 'payaca.list-tax-rates', credential: 'p', paginate: true, with: { query: { limit: 2 } } },
      ],
    };
    const run = await engine.run(flow, {});
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.steps.flatMap((s) => s.warnings ?? [])).toEqual([]);
    expect((run.steps[1]!.output as { tags: string[] }).tags).toEqual(expect.arrayContaining(['boiler', 'kitchen']));
    const taxRates = run.steps[4]!.output as { items: unknown[]; pages: number };
    expect(taxRates.items.length).toBeGreaterThan(0);
    expect(taxRates.pages).toBeGreaterThanOrEqual(Math.ceil(taxRates.items.length / 2));
  });
});
