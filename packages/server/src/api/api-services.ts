import { ActionRegistry, httpAction } from '@splice/runtime';
import { findOperation, registerCatalogActions } from '@splice/connectors';
import type { ServerContext } from '../context';
import type { CredentialStore } from '../credentials/credential-store';
import { TokenRefresher } from '../credentials/token-refresher';
import { createSpliceActions } from '../insights/splice-actions';
import { EnvironmentStore } from '../environments/environment-store';
import { ApiFlowResolver } from '../flows/api-flow-resolver';
import { FlowService } from '../flows/flow-service';
import { FlowStore } from '../flows/flow-store';
import { Scheduler } from '../schedules/scheduler';
import { TemplateLibrary } from '../templates/template-library';
import { AdminAuth } from './admin-token';

/**
 * The API module's stores and services, built once per server context and kept on `ctx.stores.api`
 * (the scheduler and `splice serve` reach them there). Installs the API's flow resolver as `ctx.flows`
 * unless a server was given static flows.
 */
export interface ApiServices {
  flows: FlowStore;
  environments: EnvironmentStore;
  service: FlowService;
  templates: TemplateLibrary;
  auth: AdminAuth;
  scheduler: Scheduler;
  actions(): ActionRegistry;
  credentials(): CredentialStore | undefined;
  refresher(): TokenRefresher | undefined;
  /** Settles once the default environment rows are written. */
  ready: Promise<void>;
}

declare module '../context' {
  interface ModuleStores {
    api?: ApiServices;
    /** The credentials module's store (set by startServer when a master key is available). */
    credentials?: unknown;
    /** An ActionRegistry shared by the server (catalog + http); built on demand when absent. */
    actions?: unknown;
    /** false: createApiRouter does not start the scheduler (tests that drive it themselves). */
    apiScheduler?: unknown;
  }
}

/** `http`, every catalog operation, and the insights module's `splice.*` data actions on this database. */
export function defaultActions(db: ServerContext['db']): ActionRegistry {
  return registerCatalogActions(new ActionRegistry().register(httpAction, ...createSpliceActions(db)));
}

export function apiServices(ctx: ServerContext): ApiServices {
  if (ctx.stores.api) return ctx.stores.api;
  const flows = new FlowStore(ctx.db);
  const environments = new EnvironmentStore(ctx.db);
  let own: ActionRegistry | undefined;
  const actions = () => (ctx.stores.actions as ActionRegistry | undefined) ?? (own ??= defaultActions(ctx.db));
  const credentials = () => ctx.stores.credentials as CredentialStore | undefined;
  let refresher: TokenRefresher | undefined;
  let refresherFor: CredentialStore | undefined;
  const services: ApiServices = {
    flows,
    environments,
    service: undefined as unknown as FlowService,
    templates: new TemplateLibrary(undefined, (uses) => {
      const op = findOperation(uses);
      return op ? { scope: op.scope, connector: op.connector } : undefined;
    }),
    auth: new AdminAuth(ctx.db),
    scheduler: undefined as unknown as Scheduler,
    ready: Promise.resolve(),
    actions,
    credentials,
    refresher() {
      const store = credentials();
      if (!store) return undefined;
      if (!refresher || refresherFor !== store) {
        refresher = (ctx.stores.tokenRefresher as TokenRefresher | undefined) ?? new TokenRefresher({ store });
        refresherFor = store;
      }
      return refresher;
    },
  };
  services.service = new FlowService({ flows, environments, actions, credentials, nextRunAt: (id) => services.scheduler.nextRunAt(id) });
  services.scheduler = new Scheduler(ctx, services.service);
  ctx.stores.api = services;
  services.ready = environments.ensureDefaults().catch((err) => ctx.logger.error({ err: { message: (err as Error).message } }, 'could not write default environments'));
  if (ctx.flows.constructor.name === 'StaticFlowResolver' && (ctx.flows as { list?: () => unknown[] }).list?.().length === 0) {
    ctx.flows = new ApiFlowResolver(services.service, ctx.sql);
  }
  return services;
}
