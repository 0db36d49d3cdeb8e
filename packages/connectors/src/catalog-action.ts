import { defineAction, type ActionContext, type ActionDefinition, type InboundResponse, type OutboundRequest } from '@splice/runtime';
import type { CatalogOperation } from './catalog/catalog-types';
import { findConnector, isHostAllowed } from './connectors';
import { ConnectorError } from './errors';
import { inputSchemaOf, outputSchemaOf, requestProblems, responseProblems, type RequestParts } from './operation-schemas';
import { paginateAll, withPageDefaults, type PageSender } from './pagination';

/** The evaluated `with` of a catalog call step. `_paginate` is the step's `paginate` when the engine passes it in-band. */
export interface CatalogCallInput {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
  _paginate?: boolean;
}

const INPUT_KEYS = new Set(['params', 'query', 'headers', 'body', '_paginate']);

/**
 * Turns any catalog operation into an action. There is no per-operation code: the request is built,
 * validated and checked from the operation's catalog entry alone.
 */
export function createCatalogAction(op: CatalogOperation): ActionDefinition<CatalogCallInput, unknown> {
  const connector = findConnector(op.connector);
  return defineAction<CatalogCallInput, unknown>({
    id: op.id,
    connector: op.connector,
    title: `${connector?.title ?? op.connector} ${op.apiVersion}: ${op.summary || op.operationId}`,
    description: op.description || undefined,
    scope: op.scope ?? undefined,
    inputSchema: inputSchemaOf(op),
    outputSchema: outputSchemaOf(op),
    paginated: Boolean(op.pagination?.itemsPath),
    validatesInput: true,
    resourceOf: (input) => resourceOfInput(op, input ?? {}),
    async run(input, ctx) {
      const paginate = ctx.paginate ?? input?._paginate ?? false;
      const given = toRequestParts(op, input ?? {}, ctx);
      const parts = paginate ? withPageDefaults(op, given) : given;
      const problems = requestProblems(op, parts);
      if (problems.length) throw invalidRequest(op, problems);
      const send: PageSender = (p) => sendOnce(op, p, ctx);
      if (paginate) return paginateAll(op, parts, send, ctx);
      return (await send(parts)).body;
    },
  });
}

function toRequestParts(op: CatalogOperation, input: CatalogCallInput, ctx: ActionContext): RequestParts {
  const unknown = Object.keys(input).filter((k) => !INPUT_KEYS.has(k));
  if (unknown.length) {
    throw invalidRequest(op, unknown.map((k) => `${k}: is not a section of a catalog call (use params, query, headers, body)`));
  }
  const section = (name: 'params' | 'query' | 'headers'): Record<string, unknown> => {
    const v = input[name];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw invalidRequest(op, [`${name}: must be an object`]);
    return { ...v };
  };
  const parts: RequestParts = { params: section('params'), query: section('query'), headers: section('headers'), body: input.body ?? undefined };
  // The location a credential is bound to fills a missing locationId, as the HighLevel SDK does.
  const metaLocation = ctx.credential?.meta?.locationId;
  if (metaLocation) {
    for (const p of op.parameters) {
      const target = p.in === 'path' ? parts.params : p.in === 'query' ? parts.query : undefined;
      if (p.name === 'locationId' && p.required && target && target.locationId === undefined) target.locationId = metaLocation;
    }
  }
  return parts;
}

function invalidRequest(op: CatalogOperation, problems: string[]): ConnectorError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1, 4).join('; ')})` : '';
  return new ConnectorError(
    'REQUEST_INVALID',
    `${problems[0]}${more}. The request to ${op.id} was not sent; fix the step's \`with\` (see \`splice catalog show ${op.id}\`).`,
    { path: problems[0]?.split(':')[0], details: { operation: op.id, problems } },
  );
}

function buildUrl(op: CatalogOperation, parts: RequestParts, ctx: ActionContext): URL {
  const base = ctx.baseUrls[op.connector];
  if (!base) {
    throw new ConnectorError('NO_BASE_URL', `no base URL for connector "${op.connector}" in this environment; set baseUrls.${op.connector} (production or the sandbox's URL)`);
  }
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(parts.params[name])));
  const url = new URL(base.replace(/\/+$/, '') + path);
  const connector = findConnector(op.connector);
  if (connector && !isHostAllowed(connector, url)) {
    throw new ConnectorError('HOST_NOT_ALLOWED', `${url.host} is not an allowed host of ${connector.title} (allowed: ${connector.allowedHosts.join(', ')} and loopback); check baseUrls.${op.connector}`);
  }
  for (const [name, value] of Object.entries(parts.query)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return url;
}

/**
 * The resource a call is for, from its `with` (HighLevel: `params`/`query`/`body` `locationId`, the
 * parameter the connector counts limits against). The credential resolver picks that location's token.
 */
export function resourceOfInput(op: CatalogOperation, input: CatalogCallInput): string | undefined {
  const name = findConnector(op.connector)?.rateLimitResource;
  if (!name || (!op.parameters.some((p) => p.name === name) && !bodyHas(op, name))) return undefined;
  for (const section of [input.params, input.query, input.body]) {
    if (section === null || typeof section !== 'object' || Array.isArray(section)) continue;
    const v = (section as Record<string, unknown>)[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function bodyHas(op: CatalogOperation, name: string): boolean {
  const props = (op.requestBody?.schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return Boolean(props && name in props);
}

/** `highlevel:<locationId>`: calls for one location share one budget; other locations are independent. */
export function rateLimitKeyOf(op: CatalogOperation, parts: RequestParts, ctx: ActionContext): string {
  const resourceParam = findConnector(op.connector)?.rateLimitResource;
  const body = parts.body !== null && typeof parts.body === 'object' && !Array.isArray(parts.body) ? (parts.body as Record<string, unknown>) : {};
  const resource = resourceParam ? (parts.params[resourceParam] ?? parts.query[resourceParam] ?? body[resourceParam] ?? ctx.credential?.meta?.[resourceParam]) : undefined;
  return `${op.connector}:${String(resource ?? ctx.credential?.name ?? 'default')}`;
}

async function sendOnce(op: CatalogOperation, parts: RequestParts, ctx: ActionContext): Promise<InboundResponse> {
  if (parts.body !== undefined && op.requestBody && !/json/i.test(op.requestBody.contentType)) {
    throw new ConnectorError(
      'UNSUPPORTED_CONTENT_TYPE',
      `${op.id} takes a ${op.requestBody.contentType} body, which catalog calls cannot send yet; use the \`http\` action for this upload`,
      { details: { operation: op.id, contentType: op.requestBody.contentType } },
    );
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (op.versionHeader) headers.Version = op.versionHeader;
  if (parts.body !== undefined && op.requestBody) headers['Content-Type'] = op.requestBody.contentType;
  for (const [k, v] of Object.entries(parts.headers)) if (v !== undefined && v !== null) headers[k] = String(v);
  const req: OutboundRequest = {
    method: op.method,
    url: buildUrl(op, parts, ctx).toString(),
    headers,
    rateLimitKey: rateLimitKeyOf(op, parts, ctx),
  };
  if (parts.body !== undefined) req.body = parts.body;
  const res = await ctx.http.send(req, ctx);
  if (res.status >= 400) {
    const apiMessage = messageOf(res.body);
    throw new ConnectorError('HTTP_STATUS', `${op.id} answered ${res.status}${apiMessage ? `: ${apiMessage}` : ''}`, {
      retryable: res.status === 429 || res.status >= 500,
      details: { status: res.status, operation: op.id },
    });
  }
  // A dry run's answer is synthetic: checking it against the operation's schema would only produce noise.
  if (ctx.dryRun) return res;
  const problems = responseProblems(op, res.status, res.body);
  if (problems?.length) {
    const text = `${op.id}: the ${res.status} answer does not match the response schema: ${problems.slice(0, 3).join('; ')}`;
    if (ctx.strictResponses) {
      throw new ConnectorError('RESPONSE_INVALID', `${text} (strict responses are on; turn options.strictResponses off to only warn)`, {
        path: problems[0]?.split(':')[0],
        details: { operation: op.id, status: res.status, problems },
      });
    }
    ctx.warn(text);
  }
  return res;
}

function messageOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body.length < 300 ? body : undefined;
  const m = (body as Record<string, unknown>).message;
  return Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : undefined;
}
