import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionContext, ResolvedCredential } from '@splice/runtime';
import { createHttpSender } from '@splice/runtime/actions/http-sender';
import { createRateLimiter, type InspectableRateLimiter } from '@splice/runtime/ratelimit/index';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Handler = (req: SeenRequest) => { status?: number; body?: unknown; headers?: Record<string, string> };

/** A real HTTP server on 127.0.0.1 that records what it receives and answers through `handler`. */
export async function startLoopbackApi(handler: Handler): Promise<{ url: string; seen: SeenRequest[]; server: Server; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const r: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(r);
      const out = handler(r);
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...(out.headers ?? {}) });
      res.end(JSON.stringify(out.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export const bearer = (meta?: Record<string, string>): ResolvedCredential => ({ name: 'ghl', connector: 'highlevel', version: 1, auth: { kind: 'bearer', token: 'pit-test-token' }, ...(meta ? { meta } : {}) });

/** An ActionContext as the engine builds it, with the runtime's real HttpSender and rate limiter. */
export function actionContext(baseUrls: Record<string, string>, over: Partial<ActionContext> & { limiter?: InspectableRateLimiter } = {}) {
  const warnings: string[] = [];
  const limiter = over.limiter ?? createRateLimiter();
  const http = createHttpSender({ rateLimiter: limiter });
  const ctx: ActionContext = {
    stepId: 'step',
    credential: bearer(),
    idempotencyKey: 'run-1:step',
    signal: new AbortController().signal,
    dryRun: false,
    http,
    attempt: 1,
    baseUrls,
    strictResponses: false,
    recordRequest: () => undefined,
    recordResponse: () => undefined,
    warn: (m) => warnings.push(m),
    ...over,
  };
  return { ctx, warnings, limiter, close: () => http.close() };
}
