import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { addWebhookAdminRoutes, assertIntegerSeed, commonAdminRouter } from '../core/admin-routes';
import { applyFault } from '../core/fault-middleware';
import { type FaultConfig, FaultInjector } from '../core/faults';
import { answerer, createSandboxApp, facts, type Listening, listen, type RequestLineSink } from '../core/http-server';
import { Inspector } from '../core/inspection';
import { matchPathParams } from '../core/path-template';
import { hashBytes } from '../core/prng';
import { SchemaValidator } from '../core/schema-validator';
import { SandboxConfigError, SandboxError } from '../errors';
import { payacaHandlers } from './handlers';
import { loadPayacaModel } from './model';
import { buildPayacaData, type PayacaData } from './store';
import { PayacaWebhookSender } from './webhooks';

export interface PayacaCredentials {
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
}

export interface PayacaServerOptions {
  port: number;
  seed: number;
  faults?: FaultConfig;
  webhookRetry?: { maxAttempts: number; baseDelayMs: number };
  logRequest?: RequestLineSink;
}

export interface PayacaWebhookSendRequest {
  event: string;
  /** Deliver to this URL only; without it, to every registered subscription. */
  url?: string;
  projectId?: string;
  customerId?: string;
  /** Extra payload fields merged into `data`. */
  data?: Record<string, unknown>;
  /** Override the event id (tests of duplicate handling). */
  eventId?: string;
}

export async function startPayacaServer(opts: PayacaServerOptions) {
  const model = loadPayacaModel();
  const inspector = new Inspector();
  const validator = new SchemaValidator();
  const faults = new FaultInjector('payaca', opts.seed);
  faults.configure(opts.faults);
  const credentials: PayacaCredentials = {
    clientId: `payaca_${hashBytes(8, opts.seed, 'payaca-id').toString('hex')}`,
    clientSecret: hashBytes(24, opts.seed, 'payaca-secret').toString('base64url'),
    webhookSecret: `whsec_${hashBytes(24, opts.seed, 'payaca-webhook').toString('base64url')}`,
  };
  let data: PayacaData = buildPayacaData(opts.seed);
  let currentSeed = opts.seed;
  const webhooks = new PayacaWebhookSender(
    {
      secret: credentials.webhookSecret,
      maxAttempts: opts.webhookRetry?.maxAttempts ?? 5,
      baseDelayMs: opts.webhookRetry?.baseDelayMs ?? 1000,
    },
    (a) => {
      if (a.status >= 200 && a.status < 300) inspector.counters.webhooksSent++;
      else inspector.counters.webhooksFailed++;
    },
  );
  const expectedAuth = Buffer.from(`Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`);

  const dataFor = (id: string | undefined, kind: 'project' | 'customer') =>
    kind === 'project' ? data.projects.find((p) => p.id === id) : data.customers.find((c) => c.id === id);

  const admin = {
    requests: (filter?: Parameters<Inspector['requests']>[0]) => inspector.requests(filter),
    counters: () => inspector.counters,
    reset: () => {
      inspector.reset();
      data = buildPayacaData(currentSeed);
      webhooks.reset();
      faults.configure(opts.faults);
    },
    reseed: (seed: number) => {
      assertIntegerSeed(seed);
      currentSeed = seed;
      data = buildPayacaData(seed);
      inspector.reset();
    },
    getFaults: () => faults.current(),
    setFaults: (config: { seed?: number; rules: unknown }) => faults.configure({ seed: config.seed, payaca: config.rules as never }),
    subscribe: (url: string, events?: string[]) => webhooks.subscribe({ url, events }),
    subscriptions: () => webhooks.subscriptions,
    deliveries: () => webhooks.attempts,
    /** Sends one event now (one attempt to `url`, or a publish with retries to every subscription). */
    sendWebhook: async (req: PayacaWebhookSendRequest) => {
      if (!req?.event) throw new SandboxConfigError('SANDBOX_WEBHOOK_EVENT', 'webhook `event` is required, e.g. "project.tagsChanged"');
      const payload: Record<string, unknown> = { ...(req.data ?? {}) };
      // The project and customer named in the request travel in the payload as the sandbox holds them now.
      for (const kind of ['project', 'customer'] as const) {
        const id = kind === 'project' ? req.projectId : req.customerId;
        if (id === undefined) continue;
        const record = dataFor(id, kind);
        if (!record)
          throw new SandboxConfigError(
            `SANDBOX_UNKNOWN_${kind.toUpperCase()}`,
            `no Payaca ${kind} ${id} in the sandbox (see GET /_sandbox/data)`,
          );
        payload[kind] = structuredClone(record);
      }
      if (req.url) {
        const envelope = webhooks.envelope(req.event, payload, req.eventId);
        return { deliveries: [await webhooks.deliver(req.url, req.event, envelope, 1, 1)] };
      }
      return { eventIds: webhooks.publish(req.event, payload) };
    },
    data: () => data,
    info: () => ({ service: 'payaca', seed: currentSeed, model: model.source, credentials }),
    seed: () => currentSeed,
  };

  const app = createSandboxApp(inspector, opts.logRequest);
  const adminApi = commonAdminRouter(admin);
  addWebhookAdminRoutes(adminApi, {
    subscriptions: admin.subscriptions,
    subscribe: (body) => admin.subscribe(body.url as string, body.events as string[] | undefined),
    clearSubscriptions: () => (webhooks.subscriptions = []),
    deliveries: admin.deliveries,
    send: (body) => admin.sendWebhook(body as unknown as PayacaWebhookSendRequest),
  });
  adminApi.get('/data', (_req, res) => res.json(data));
  app.use('/_sandbox', adminApi);

  app.all('/v1/{*rest}', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const path = req.path.slice('/v1'.length);
      const hits = model.operations.filter((o) => o.method === req.method && o.pathRegex.test(path));
      const op = hits.sort((a, b) => a.pathParamNames.length - b.pathParamNames.length)[0];
      if (!op) {
        res.status(404).json({ message: `Cannot ${req.method} ${req.path}`, errors: [] });
        return;
      }
      facts(res).route = op.route;
      facts(res).operationId = op.operationId;
      if (await applyFault(faults.decide(op.route, op.operationId, req.path), req, res, answerer(res))) return;
      const given = Buffer.from(req.header('Authorization') ?? '');
      if (given.length !== expectedAuth.length || !timingSafeEqual(given, expectedAuth)) {
        res.set('WWW-Authenticate', 'Basic realm="Payaca API"');
        res.status(401).json({
          message: 'Unauthorized: send HTTP Basic auth with your API key (clientId:clientSecret from My Company → Integrations)',
          errors: [],
        });
        return;
      }
      const params = matchPathParams(op, path) as Record<string, string>;
      const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]));
      const errors: Array<{ field: string; message: string }> = [];
      for (const p of op.parameters) {
        const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? query[p.name] : undefined;
        if (value === undefined || value === '') {
          if (p.required) errors.push({ field: p.name, message: `${p.name} is required (${p.in} parameter)` });
          continue;
        }
        for (const msg of validator.validate(p.schema, value, { coerce: true }))
          errors.push({ field: p.name, message: msg.replace(/^\(body\)/, p.name) });
      }
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      if (op.bodySchema) {
        if (req.body === undefined && op.bodyRequired) errors.push({ field: '(body)', message: 'a JSON body is required' });
        else for (const msg of validator.validate(op.bodySchema, body)) errors.push({ field: msg.split(' ')[0] as string, message: msg });
      }
      if (errors.length) {
        res.status(422).json({ message: 'Validation failed', errors });
        return;
      }
      const handler = payacaHandlers[op.operationId];
      if (!handler) {
        res.status(501).json({ message: `The sandbox does not implement ${op.operationId} yet`, errors: [] });
        return;
      }
      const out = handler({ data, params, query, body, now: new Date(), publish: (event, d) => webhooks.publish(event, d) });
      res.status(out.status).json(out.body);
    } catch (err) {
      next(err);
    }
  });
  app.use((req, res) => res.status(404).json({ message: `Cannot ${req.method} ${req.path}: the Payaca API lives under /v1`, errors: [] }));
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SandboxError) res.status(400).json({ message: err.message, code: err.code, errors: [] });
    else if (err.type === 'entity.parse.failed')
      res.status(400).json({ message: `Request body is not valid JSON: ${err.message}`, errors: [] });
    else res.status(err.status && err.status < 600 ? err.status : 500).json({ message: `Sandbox error: ${err.message}`, errors: [] });
  });

  const listening: Listening = await listen(app, opts.port, 'Payaca');
  return {
    url: `${listening.url}/v1`,
    origin: listening.url,
    credentials,
    admin,
    app,
    close: async () => {
      webhooks.stop();
      await listening.close();
    },
  };
}

export type PayacaServer = Awaited<ReturnType<typeof startPayacaServer>>;
