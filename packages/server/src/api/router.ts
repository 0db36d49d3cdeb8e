import express, { Router } from 'express';
import type { ServerContext } from '../context';
import { ServerError } from '../errors';
import { declaredLengthOver, sendDeclaredTooLarge } from '../request-limits';
import { createInsightsRouter } from '../insights/insights-router';
import { ensureAdminToken, rotateAdminToken } from './admin-token';
import { apiServices } from './api-services';
import { cors, editorOrigins, requireAdminToken } from './auth';
import { apiErrorHandler, requireKnownBodyType } from './http-errors';
import { openApiDocument } from './openapi';
import { catalogRoutes } from './routes/catalog-routes';
import { credentialRoutes } from './routes/credential-routes';
import { environmentRoutes } from './routes/environment-routes';
import { flowRunRoutes } from './routes/flow-run-routes';
import { flowRoutes } from './routes/flow-routes';
import { locationRoutes } from './routes/location-routes';
import { runRoutes } from './routes/run-routes';

/**
 * The REST API, mounted at /api by the server's createApp. Order matters: CORS (answers preflights for
 * the editor's origin without a token), the admin token on every route BEFORE any body is read (an
 * unauthenticated caller gets 401 whatever it sends, and learns nothing of how bodies are parsed), a
 * declared Content-Length over the limit answered 413 from the header, then JSON/YAML bodies, the
 * routes, and one error handler that answers `{ error: { code, message, ... } }` and never a stack trace.
 * It also starts this process's scheduler (set `ctx.stores.apiScheduler = false` to opt out); the
 * scheduler stops by itself once the server stops accepting work.
 */
export function createApiRouter(ctx: ServerContext): Router {
  const api = apiServices(ctx);
  // First start: generate the admin token and print it once (`splice serve` builds this router).
  api.ready = api.ready.then(() => announceAdminToken(ctx));
  if (ctx.stores.apiScheduler !== false) api.scheduler.start();
  const router = Router();
  const limit = ctx.config.api.bodyLimitBytes;
  router.use(cors(editorOrigins()));
  router.use(requireAdminToken(api.auth));
  router.use((req, res, next) => (declaredLengthOver(req.headers, limit) ? sendDeclaredTooLarge(res, limit) : next()));
  router.use(express.json({ limit, strict: false }));
  // Scripts may send a flow file as it is: `curl --data-binary @flow.yaml -H 'Content-Type: application/yaml'`.
  router.use(express.text({ limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'] }));
  router.use(requireKnownBodyType());
  router.use((_req, _res, next) => {
    api.ready.then(() => next(), next);
  });
  router.get('/openapi.json', (req, res) => {
    res.json(openApiDocument(`${req.baseUrl || '/api'}`));
  });
  router.use(flowRoutes(api));
  router.use(flowRunRoutes(ctx, api));
  router.use(runRoutes(ctx));
  router.use(credentialRoutes(ctx, api));
  router.use(locationRoutes(ctx, api));
  router.use(catalogRoutes(api));
  router.use(environmentRoutes(api));
  router.use('/insights', createInsightsRouter({ db: ctx.db }));
  router.use((req, _res, next) => {
    next(new ServerError('NOT_FOUND', `No API route ${req.method} /api${req.path}. See GET /api/openapi.json for the routes.`, 404));
  });
  router.use(apiErrorHandler(ctx.logger));
  return router;
}

/** Starts the schedule triggers of this process (one scheduler across processes holds the lease). */
export function startScheduler(ctx: ServerContext): { stop(): Promise<void> } {
  const api = apiServices(ctx);
  api.scheduler.start();
  return { stop: () => api.scheduler.stop() };
}

/**
 * Ensures an admin token exists; when it was generated just now, prints it ONCE to stdout (never to the
 * log). Later starts print nothing: the token is stored only as a hash.
 */
export async function announceAdminToken(ctx: ServerContext, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const ensured = await ensureAdminToken(ctx.db);
  if (ensured.generated) {
    out(
      `\nSplice admin token (shown only this once; store it now):\n\n  ${ensured.generated}\n\n` +
        'Send it as `Authorization: Bearer <token>` to /api. Set SPLICE_ADMIN_TOKEN to use a token of your own.\n\n',
    );
  }
}

export { ensureAdminToken, rotateAdminToken };
