import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiRouter } from '../../packages/server/src/api/router';
import { ensureAdminToken } from '../../packages/server/src/api/admin-token';
import type { Logger } from '../../packages/server/src/logger';
import { startServer, type RunningServer } from '../../packages/server/src/serve';

/**
 * A real Splice server on 127.0.0.1 (port 0) with a fresh SQLite data dir, the real API router, workers
 * and queue. `call()` sends JSON with the admin token that ensureAdminToken generated at first start.
 */
export interface TestApi {
  server: RunningServer;
  url: string;
  token: string;
  dataDir: string;
  call<T = any>(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApi(opts: { templatesDir?: string; logger?: Logger } = {}): Promise<TestApi> {
  delete process.env.SPLICE_ADMIN_TOKEN;
  if (opts.templatesDir) process.env.SPLICE_TEMPLATES_DIR = opts.templatesDir;
  const dataDir = mkdtempSync(join(tmpdir(), 'splice-api-'));
  let token = '';
  const server = await startServer({
    config: { dataDir, port: 0, logLevel: 'silent', queue: { pollMs: 20, backoffBaseMs: 10, backoffMaxMs: 50 }, workers: { count: 2 } },
    defaultMetrics: false,
    ...(opts.logger ? { logger: opts.logger } : {}),
    createApiRouter: async (ctx) => {
      const ensured = await ensureAdminToken(ctx.db);
      token = ensured.generated ?? '';
      return createApiRouter(ctx);
    },
  });
  const url = server.url;
  return {
    server,
    url,
    token,
    dataDir,
    async call(method, path, body, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const t = o.token === undefined ? token : o.token;
      if (t) headers.authorization = `Bearer ${t}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async close() {
      await server.close({ graceMs: 500 });
      rmSync(dataDir, { recursive: true, force: true });
      delete process.env.SPLICE_TEMPLATES_DIR;
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `tries`. */
export async function eventually<T>(check: () => Promise<T | undefined>, tries = 200, everyMs = 25): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error('condition not reached');
}

export const GREET_FLOW = `# Greets a customer. This comment must survive every save.
apiVersion: splice/v1
kind: Flow
metadata:
  name: greet
  title: Greet a customer
  description: Says hello.
trigger:
  type: manual
  input:
    type: object
    required: [name]
    properties:
      name: { type: string }
      age: { type: integer }
  sample: { name: Ada }
steps:
  # build the greeting
  - id: greeting
    type: map
    expression: '{ "text": "Hello " & $event.name }'
`;
