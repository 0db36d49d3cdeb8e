import express, { type Request, type Response, Router } from 'express';
import type { Counters } from '../core/inspection';
import type { SchemaValidator } from '../core/schema-validator';
import { type AppInstalls, appIdOf } from './app-installs';
import type { HighLevelDemoData } from './demo-data';
import type { HighLevelSpecs, JsonSchema } from './spec-loader';
import type { AccessGrant, TokenStore } from './token-store';

/**
 * The agency side of HighLevel's OAuth (apps/oauth.json, security `Agency-Access-Only`):
 * - `POST /oauth/locationToken` (scope oauth.write): a Company token plus `{companyId, locationId}`
 *   (form-encoded) gives a location access token with its own expiry and no refresh token (the spec's
 *   GetLocationAccessTokenSuccessfulResponseDto has none: ask again when it expires);
 * - `GET /oauth/installedLocations` (scope oauth.readonly): the company's locations and whether the app
 *   is installed on each, paged with skip/limit (strings), filtered by `query`, `isInstalled`, `locationId`.
 * Both need the `Version: 2021-07-28` header and refuse Location tokens and PITs with 401.
 */
export interface AgencyOAuthDeps {
  specs: HighLevelSpecs;
  tokens: TokenStore;
  installs: AppInstalls;
  data: () => HighLevelDemoData;
  counters: () => Counters;
  validator: SchemaValidator;
}

const unauthorized = (res: Response, message: string) => res.status(401).json({ statusCode: 401, message, error: 'Unauthorized' });

type OperationSpec = { parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }> };

export function agencyOAuthRouter(deps: AgencyOAuthDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false });
  const oauth = deps.specs.oauth as { paths: Record<string, Record<string, OperationSpec>>; components: { schemas: Record<string, JsonSchema> } };
  const locationBody = oauth.components.schemas.GetLocationAccessCodeBodyDto as JsonSchema;
  const versions = (op: OperationSpec) =>
    ((op.parameters ?? []).find((p) => p.in === 'header' && p.name === 'Version')?.schema.enum as string[] | undefined) ?? ['2021-07-28'];
  const tokenOp = oauth.paths['/oauth/locationToken']!.post!;
  const installedOp = oauth.paths['/oauth/installedLocations']!.get!;

  /** Version, then an Agency (Company) access token with `scope`; answers and returns undefined when refused. */
  function agencyGrant(req: Request, res: Response, op: OperationSpec, scope: string): AccessGrant | undefined {
    const version = req.header('Version');
    if (!version) {
      res.status(400).json({ statusCode: 400, message: 'Version header was not found', error: 'Bad Request' });
      return undefined;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('Authorization') ?? '')?.[1];
    const found = bearer ? deps.tokens.lookup(bearer) : { error: 'unknown' as const };
    if ('error' in found) {
      unauthorized(res, found.error === 'expired' ? 'Invalid JWT: the access token has expired' : 'Invalid token: access token is invalid');
      return undefined;
    }
    if (!versions(op).includes(version)) {
      res.status(422).json({
        statusCode: 422,
        message: [`version must be one of the following values: ${versions(op).join(', ')} (got ${version})`],
        error: 'Unprocessable Entity',
      });
      return undefined;
    }
    const g = found.grant;
    if (g.kind !== 'oauth' || g.userType !== 'Company') {
      unauthorized(res, 'This route needs an Agency (Company) access token: install the app at agency level and use its token.');
      return undefined;
    }
    if (!g.scopes.has(scope)) {
      res.status(403).json({ statusCode: 403, message: `The token is not authorized for this scope: ${scope} is missing`, error: 'Forbidden' });
      return undefined;
    }
    return g;
  }

  router.post('/oauth/locationToken', form, (req, res) => {
    const g = agencyGrant(req, res, tokenOp, 'oauth.write');
    if (!g) return;
    const body = (req.body ?? {}) as Record<string, string>;
    const problems = deps.validator.validate(locationBody, body);
    if (problems.length) {
      res.status(422).json({ statusCode: 422, message: problems, error: 'Unprocessable Entity' });
      return;
    }
    const known = deps.data().locations.some((l) => l.id === body.locationId);
    if (body.companyId !== g.companyId || !known || !deps.installs.isInstalled(g.appId, body.locationId!)) {
      res.status(400).json({
        statusCode: 400,
        message: `Location ${body.locationId} is not approved for company ${body.companyId}: the app is not installed there`,
        error: 'Bad Request',
      });
      return;
    }
    const answer = deps.tokens.issue({
      clientId: g.appId,
      userType: 'Location',
      locationId: body.locationId,
      companyId: g.companyId,
      approvedLocations: [body.locationId!],
      scopes: [...g.scopes],
      userId: g.userId,
      withRefresh: false,
      ttlSeconds: deps.tokens.locationTtlSeconds,
    });
    deps.counters().tokensIssued++;
    const c = deps.counters();
    c.locationTokensIssued++;
    c.locationTokensByLocation[body.locationId!] = (c.locationTokensByLocation[body.locationId!] ?? 0) + 1;
    res.json({
      access_token: answer.access_token,
      token_type: answer.token_type,
      expires_in: answer.expires_in,
      scope: answer.scope,
      locationId: body.locationId,
      userId: answer.userId,
      appId: appIdOf(g.appId),
    });
  });

  router.get('/oauth/installedLocations', (req, res) => {
    const g = agencyGrant(req, res, installedOp, 'oauth.readonly');
    if (!g) return;
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
    const problems: string[] = [];
    for (const p of installedOp.parameters ?? []) {
      if (p.in !== 'query') continue;
      const v = query[p.name];
      if (v === undefined || v === '') {
        if (p.required) problems.push(`${p.name} should not be empty (required query parameter)`);
        continue;
      }
      problems.push(...deps.validator.validate(p.schema, v, { coerce: true, root: '' }).map((m) => m.replace(/^\(body\)/, p.name)));
    }
    if (problems.length) {
      res.status(422).json({ statusCode: 422, message: problems, error: 'Unprocessable Entity' });
      return;
    }
    if (query.companyId !== g.companyId || appIdOf(query.appId!) !== appIdOf(g.appId)) {
      res.status(400).json({ statusCode: 400, message: 'companyId and appId must be those of the token', error: 'Bad Request' });
      return;
    }
    const search = (query.query ?? '').toLowerCase();
    const wantInstalled = query.isInstalled === undefined ? undefined : query.isInstalled === 'true';
    const all = deps
      .data()
      .locations.filter((l) => l.companyId === g.companyId)
      .map((l) => {
        const install = deps.installs.get(g.appId, l.id);
        return { _id: l.id, name: l.name, address: l.address, isInstalled: Boolean(install), ...(install ? { installedAt: install.installedAt } : {}) };
      })
      .filter((l) => (!search || l.name.toLowerCase().includes(search)) && (wantInstalled === undefined || l.isInstalled === wantInstalled))
      .filter((l) => !query.locationId || l._id === query.locationId);
    const skip = Math.max(0, Number(query.skip ?? 0) || 0);
    const limit = Math.max(1, Number(query.limit ?? 20) || 20);
    res.json({ locations: all.slice(skip, skip + limit), count: all.length, installToFutureLocations: true });
  });

  return router;
}
