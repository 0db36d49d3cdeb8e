import type { CheckpointStore } from '@splice/runtime';
import { resolveServerConfig, type ServerConfig, type ServerConfigInput } from './config';
import { EngineUnavailableError } from './errors';
import { StaticFlowResolver, type ActiveFlow, type FlowResolver } from './intake/flow-resolver';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServerMetrics } from './metrics';
import { GroupCommit } from './queue/group-commit';
import type { JobQueue } from './queue/job-queue';
import { SqlJobQueue } from './queue/sql-job-queue';
import { SqlCheckpointStore } from './runs/checkpoint-store';
import { EventStore } from './runs/event-store';
import { RunStore } from './runs/run-store';
import { StaticWebhookSecretSource, type WebhookSecretSource } from './signatures/webhook-secret-source';
import { openDatabase, type Dialect, type OpenedDatabase, type SpliceDb } from './storage/database';
import type { SqlDatabase } from './storage/sql';
import type { EngineFactory, FlowEngine } from './worker/flow-engine';

/**
 * Everything a request handler, worker or API route needs, built once per server. Other modules hang
 * their stores on `stores` (declare them by augmenting `ModuleStores`) and may replace `flows`,
 * `webhookSecrets` and the engine factory with their real implementations at startup.
 */
export interface ModuleStores {
  [name: string]: unknown;
}

export interface ServerState {
  /** False once shutdown began: intake answers 503 so senders retry against the next process. */
  accepting: boolean;
  /** Set by the worker pool; /readyz needs it when workers are configured. */
  workersRunning: boolean;
}

/** A run attempt that was recorded: `status` is the run's status after it (`queued` when a retry was scheduled). */
export interface RunFinishedEvent {
  runId: string;
  flowId: string;
  status: string;
  attempt: number;
}

export interface ServerContext {
  config: ServerConfig;
  db: SpliceDb;
  dialect: Dialect;
  /** The same database for the hot path's prepared statements. */
  sql: SqlDatabase;
  /** The server's one group commit: intake, claims and run outcomes of one moment share a commit. */
  commits: GroupCommit;
  /** The SQLite file (embedded database only). */
  databaseFile?: string;
  logger: Logger;
  metrics: ServerMetrics;
  /** The durable queue (jobs table). */
  queue: JobQueue;
  /** Durable submit: event + run + job in one transaction. */
  events: EventStore;
  /** Run history, replay, dead letters, retention. */
  runs: RunStore;
  /** Step checkpoints of one run (runtime's CheckpointStore). */
  checkpointsFor(runId: string): CheckpointStore;
  /** Finds active flows and exact revisions (the API's flow store once wired). */
  flows: FlowResolver;
  /** Keys that verify webhook signatures (the credentials module once wired). */
  webhookSecrets: WebhookSecretSource;
  /** The engine for a flow revision: base URLs and credentials of its environment. */
  engineFor(flow: ActiveFlow): FlowEngine;
  /** Replaces the engine factory (startServer wires the runtime's engine). */
  setEngineFactory(factory: EngineFactory): void;
  /** Other modules' stores: flows/revisions/environments (API), credentials, ... */
  stores: ModuleStores;
  state: ServerState;
  /** In-process notifications of recorded run attempts (live views, benchmarks). Returns an unsubscribe. */
  observeRuns(listener: (e: RunFinishedEvent) => void): () => void;
  /** Called by workers after an attempt's outcome is committed. */
  emitRunFinished(e: RunFinishedEvent): void;
  /** Closes the database. Workers and the HTTP server are stopped by startServer's `close()`. */
  close(): Promise<void>;
}

export interface CreateServerContextOptions {
  config?: ServerConfigInput;
  logger?: Logger;
  /** Use an already opened database (tests share one); default: open `<dataDir>/splice.db`. */
  database?: OpenedDatabase;
  flows?: FlowResolver;
  webhookSecrets?: WebhookSecretSource;
  engineFactory?: EngineFactory;
  /** Collect Node's default process metrics (default true). */
  defaultMetrics?: boolean;
}

export async function createServerContext(opts: CreateServerContextOptions = {}): Promise<ServerContext> {
  const config = resolveServerConfig(opts.config);
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const opened = opts.database ?? (await openDatabase({ dataDir: config.dataDir, url: config.databaseUrl }));
  const db = opened.db;
  const queue = new SqlJobQueue(opened.sql);
  const commits = new GroupCommit(opened.sql);
  const metrics = createMetrics({ defaultMetrics: opts.defaultMetrics, queueDepth: () => queue.depth() });
  const events = new EventStore({
    sql: opened.sql,
    queue,
    commits,
    defaults: { maxAttempts: config.queue.maxAttempts, perFlowConcurrency: config.workers.perFlowConcurrency },
    metrics,
  });
  let engineFactory: EngineFactory | undefined = opts.engineFactory;
  const runListeners = new Set<(e: RunFinishedEvent) => void>();

  const ctx: ServerContext = {
    config,
    db,
    dialect: opened.dialect,
    sql: opened.sql,
    commits,
    databaseFile: opened.file,
    logger,
    metrics,
    queue,
    events,
    runs: undefined as unknown as RunStore,
    checkpointsFor: (runId) => new SqlCheckpointStore(opened.sql, runId),
    flows: opts.flows ?? new StaticFlowResolver(),
    webhookSecrets: opts.webhookSecrets ?? new StaticWebhookSecretSource(),
    engineFor(flow) {
      if (!engineFactory)
        throw new EngineUnavailableError(
          `No engine is configured to run flow "${flow.name}"; start the server with startServer() or pass engineFactory.`,
        );
      return engineFactory(flow);
    },
    setEngineFactory(factory) {
      engineFactory = factory;
    },
    stores: {},
    state: { accepting: true, workersRunning: false },
    observeRuns(listener) {
      runListeners.add(listener);
      return () => runListeners.delete(listener);
    },
    emitRunFinished(e) {
      for (const l of runListeners) {
        try {
          l(e);
        } catch {
          /* a listener's failure is not the run's */
        }
      }
    },
    close: () => (opts.database ? Promise.resolve() : opened.close()),
  };
  // The run store reads ctx.flows lazily: modules may replace the resolver after the context is built.
  ctx.runs = new RunStore(db, opened.sql, queue, events, () => ctx.flows);
  return ctx;
}
