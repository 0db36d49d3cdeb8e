import { Agent, request, type Dispatcher } from 'undici';
import type { AuthMaterial, CredentialResolver, ResolvedCredential } from '../credentials';
import { ActionError } from '../errors';
import { REDACTED } from '../redact';
import type { ActionContext, HttpSender, InboundResponse, OutboundRequest, RateLimiter } from './action';
import { hostAllowed } from './host-allow-list';
import { retryAfterMs } from '../ratelimit/rate-limit-headers';

export interface HttpSenderOptions {
  /** See host-allow-list.ts. Unset: SPLICE_ALLOWED_HOSTS (read once, here), else loopback plus the base URLs' hosts. */
  allowedHosts?: string[];
  /** Fallback resolver for 401 refreshes when the run gives none (ActionContext.credentials). */
  credentials?: CredentialResolver;
  rateLimiter?: RateLimiter;
  connectTimeoutMs?: number;
  /** Default per-request timeout (whole exchange) when neither the request nor the step sets one. */
  requestTimeoutMs?: number;
  /** Sockets kept per origin. */
  connections?: number;
  dispatcher?: Dispatcher;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const NETWORK_ERROR_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|UND_ERR_.*)$/;

/**
 * The default HttpSender: undici with pooled keep-alive connections per origin and timeouts, the step's
 * credential as auth, one refresh-and-resend on 401, pacing through the RateLimiter, and dry runs that
 * record what would be sent without sending. It does not retry; the engine's retry policy does.
 */
export function createHttpSender(opts: HttpSenderOptions = {}): HttpSender & { close(): Promise<void> } {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const dispatcher =
    opts.dispatcher ??
    new Agent({
      connect: { timeout: connectTimeoutMs },
      connections: opts.connections ?? 64,
      keepAliveTimeout: 30_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  const allowedHosts = opts.allowedHosts ?? parseAllowedHostsEnv();

  async function exchange(
    req: OutboundRequest,
    ctx: ActionContext,
    credential: ResolvedCredential | undefined,
    record: boolean,
  ): Promise<InboundResponse> {
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    const headers: Record<string, string> = { 'idempotency-key': ctx.idempotencyKey, ...lowerKeys(req.headers) };
    let body: string | Uint8Array | undefined;
    if (req.body !== undefined && req.body !== null) {
      if (typeof req.body === 'string' || req.body instanceof Uint8Array) body = req.body;
      else {
        body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    headers.accept ??= 'application/json';
    const auth = authHeaders(credential?.auth);
    const recordedHeaders = { ...headers, ...Object.fromEntries(Object.keys(auth).map((k) => [k, REDACTED])) };
    if (record) ctx.recordRequest({ method: req.method, url: url.toString(), headers: recordedHeaders, body: req.body });
    if (!hostAllowed(url, allowedHosts, ctx.baseUrls)) {
      throw new ActionError(
        'HTTP_HOST_NOT_ALLOWED',
        `${req.method} ${url.origin} is not allowed: outbound calls go only to the connector base URLs and allowed hosts. Add \`${url.hostname}\` to the allowed hosts (e.g. \`splice run --allow-host ${url.hostname}\` or SPLICE_ALLOWED_HOSTS).`,
        { details: { host: url.host } },
      );
    }
    if (ctx.dryRun) return { status: 200, headers: { 'x-splice-dry-run': 'true' }, body: null };
    if (req.rateLimitKey && opts.rateLimiter) await opts.rateLimiter.acquire(req.rateLimitKey, ctx.signal);

    // undici's own header/body timers: cheaper per request than AbortSignal.timeout + AbortSignal.any.
    const timeoutMs = req.timeoutMs ?? ctx.timeoutMs ?? opts.requestTimeoutMs ?? 30_000;
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: { ...headers, ...auth },
        body,
        dispatcher,
        signal: ctx.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      text = await res.body.text();
    } catch (err) {
      // No answer (network error, timeout, abort): the call must stop counting as in flight for its key.
      if (req.rateLimitKey) opts.rateLimiter?.release?.(req.rateLimitKey);
      throw networkError(req.method, url, err, isTimeout(err) ? timeoutMs : undefined, ctx.signal.aborted);
    }
    const response: InboundResponse = {
      status: res.statusCode,
      headers: flattenHeaders(res.headers),
      body: parseBody(text, res.headers['content-type']),
    };
    if (req.rateLimitKey && opts.rateLimiter) opts.rateLimiter.observe(req.rateLimitKey, response.status, response.headers);
    if (record) ctx.recordResponse(response);
    return response;
  }

  return {
    async send(req, ctx) {
      let credential = ctx.credential;
      let response = await exchange(req, ctx, credential, true);
      const resolver = ctx.credentials ?? opts.credentials;
      if (response.status === 401 && credential && resolver?.onUnauthorized && !ctx.dryRun) {
        credential = await resolver.onUnauthorized(credential);
        response = await exchange(req, { ...ctx, credential }, credential, true);
      }
      if (response.status >= 200 && response.status < 300) return response;
      throw statusError(req.method, req.url, response);
    },
    async close() {
      if (!opts.dispatcher) await dispatcher.close();
    },
  };
}

function parseAllowedHostsEnv(): string[] | undefined {
  const raw = typeof process !== 'undefined' ? process.env.SPLICE_ALLOWED_HOSTS : undefined;
  return raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

export function authHeaders(auth: AuthMaterial | undefined): Record<string, string> {
  switch (auth?.kind) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    case 'header':
      return { [auth.name.toLowerCase()]: auth.value };
    default:
      return {};
  }
}

function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return null;
  const ct = String(contentType ?? '');
  if (/json/i.test(ct) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}


function statusError(method: string, url: string, res: InboundResponse): ActionError {
  const snippet = typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body ?? '').slice(0, 300);
  const retryAfter = retryAfterMs(res.headers['retry-after']);
  const hint =
    res.status === 401 || res.status === 403
      ? 'Check the credential and its scopes.'
      : res.status === 429
        ? 'The API is rate limiting; the call is retried after its Retry-After.'
        : res.status >= 500
          ? "The API failed; the call is retried per the step's retry policy."
          : 'Fix the request (see the response body).';
  return new ActionError(
    `HTTP_${Math.floor(res.status / 100)}XX`,
    `${method} ${url.split('?')[0]} answered ${res.status}: ${snippet} ${hint}`,
    {
      retryable: RETRYABLE_STATUS.has(res.status),
      details: { status: res.status, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) },
    },
  );
}

function isTimeout(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function networkError(method: string, url: URL, err: unknown, timedOutAfterMs: number | undefined, aborted: boolean): ActionError {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  if (timedOutAfterMs !== undefined) {
    return new ActionError(
      'HTTP_TIMEOUT',
      `${method} ${url.origin}${url.pathname} did not answer within ${timedOutAfterMs} ms. The call is retried; raise the step's \`timeout\` if the API is slow.`,
      {
        retryable: true,
        cause: err,
      },
    );
  }
  if (aborted)
    return new ActionError('HTTP_ABORTED', `${method} ${url.origin}${url.pathname} was cancelled because the run was stopped.`, {
      cause: err,
    });
  const code = e.code ?? e.cause?.code ?? 'unknown';
  return new ActionError(
    'HTTP_NETWORK',
    `${method} ${url.origin}${url.pathname} failed before an answer (${code}: ${e.message ?? String(err)}). Check the URL and that the service is up; the call is retried.`,
    {
      retryable: NETWORK_ERROR_CODES.test(code) || code === 'unknown',
      cause: err,
      details: { networkCode: code },
    },
  );
}
