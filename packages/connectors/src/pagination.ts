import type { ActionContext, InboundResponse } from '@splice/runtime';
import type { CatalogOperation } from './catalog/catalog-types';
import { ConnectorError } from './errors';
import type { RequestParts } from './operation-schemas';

export type PageSender = (parts: RequestParts) => Promise<InboundResponse>;

/** What a paginated call step returns. */
export interface PaginatedResult {
  items: unknown[];
  /** Pages fetched. */
  pages: number;
  /** The total the API reported, when its answer carries one. */
  total: number | null;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGES = 1000;

/**
 * Fetches pages of a limit/skip (or limit/offset) list until a short page, an empty page or the reported
 * total, and collects the items. The step's own limit is the page size; its offset the starting point.
 */
export async function paginateAll(op: CatalogOperation, parts: RequestParts, send: PageSender, ctx: ActionContext): Promise<PaginatedResult> {
  const pg = op.pagination;
  if (!pg?.itemsPath) {
    throw new ConnectorError(
      'PAGINATION_UNSUPPORTED',
      `${op.id} cannot be paginated: ${pg ? 'its response schema shows no items array' : 'it has no limit and skip/offset parameters'}; remove \`paginate: true\` from the step`,
      { details: { operation: op.id } },
    );
  }
  const section = (p: RequestParts): Record<string, unknown> => {
    if (pg.in === 'query') return p.query;
    const body = p.body && typeof p.body === 'object' && !Array.isArray(p.body) ? (p.body as Record<string, unknown>) : {};
    return body;
  };
  const first = section(parts);
  const pageSize = toInt(first[pg.limit]) ?? DEFAULT_PAGE_SIZE;
  let offset = toInt(first[pg.offset]) ?? 0;
  // Keep the type the spec gives these fields (HighLevel declares them as strings).
  const asSpec = (n: number, sample: unknown): unknown => (typeof sample === 'string' || stringTyped(op, pg.in, pg.limit) ? String(n) : n);
  const items: unknown[] = [];
  let total: number | null = null;
  let pages = 0;
  while (pages < MAX_PAGES) {
    const page: RequestParts = { ...parts, query: { ...parts.query } };
    // Each page is its own request: it gets its own idempotency key (POST list operations page by body).
    if (pages > 0) page.headers = { ...parts.headers, 'Idempotency-Key': `${ctx.idempotencyKey}:page-${pages + 1}` };
    if (pg.in === 'body') page.body = { ...first };
    const target = section(page);
    target[pg.limit] = asSpec(pageSize, first[pg.limit]);
    target[pg.offset] = asSpec(offset, first[pg.offset]);
    const res = await send(page);
    pages++;
    // A dry run shows the first page's request only: there is no real answer to page through.
    if (ctx.dryRun) break;
    const got = at(res.body, pg.itemsPath);
    if (!Array.isArray(got)) {
      ctx.warn(`${op.id}: page ${pages} has no array at ${pg.itemsPath.join('.')}; stopped paginating`);
      break;
    }
    items.push(...got);
    const reported = pg.totalPath ? at(res.body, pg.totalPath) : undefined;
    if (typeof reported === 'number') total = reported;
    offset += got.length;
    if (got.length === 0 || got.length < pageSize || (total !== null && items.length >= total)) break;
  }
  if (pages >= MAX_PAGES) ctx.warn(`${op.id}: stopped after ${MAX_PAGES} pages`);
  return { items, pages, total };
}

/**
 * With `paginate: true` the step need not give limit/offset (some list operations require them, e.g.
 * get-posts' body): missing ones start at the default page size and 0, in the type the spec declares.
 */
export function withPageDefaults(op: CatalogOperation, parts: RequestParts): RequestParts {
  const pg = op.pagination;
  if (!pg) return parts;
  const value = (n: number) => (stringTyped(op, pg.in, pg.limit) ? String(n) : n);
  if (pg.in === 'query') {
    return { ...parts, query: { [pg.limit]: value(DEFAULT_PAGE_SIZE), [pg.offset]: value(0), ...parts.query } };
  }
  if (parts.body !== undefined && (parts.body === null || typeof parts.body !== 'object' || Array.isArray(parts.body))) return parts;
  return { ...parts, body: { [pg.limit]: value(DEFAULT_PAGE_SIZE), [pg.offset]: value(0), ...((parts.body as Record<string, unknown> | undefined) ?? {}) } };
}

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function stringTyped(op: CatalogOperation, where: 'query' | 'body', name: string): boolean {
  if (where === 'query') return op.parameters.find((p) => p.in === 'query' && p.name === name)?.schema.type === 'string';
  const props = op.requestBody?.schema.properties;
  const prop = props && typeof props === 'object' && !Array.isArray(props) ? props[name] : undefined;
  return Boolean(prop && typeof prop === 'object' && !Array.isArray(prop) && prop.type === 'string');
}

function at(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
