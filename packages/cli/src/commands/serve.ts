import type { Command } from 'commander';
import { startServer } from '@splice/server/serve';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

type Opts = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function int(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliUsageError(`${flag} must be a whole number ≥ ${min}, got "${value}".`);
  return n;
}

/**
 * `splice serve`: webhook intake, durable queue and workers, REST API, metrics. Runs until SIGTERM or
 * SIGINT, then stops intake, lets in-flight runs finish for the grace period, returns the rest to the
 * queue and exits 0.
 */
export const registerServe: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('serve')
    .description('Run the Splice server: webhooks at /hooks/<flow>, the REST API at /api, /metrics, /healthz, /readyz')
    .option('--port <port>', 'port to listen on (0: any free port)', '8787')
    .option('--host <host>', 'address to bind (default loopback only)', '127.0.0.1')
    .option('--data-dir <dir>', 'data dir holding splice.db and the master key (default $SPLICE_DATA_DIR or .splice)')
    .option('--workers <n>', 'in-process workers (0: only take events)')
    .option('--concurrency <n>', 'default max concurrent runs per flow')
    .option('--max-attempts <n>', 'attempts per run before it becomes a dead letter')
    .option('--lease-ms <ms>', "job lease length; a crashed worker's run is taken again after it")
    .option('--backoff-ms <ms>', 'base delay between run attempts (doubles each attempt, with jitter)')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT, how long in-flight runs may finish')
    .option('--body-limit <bytes>', 'largest accepted webhook body')
    .option('--retention-days <days>', 'delete finished runs older than this (0: keep)')
    .option('--keep-runs <n>', 'keep at most this many finished runs per flow (0: no limit)')
    .option('--log-level <level>', 'pino log level: fatal, error, warn, info, debug, silent')
    .action(async (opts: Opts) => {
      const port = int(opts.port, '--port', 0)!;
      if (port > 65535) throw new CliUsageError(`--port must be at most 65535, got ${port}.`);
      const leaseMs = int(opts.leaseMs, '--lease-ms', 100);
      const logLevel = opts.logLevel ?? process.env.SPLICE_LOG_LEVEL;
      if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
        throw new CliUsageError(`${opts.logLevel !== undefined ? '--log-level' : 'SPLICE_LOG_LEVEL'} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);
      }
      const dataDir = opts.dataDir ?? process.env.SPLICE_DATA_DIR ?? '.splice';
      const server = await startServer({
        handleSignals: true,
        config: {
          port,
          host: opts.host,
          dataDir,
          logLevel,
          intake: { bodyLimitBytes: int(opts.bodyLimit, '--body-limit', 1) },
          queue: {
            maxAttempts: int(opts.maxAttempts, '--max-attempts', 1),
            leaseMs,
            heartbeatMs: leaseMs ? Math.max(50, Math.floor(leaseMs / 3)) : undefined,
            backoffBaseMs: int(opts.backoffMs, '--backoff-ms', 0),
          },
          workers: { count: int(opts.workers, '--workers', 0), perFlowConcurrency: int(opts.concurrency, '--concurrency', 1) },
          shutdown: { graceMs: opts.grace === undefined ? undefined : int(opts.grace, '--grace', 0)! * 1000 },
          retention: { maxAgeDays: int(opts.retentionDays, '--retention-days', 0), keepLastPerFlow: int(opts.keepRuns, '--keep-runs', 0) },
        },
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE')
          throw new CliUsageError(`port ${port} on ${opts.host} is in use: pass another --port.`, ExitCode.ENVIRONMENT);
        if (err.code === 'EACCES')
          throw new CliUsageError(`cannot use ${opts.host}:${port} or the data dir (permission denied).`, ExitCode.ENVIRONMENT);
        if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
          throw new CliUsageError(`cannot listen on --host ${opts.host}: it is not an address of this machine (${err.code}). Use 127.0.0.1 (default) or 0.0.0.0.`, ExitCode.ENVIRONMENT);
        if (err.code === 'EEXIST' || err.code === 'ENOTDIR' || err.code === 'EROFS' || err.code === 'SQLITE_CANTOPEN')
          throw new CliUsageError(`data dir ${dataDir} cannot be used (${err.code}): pass --data-dir <a writable directory> or set SPLICE_DATA_DIR.`, ExitCode.ENVIRONMENT);
        throw err;
      });
      io.out(`Splice server listening on ${server.url} (webhooks: ${server.url}/hooks/<flow>, API: ${server.url}/api)\n`);
      // Runs until a signal: startServer's handler shuts down and exits the process.
      await new Promise<never>(() => {});
    });
};
