import { Router } from 'express';
import type { TestCredentialRequest, TestCredentialResponse, CreateCredentialRequest, CredentialMetadata, ListCredentialKindsResponse, ListCredentialsResponse, StartOAuthRequest, StartOAuthResponse, UpdateCredentialRequest } from '../contract';
import type { ServerContext } from '../../context';
import type { CredentialInfo } from '../../credentials/credential-info';
import type { CredentialStore } from '../../credentials/credential-store';
import { oauthEndpoints } from '../../credentials/highlevel-oauth';
import { testCredential } from '../../credentials/credential-test';
import { isEnvironmentName } from '../../environments/environment-store';
import { credentialKinds, getKind } from '../../credentials/kinds/index';
import type { LocationTokens } from '../../credentials/location-tokens';
import { OAuthLoginRegistry } from '../../credentials/oauth-login';
import { SpliceError } from '@splice/runtime';
import { ServerError } from '../../errors';
import type { ApiServices } from '../api-services';
import { badRequest, onlyKeys } from '../http-errors';
import { body, optString, param } from './flow-routes';

/**
 * Credentials through the credentials module's store: metadata only in every answer; secrets are
 * accepted on create/update (write-only) and never returned. OAuth installs start here and finish at
 * the server's /oauth/callback (the same OAuthLoginRegistry, kept on ctx.stores.oauthLogins).
 */
export function credentialRoutes(ctx: ServerContext, api: ApiServices): Router {
  const r = Router();
  const store = (): CredentialStore => {
    const s = api.credentials();
    if (!s) {
      throw new ServerError('UNAVAILABLE', 'Credentials are not available: the server has no master key. Start it with `splice serve` (it creates one in the data dir) or set SPLICE_MASTER_KEY.', 503);
    }
    return s;
  };

  r.get('/credentials/kinds', (_req, res) => {
    const out: ListCredentialKindsResponse = {
      kinds: credentialKinds.map((k) => ({ kind: k.kind, connector: k.connector, title: k.title, fields: k.fields.map((f) => ({ ...f })), primarySecret: k.primarySecret, scoped: k.scoped, refreshable: k.refreshable, ...(k.locations ? { locations: k.locations } : {}) })),
    };
    res.json(out);
  });

  r.get('/credentials', async (_req, res) => {
    const out: ListCredentialsResponse = { credentials: (await store().list()).map(toMetadata) };
    res.json(out);
  });

  r.get('/credentials/:name', async (req, res) => {
    res.json(toMetadata(await store().get(param(req, 'name'))));
  });

  r.post('/credentials', async (req, res) => {
    const b = body<CreateCredentialRequest>(req);
    onlyKeys(b, ['name', 'type', 'connector', 'secret', 'scopes', 'meta']);
    const name = optString(b.name, 'body.name');
    const type = optString(b.type, 'body.type');
    if (!name) throw badRequest('body.name', 'Give the credential a `name`, e.g. "ghl-main".');
    if (!type) throw badRequest('body.type', `Give the credential kind as \`type\`: one of ${credentialKinds.map((k) => k.kind).join(', ')}.`);
    const kind = getKind(type);
    const values = { ...checkStrings(b.meta, 'body.meta'), ...secretValues(b.secret, kind.primarySecret) };
    const info = await withBodyPaths(type, b, () => store().add({ name, kind: type, values, ...(b.scopes ? { scopes: checkScopes(b.scopes) } : {}), ...(b.connector ? { connector: optString(b.connector, 'body.connector') } : {}) }));
    res.status(201).location(`/api/credentials/${info.name}`).json(toMetadata(info));
  });

  r.patch('/credentials/:name', async (req, res) => {
    const b = body<UpdateCredentialRequest>(req);
    onlyKeys(b, ['secret', 'scopes', 'meta']);
    const name = param(req, 'name');
    const cur = await store().get(name);
    const values = { ...checkStrings(b.meta, 'body.meta'), ...(b.secret !== undefined ? secretValues(b.secret, getKind(cur.kind).primarySecret) : {}) };
    const info = await withBodyPaths(cur.kind, b, () => store().rotate(name, values, b.scopes ? { scopes: checkScopes(b.scopes) } : {}));
    res.json(toMetadata(info));
  });

  r.delete('/credentials/:name', async (req, res) => {
    const name = param(req, 'name');
    await store().get(name);
    // Deleting a credential an environment still binds breaks that environment's runs: say where it is used.
    if (req.query.force !== 'true') {
      const uses = (await api.environments.list()).flatMap((e) => Object.entries(e.bindings).filter(([, stored]) => stored === name).map(([as]) => `${e.name} (as ${as})`));
      if (uses.length) {
        throw new ServerError(
          'CREDENTIAL_IN_USE',
          `Credential ${name} is bound in ${uses.join(', ')}; runs there would fail without it. Bind another credential first (PATCH /api/environments/:name), or delete anyway with ?force=true.`,
          409,
        );
      }
    }
    await store().remove(name);
    res.status(204).end();
  });

  r.post('/credentials/:name/test', async (req, res) => {
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as TestCredentialRequest;
    const envName = b.environment ?? 'staging';
    if (!isEnvironmentName(envName)) throw badRequest('body.environment', 'body.environment must be "staging" or "production".');
    const s = store();
    const info = await s.get(param(req, 'name'));
    const refresher = api.refresher();
    if (!refresher) throw new ServerError('UNAVAILABLE', 'Credentials cannot be tested: the server has no master key.', 503);
    const env = await api.environments.get(envName);
    const baseUrl = env.baseUrls[info.connector];
    const locationTokens = ctx.stores.locationTokens as LocationTokens | undefined;
    const location = optString(b.location, 'body.location');
    const result: TestCredentialResponse = await testCredential({ store: s, refresher, name: info.name, ...(baseUrl ? { baseUrl } : {}), ...(locationTokens ? { locationTokens } : {}), ...(location ? { locationId: location } : {}) });
    res.json(result);
  });

  r.post('/credentials/oauth/highlevel/start', async (req, res) => {
    const b = body<StartOAuthRequest>(req);
    onlyKeys(b, ['name', 'clientId', 'clientSecret', 'scopes', 'environment', 'redirectUri', 'userType']);
    if (b.environment !== undefined && !isEnvironmentName(b.environment)) throw badRequest('body.environment', 'body.environment must be "staging" or "production".');
    if (b.userType !== undefined && b.userType !== 'Location' && b.userType !== 'Company') throw badRequest('body.userType', 'body.userType must be "Location" or "Company".');
    if (b.redirectUri !== undefined && !/^https?:\/\/[^/]/.test(String(b.redirectUri))) throw badRequest('body.redirectUri', 'body.redirectUri must be an http(s) URL that reaches this server\'s /oauth/callback.');
    for (const f of ['name', 'clientId', 'clientSecret'] as const) if (!optString(b[f], `body.${f}`)) throw badRequest(`body.${f}`, `body.${f} is required.`);
    const scopes = checkScopes(b.scopes ?? []);
    const envName = b.environment ?? 'staging';
    const env = await api.environments.get(envName);
    const endpoints = envName === 'production' ? oauthEndpoints() : oauthEndpoints(env.baseUrls.highlevel);
    const redirectUri = optString(b.redirectUri, 'body.redirectUri') ?? `${req.protocol}://${req.get('host')}/oauth/callback`;
    const registry = (ctx.stores.oauthLogins as OAuthLoginRegistry | undefined) ?? (ctx.stores.oauthLogins = new OAuthLoginRegistry());
    const started = registry.start({ name: b.name, clientId: b.clientId, clientSecret: b.clientSecret, scopes, redirectUri, tokenUrl: endpoints.tokenUrl, installUrl: endpoints.installUrl, ...(b.userType ? { userType: b.userType } : {}) });
    const out: StartOAuthResponse = { ...started, redirectUri };
    res.json(out);
  });

  return r;
}

export function toMetadata(c: CredentialInfo): CredentialMetadata {
  return { ...c, type: c.kind, version: c.activeVersion, status: c.status };
}

function secretValues(secret: unknown, primary: string): Record<string, string> {
  if (typeof secret === 'string') return { [primary]: secret };
  return checkStrings(secret, 'body.secret');
}

function checkStrings(v: unknown, path: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(path, `${path} must be an object of field name → string.`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw badRequest(`${path}.${k}`, `${path}.${k} must be a string.`);
  return v as Record<string, string>;
}

function checkScopes(v: unknown): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw badRequest('body.scopes', 'body.scopes must be an array of scope strings, e.g. ["socialplanner/tag.readonly"].');
  return v as string[];
}

/**
 * The credential store names fields by their own name (`token`); an API caller needs the request path
 * (`body.secret.token`, `body.meta.locationId`, `body.name`) to find what to fix.
 */
async function withBodyPaths<T>(kindName: string, b: { meta?: unknown; secret?: unknown }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as SpliceError;
    if (!(e instanceof SpliceError) || !e.path || e.path.startsWith('body')) throw err;
    const field = getKind(kindName).fields.find((f) => f.name === e.path);
    // An unknown field is named where the caller put it (meta or secret).
    const sentIn = (v: unknown) => !!v && typeof v === 'object' && e.path! in (v as object);
    const path =
      e.path === 'name' || e.path === 'connector'
        ? `body.${e.path}`
        : field
          ? `body.${field.secret ? 'secret' : 'meta'}.${field.name}`
          : sentIn(b.meta)
            ? `body.meta.${e.path}`
            : sentIn(b.secret)
              ? `body.secret.${e.path}`
              : `body.${e.path}`;
    throw new ServerError(e.code, e.message, 422, { path, cause: err });
  }
}
