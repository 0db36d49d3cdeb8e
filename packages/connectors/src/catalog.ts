import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCatalogFile, type CatalogFile, type CatalogOperation } from './catalog/catalog-types';
import { closestMatches } from '@splice/runtime';
import { parseJson } from './catalog/json';
import { CATALOG_SOURCES } from './catalog-sources';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let files: CatalogFile[] | undefined;
let byId: Map<string, CatalogOperation> | undefined;

/** Every generated catalog file, read and checked once per process. */
export function getCatalogFiles(): CatalogFile[] {
  if (!files) {
    files = CATALOG_SOURCES.map((s) => {
      const file = path.resolve(repoRoot, s.outFile);
      return checkCatalogFile(parseJson(readFileSync(file, 'utf8'), s.outFile), s.outFile);
    });
  }
  return files;
}

/** All catalog operations, optionally of some connectors only (`highlevel`, `payaca`). */
export function getCatalog(opts: { connectors?: string[] } = {}): CatalogOperation[] {
  const ops = getCatalogFiles().flatMap((f) => f.operations);
  return opts.connectors ? ops.filter((o) => opts.connectors!.includes(o.connector)) : ops;
}

function index(): Map<string, CatalogOperation> {
  if (!byId) {
    byId = new Map();
    for (const op of getCatalog()) {
      byId.set(op.id, op);
      for (const alias of op.aliases) byId.set(alias, op);
    }
  }
  return byId;
}

/** The operation with this id or alias (`highlevel.get-tags-location-id` is the v2 one). */
export function findOperation(id: string): CatalogOperation | undefined {
  return index().get(id);
}

/** Every id and alias, for suggestions. */
export function allOperationIds(): string[] {
  return [...index().keys()];
}

/** Ids closest to `input` (edit distance), best first: for "did you mean" hints on unknown `uses`. */
export function closestOperationIds(input: string, max = 3): string[] {
  return closestMatches(input, allOperationIds(), { max, tolerance: Math.max(3, Math.floor(input.length / 2)) });
}
