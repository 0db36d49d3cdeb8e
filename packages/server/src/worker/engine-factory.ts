import { Agent } from 'undici';
import { ActionRegistry, type CredentialResolver, type RateLimiter } from '@splice/runtime';
import { httpAction } from '@splice/runtime/actions/http';
import { createHttpSender } from '@splice/runtime/actions/http-sender';
import { createEngine, type Engine, type EngineLogger } from '@splice/runtime/engine/engine';
import { createRateLimiter } from '@splice/runtime/ratelimit/index';
import { registerCatalogActions } from '@splice/connectors';
import type { ServerContext } from '../context';
import type { ActiveFlow } from '../intake/flow-resolver';
import type { EngineFactory, FlowEngine } from './flow-engine';

/**
 * The server's engine factory: the runtime's engine with the `http` action and every catalog operation,
 * one keep-alive connection pool and one process-wide rate limiter shared by all runs, and per run the
 * flow's environment (base URLs, `$env` values, credential bindings) and a credential resolver.
 */
export interface EngineEnvironment {
  baseUrls: Record<string, string>;
  values: Record<string, unknown>;
  /** Flow credential name → stored credential name. */
  bindings: Record<string, string>;
}

export interface EngineFactoryOptions {
  actions?: ActionRegistry;
  /** Default: the `environments` row named by the flow's environment (empty when none). */
  environment?: (flow: ActiveFlow) => Promise<EngineEnvironment>;
  /** A credential resolver for one run (the credentials module's store resolver). */
  credentials?: (flow: ActiveFlow, env: EngineEnvironment) => CredentialResolver | undefined;
  rateLimiter?: RateLimiter;
  /** Hosts call steps may reach besides the base URLs' hosts (default: loopback only). */
  allowedHosts?: string[];
  connections?: number;
}

export function createDefaultEngineFactory(
  ctx: ServerContext,
  opts: EngineFactoryOptions = {},
): EngineFactory & { close(): Promise<void> } {
  const actions = opts.actions ?? registerCatalogActions(new ActionRegistry().register(httpAction));
  const dispatcher = new Agent({ connections: opts.connections ?? 128, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  const rateLimiter = opts.rateLimiter ?? createRateLimiter();
  const environmentOf = opts.environment ?? tableEnvironment(ctx);
  const base = ctx.logger.child({ component: 'engine' });
  // One logger for every run (the engine puts the run id in each line; the flow id is added here): no
  // child logger per run. The worker records every run, so the engine's per-run "run finished" line is
  // kept at debug, like the worker's own success line; warnings and errors stay as they are.
  const loggerFor = (flowId: string): EngineLogger => ({
    info(obj, msg) {
      if (base.isLevelEnabled('debug')) base.debug({ flowId, ...obj }, msg);
    },
    warn(obj, msg) {
      base.warn({ flowId, ...obj }, msg);
    },
    error(obj, msg) {
      base.error({ flowId, ...obj }, msg);
    },
  });

  // One sender (one keep-alive pool, allowed hosts read once) and one engine per flow id for every run:
  // what differs per run (credential resolver, `$env` values, base URLs, secrets, run id, checkpoints)
  // goes in as run options, so a run keeps the environment and credential version it started with.
  const http = createHttpSender({ dispatcher, rateLimiter, allowedHosts: opts.allowedHosts });
  const engines = new Map<string, Engine>();
  const engineOf = (flowId: string): Engine => {
    let engine = engines.get(flowId);
    if (!engine) {
      if (engines.size >= 1000) engines.clear();
      engine = createEngine({ actions, http, rateLimiter, logger: loggerFor(flowId) });
      engines.set(flowId, engine);
    }
    return engine;
  };

  const factory = (flow: ActiveFlow): FlowEngine => ({
    async run(f, event, runOpts) {
      const env = await environmentOf(flow);
      return engineOf(flow.flowId).run(f, event, {
        ...runOpts,
        credentials: opts.credentials?.(flow, env),
        env: env.values,
        baseUrls: env.baseUrls,
      });
    },
  });
  return Object.assign(factory, { close: () => dispatcher.close() });
}

/** Reads the environments table (written by the API module), cached briefly: one read per second at most. */
export function tableEnvironment(ctx: ServerContext): (flow: ActiveFlow) => Promise<EngineEnvironment> {
  const cache = new Map<string, { at: number; env: Promise<EngineEnvironment> }>();
  return (flow) => {
    const name = flow.environment ?? 'production';
    const hit = cache.get(name);
    if (hit && Date.now() - hit.at < 1000) return hit.env;
    const env = ctx.db
      .selectFrom('environments')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
      .then((row) => ({
        baseUrls: row ? (JSON.parse(row.base_urls) as Record<string, string>) : {},
        values: row ? (JSON.parse(row.env_values) as Record<string, unknown>) : {},
        bindings: row ? (JSON.parse(row.bindings) as Record<string, string>) : {},
      }));
    cache.set(name, { at: Date.now(), env });
    return env;
  };
}
