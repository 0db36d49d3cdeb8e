import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { addWebhookAdminRoutes, assertIntegerSeed, commonAdminRouter } from '../core/admin-routes';
import { applyFault } from '../core/fault-middleware';
import { type FaultConfig, FaultInjector } from '../core/faults';
import { Inspector } from '../core/inspection';
import { answerer, createSandboxApp, facts, type Listening, listen, type RequestLineSink } from '../core/http-server';
import { SchemaValidator } from '../core/schema-validator';
import { SandboxConfigError, SandboxError } from '../errors';
import { addAgencyAdminRoutes, createAgencyAdmin } from './agency-admin';
import { handleApiRequest, type HighLevelState } from './api';
import { AppInstalls } from './app-installs';
import { buildHighLevelCredentials, type HighLevelCredentials, installCredentials, reseededData } from './credentials';
import { buildDemoData, type HighLevelDemoData } from './demo-data';
import { oauthRouter } from './oauth';
import { agencyOAuthRouter } from './oauth-agency';
import { DEFAULT_RATE_LIMIT, type RateLimitConfig, RateLimiter } from './rate-limiter';
import { loadHighLevelSpecs } from './spec-loader';
import { TokenStore } from './token-store';
import {
  createWebhookKeys,
  HighLevelSubscriptions,
  type HighLevelWebhookRequest,
  sendHighLevelWebhook,
  type WebhookKeys,
} from './webhooks';

export type { HighLevelCredentials };

export interface HighLevelServerOptions {
  port: number;
  seed: number;
  tokenTtlSeconds: number;
  /** Lifetime of location tokens minted from company tokens (default: tokenTtlSeconds). */
  locationTokenTtlSeconds?: number;
  rateLimit: RateLimitConfig | false;
  faults?: FaultConfig;
  autoApprove: boolean;
  logRequest?: RequestLineSink;
}

export async function startHighLevelServer(opts: HighLevelServerOptions) {
  const specs = loadHighLevelSpecs();
  const inspector = new Inspector();
  const validator = new SchemaValidator();
  const tokens = new TokenStore(opts.tokenTtlSeconds, Date.now, opts.locationTokenTtlSeconds);
  const installs = new AppInstalls();
  const faults = new FaultInjector('highlevel', opts.seed);
  faults.configure(opts.faults);
  const keys: WebhookKeys = createWebhookKeys(opts.seed);
  const subscriptions = new HighLevelSubscriptions(keys, (ok) => {
    if (ok) inspector.counters.webhooksSent++;
    else inspector.counters.webhooksFailed++;
  });
  const state: HighLevelState = {
    specs,
    data: buildDemoData(opts.seed),
    tokens,
    limiter: opts.rateLimit === false ? undefined : new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT),
    faults,
    validator,
    now: Date.now,
    publish: (type, locationId, payload) => subscriptions.publish(type, locationId, payload),
  };

  // Credentials derive from the start seed and stay fixed for the life of the process (reseeding the data
  // does not log clients out).
  const allScopes = [...new Set(specs.operations.map((o) => o.scope).filter((s): s is string => Boolean(s)))].sort();
  const credentials = buildHighLevelCredentials(opts.seed, state.data, allScopes, keys);
  installCredentials(tokens, credentials, allScopes, state.data.userId);
  let currentSeed = opts.seed;
  // The demo app starts installed on every demo location (an agency-wide install), as `splice start` expects.
  const installEverywhere = () => state.data.locations.forEach((l) => installs.install(credentials.oauth.clientId, l.id));
  installEverywhere();
  const agency = createAgencyAdmin({ data: () => state.data, installs, tokens, clientId: credentials.oauth.clientId, publish: state.publish });

  const startData = state.data;
  const dataFor = (seed: number) => reseededData(startData, seed);

  const admin = {
    requests: (filter?: Parameters<Inspector['requests']>[0]) => inspector.requests(filter),
    counters: () => inspector.counters,
    reset: (o: { oauth?: boolean } = {}) => {
      inspector.reset();
      state.limiter?.reset();
      state.data = dataFor(currentSeed);
      faults.configure(opts.faults);
      subscriptions.reset();
      installs.clear();
      installEverywhere();
      if (o.oauth) tokens.resetOAuth();
    },
    reseed: (seed: number) => {
      assertIntegerSeed(seed);
      currentSeed = seed;
      const next = dataFor(seed);
      state.data = next;
      inspector.reset();
      state.limiter?.reset();
    },
    getFaults: () => faults.current(),
    setFaults: (config: { seed?: number; rules: unknown }) => faults.configure({ seed: config.seed, highlevel: config.rules as never }),
    sendWebhook: (req: HighLevelWebhookRequest) =>
      sendHighLevelWebhook(keys, req).then((d) => {
        if (d.ok) inspector.counters.webhooksSent++;
        else inspector.counters.webhooksFailed++;
        return d;
      }),
    issueToken: (o: { locationId?: string; scopes?: string[]; ttlSeconds?: number; userType?: 'Location' | 'Company' } = {}) => {
      const userType = o.userType ?? 'Location';
      const locationId = o.locationId ?? credentials.locationId;
      inspector.counters.tokensIssued++;
      return tokens.issue({
        clientId: credentials.oauth.clientId,
        userType,
        locationId: userType === 'Location' ? locationId : undefined,
        companyId: credentials.companyId,
        approvedLocations: userType === 'Company' ? installs.list(credentials.oauth.clientId).map((i) => i.locationId) : [locationId],
        scopes: o.scopes ?? credentials.oauth.scopes,
        userId: state.data.userId,
        ttlSeconds: o.ttlSeconds,
      });
    },
    /** A new private integration token for a location with the given scopes (default: every Social Planner scope). */
    createPrivateIntegrationToken: (o: { locationId?: string; scopes?: string[] } = {}) => {
      const locationId = o.locationId ?? credentials.locationId;
      if (!state.data.locations.some((l) => l.id === locationId)) {
        throw new SandboxConfigError(
          'SANDBOX_UNKNOWN_LOCATION',
          `no demo location ${locationId}; pick one of ${state.data.locations.map((l) => l.id).join(', ')}`,
        );
      }
      const token = `pit-${randomUUID()}`;
      tokens.addPit({
        token,
        appId: `pit:${token}`,
        userType: 'Location',
        locationId,
        companyId: credentials.companyId,
        approvedLocations: [locationId],
        scopes: new Set(o.scopes ?? allScopes),
        userId: state.data.userId,
      });
      return { token, locationId, scopes: o.scopes ?? allScopes };
    },
    expireAccessTokens: () => tokens.expireAccessTokens(),
    subscribe: (url: string, types?: string[]) => subscriptions.subscribe({ url, types }),
    deliveries: () => subscriptions.deliveries,
    /**
     * Creates or renames a Social Planner tag (the API has no tag write operation) and raises
     * `SocialPlannerTagUpdate` with its id, so tag-reconciling flows can be tried end to end.
     */
    upsertTag: (o: { locationId?: string; tagId?: string; tag: string }) => {
      const locationId = o.locationId ?? credentials.locationId;
      const list = state.data.tags.get(locationId);
      if (!list) throw new SandboxConfigError('SANDBOX_UNKNOWN_LOCATION', `no demo location ${locationId}`);
      if (!o.tag) throw new SandboxConfigError('SANDBOX_BAD_TAG', '`tag` (the tag name) is required');
      const at = new Date().toISOString();
      let tag = o.tagId ? list.find((t) => t._id === o.tagId) : undefined;
      if (o.tagId && !tag) throw new SandboxConfigError('SANDBOX_UNKNOWN_TAG', `no tag ${o.tagId} in location ${locationId}`);
      if (tag) Object.assign(tag, { tag: o.tag, updatedAt: at });
      else {
        tag = {
          _id: randomUUID().replace(/-/g, '').slice(0, 24),
          tag: o.tag,
          locationId,
          createdBy: state.data.userId,
          deleted: false,
          createdAt: at,
          updatedAt: at,
        };
        list.push(tag);
      }
      subscriptions.publish('SocialPlannerTagUpdate', locationId, { tagIds: [tag._id] });
      return tag;
    },
    setTokenTtl: (seconds: number) => (tokens.ttlSeconds = seconds),
    setLocationTokenTtl: (seconds: number) => (tokens.locationTtlSeconds = seconds),
    /** Agency installs: add a location to the company, install the app on one or uninstall it (with webhooks). */
    agency,
    data: () => state.data,
    info: () => ({ service: 'highlevel', seed: currentSeed, credentials }),
    seed: () => currentSeed,
  };

  const app = createSandboxApp(inspector, opts.logRequest);
  const adminApi = commonAdminRouter(admin);
  adminApi.get('/webhooks/keys', (_req, res) => res.json({ ed25519PublicKey: keys.ed25519PublicPem, rsaPublicKey: keys.rsaPublicPem }));
  addWebhookAdminRoutes(adminApi, {
    subscriptions: () => subscriptions.subscriptions,
    subscribe: (body) => admin.subscribe(body.url as string, body.types as string[] | undefined),
    clearSubscriptions: () => (subscriptions.subscriptions = []),
    deliveries: admin.deliveries,
    send: (body) => admin.sendWebhook(body as unknown as HighLevelWebhookRequest),
  });
  adminApi.post('/tokens', (req, res) => res.json(admin.issueToken(req.body ?? {})));
  adminApi.post('/tokens/expire', (_req, res) => res.json({ expired: admin.expireAccessTokens() }));
  adminApi.post('/pits', (req, res) => res.json(admin.createPrivateIntegrationToken(req.body ?? {})));
  adminApi.post('/tags', (req, res) => res.json(admin.upsertTag(req.body ?? {})));
  adminApi.get('/data', (_req, res) => res.json(dataView(state.data)));
  addAgencyAdminRoutes(adminApi, agency);
  app.use('/_sandbox', adminApi);

  // The token endpoints fail like any other route when fault rules say so (refresh under failure).
  const oauthRoutes: Record<string, string> = {
    '/oauth/token': 'get-access-token',
    '/oauth/locationToken': 'get-location-access-token',
    '/oauth/installedLocations': 'get-installed-location',
  };
  app.all(Object.keys(oauthRoutes), async (req, res, next) => {
    const route = `${req.method} ${req.path}`;
    const f = facts(res);
    f.route = route;
    f.operationId = oauthRoutes[req.path];
    if (!(await applyFault(faults.decide(route, f.operationId, req.path), req, res, answerer(res)))) next();
  });
  app.use(
    oauthRouter({ specs, tokens, installs, data: () => state.data, counters: () => inspector.counters, validator, autoApprove: opts.autoApprove }),
  );
  app.use(agencyOAuthRouter({ specs, tokens, installs, data: () => state.data, counters: () => inspector.counters, validator }));
  app.all('/social-media-posting/{*rest}', (req, res, next) => handleApiRequest(state, req, res).catch(next));
  app.use((req, res) => res.status(404).json({ statusCode: 404, message: `Cannot ${req.method} ${req.path}`, error: 'Not Found' }));
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SandboxError) {
      res.status(400).json({ statusCode: 400, code: err.code, message: err.message, error: 'Bad Request' });
    } else if (err.type === 'entity.parse.failed' || err.status === 400) {
      res.status(400).json({ statusCode: 400, message: `Request body is not valid JSON: ${err.message}`, error: 'Bad Request' });
    } else if (err.status === 413) {
      res.status(413).json({ statusCode: 413, message: 'Request body too large', error: 'Payload Too Large' });
    } else {
      res.status(500).json({ statusCode: 500, message: `Sandbox internal error: ${err.message}`, error: 'Internal Server Error' });
    }
  });

  const listening: Listening = await listen(app, opts.port, 'HighLevel');
  return { url: listening.url, credentials, admin, close: listening.close, state, app };
}

export type HighLevelServer = Awaited<ReturnType<typeof startHighLevelServer>>;

/** The demo data as JSON (GET /_sandbox/data): per location its tags, accounts and live posts. */
function dataView(data: HighLevelDemoData) {
  return {
    companyId: data.companyId,
    locations: data.locations.map((l) => ({
      ...l,
      tags: data.tags.get(l.id),
      accounts: data.accounts.get(l.id),
      posts: data.posts.get(l.id)?.filter((p) => !p.deleted),
    })),
  };
}
