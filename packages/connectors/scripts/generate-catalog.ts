/**
 * Generates the operation catalogs from OpenAPI: `pnpm --filter @splice/connectors generate`.
 * Writes packages/connectors/src/{highlevel,payaca}/generated/*.json. The drift test fails when the
 * committed files differ from what this produces.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog, serializeCatalog } from '../src/catalog/build-catalog';
import { CATALOG_SOURCES } from '../src/catalog-sources';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readText = (p: string) => readFileSync(p, 'utf8');

for (const source of CATALOG_SOURCES) {
  const catalog = buildCatalog(source, repoRoot, readText);
  const out = path.resolve(repoRoot, source.outFile);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, serializeCatalog(catalog));
  const scoped = catalog.operations.filter((o) => o.scope).length;
  process.stdout.write(`${source.outFile}: ${catalog.operations.length} operations (${scoped} with a scope)\n`);
}
