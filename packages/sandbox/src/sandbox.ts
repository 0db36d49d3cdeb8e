import express from 'express';
import { adminGuard } from './core/admin-guard';
import type { FaultConfig } from './core/faults';
import { listen } from './core/http-server';
import { validateFaultRules } from './core/faults';
import { SandboxConfigError, SandboxError } from './errors';
import { DEFAULT_RATE_LIMIT, type RateLimitConfig } from './highlevel/rate-limiter';
import { type HighLevelCredentials, type HighLevelServer, startHighLevelServer } from './highlevel/server';
import { type PayacaCredentials, type PayacaServer, startPayacaServer } from './payaca/server';

/**
 * Local stand-ins for HighLevel (Social Planner API + OAuth + webhooks) and Payaca, on 127.0.0.1.
 * Everything a test needs is reachable programmatically (`admin`) and over HTTP (`/_sandbox/...`).
 */

export interface SandboxOptions {
  /**
   * Port of the combined server that serves both stand-ins under one root: HighLevel under `/highlevel`,
   * Payaca under `/payaca` (so Payaca's API base is `<root>/payaca/v1`). 0 (default) picks a free port.
   */
  port?: number;
  /** Ports of the stand-ins' own servers (each also serves at its root). 0 (default) picks a free port. */
  highlevelPort?: number;
  payacaPort?: number;
  /** Seed of demo data, credentials, webhook key and fault patterns (default 1). */
  seed?: number;
  /** Lifetime of OAuth access tokens (default 86399 s, as HighLevel). */
  tokenTtlSeconds?: number;
  /** Lifetime of location tokens minted by POST /oauth/locationToken (default: tokenTtlSeconds). */
  locationTokenTtlSeconds?: number;
  /** HighLevel limits per app per location; `false` turns them off. */
  rateLimit?: RateLimitConfig | false;
  faults?: FaultConfig;
  /** The consent page approves at once (first location) and redirects. */
  autoApprove?: boolean;
  /** Payaca webhook redelivery after 5xx/timeouts (default 5 attempts, 1 s doubling). */
  payacaWebhookRetry?: { maxAttempts: number; baseDelayMs: number };
  logLevel?: 'silent' | 'info' | 'debug';
}

export interface DemoCredentials {
  highlevel: HighLevelCredentials;
  payaca: PayacaCredentials;
}

function checkOptions(o: SandboxOptions): void {
  for (const key of ['port', 'highlevelPort', 'payacaPort'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 65535)) {
      throw new SandboxConfigError('SANDBOX_BAD_OPTION', `${key} must be a port number from 0 to 65535 (got ${JSON.stringify(v)})`);
    }
  }
  if (o.logLevel !== undefined && !['silent', 'info', 'debug'].includes(o.logLevel)) {
    throw new SandboxConfigError('SANDBOX_BAD_OPTION', `logLevel must be silent, info or debug (got ${JSON.stringify(o.logLevel)})`);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed))
    throw new SandboxConfigError('SANDBOX_BAD_OPTION', `seed must be an integer (got ${JSON.stringify(o.seed)})`);
  for (const key of ['tokenTtlSeconds', 'locationTokenTtlSeconds'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isFinite(v) || v < 1)) {
      throw new SandboxConfigError('SANDBOX_BAD_OPTION', `${key} must be at least 1 (got ${JSON.stringify(v)})`);
    }
  }
  if (o.rateLimit) {
    for (const key of ['max', 'intervalMs', 'daily'] as const) {
      if (!(Number(o.rateLimit[key]) > 0)) throw new SandboxConfigError('SANDBOX_BAD_OPTION', `rateLimit.${key} must be a positive number`);
    }
  }
  if (o.faults) {
    validateFaultRules(o.faults.highlevel ?? [], 'faults.highlevel');
    validateFaultRules(o.faults.payaca ?? [], 'faults.payaca');
  }
}

export async function createSandbox(opts: SandboxOptions = {}) {
  checkOptions(opts);
  const seed = opts.seed ?? 1;
  const level = opts.logLevel ?? 'silent';
  const sink = (service: string) =>
    level === 'silent'
      ? undefined
      : (e: { method: string; path: string; status: number; durationMs: number; fault?: string; operationId?: string }) =>
          process.stderr.write(
            `[${service}] ${e.method} ${e.path} → ${e.status || 'no answer'} ${e.durationMs}ms${e.fault ? ` (fault: ${e.fault})` : ''}${level === 'debug' && e.operationId ? ` ${e.operationId}` : ''}\n`,
          );
  const highlevel = await startHighLevelServer({
    port: opts.highlevelPort ?? 0,
    seed,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 86399,
    ...(opts.locationTokenTtlSeconds !== undefined ? { locationTokenTtlSeconds: opts.locationTokenTtlSeconds } : {}),
    rateLimit: opts.rateLimit === undefined ? DEFAULT_RATE_LIMIT : opts.rateLimit,
    faults: opts.faults,
    autoApprove: opts.autoApprove ?? false,
    logRequest: sink('highlevel'),
  });
  let payaca;
  try {
    payaca = await startPayacaServer({
      port: opts.payacaPort ?? 0,
      seed,
      faults: opts.faults,
      webhookRetry: opts.payacaWebhookRetry,
      logRequest: sink('payaca'),
    });
  } catch (err) {
    await highlevel.close();
    throw err;
  }
  const credentials: DemoCredentials = { highlevel: highlevel.credentials, payaca: payaca.credentials };
  let root;
  try {
    root = await startRootServer(opts.port ?? 0, highlevel, payaca);
  } catch (err) {
    await Promise.all([highlevel.close(), payaca.close()]);
    throw err;
  }
  let closed = false;
  return {
    seed,
    /** The combined server: HighLevel under `/highlevel`, Payaca under `/payaca`. */
    url: root.url,
    /** API base URLs on the combined server, per connector (what a staging environment points at). */
    baseUrls: { highlevel: `${root.url}/highlevel`, payaca: `${root.url}/payaca/v1` },
    highlevel: { url: highlevel.url, admin: highlevel.admin },
    /** `url` is the API base (…/v1); `origin` serves `/_sandbox/...`. */
    payaca: { url: payaca.url, origin: payaca.origin, admin: payaca.admin },
    credentials,
    admin: {
      highlevel: highlevel.admin,
      payaca: payaca.admin,
      counters: () => ({ highlevel: highlevel.admin.counters(), payaca: payaca.admin.counters() }),
      reset: () => {
        highlevel.admin.reset();
        payaca.admin.reset();
      },
      reseed: (s: number) => {
        highlevel.admin.reseed(s);
        payaca.admin.reseed(s);
      },
      setFaults: (config: FaultConfig) => {
        highlevel.admin.setFaults({ seed: config.seed, rules: config.highlevel ?? [] });
        payaca.admin.setFaults({ seed: config.seed, rules: config.payaca ?? [] });
      },
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([root.close(), highlevel.close(), payaca.close()]);
    },
  };
}

/** One port for both stand-ins: each app is mounted under its prefix (express strips it from req.path). */
async function startRootServer(port: number, highlevel: HighLevelServer, payaca: PayacaServer) {
  const app = express();
  app.disable('x-powered-by');
  app.use('/highlevel', highlevel.app);
  app.use('/payaca', payaca.app);
  app.get('/', (_req, res) =>
    res.json({
      service: 'splice-sandbox',
      highlevel: '/highlevel',
      payaca: '/payaca/v1',
      admin: ['/highlevel/_sandbox/info', '/payaca/_sandbox/info', '/_sandbox/counters'],
    }),
  );
  app.get('/_sandbox/counters', adminGuard, (_req, res) =>
    res.json({ highlevel: highlevel.admin.counters(), payaca: payaca.admin.counters() }),
  );
  app.get('/_sandbox/info', adminGuard, (_req, res) =>
    res.json({
      highlevel: { url: highlevel.url, credentials: highlevel.credentials },
      payaca: { url: payaca.url, credentials: payaca.credentials },
    }),
  );
  app.post('/_sandbox/seed', adminGuard, express.json(), (req, res) => {
    const seed = req.body?.seed as number;
    highlevel.admin.reseed(seed);
    payaca.admin.reseed(seed);
    res.json({ ok: true, seed });
  });
  app.post('/_sandbox/reset', adminGuard, (_req, res) => {
    highlevel.admin.reset();
    payaca.admin.reset();
    res.json({ ok: true });
  });
  app.use((req, res) =>
    res
      .status(404)
      .json({ statusCode: 404, message: `Cannot ${req.method} ${req.path}: use /highlevel/... or /payaca/v1/...`, error: 'Not Found' }),
  );
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(err instanceof SandboxError ? 400 : 500).json({ statusCode: err instanceof SandboxError ? 400 : 500, message: err.message });
  });
  return listen(app, port, 'combined');
}

export type Sandbox = Awaited<ReturnType<typeof createSandbox>>;
