import express, { type Router } from 'express';
import { adminGuard } from './admin-guard';
import { SandboxConfigError } from '../errors';
import type { FaultRule } from './faults';
import type { Counters, Inspector } from './inspection';

/** What every stand-in's admin API offers (`/_sandbox/...`); each server adds its own routes after these. */
export interface CommonAdmin {
  info(): unknown;
  seed(): number;
  requests(filter?: Parameters<Inspector['requests']>[0]): unknown[];
  counters(): Counters;
  reset(options: { oauth?: boolean }): void;
  reseed(seed: number): void;
  getFaults(): { seed: number; rules: FaultRule[] };
  setFaults(config: { seed?: number; rules: unknown }): void;
}

export function commonAdminRouter(admin: CommonAdmin): Router {
  const router = express.Router();
  router.use(adminGuard);
  router.get('/info', (_req, res) => res.json(admin.info()));
  router.get('/requests', (req, res) => {
    const q = req.query as Record<string, string>;
    const num = (v: string | undefined) => (v ? Number(v) : undefined);
    res.json({ requests: admin.requests({ route: q.route, operationId: q.operationId, since: num(q.since), limit: num(q.limit) }) });
  });
  router.get('/counters', (_req, res) => res.json(admin.counters()));
  router.post('/reset', (req, res) => {
    admin.reset({ oauth: Boolean(req.body?.oauth) });
    res.json({ ok: true, seed: admin.seed() });
  });
  router.post('/seed', (req, res) => {
    admin.reseed(req.body?.seed as number);
    res.json({ ok: true, seed: admin.seed() });
  });
  router.get('/faults', (_req, res) => res.json(admin.getFaults()));
  router.put('/faults', (req, res) => {
    admin.setFaults({ seed: req.body?.seed, rules: req.body?.rules ?? [] });
    res.json(admin.getFaults());
  });
  return router;
}

/** The webhook side of a stand-in's admin API: its subscriptions, its delivery log, and sending an event now. */
export interface WebhookAdmin {
  subscriptions(): unknown[];
  /** Adds a subscription from the request body (`url` and the service's own event filter). */
  subscribe(body: Record<string, unknown>): unknown[];
  clearSubscriptions(): void;
  deliveries(): unknown[];
  send(body: Record<string, unknown>): Promise<unknown>;
}

export function addWebhookAdminRoutes(router: Router, webhooks: WebhookAdmin): void {
  router.post('/webhooks/send', async (req, res) => res.json(await webhooks.send(req.body ?? {})));
  router.get('/webhooks/subscriptions', (_req, res) => res.json({ subscriptions: webhooks.subscriptions() }));
  router.post('/webhooks/subscriptions', (req, res) => res.json({ subscriptions: webhooks.subscribe(req.body ?? {}) }));
  router.delete('/webhooks/subscriptions', (_req, res) => {
    webhooks.clearSubscriptions();
    res.json({ subscriptions: [] });
  });
  router.get('/webhooks/deliveries', (_req, res) => res.json({ deliveries: webhooks.deliveries() }));
}

/** Refuses a seed that is not an integer (admin `reseed`), before any state changes. */
export function assertIntegerSeed(seed: unknown): asserts seed is number {
  if (!Number.isInteger(seed))
    throw new SandboxConfigError('SANDBOX_BAD_SEED', `seed must be an integer (got ${JSON.stringify(seed)})`);
}
