import type { CatalogSource } from './catalog/build-catalog';

/**
 * Every generated catalog and where it comes from (repo-relative paths). The generator, the drift test
 * and the runtime all read this one list.
 */
export const CATALOG_SOURCES: CatalogSource[] = [
  {
    connector: 'highlevel',
    apiVersion: 'v2',
    title: 'Users API (HighLevel Social Planner) v2',
    specFile: 'specs/highlevel/apps/social-media-posting.json',
    outFile: 'packages/connectors/src/highlevel/generated/catalog.v2.json',
    idPrefix: 'highlevel.v2',
    aliasPrefix: 'highlevel',
    scopesTsv: 'specs/highlevel/scopes.tsv',
  },
  {
    connector: 'highlevel',
    apiVersion: 'v3',
    title: 'Users API (HighLevel Social Planner) v3',
    specFile: 'specs/highlevel/apps/v3/social-planner-v3.json',
    outFile: 'packages/connectors/src/highlevel/generated/catalog.v3.json',
    idPrefix: 'highlevel.v3',
    // Upstream quirk (specs/highlevel/SOURCE.md): v3 files refer to ../common/, which lives at apps/v3/common/.
    remap: { 'specs/highlevel/apps/common/common-schemas.json': 'specs/highlevel/apps/v3/common/common-schemas.json' },
    // Upstream quirk: start-oauth, get-oauth-accounts and attach-oauth-accounts refer to a local
    // `#/components/schemas/BadRequestDTO` (etc.) that only the v3 common file defines.
    fallbacks: ['specs/highlevel/apps/v3/common/common-schemas.json'],
    scopesTsv: 'specs/highlevel/scopes.tsv',
  },
  {
    connector: 'payaca',
    apiVersion: 'v1',
    title: 'Payaca API (Splice model)',
    specFile: 'packages/connectors/src/payaca/payaca.openapi.json',
    outFile: 'packages/connectors/src/payaca/generated/catalog.json',
    idPrefix: 'payaca',
  },
];
