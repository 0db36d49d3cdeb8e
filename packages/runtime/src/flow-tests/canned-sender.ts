import { ActionError } from '../errors';
import type { ActionContext, HttpSender, InboundResponse, OutboundRequest } from '../actions/action';
import type { CannedResponse, RequestMatch } from './test-file';
import { subsetMismatches } from './subset-match';

/**
 * The HttpSender of a flow test: nothing goes over the network. Each request is recorded (with the
 * step that sent it and its call number) and answered from the case's canned responses for that step.
 * A request with no canned response fails the step with a message naming the step and call.
 */
export interface SentRequest {
  step: string;
  /** Full step path (`each[2].postTag`). */
  stepPath: string;
  /** 1-based call number within the step (across foreach items and retries). */
  call: number;
  method: string;
  url: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
}

export class CannedHttpSender implements HttpSender {
  readonly sent: SentRequest[] = [];
  private readonly calls = new Map<string, number>();

  constructor(private readonly responses: Record<string, CannedResponse | CannedResponse[]> = {}) {}

  async send(req: OutboundRequest, ctx: ActionContext): Promise<InboundResponse> {
    const stepPath = ctx.stepId ?? 'unknown';
    const step = stepPath.split('.').pop()!.replace(/\[\d+\]$/, '');
    const call = (this.calls.get(step) ?? 0) + 1;
    this.calls.set(step, call);
    const sent = normalise(req, ctx, step, stepPath, call);
    this.sent.push(sent);
    ctx.recordRequest({ method: sent.method, url: sent.url, headers: sent.headers, body: sent.body });
    const canned = pick(this.responses[step], sent);
    if (!canned) {
      throw new ActionError(
        'FLOW_TEST_NO_RESPONSE',
        `Step "${step}" sent call ${call} (${sent.method} ${sent.url}) but the test gives no canned response for it. Add one under responses.${step}.`,
        { path: `responses.${step}` },
      );
    }
    const res: InboundResponse = { status: canned.status ?? 200, headers: lower(canned.headers ?? {}), body: canned.body ?? null };
    if (res.body !== null && typeof res.body === 'object' && !res.headers['content-type']) res.headers['content-type'] = 'application/json';
    ctx.recordResponse({ status: res.status, headers: res.headers, body: res.body });
    if (res.status >= 400) {
      const retryable = [408, 425, 429, 500, 502, 503, 504].includes(res.status);
      throw new ActionError(`HTTP_${res.status}`, `Step "${step}" got HTTP ${res.status} (canned response).`, {
        retryable,
        details: { status: res.status, body: res.body, retryAfterMs: retryable ? 0 : undefined },
      });
    }
    return res;
  }
}

function pick(entry: CannedResponse | CannedResponse[] | undefined, sent: SentRequest): CannedResponse | undefined {
  if (!entry) return undefined;
  const list = Array.isArray(entry) ? entry : [entry];
  return (
    list.find((r) => r.call === sent.call && (!r.match || requestMatches(r.match, sent))) ??
    list.find((r) => r.call === undefined && r.match && requestMatches(r.match, sent)) ??
    list.find((r) => r.call === undefined && !r.match)
  );
}

/** Problems of `sent` against an expectation; empty when it matches. */
export function requestMismatches(m: RequestMatch, sent: SentRequest, at = '') {
  const out = [] as ReturnType<typeof subsetMismatches>;
  const p = (k: string) => (at ? `${at}.${k}` : k);
  if (m.method && m.method.toUpperCase() !== sent.method) out.push(...subsetMismatches(m.method.toUpperCase(), sent.method, p('method')));
  if (m.url && !urlMatches(m.url, sent.url)) out.push(...subsetMismatches(m.url, sent.url, p('url')));
  if (m.query) out.push(...subsetMismatches(stringify(m.query), sent.query, p('query')));
  if (m.headers) out.push(...subsetMismatches(lower(m.headers), sent.headers, p('headers')));
  if (m.body !== undefined) out.push(...subsetMismatches(m.body, sent.body, p('body')));
  return out;
}

export function requestMatches(m: RequestMatch, sent: SentRequest): boolean {
  return requestMismatches(m, sent).length === 0;
}

function urlMatches(expected: string, actual: string): boolean {
  const e = expected.split('?')[0]!;
  return expected.startsWith('/') ? new URL(actual).pathname.endsWith(e) : actual === e;
}

function normalise(req: OutboundRequest, ctx: ActionContext, step: string, stepPath: string, call: number): SentRequest {
  const url = new URL(req.url);
  const query: Record<string, string | string[]> = {};
  url.searchParams.forEach((v, k) => add(query, k, v));
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) add(query, k, String(x));
  }
  const headers = lower(req.headers ?? {});
  const auth = ctx.credential?.auth;
  if (auth?.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
  else if (auth?.kind === 'header') headers[auth.name.toLowerCase()] = auth.value;
  if (!headers['idempotency-key']) headers['idempotency-key'] = ctx.idempotencyKey;
  return { step, stepPath, call, method: req.method.toUpperCase(), url: `${url.origin}${url.pathname}`, query, headers, ...(req.body !== undefined ? { body: req.body } : {}) };
}

function add(q: Record<string, string | string[]>, k: string, v: string) {
  const cur = q[k];
  q[k] = cur === undefined ? v : Array.isArray(cur) ? [...cur, v] : [cur, v];
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function stringify(q: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
}
