import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { connect } from 'node:net';
import { ensureAdminToken } from '../../packages/server/src/api/admin-token';
import { createApiRouter } from '../../packages/server/src/api/router';
import { StaticFlowResolver, StaticWebhookSecretSource, startServer, type RunningServer } from '../../packages/server/src/index';
import type { Flow } from '../../packages/runtime/src/index';
import { tempDir } from '../server/helpers';

/**
 * Shared by the hostile-input tests (webhooks here, expressions by mapping-limits): a real server on
 * 127.0.0.1 with signed Payaca and HighLevel flows, raw-socket requests (for what fetch will not send:
 * lying Content-Lengths, broken framing), and a seeded PRNG so a failing case can be replayed by seed.
 */
export const PAYACA_SECRET = 'payaca-hostile-secret-4d1c';
export const ed25519 = generateKeyPairSync('ed25519');
const edPem = ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export function signPayaca(body: string, secret = PAYACA_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
export function signHighLevel(body: string): string {
  return sign(null, Buffer.from(body), ed25519.privateKey).toString('base64');
}

/** Mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function webhookFlow(name: string, source: string, secret: string | undefined, events?: string[]): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name },
    trigger: { type: 'webhook', source, ...(secret ? { secret } : {}), ...(events ? { events } : {}) },
    steps: [{ id: 'shape', type: 'map', expression: '$' }],
  };
}

export interface HostileServer {
  server: RunningServer;
  url: string;
  port: number;
  adminToken: string;
  runCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Flows: `payaca` (signed, any event), `payaca-tags` (signed, only project.tagsChanged), `ghl` (signed,
 * Ed25519), `generic` (unsigned generic sender). Workers off by default: the tests count runs, not results.
 */
export async function startHostileServer(opts: { workers?: number; bodyLimitBytes?: number } = {}): Promise<HostileServer> {
  delete process.env.SPLICE_ADMIN_TOKEN;
  let adminToken = '';
  const server = await startServer({
    config: {
      port: 0,
      dataDir: tempDir('splice-hostile-'),
      logLevel: 'silent',
      workers: { count: opts.workers ?? 0 },
      intake: { bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024 },
    },
    defaultMetrics: false,
    flows: new StaticFlowResolver([
      webhookFlow('payaca', 'payaca', 'payaca-hook'),
      webhookFlow('payaca-tags', 'payaca', 'payaca-hook', ['project.tagsChanged']),
      webhookFlow('ghl', 'highlevel', 'ghl-key'),
      webhookFlow('ghl-tags', 'highlevel', 'ghl-key', ['ContactTagUpdate']),
      webhookFlow('generic', 'generic', undefined),
    ]),
    webhookSecrets: new StaticWebhookSecretSource({
      payaca: [{ kind: 'hmac-sha256', secret: PAYACA_SECRET }],
      'payaca-tags': [{ kind: 'hmac-sha256', secret: PAYACA_SECRET }],
      ghl: [{ kind: 'ed25519', publicKey: edPem }],
      'ghl-tags': [{ kind: 'ed25519', publicKey: edPem }],
    }),
    createApiRouter: async (ctx) => {
      adminToken = (await ensureAdminToken(ctx.db)).generated ?? '';
      ctx.stores.apiScheduler = false;
      return createApiRouter(ctx);
    },
  });
  return {
    server,
    url: server.url,
    port: server.port,
    adminToken,
    async runCount() {
      const counts = await server.ctx.runs.countByStatus();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    close: () => server.close({ graceMs: 1000 }),
  };
}

export interface RawAnswer {
  /** 0 when no answer came before `waitMs`. */
  status: number;
  head: string;
  body: string;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * Writes `request` as it is on a fresh TCP connection and reads the first answer. Waits at most `waitMs`
 * for it: a liveness bound (a server that never answers fails), not a speed assertion.
 */
export function rawRequest(port: number, request: string | Buffer, waitMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let data = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const finish = () => {
      clearTimeout(timer);
      const end = data.indexOf('\r\n\r\n');
      const head = end === -1 ? data : data.slice(0, end);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      socket.destroy();
      resolve({ status, head, body: end === -1 ? '' : data.slice(end + 4), closed });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => {
      data += String(d);
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = /content-length:\s*(\d+)/i.exec(data.slice(0, end))?.[1];
      if (length !== undefined && Buffer.byteLength(data.slice(end + 4)) >= Number(length)) setTimeout(finish, 50);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
  });
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
