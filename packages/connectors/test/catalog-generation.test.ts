import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCatalog, serializeCatalog } from '../src/catalog/build-catalog';
import { parseScopesTsv } from '../src/catalog/scopes-tsv';
import { CATALOG_SOURCES } from '../src/catalog-sources';
import { closestOperationIds, findOperation, getCatalog, getCatalogFiles } from '../src/catalog';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readText = (p: string) => readFileSync(p, 'utf8');
const source = (apiVersion: string, connector = 'highlevel') => CATALOG_SOURCES.find((s) => s.apiVersion === apiVersion && s.connector === connector)!;

describe('generated catalogs', () => {
  it.each(CATALOG_SOURCES.map((s) => [s.outFile, s] as const))('%s is exactly what the generator produces from its spec (no drift)', (_out, s) => {
    const fresh = serializeCatalog(buildCatalog(s, repoRoot, readText));
    const committed = readText(path.resolve(repoRoot, s.outFile));
    expect(committed === fresh, `${s.outFile} is stale: run \`pnpm --filter @splice/connectors generate\``).toBe(true);
  });

  it('has every operation: 40 v2 and 45 v3 HighLevel operations, 9 Payaca ones, with unique ids', () => {
    const [v2, v3, payaca] = getCatalogFiles();
    expect(v2!.operations).toHaveLength(40);
    expect(v3!.operations).toHaveLength(45);
    expect(payaca!.operations).toHaveLength(9);
    const ids = getCatalog().map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const shared = v2!.operations.filter((o) => v3!.operations.some((p) => p.operationId === o.operationId));
    expect(shared).toHaveLength(19);
  });

  it('gives each v2 operation the scope of scopes.tsv, and every HighLevel operation its Version header', () => {
    const rows = parseScopesTsv(readText(path.resolve(repoRoot, 'specs/highlevel/scopes.tsv')), 'scopes.tsv');
    expect(rows).toHaveLength(40);
    for (const row of rows) {
      const op = findOperation(`highlevel.v2.${row.operationId}`);
      expect(op, row.operationId).toBeDefined();
      expect([op!.method, op!.path, op!.scope]).toEqual([row.method, row.path, row.scope]);
    }
    for (const op of getCatalog({ connectors: ['highlevel'] })) expect(op.versionHeader).toBe(op.apiVersion === 'v2' ? '2021-07-28' : 'v3');
    expect(findOperation('highlevel.v3.get-statistics')).toMatchObject({ scope: 'socialplanner/statistics.readonly', scopeSource: 'spec' });
    expect(findOperation('highlevel.v3.get-tags-location-id')?.scope).toBe('socialplanner/tag.readonly');
  });

  it('resolves every $ref, including the v3 ../common quirk and the local refs only the v3 common file defines', () => {
    for (const s of CATALOG_SOURCES) expect(readText(path.resolve(repoRoot, s.outFile))).not.toContain('"$ref"');
    const v3Tags = findOperation('highlevel.v3.get-tags-location-id')!;
    expect(v3Tags.responses.find((r) => r.status === '401')?.schema).toMatchObject({ properties: { statusCode: { type: 'number' }, error: { type: 'string' } } });
    const startOauth = findOperation('highlevel.v3.start-oauth')!;
    expect(startOauth.responses.find((r) => r.status === '400')?.schema).toMatchObject({ properties: { message: { type: 'string' } } });
    // Resolving v3 without the remap fails: the quirk is real.
    const noRemap = { ...source('v3'), remap: undefined };
    expect(() => buildCatalog(noRemap, repoRoot, readText)).toThrow(/common-schemas\.json/);
  });

  it('ids carry connector and version; the short highlevel.<operationId> means v2', () => {
    expect(findOperation('highlevel.get-tags-by-ids')).toBe(findOperation('highlevel.v2.get-tags-by-ids'));
    expect(findOperation('highlevel.v3.get-tags-by-ids')?.apiVersion).toBe('v3');
    expect(findOperation('highlevel.v2.get-tags-by-ids')?.requestBody?.schema).toMatchObject({ required: ['tagIds'] });
    expect(findOperation('highlevel.v2.get-social-media-statistics')?.requestBody?.schema).toMatchObject({ properties: { profileIds: { minItems: 1 } } });
    expect(closestOperationIds('highlevel.get-tag-location-id')[0]).toBe('highlevel.get-tags-location-id');
  });

  it('marks list operations as paginated with where their items are, and the spec-forgotten path parameter as inferred', () => {
    expect(findOperation('highlevel.v2.get-tags-location-id')?.pagination).toEqual({ in: 'query', limit: 'limit', offset: 'skip', itemsPath: ['results', 'tags'], totalPath: ['results', 'count'] });
    expect(findOperation('highlevel.v2.get-posts')?.pagination).toMatchObject({ in: 'body', itemsPath: ['results', 'posts'] });
    expect(findOperation('highlevel.v2.get-tags-by-ids')?.pagination).toBeNull();
    const bulk = findOperation('highlevel.v2.bulk-delete-social-planner-posts')!;
    expect(bulk.parameters.find((p) => p.name === 'locationId')).toMatchObject({ in: 'path', required: true, inferred: true });
  });

  it('models Payaca with Basic auth and marks every path FACTS.md does not confirm', () => {
    const ops = getCatalog({ connectors: ['payaca'] });
    expect(ops.filter((o) => !o.assumedPath).map((o) => o.path)).toEqual(['/customers', '/customers']);
    expect(getCatalogFiles()[2]!.servers).toEqual(['https://api.payaca.com/v1']);
    const tags = findOperation('payaca.add-customer-tags')!;
    expect(tags.requestBody?.schema).toMatchObject({ properties: { tagNames: { items: { minLength: 1, maxLength: 30 } } } });
    const spec = JSON.parse(readText(path.resolve(repoRoot, 'packages/connectors/src/payaca/payaca.openapi.json')));
    expect(spec['x-splice-model']).toBe(true);
    expect(spec.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
  });
});
