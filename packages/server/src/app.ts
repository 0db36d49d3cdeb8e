import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { sql } from 'kysely';
import type { ServerContext } from './context';
import { httpErrorBody } from './errors';
import { createWebhookRouter } from './intake/webhook-router';
import { createOAuthCallbackRoute } from './oauth-callback-route';
import { createAppEventsRouter } from './app-install-route';

/**
 * The HTTP app: webhook intake at `/hooks/:flowName`, the REST API at `/api` (the API module's
 * `createApiRouter(ctx)`), `/metrics`, `/healthz` and `/readyz`.
 */
export interface CreateAppOptions {
  /** The REST API router (mounted at /api). startServer passes the API module's `createApiRouter(ctx)`. */
  apiRouter?: Router;
}

export function createApp(ctx: ServerContext, opts: CreateAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use('/hooks', createWebhookRouter(ctx));
  app.get('/oauth/callback', createOAuthCallbackRoute(ctx));
  // HighLevel app events (INSTALL/UNINSTALL keep agency connections' locations current).
  app.use('/oauth/highlevel/events', createAppEventsRouter(ctx));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    try {
      await sql`select 1`.execute(ctx.db);
      checks.database = 'ok';
    } catch (err) {
      checks.database = `unreachable: ${(err as Error).message}`;
    }
    checks.workers = ctx.config.workers.count === 0 ? 'none configured' : ctx.state.workersRunning ? 'ok' : 'not running';
    checks.intake = ctx.state.accepting ? 'ok' : 'stopping';
    const ready = checks.database === 'ok' && checks.workers !== 'not running' && ctx.state.accepting;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });

  // API MOUNT POINT: the API module's createApiRouter(ctx) from ./api/router (passed by startServer).
  if (opts.apiRouter) app.use('/api', opts.apiRouter);

  // EDITOR MOUNT (added by the editor): the built web app, packages/editor/dist (`pnpm --filter @splice/editor
  // build`), served at `/`. The app routes by URL hash, so no fallback route is needed.
  const editorDist = fileURLToPath(new URL('../../editor/dist/', import.meta.url));
  if (existsSync(editorDist)) app.use(express.static(editorDist, { index: 'index.html' }));

  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.path}.` } });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = httpErrorBody(err);
    if (status >= 500)
      ctx.logger.error({ err: { message: (err as Error)?.message, code: (err as { code?: string })?.code } }, 'request failed');
    if (!res.headersSent) res.status(status).json(body);
  });
  return app;
}
