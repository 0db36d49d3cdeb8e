import express, { type Router } from 'express';
import { adminGuard } from './admin-guard';
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
