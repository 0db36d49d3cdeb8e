import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import {
  createSandbox,
  formatSandboxBanner,
  SandboxError,
  type FaultConfig,
  type FaultRule,
  type Sandbox,
  type SandboxOptions,
} from '@splice/sandbox';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

/**
 * `splice sandbox`: starts the HighLevel and Payaca stand-ins on 127.0.0.1, prints their URLs and demo
 * credentials, and runs until Ctrl-C. `startSandboxFromCli` is the same start-up for other commands
 * (`splice start` can run the sandbox beside the server).
 */

export interface SandboxCliOptions {
  port?: string;
  highlevelPort?: string;
  payacaPort?: string;
  seed?: string;
  tokenTtl?: string;
  locationTokenTtl?: string;
  rateLimit?: boolean;
  rateMax?: string;
  rateIntervalMs?: string;
  rateDaily?: string;
  faults?: string;
  fault?: string[];
  faultSeed?: string;
  autoApprove?: boolean;
  json?: boolean;
  logLevel?: string;
}

export const SANDBOX_DEFAULT_PORTS = { root: 4010, highlevel: 4011, payaca: 4012 } as const;

function int(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

const FAULT_KEYS: Record<string, keyof FaultRule> = {
  error: 'errorRate',
  status: 'errorStatus',
  '429': 'rate429',
  'retry-after': 'retryAfterSeconds',
  latency: 'latencyMs',
  jitter: 'latencyJitterMs',
  hang: 'hangRate',
  reset: 'resetRate',
};

/** `--fault <server>:<route>:<key=value,...>`, e.g. `highlevel:get-tags-location-id:error=0.1,latency=200`. */
export function parseFaultFlag(spec: string): { server: 'highlevel' | 'payaca'; rule: FaultRule } {
  const first = spec.indexOf(':');
  const last = spec.lastIndexOf(':');
  const usage = `--fault "${spec}" must look like <highlevel|payaca>:<route or operationId or *>:<key=value,...> with keys ${Object.keys(FAULT_KEYS).join(', ')}`;
  if (first < 0 || last === first) throw new CliUsageError(usage);
  const server = spec.slice(0, first);
  if (server !== 'highlevel' && server !== 'payaca') throw new CliUsageError(usage);
  const rule: FaultRule = { route: spec.slice(first + 1, last) || '*' };
  for (const pair of spec
    .slice(last + 1)
    .split(',')
    .filter(Boolean)) {
    const [k, v] = pair.split('=');
    const key = FAULT_KEYS[k ?? ''];
    const n = Number(v);
    if (!key || v === undefined || !Number.isFinite(n)) throw new CliUsageError(usage);
    (rule as Record<string, unknown>)[key] = n;
  }
  return { server, rule };
}

function readFaults(opts: SandboxCliOptions): FaultConfig | undefined {
  let config: FaultConfig | undefined;
  if (opts.faults) {
    if (existsSync(opts.faults) && statSync(opts.faults).isDirectory()) {
      throw new CliUsageError(`--faults ${opts.faults} is a directory: give a JSON fault config or the path of a JSON file.`);
    }
    const text = existsSync(opts.faults) ? readFileSync(opts.faults, 'utf8') : opts.faults;
    try {
      config = JSON.parse(text) as FaultConfig;
    } catch (err) {
      throw new CliUsageError(
        `--faults must be a JSON fault config or the path of a JSON file (${(err as Error).message}). Example: '{"highlevel":[{"route":"*","errorRate":0.1}]}'`,
      );
    }
  }
  for (const spec of opts.fault ?? []) {
    const { server, rule } = parseFaultFlag(spec);
    config ??= {};
    (config[server] ??= []).push(rule);
  }
  const seed = int(opts.faultSeed, '--fault-seed', 0);
  if (seed !== undefined) config = { ...(config ?? {}), seed };
  return config;
}

export function sandboxOptionsFromCli(opts: SandboxCliOptions): SandboxOptions {
  const rateMax = int(opts.rateMax, '--rate-max', 1);
  const rateIntervalMs = int(opts.rateIntervalMs, '--rate-interval-ms', 1);
  const rateDaily = int(opts.rateDaily, '--rate-daily', 1);
  return {
    port: int(opts.port, '--port', 0, 65535) ?? SANDBOX_DEFAULT_PORTS.root,
    highlevelPort: int(opts.highlevelPort, '--highlevel-port', 0, 65535) ?? SANDBOX_DEFAULT_PORTS.highlevel,
    payacaPort: int(opts.payacaPort, '--payaca-port', 0, 65535) ?? SANDBOX_DEFAULT_PORTS.payaca,
    seed: int(opts.seed, '--seed', 0),
    tokenTtlSeconds: int(opts.tokenTtl, '--token-ttl', 1),
    locationTokenTtlSeconds: int(opts.locationTokenTtl, '--location-token-ttl', 1),
    rateLimit:
      opts.rateLimit === false ? false : { max: rateMax ?? 100, intervalMs: rateIntervalMs ?? 10_000, daily: rateDaily ?? 200_000 },
    faults: readFaults(opts),
    autoApprove: Boolean(opts.autoApprove),
    logLevel: (opts.logLevel ?? 'info') as SandboxOptions['logLevel'],
  };
}

/** Starts the sandbox from CLI-style options and prints where it is; the caller owns `close()`. */
export async function startSandboxFromCli(opts: SandboxCliOptions, io: CliIO): Promise<Sandbox> {
  const options = sandboxOptionsFromCli(opts);
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox(options);
  } catch (err) {
    if (err instanceof SandboxError) {
      throw new CliUsageError(err.message, err.code === 'SANDBOX_PORT_UNAVAILABLE' ? ExitCode.ENVIRONMENT : ExitCode.USAGE);
    }
    throw err;
  }
  if (opts.json) {
    io.out(
      `${JSON.stringify({ url: sandbox.url, baseUrls: sandbox.baseUrls, highlevel: sandbox.highlevel.url, payaca: sandbox.payaca.url, payacaOrigin: sandbox.payaca.origin, seed: sandbox.seed, credentials: sandbox.credentials })}\n`,
    );
  } else {
    io.out(`${formatSandboxBanner(sandbox)}\n\nPress Ctrl-C to stop.\n`);
  }
  return sandbox;
}

export const registerSandbox: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('sandbox')
    .description('Start local stand-ins for HighLevel (Users API) and Payaca on 127.0.0.1 and print their URLs and demo credentials')
    .option(
      '--port <port>',
      `combined server: HighLevel under /highlevel, Payaca under /payaca (0 = any free port)`,
      String(SANDBOX_DEFAULT_PORTS.root),
    )
    .option('--highlevel-port <port>', 'HighLevel stand-in on its own port (0 = any free port)', String(SANDBOX_DEFAULT_PORTS.highlevel))
    .option('--payaca-port <port>', 'Payaca stand-in on its own port (0 = any free port)', String(SANDBOX_DEFAULT_PORTS.payaca))
    .option('--seed <n>', 'seed of demo data, credentials, webhook key and fault patterns', '1')
    .option('--token-ttl <seconds>', 'lifetime of OAuth access tokens', '86399')
    .option('--location-token-ttl <seconds>', 'lifetime of location tokens from /oauth/locationToken (default: --token-ttl)')
    .option('--no-rate-limit', 'turn HighLevel rate limits off')
    .option('--rate-max <n>', 'HighLevel burst limit per app per location', '100')
    .option('--rate-interval-ms <ms>', 'HighLevel burst window', '10000')
    .option('--rate-daily <n>', 'HighLevel daily limit per app per location', '200000')
    .option(
      '--faults <json|file>',
      'fault rules as JSON or a JSON file: {"seed":1,"highlevel":[{"route":"*","errorRate":0.1}],"payaca":[...]}',
    )
    .option(
      '--fault <spec>',
      'one fault rule, repeatable: <highlevel|payaca>:<route|operationId|*>:<error=0.1,status=503,429=0.05,retry-after=2,latency=200,jitter=50,hang=0.01,reset=0.01>',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option('--fault-seed <n>', 'seed of the fault pattern (default: --seed)')
    .option('--auto-approve', 'the OAuth consent page approves at once and redirects')
    .option('--json', 'print URLs and credentials as one JSON line (for scripts)')
    .option('--log-level <level>', 'request lines on stderr: silent, info or debug', 'info')
    .action(async (opts: SandboxCliOptions) => {
      const sandbox = await startSandboxFromCli(opts, io);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      await sandbox.close();
      if (!opts.json) io.err('sandbox stopped\n');
      io.setExit(signal === 'SIGINT' ? ExitCode.INTERRUPTED : ExitCode.OK);
    });
};
