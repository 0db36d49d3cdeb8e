import express, { type Request, type Response, type Router } from 'express';
import type { ServerContext } from './context';
import { handleAppEvent } from './credentials/app-install-events';
import type { CredentialStore } from './credentials/credential-store';
import type { LocationTokens } from './credentials/location-tokens';

/**
 * `POST /oauth/highlevel/events`: the webhook URL to set in the HighLevel app's settings for its app
 * events. INSTALL and UNINSTALL keep agency connections' locations current (credentials/app-install-events.ts);
 * other event types are acknowledged and ignored (flows take theirs at /hooks/<flow>).
 */
export function createAppEventsRouter(ctx: ServerContext): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: ctx.config.intake.bodyLimitBytes }), async (req: Request, res: Response) => {
    const store = ctx.stores.credentials as CredentialStore | undefined;
    if (!store) {
      res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'Credentials are not available: the server has no master key.' } });
      return;
    }
    try {
      const outcome = await handleAppEvent(
        {
          store,
          locationTokens: ctx.stores.locationTokens as LocationTokens | undefined,
          maxSkewMs: ctx.config.intake.maxTimestampSkewMs,
          log: (event, facts) => ctx.logger.info({ event, ...facts }, 'app event'),
          background: (p) => void p,
        },
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        req.headers,
      );
      if (outcome.status >= 400) ctx.logger.warn({ status: outcome.status, code: (outcome.body.error as { code?: string } | undefined)?.code }, 'app event refused');
      res.status(outcome.status).json(outcome.body);
    } catch (err) {
      ctx.logger.error({ err: { message: (err as Error).message } }, 'app event failed');
      res.status(503).set('Retry-After', '5').json({ error: { code: 'APP_EVENTS_UNAVAILABLE', message: 'The app event could not be applied; HighLevel will retry.' } });
    }
  });
  return router;
}
