import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { createApiRouter } from './api/router';
import { createApp } from './app';
import { createWebhookFastPath } from './intake/webhook-router';
import { StaticFlowResolver } from './intake/flow-resolver';
import { CachingFlowResolver } from './intake/revision-cache';
import { createServerContext, type CreateServerContextOptions, type ServerContext } from './context';
import { WalCheckpointer } from './queue/wal-checkpointer';
import { WorkerPool } from './worker/worker-pool';
import { wireDefaultModules } from './worker/default-wiring';

/**
 * Starts Splice's server: database, HTTP app (intake, API, metrics, health), in-process workers, the
 * retention sweep, and (for `splice serve`) SIGTERM/SIGINT handling: stop intake (503), let in-flight
 * runs finish for the grace period, return the rest to the queue, close, exit 0.
 */
export interface StartServerOptions extends CreateServerContextOptions {
  /** Install SIGTERM/SIGINT handlers that shut down and exit the process (the CLI does). */
  handleSignals?: boolean;
  /** Called with the context before the app is built: modules wire stores, flows, secrets, engine. */
  setup?: (ctx: ServerContext) => void | Promise<void>;
  /** Builds the REST API router (return undefined for none); default: the API module's createApiRouter(ctx). */
  createApiRouter?: (ctx: ServerContext) => Router | undefined | Promise<Router | undefined>;
}

export interface RunningServer {
  ctx: ServerContext;
  workers: WorkerPool;
  http: Server;
  /** `http://host:port` */
  url: string;
  port: number;
  /** Graceful stop: intake off, workers finish or return their jobs, HTTP closed, database closed. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const ctx = await createServerContext(opts);
  const checkpointer = ctx.dialect === 'sqlite' && ctx.databaseFile ? await WalCheckpointer.start(ctx.db, ctx.databaseFile) : undefined;
  const wiring = await wireDefaultModules(ctx, opts);
  await opts.setup?.(ctx);
  const apiRouter = opts.createApiRouter ? await opts.createApiRouter(ctx) : createApiRouter(ctx);
  // Static resolvers hold parsed flows already; others (the API's store) parse a revision per lookup.
  if (!(ctx.flows instanceof StaticFlowResolver) && !(ctx.flows instanceof CachingFlowResolver))
    ctx.flows = new CachingFlowResolver(ctx.flows);
  const app = createApp(ctx, { apiRouter });
  const workers = new WorkerPool(ctx);

  const http = await new Promise<Server>((resolve, reject) => {
    // Webhook deliveries take the intake's fast path (same checks, without express); the rest go to the app.
    const hooks = createWebhookFastPath(ctx);
    const s = createServer((req, res) => {
      if (!hooks(req, res)) app(req, res);
    });
    // Listen errors (EADDRINUSE, EADDRNOTAVAIL, ENOTFOUND) arrive as 'error' and reject startServer.
    s.once('error', reject);
    s.listen(ctx.config.port, ctx.config.host, () => resolve(s));
  });
  http.keepAliveTimeout = 65_000;
  const port = (http.address() as AddressInfo).port;
  const url = `http://${ctx.config.host.includes(':') ? `[${ctx.config.host}]` : ctx.config.host}:${port}`;
  await workers.start();

  const sweep = async () => {
    try {
      const n = await ctx.runs.sweep(ctx.config.retention);
      if (n) ctx.logger.info({ deleted: n }, 'retention sweep');
    } catch (err) {
      ctx.logger.error({ err: { message: (err as Error).message } }, 'retention sweep failed');
    }
  };
  const sweepTimer = setInterval(sweep, ctx.config.retention.sweepIntervalMs);
  sweepTimer.unref();
  void sweep();

  let closing: Promise<void> | undefined;
  const close = (o: { graceMs?: number } = {}) =>
    (closing ??= (async () => {
      ctx.state.accepting = false;
      clearInterval(sweepTimer);
      const { finished, released } = await workers.stop(o.graceMs ?? ctx.config.shutdown.graceMs);
      ctx.logger.info({ finished, released }, 'workers stopped');
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
        setTimeout(() => http.closeAllConnections(), 1000).unref();
      });
      await wiring.close();
      await checkpointer?.stop();
      await ctx.close();
    })());

  if (opts.handleSignals) {
    const onSignal = (signal: string) => {
      ctx.logger.info({ signal }, 'shutting down');
      close().then(
        () => process.exit(0),
        (err) => {
          ctx.logger.error({ err: { message: (err as Error).message } }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }
  ctx.logger.info({ url, workers: ctx.config.workers.count, dataDir: ctx.config.dataDir }, 'splice server listening');
  return { ctx, workers, http, url, port, close };
}
