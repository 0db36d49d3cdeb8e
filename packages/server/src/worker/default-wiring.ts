import { ActionRegistry } from '@splice/runtime';
import { httpAction } from '@splice/runtime/actions/http';
import { registerCatalogActions } from '@splice/connectors';
import type { CreateServerContextOptions, ServerContext } from '../context';
import { CredentialStore } from '../credentials/credential-store';
import { createSpliceActions } from '../insights/splice-actions';
import { LocationTokens } from '../credentials/location-tokens';
import { createStoreCredentialResolver } from '../credentials/store-resolver';
import { TokenRefresher } from '../credentials/token-refresher';
import { CredentialWebhookSecretSource } from '../signatures/credential-webhook-secret-source';
import { createDefaultEngineFactory, tableEnvironment } from './engine-factory';

/**
 * What startServer wires unless the caller gave its own: the credentials store on the server's
 * database (master key from the data dir or SPLICE_MASTER_KEY), the token refresher (counted in
 * metrics), webhook keys from credentials, the shared action registry, and the runtime's engine.
 */
export async function wireDefaultModules(ctx: ServerContext, opts: CreateServerContextOptions): Promise<{ close(): Promise<void> }> {
  const actions = (ctx.stores.actions as ActionRegistry | undefined) ?? registerCatalogActions(new ActionRegistry().register(httpAction));
  ctx.stores.actions = actions;
  // Splice's own data actions (statistics store, tag snapshots, tag map) on this server's database.
  if (!actions.has('splice.record-statistics')) actions.register(...createSpliceActions(ctx.db));

  let store = ctx.stores.credentials as CredentialStore | undefined;
  if (!store) {
    try {
      store = await CredentialStore.attach(ctx.db, ctx.dialect, { dataDir: ctx.config.dataDir });
      ctx.stores.credentials = store;
    } catch (err) {
      ctx.logger.warn(
        { err: { message: (err as Error).message } },
        'credentials unavailable: flows that need credentials or signed webhooks will fail',
      );
    }
  }
  let refresher = ctx.stores.tokenRefresher as TokenRefresher | undefined;
  if (store && !refresher) {
    refresher = new TokenRefresher({
      store,
      log: (event, facts) => {
        if (event === 'credential.refresh') ctx.metrics.tokenRefreshes.inc({ connector: 'highlevel', outcome: 'refreshed' });
        if (event === 'credential.needs_reconnect') ctx.metrics.tokenRefreshes.inc({ connector: 'highlevel', outcome: 'failed' });
        ctx.logger.info({ event, credential: facts.credential }, 'credential event');
      },
    });
    ctx.stores.tokenRefresher = refresher;
  }
  // Location tokens of agency connections (and grouped PITs): one exchange per location at a time, across processes.
  let locationTokens = ctx.stores.locationTokens as LocationTokens | undefined;
  if (store && refresher && !locationTokens) {
    locationTokens = new LocationTokens({
      store,
      refresher,
      log: (event, facts) => {
        if (event === 'credential.location_token') ctx.metrics.tokenRefreshes.inc({ connector: 'highlevel', outcome: 'location_token' });
        ctx.logger.info({ event, credential: facts.credential, locationId: facts.locationId }, 'credential event');
      },
    });
    ctx.stores.locationTokens = locationTokens;
  }

  const environmentOf = tableEnvironment(ctx);
  if (!opts.webhookSecrets && store) {
    ctx.webhookSecrets = new CredentialWebhookSecretSource(store, async (flow) => (await environmentOf(flow)).bindings);
  }

  let closeEngine = async () => {};
  if (!opts.engineFactory) {
    const secretsCache = { at: 0, values: Promise.resolve([] as string[]) };
    const factory = createDefaultEngineFactory(ctx, {
      actions,
      environment: environmentOf,
      credentials: (_flow, env) =>
        store && refresher ? createStoreCredentialResolver({ store, bindings: env.bindings, refresher, ...(locationTokens ? { locationTokens } : {}) }) : undefined,
    });
    const withSecrets = (flow: Parameters<typeof factory>[0]) => {
      const engine = factory(flow);
      return {
        async run(...[f, event, runOpts]: Parameters<typeof engine.run>) {
          // Literal secret values for the redactor, refreshed every few seconds (rotations included).
          if (store && Date.now() - secretsCache.at > 5_000) {
            secretsCache.at = Date.now();
            secretsCache.values = store.secretValues().catch(() => []);
          }
          // The cached array itself when the run brings none: the engine then compiles its pattern once.
          const stored = await secretsCache.values;
          const secrets = runOpts.secrets?.length ? [...runOpts.secrets, ...stored] : stored;
          return engine.run(f, event, { ...runOpts, secrets });
        },
      };
    };
    ctx.setEngineFactory(withSecrets);
    closeEngine = () => factory.close();
  }
  return { close: closeEngine };
}
