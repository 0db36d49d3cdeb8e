import type { NextFunction, Request, Response } from 'express';
import type { ServerContext } from './context';
import type { CredentialStore } from './credentials/credential-store';
import type { LocationTokens } from './credentials/location-tokens';
import { completeOAuthCallback, OAuthLoginRegistry, type CallbackOutcome } from './credentials/oauth-login';

/**
 * `GET /oauth/callback`: where HighLevel's consent page (or the sandbox's) sends the browser after an
 * install started with `POST /api/credentials/oauth/highlevel/start`. It exchanges the code and stores
 * the tokens as a credential (the same code as `splice auth login`), then shows a short page for the
 * person in that window, with the way back to the editor's Credentials page. No admin token is needed:
 * the one-time `state` the API issued is what proves the install was started here.
 */
export function createOAuthCallbackRoute(ctx: ServerContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const store = ctx.stores.credentials as CredentialStore | undefined;
      if (!store) {
        sendPage(res, {
          status: 503,
          message:
            'Splice cannot store credentials: the server has no master key (set SPLICE_MASTER_KEY or let it create its key file), then start the connection again.',
        });
        return;
      }
      // The API's start route keeps pending installs on the same registry (created by whichever runs first).
      const registry = (ctx.stores.oauthLogins as OAuthLoginRegistry | undefined) ?? (ctx.stores.oauthLogins = new OAuthLoginRegistry());
      const query = new URL(req.originalUrl, 'http://127.0.0.1').searchParams;
      const locationTokens = ctx.stores.locationTokens as LocationTokens | undefined;
      const outcome = await completeOAuthCallback({
        store,
        registry,
        query,
        // An agency connection lists its installed locations (by name) at once, for the Credentials page.
        afterSave: async (c) => {
          if (c.kind === 'highlevel-agency' && locationTokens) await locationTokens.sync(c);
        },
      });
      if (outcome.status >= 500) ctx.logger.warn({ code: (outcome.error as { code?: string } | undefined)?.code }, 'OAuth callback failed');
      sendPage(res, outcome);
    } catch (err) {
      next(err);
    }
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small HTML page (no secrets: the outcome's message names the credential and location only). */
function sendPage(res: Response, outcome: Pick<CallbackOutcome, 'status' | 'message' | 'credential'>): void {
  const ok = outcome.status < 300;
  // The core's messages speak to CLI users; in the browser the way to start again is the Credentials page.
  const message = outcome.message.replace(
    /Start again with `splice auth login highlevel`\.?/,
    'Start the connection again from the Credentials page.',
  );
  const scopes = outcome.credential?.scopes?.length
    ? `<p>Granted scopes: ${outcome.credential.scopes.map((s) => `<code>${esc(s)}</code>`).join(' ')}</p>`
    : '';
  res
    .status(outcome.status)
    .set({ 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Splice: ${ok ? 'HighLevel connected' : 'connection failed'}</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}h1{font-size:1.4rem}code{background:#eef2f6;padding:0 .25rem;border-radius:3px}</style></head>` +
        `<body><h1 data-testid="oauth-result">${ok ? 'HighLevel is connected' : 'HighLevel could not be connected'}</h1><p>${esc(message)}</p>${scopes}` +
        `<p><a href="/#/credentials">Back to Splice's Credentials page</a></p></body></html>`,
    );
}
