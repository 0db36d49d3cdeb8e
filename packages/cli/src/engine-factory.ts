import {
  ActionRegistry,
  createEngine,
  createHttpSender,
  httpAction,
  type ActionDefinition,
  type CredentialResolver,
  type Engine,
  type EngineLogger,
  type MappingLimits,
  type RateLimiter,
} from '@splice/runtime';
import { createConnectorRegistry } from '@splice/connectors';
import { createSpliceActions, type SpliceDbSource } from '@splice/server/insights/splice-actions';
import { openDatabase } from '@splice/server/storage/database';

/**
 * Where the CLI's actions come from. Each source is one line: the runtime's `http`; connectors add their
 * catalog operations here (e.g. `() => catalogActions()`).
 */
const actionSources: Array<(o: CliActionOptions) => ActionDefinition<any, any>[]> = [
  () => [httpAction],
  () => createConnectorRegistry().list(),
  // Splice's own data actions (statistics store, tag snapshots, tag map): the data dir's database, opened on first use.
  (o) => createSpliceActions(o.spliceDb ?? (async () => (await openDatabase({ dataDir: process.env.SPLICE_DATA_DIR ?? '.splice' })).db)),
];

export interface CliActionOptions {
  /** Database of the `splice.*` actions (default: the data dir's; `splice test` gives each file an in-memory one). */
  spliceDb?: SpliceDbSource;
}

/** Every action `splice validate` knows and `splice run` can call. */
export function cliActionRegistry(opts: CliActionOptions = {}): ActionRegistry {
  const registry = new ActionRegistry();
  for (const source of actionSources) registry.register(...source(opts));
  return registry;
}

export interface CliEngineOptions {
  actions?: ActionRegistry;
  /** Resolver for flow credential names (the credentials store adds one for `splice run`). */
  credentials?: CredentialResolver;
  env?: Record<string, unknown>;
  baseUrls?: Record<string, string>;
  /** Extra hosts calls may reach (loopback and the base URLs' hosts are always allowed when unset). */
  allowedHosts?: string[];
  rateLimiter?: RateLimiter;
  limits?: MappingLimits;
  logger?: EngineLogger;
}

/** An engine for one CLI invocation; `close()` releases pooled connections so the process can exit. */
export function createCliEngine(opts: CliEngineOptions = {}): Engine & { close(): Promise<void> } {
  const http = createHttpSender({ allowedHosts: opts.allowedHosts, credentials: opts.credentials, rateLimiter: opts.rateLimiter });
  const engine = createEngine({
    actions: opts.actions ?? cliActionRegistry(),
    credentials: opts.credentials,
    env: opts.env,
    baseUrls: opts.baseUrls,
    http,
    rateLimiter: opts.rateLimiter,
    limits: opts.limits,
    logger: opts.logger,
  });
  return { run: (flow, event, runOpts) => engine.run(flow, event, runOpts), close: () => http.close() };
}
