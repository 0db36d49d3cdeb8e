/**
 * Server settings: one declaration with defaults. `splice serve` flags and tests override parts of it;
 * tests use short leases and backoffs so crash/retry scenarios finish quickly.
 */
export interface ServerConfig {
  host: string;
  port: number;
  /** Directory holding `splice.db` (SQLite) and other server state. */
  dataDir: string;
  /** `postgres://...` to use PostgreSQL instead of the embedded SQLite file. */
  databaseUrl?: string;
  intake: {
    /** Largest accepted webhook body in bytes (larger: 413). */
    bodyLimitBytes: number;
    /** Deliveries whose timestamp is further than this from now are refused (401). */
    maxTimestampSkewMs: number;
    /** Deliveries nesting arrays/objects deeper than this are refused (400 PAYLOAD_TOO_DEEP). */
    maxJsonDepth: number;
  };
  api: {
    /** Largest accepted REST API body in bytes (larger: 413, from Content-Length before reading). */
    bodyLimitBytes: number;
  };
  queue: {
    /** How long a claimed job belongs to its worker before another may take it. */
    leaseMs: number;
    /** How often a worker extends the lease of a job it is running. */
    heartbeatMs: number;
    /** Idle workers look for due jobs this often (new work also wakes them at once in-process). */
    pollMs: number;
    /** Attempts per run before it becomes a dead letter (a flow step's own retries happen inside one attempt). */
    maxAttempts: number;
    /** Exponential backoff between attempts: base * 2^(attempt-1), capped, with full jitter. */
    backoffBaseMs: number;
    backoffMaxMs: number;
  };
  workers: {
    /** In-process workers (0: this process only takes events; another one runs them). */
    count: number;
    /** Default limit of concurrently running jobs per flow (a flow's `options.concurrency` overrides). */
    perFlowConcurrency: number;
  };
  shutdown: {
    /** On SIGTERM/SIGINT, wait this long for in-flight runs before returning them to the queue. */
    graceMs: number;
  };
  retention: {
    /** Delete finished runs older than this many days (0: keep forever). */
    maxAgeDays: number;
    /** Keep at most this many finished runs per flow (0: no limit). */
    keepLastPerFlow: number;
    /** How often the retention sweep runs. */
    sweepIntervalMs: number;
  };
  /** Log level for pino (`silent` in tests). */
  logLevel: string;
}

export type ServerConfigInput = Partial<Omit<ServerConfig, 'intake' | 'api' | 'queue' | 'workers' | 'shutdown' | 'retention'>> & {
  intake?: Partial<ServerConfig['intake']>;
  api?: Partial<ServerConfig['api']>;
  queue?: Partial<ServerConfig['queue']>;
  workers?: Partial<ServerConfig['workers']>;
  shutdown?: Partial<ServerConfig['shutdown']>;
  retention?: Partial<ServerConfig['retention']>;
};

export const defaultServerConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: '.splice',
  intake: { bodyLimitBytes: 1024 * 1024, maxTimestampSkewMs: 5 * 60_000, maxJsonDepth: 64 },
  api: { bodyLimitBytes: 5 * 1024 * 1024 },
  queue: { leaseMs: 30_000, heartbeatMs: 10_000, pollMs: 250, maxAttempts: 5, backoffBaseMs: 1_000, backoffMaxMs: 5 * 60_000 },
  workers: { count: 8, perFlowConcurrency: 8 },
  shutdown: { graceMs: 10_000 },
  retention: { maxAgeDays: 30, keepLastPerFlow: 0, sweepIntervalMs: 60 * 60_000 },
  logLevel: 'info',
};

export function resolveServerConfig(input: ServerConfigInput = {}): ServerConfig {
  const d = defaultServerConfig;
  return {
    ...d,
    ...stripUndefined(input),
    intake: { ...d.intake, ...stripUndefined(input.intake) },
    api: { ...d.api, ...stripUndefined(input.api) },
    queue: { ...d.queue, ...stripUndefined(input.queue) },
    workers: { ...d.workers, ...stripUndefined(input.workers) },
    shutdown: { ...d.shutdown, ...stripUndefined(input.shutdown) },
    retention: { ...d.retention, ...stripUndefined(input.retention) },
  } as ServerConfig;
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
