import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createApiRouter } from '../../packages/server/src/api/router';
import { GENERATED_FILE, generateContractSchemas, renderGenerated } from '../../packages/server/src/api/generate-contract-schemas';
import { startTestApi, type TestApi } from './helpers';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** Every (method, path) the express router really serves, sub-routers included. */
function servedRoutes(router: unknown, prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of (router as unknown as { stack: any[] }).stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      const sub = layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...servedRoutes(layer.handle, `${prefix}${sub}`));
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is served at /api/openapi.json as OpenAPI 3.1 and documents every route the router serves', async () => {
    const res = await api.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries<Record<string, unknown>>(res.body.paths)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p.replace(/\{([A-Za-z]+)\}/g, ':$1')}`);
    }
    const served = servedRoutes(createApiRouter(api.server.ctx));
    expect(served.length).toBeGreaterThan(40);
    const missing = served.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    const stale = [...documented].filter((r) => !served.includes(r));
    expect(stale).toEqual([]);
    expect(res.body.components.schemas.FlowDetail.required).toContain('yaml');
    expect(res.body.paths['/flows/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/FlowResponse' });
    // Every $ref resolves.
    const refs = JSON.stringify(res.body).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of refs) expect(res.body.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
  });

  it('has component schemas generated from the current wire contract', () => {
    const current = renderGenerated(generateContractSchemas());
    expect(readFileSync(GENERATED_FILE, 'utf8') === current, 'api/contract.ts changed: run `npx tsx packages/server/src/api/generate-contract-schemas.ts`').toBe(true);
  });
});

describe('catalog, credentials and schedules', () => {
  it('serves the catalog grouped by connector with scopes and triggers', async () => {
    const res = await api.call('GET', '/api/catalog');
    const hl = res.body.connectors.find((c: { id: string }) => c.id === 'highlevel');
    expect(hl.title).toContain('Users API');
    const tags = hl.operations.find((o: { id: string }) => o.id === 'highlevel.v2.get-tags-location-id');
    expect(tags).toMatchObject({ method: 'GET', scope: 'socialplanner/tag.readonly' });
    expect(tags.inputSchema.type).toBe('object');
    expect(hl.scopes).toContain('socialplanner/tag.readonly');
    expect(hl.triggers.length).toBeGreaterThan(0);
    const core = res.body.connectors.find((c: { id: string }) => c.id === 'core');
    expect(core.triggers.map((t: { type: string }) => t.type).sort()).toEqual(['manual', 'schedule', 'webhook']);
  });

  it('stores credentials with write-only secrets and answers metadata only', async () => {
    const secret = 'pit-secret-value-123';
    const created = await api.call('POST', '/api/credentials', { name: 'ghl-main', type: 'highlevel-pit', secret, meta: { locationId: 'loc_1' }, scopes: ['socialplanner/tag.readonly'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'ghl-main', connector: 'highlevel', type: 'highlevel-pit', version: 1, meta: { locationId: 'loc_1' } });
    const list = await api.call('GET', '/api/credentials');
    expect(list.body.credentials.map((c: { name: string }) => c.name)).toEqual(['ghl-main']);
    const rotated = await api.call('PATCH', '/api/credentials/ghl-main', { secret: 'pit-secret-value-456' });
    expect(rotated.body.version).toBe(2);
    for (const r of [created, list, rotated, await api.call('GET', '/api/credentials/ghl-main')]) {
      expect(JSON.stringify(r.body)).not.toContain('pit-secret-value');
    }
    const kinds = await api.call('GET', '/api/credentials/kinds');
    expect(kinds.body.kinds.map((k: { kind: string }) => k.kind)).toContain('highlevel-pit');
    expect((await api.call('GET', '/api/credentials/nope')).status).toBe(404);
    const noName = await api.call('POST', '/api/credentials', { type: 'highlevel-pit', secret: 'x' });
    expect(noName.status).toBe(422);
    expect(noName.body.error.path).toBe('body.name');
  });

  it('validation against production checks bindings and scopes with line:col', async () => {
    const yaml = `apiVersion: splice/v1
kind: Flow
metadata:
  name: posts
credentials:
  ghl:
    connector: highlevel
trigger:
  type: manual
steps:
  - id: accounts
    type: call
    uses: highlevel.v2.get-account
    credential: ghl
    with:
      params: { locationId: loc_1 }
`;
    await api.call('PATCH', '/api/environments/production', { bindings: { ghl: 'ghl-main' } });
    const res = await api.call('POST', '/api/validate', { yaml, environment: 'production' });
    expect(res.body.valid).toBe(false);
    const scopeErr = res.body.errors.find((e: { code: string }) => /SCOPE/.test(e.code));
    expect(scopeErr.message).toMatch(/socialplanner\/account\.readonly/);
    expect(scopeErr.location.line).toBe(14);
    expect((await api.call('POST', '/api/validate', { yaml })).body.valid).toBe(true);

    // Promotion checks the same against production's bindings, even when the flow tests pass.
    await api.call('POST', '/api/flows', { yaml });
    await api.call('PUT', '/api/flows/posts/tests', { yaml: 'tests:\n  - name: lists accounts\n    responses:\n      accounts: { body: { results: { accounts: [] } } }\n' });
    expect((await api.call('POST', '/api/flows/posts/tests/run', {})).body).toMatchObject({ passed: 1, failed: 0 });
    const refused = await api.call('POST', '/api/flows/posts/promote', {});
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'PROMOTION_REFUSED', details: { reason: 'validation' } });
    expect(refused.body.error.message).toMatch(/does not validate against production \(14:\d+ .*socialplanner\/account\.readonly/);
  });

  it('lists active schedules with their next tick', async () => {
    const yaml = `apiVersion: splice/v1
kind: Flow
metadata:
  name: every-minute
trigger:
  type: schedule
  cron: '* * * * *'
steps:
  - id: tick
    type: map
    expression: '$event'
`;
    await api.call('POST', '/api/flows', { yaml });
    expect((await api.call('POST', '/api/flows/every-minute/activate')).status).toBe(200);
    const res = await api.call('GET', '/api/schedules');
    expect(res.body.schedules).toEqual([expect.objectContaining({ flowId: 'every-minute', cron: '* * * * *', timezone: 'UTC' })]);
    expect(Date.parse(res.body.schedules[0].nextRunAt)).toBeGreaterThan(Date.now() - 1000);
    expect((await api.call('GET', '/api/flows/every-minute')).body.flow.nextRunAt).toBe(res.body.schedules[0].nextRunAt);
    await api.call('POST', '/api/flows/every-minute/deactivate');
    expect((await api.call('GET', '/api/schedules')).body.schedules).toEqual([]);
  });
});
