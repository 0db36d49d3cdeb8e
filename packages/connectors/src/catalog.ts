import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCatalogFile, type CatalogFile, type CatalogOperation } from './catalog/catalog-types';
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

/** Ids closest to `input` (edit distance on the part after the connector), best first. */
export function closestOperationIds(input: string, max = 3): string[] {
  const scored = allOperationIds().map((id) => ({ id, d: editDistance(input.toLowerCase(), id.toLowerCase()) }));
  scored.sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
  const limit = Math.max(3, Math.floor(input.length / 2));
  return scored.filter((s) => s.d <= limit).slice(0, max).map((s) => s.id);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
