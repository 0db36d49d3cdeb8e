import express, { type Request, type Response, Router } from 'express';
import type { Counters } from '../core/inspection';
import type { SchemaValidator } from '../core/schema-validator';
import type { AppInstalls } from './app-installs';
import type { HighLevelDemoData } from './demo-data';
import type { HighLevelSpecs, JsonSchema } from './spec-loader';
import type { TokenStore, UserType } from './token-store';

/**
 * HighLevel OAuth 2.0: the consent page (`/oauth/chooselocation`, also under `/v2/` like the marketplace
 * URL; approve one location, or the whole agency) and the token endpoint (`POST /oauth/token`:
 * authorization_code, refresh_token, client_credentials). The agency routes (`/oauth/locationToken`,
 * `/oauth/installedLocations`) are in oauth-agency.ts.
 */

export interface OAuthDeps {
  specs: HighLevelSpecs;
  tokens: TokenStore;
  installs: AppInstalls;
  data: () => HighLevelDemoData;
  counters: () => Counters;
  validator: SchemaValidator;
  autoApprove: boolean;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function oauthError(res: Response, status: number, error: string, description: string) {
  res.status(status).json({ error, error_description: description });
}

function redirectWithCode(res: Response, redirectUri: string, code: string, state?: string) {
  const target = new URL(redirectUri);
  target.searchParams.set('code', code);
  if (state) target.searchParams.set('state', state);
  res.redirect(302, target.toString());
}

export function oauthRouter(deps: OAuthDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });
  const json = express.json();

  const consent = (req: Request, res: Response) => {
    const q = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
    const client = deps.tokens.clients.get(q.client_id ?? '');
    const fail = (msg: string) =>
      res
        .status(400)
        .type('html')
        .send(`<!doctype html><title>Sandbox consent: error</title><h1>Cannot authorize</h1><p>${esc(msg)}</p>`);
    if (q.response_type !== 'code') return fail('response_type must be "code".');
    if (!client)
      return fail(`Unknown client_id "${q.client_id ?? ''}". Use the sandbox's demo OAuth client id (printed by \`splice sandbox\`).`);
    let redirect: URL;
    try {
      redirect = new URL(q.redirect_uri ?? '');
    } catch {
      return fail('redirect_uri is missing or not an absolute URL.');
    }
    const scopes = (q.scope ?? '').split(/[\s+]+/).filter(Boolean);
    const unknown = scopes.filter((s) => !client.scopes.includes(s));
    if (unknown.length) return fail(`The app is not allowed these scopes: ${unknown.join(', ')}.`);
    const data = deps.data();
    const approve = (locationId: string, agency = false) => {
      // Approving installs the app there (the whole agency: every location of the company).
      for (const l of agency ? data.locations : data.locations.filter((x) => x.id === locationId)) deps.installs.install(client.clientId, l.id);
      const code = deps.tokens.createCode({
        clientId: client.clientId,
        // Compared as sent at the token exchange (a normalised URL could differ by a trailing slash).
        redirectUri: q.redirect_uri,
        ...(agency ? { agency: true } : {}),
        locationId,
        companyId: data.companyId,
        scopes: scopes.length ? scopes : client.scopes,
        userId: data.userId,
      });
      redirectWithCode(res, redirect.toString(), code, q.state);
    };
    if (deps.autoApprove || q.auto_approve === '1' || q.auto_approve === 'true') {
      const chosen = data.locations.find((l) => l.id === q.location_id) ?? data.locations[0]!;
      return approve(chosen.id);
    }
    if (q.approve_agency) return approve(data.locations[0]!.id, true);
    if (q.approve_location) {
      const chosen = data.locations.find((l) => l.id === q.approve_location);
      if (!chosen) return fail(`Unknown location ${q.approve_location}.`);
      return approve(chosen.id);
    }
    const hidden = ['response_type', 'redirect_uri', 'client_id', 'scope', 'state']
      .filter((k) => q[k] !== undefined)
      .map((k) => `<input type="hidden" name="${k}" value="${esc(q[k] as string)}">`)
      .join('');
    const rows = data.locations
      .map(
        (l) =>
          `<li><form method="get" action="${esc(req.baseUrl + req.path)}">${hidden}<input type="hidden" name="approve_location" value="${esc(l.id)}">` +
          `<strong>${esc(l.name)}</strong> <code>${esc(l.id)}</code> <button type="submit">Approve</button></form></li>`,
      )
      .join('');
    const agency =
      `<form method="get" action="${esc(req.baseUrl + req.path)}">${hidden}<input type="hidden" name="approve_agency" value="1">` +
      `<p><strong>The whole agency</strong> (${data.locations.length} locations, and locations added later) <button type="submit">Approve for the agency</button></p></form>`;
    res
      .type('html')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>Splice sandbox: choose a location</title></head><body>` +
          `<h1>Choose a location</h1><p>The app <code>${esc(client.clientId)}</code> asks for: ${scopes.map((s) => `<code>${esc(s)}</code>`).join(' ') || 'its default scopes'}.</p>` +
          `<ul>${rows}</ul><h2>Or install for the agency</h2>${agency}<p><small>HighLevel sandbox (Splice). Redirects to ${esc(redirect.toString())}</small></p></body></html>`,
      );
  };
  router.get(['/oauth/chooselocation', '/v2/oauth/chooselocation'], consent);

  const tokenBodySchema = (deps.specs.oauth.components as { schemas: Record<string, JsonSchema> }).schemas
    .GetAccessCodebodyDto as JsonSchema;

  router.post('/oauth/token', form, json, (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const problems = deps.validator.validate(tokenBodySchema, body);
    if (problems.length) {
      res.status(422).json({ statusCode: 422, message: problems, error: 'Unprocessable Entity' });
      return;
    }
    const client = deps.tokens.clients.get(body.client_id ?? '');
    if (!client || client.clientSecret !== body.client_secret) {
      oauthError(
        res,
        401,
        'invalid_client',
        'client_id or client_secret is wrong: use the credentials of your app (the sandbox prints them at start).',
      );
      return;
    }
    const counters = deps.counters();
    const data = deps.data();
    const userType = (body.user_type as UserType | undefined) ?? 'Location';
    if (body.grant_type === 'authorization_code') {
      const code = deps.tokens.redeemCode(body.code ?? '', client.clientId, body.redirect_uri);
      if (!code) {
        counters.invalidGrant++;
        oauthError(
          res,
          400,
          'invalid_grant',
          'authorization code is invalid, expired, already used, or was issued for another client or redirect_uri',
        );
        return;
      }
      if (code.agency && userType !== 'Company') {
        counters.invalidGrant++;
        oauthError(res, 400, 'invalid_grant', 'this code was approved for the whole agency: exchange it with user_type Company');
        return;
      }
      const answer = deps.tokens.issue({
        clientId: client.clientId,
        userType,
        locationId: userType === 'Location' ? code.locationId : undefined,
        companyId: code.companyId,
        approvedLocations: userType === 'Company' ? deps.installs.list(client.clientId).map((i) => i.locationId) : [code.locationId],
        scopes: code.scopes,
        userId: code.userId,
      });
      counters.tokensIssued++;
      res.json(answer);
      return;
    }
    if (body.grant_type === 'refresh_token') {
      const answer = deps.tokens.rotate(body.refresh_token ?? '', client.clientId);
      if ('error' in answer) {
        counters.invalidGrant++;
        oauthError(res, 400, 'invalid_grant', `Invalid grant: ${answer.reason}`);
        return;
      }
      counters.tokensRefreshed++;
      res.json(answer);
      return;
    }
    // client_credentials: the app acts for its company (agency), no user and no refresh token.
    const answer = deps.tokens.issue({
      clientId: client.clientId,
      userType: 'Company',
      companyId: data.companyId,
      approvedLocations: deps.installs.list(client.clientId).map((i) => i.locationId),
      scopes: client.scopes,
      userId: data.userId,
      withRefresh: false,
    });
    counters.tokensIssued++;
    res.json(answer);
  });

  return router;
}
