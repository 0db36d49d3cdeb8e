/**
 * What a sandbox server saw: a bounded request log and counters. Tests and the server team read these to
 * prove what reached the API (no lost or repeated events: counts per `Idempotency-Key`).
 */

export interface LoggedRequest {
  seq: number;
  /** When the request arrived (ISO 8601). */
  at: string;
  method: string;
  path: string;
  /** Route template (`GET /social-media-posting/{locationId}/tags`) or the raw path when unmatched. */
  route: string;
  operationId?: string;
  status: number;
  durationMs: number;
  locationId?: string;
  /** Who the request's bearer token was for: `pit`, `Location` or `Company`. */
  auth?: string;
  idempotencyKey?: string;
  /** Set when a fault was injected: 'error' | '429' | 'latency' | 'hang' | 'reset'. */
  fault?: string;
  query: Record<string, unknown>;
  /** Request body (JSON) with secrets redacted. */
  body?: unknown;
}

export interface Counters {
  requests: number;
  /** route → status → count */
  routes: Record<string, Record<string, number>>;
  statuses: Record<string, number>;
  tokensIssued: number;
  /** Location tokens minted from company tokens (POST /oauth/locationToken), in all and per location. */
  locationTokensIssued: number;
  locationTokensByLocation: Record<string, number>;
  tokensRefreshed: number;
  invalidGrant: number;
  rateLimited429: number;
  faultsInjected: Record<string, number>;
  /** Requests per `Idempotency-Key` value, whatever their answer (retries after failures count). */
  idempotencyKeys: Record<string, number>;
  /** The same, counting only 2xx answers: exactly 1 per key proves no event was lost or applied twice. */
  idempotencyKeysSucceeded: Record<string, number>;
  webhooksSent: number;
  webhooksFailed: number;
  /** API requests per location (path, query or body `locationId`), whatever their answer: location → status → count. */
  locations: Record<string, Record<string, number>>;
}

const SECRET_KEYS = /^(client_secret|clientSecret|refresh_token|code|password|access_token|secret)$/;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v)]),
  );
}

export function emptyCounters(): Counters {
  return {
    requests: 0,
    routes: {},
    statuses: {},
    tokensIssued: 0,
    locationTokensIssued: 0,
    locationTokensByLocation: {},
    tokensRefreshed: 0,
    invalidGrant: 0,
    rateLimited429: 0,
    faultsInjected: {},
    idempotencyKeys: {},
    idempotencyKeysSucceeded: {},
    webhooksSent: 0,
    webhooksFailed: 0,
    locations: {},
  };
}

export class Inspector {
  private log: LoggedRequest[] = [];
  private seq = 0;
  counters: Counters = emptyCounters();

  constructor(private readonly maxLog = 5000) {}

  record(entry: Omit<LoggedRequest, 'seq' | 'body'> & { body?: unknown }): void {
    const c = this.counters;
    c.requests++;
    const byRoute = (c.routes[entry.route] ??= {});
    byRoute[entry.status] = (byRoute[entry.status] ?? 0) + 1;
    c.statuses[entry.status] = (c.statuses[entry.status] ?? 0) + 1;
    if (entry.status === 429) c.rateLimited429++;
    if (entry.locationId) {
      const byLocation = (c.locations[entry.locationId] ??= {});
      byLocation[entry.status] = (byLocation[entry.status] ?? 0) + 1;
    }
    if (entry.fault) c.faultsInjected[entry.fault] = (c.faultsInjected[entry.fault] ?? 0) + 1;
    const key = entry.idempotencyKey;
    if (key) {
      c.idempotencyKeys[key] = (c.idempotencyKeys[key] ?? 0) + 1;
      if (entry.status >= 200 && entry.status < 300) c.idempotencyKeysSucceeded[key] = (c.idempotencyKeysSucceeded[key] ?? 0) + 1;
    }
    this.log.push({ ...entry, seq: ++this.seq, body: redact(entry.body) });
    if (this.log.length > this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  requests(filter: { route?: string; operationId?: string; since?: number; limit?: number } = {}): LoggedRequest[] {
    let out = this.log;
    if (filter.since !== undefined) out = out.filter((r) => r.seq > (filter.since as number));
    if (filter.route) out = out.filter((r) => r.route === filter.route || r.path === filter.route);
    if (filter.operationId) out = out.filter((r) => r.operationId === filter.operationId);
    return filter.limit ? out.slice(-filter.limit) : [...out];
  }

  reset(): void {
    this.log = [];
    this.counters = emptyCounters();
  }
}
