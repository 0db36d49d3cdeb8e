import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ActionRegistry,
  createEngine,
  createHttpSender,
  httpAction,
  type ActionDefinition,
  type CredentialResolver,
  type Engine,
  type Flow,
  type EngineLogger,
  type MappingLimits,
  createRateLimiter,
  CredentialError,
  walkSteps,
  type RateLimiter,
} from '@splice/runtime';
import { baseUrlsFor, createConnectorRegistry, productionBaseUrls } from '@splice/connectors';
import { createSpliceActions, type SpliceDbSource } from '@splice/server/insights/splice-actions';
import { openDatabase } from '@splice/server/storage/database';
import { CredentialCode, CredentialStore, LocationTokens, TokenRefresher, createStoreCredentialResolver } from '@splice/server/credentials/index';
import { CliUsageError } from './command';
import { ExitCode } from './exit-codes';

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
  /** Resolver for flow credential names (see openCliCredentials). */
  credentials?: CredentialResolver;
  env?: Record<string, unknown>;
  /** Per-connector base URLs; they override the environment's (see cliBaseUrls). */
  baseUrls?: Record<string, string>;
  /** Root URL of a running `splice sandbox`: connectors without an explicit base URL go there. */
  sandboxUrl?: string;
  /** Extra hosts calls may reach (loopback and the base URLs' hosts are always allowed when unset). */
  allowedHosts?: string[];
  /** Default: one limiter for the whole process, so every run of this CLI paces per location together. */
  rateLimiter?: RateLimiter;
  limits?: MappingLimits;
  logger?: EngineLogger;
}

/** Where `splice run` points when no sandbox URL is given for staging (the port `splice sandbox` listens on). */
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4010';

/**
 * Base URL per connector: production, or the sandbox when a sandbox URL is given or SPLICE_ENVIRONMENT is
 * `staging` (SPLICE_SANDBOX_URL, else the default sandbox port); `overrides` (`--base-url c=url`) win.
 */
export function cliBaseUrls(
  opts: { sandboxUrl?: string; overrides?: Record<string, string> } = {},
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const sandboxUrl = opts.sandboxUrl ?? (env.SPLICE_ENVIRONMENT === 'staging' ? (env.SPLICE_SANDBOX_URL ?? DEFAULT_SANDBOX_URL) : undefined);
  return { ...(sandboxUrl ? baseUrlsFor({ sandboxUrl }) : productionBaseUrls()), ...opts.overrides };
}

let processRateLimiter: RateLimiter | undefined;

/** An engine for one CLI invocation; `close()` releases pooled connections so the process can exit. */
export function createCliEngine(opts: CliEngineOptions = {}): Engine & { close(): Promise<void> } {
  const rateLimiter = opts.rateLimiter ?? (processRateLimiter ??= createRateLimiter());
  const http = createHttpSender({ allowedHosts: opts.allowedHosts, credentials: opts.credentials, rateLimiter });
  const engine = createEngine({
    actions: opts.actions ?? cliActionRegistry(),
    credentials: opts.credentials,
    env: opts.env,
    baseUrls: cliBaseUrls({ sandboxUrl: opts.sandboxUrl, overrides: opts.baseUrls }),
    http,
    rateLimiter,
    limits: opts.limits,
    logger: opts.logger,
  });
  return { run: (flow, event, runOpts) => engine.run(flow, event, runOpts), close: () => http.close() };
}

/** Credential names a flow's steps use (declared or not). */
function credentialNames(flow: Flow): Set<string> {
  const names = new Set(Object.keys(flow.credentials ?? {}));
  for (const { step } of walkSteps(flow.steps ?? [])) if (step.type === 'call' && step.credential) names.add(step.credential);
  return names;
}

/**
 * The credentials module's store-backed resolver for a CLI run: the data dir's encrypted store (as
 * `splice credentials add` wrote it), flow names bound to stored names by `bindings` (unbound names
 * resolve to themselves), OAuth tokens refreshed when close to expiry or on a 401. Undefined when the
 * flow names no credential, so plain flows never touch the data dir.
 */
export async function openCliCredentials(
  flow: Flow,
  opts: { dataDir?: string; bindings?: Record<string, string> } = {},
): Promise<{ resolver: CredentialResolver; close(): Promise<void> } | undefined> {
  const names = credentialNames(flow);
  if (names.size === 0) return undefined;
  const store = await openCliCredentialStore(opts.dataDir, `the flow uses credential${names.size === 1 ? '' : 's'} ${[...names].join(', ')}`);
  const refresher = new TokenRefresher({ store });
  // Agency connections and token groups: each call's location gets its own token.
  const inner = createStoreCredentialResolver({ store, bindings: opts.bindings, refresher, locationTokens: new LocationTokens({ store, refresher }) });
  const resolver: CredentialResolver = {
    async resolve(name, needs) {
      try {
        return await inner.resolve(name, needs);
      } catch (err) {
        // The store says "bind it in the environment"; on the command line that is --credential.
        if ((err as { code?: string })?.code !== CredentialCode.UNBOUND) throw err;
        throw new CredentialError(
          CredentialCode.UNBOUND,
          `${(err as Error).message} With \`splice run\`: --credential ${name}=<stored name> (\`splice credentials list\` shows them).`,
          { cause: err },
        );
      }
    },
    onUnauthorized: (cred) => inner.onUnauthorized!(cred),
  };
  return { resolver, close: () => store.close() };
}

/**
 * The data dir's credential store, for reading. A missing store is a usage error with how to make one,
 * rather than a fresh empty store (and master key) created as a side effect of `run` or `validate`.
 */
export async function openCliCredentialStore(dataDir: string | undefined, why: string): Promise<CredentialStore> {
  const dir = dataDir ?? process.env.SPLICE_DATA_DIR ?? '.splice';
  if (!existsSync(join(dir, 'splice.db'))) {
    throw new CliUsageError(
      `${why}, but ${dir} holds no credential store. Add them first, e.g. \`printf %s "$TOKEN" | splice credentials add <name> --kind highlevel-pit --token-stdin --data-dir ${dir}\`, or point --data-dir (or SPLICE_DATA_DIR) at the data dir that has them.`,
      ExitCode.USAGE,
    );
  }
  return CredentialStore.open({ dataDir: dir });
}
