import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type {
  ApiErrorBody,
  DeployResponse,
  DiffResponse,
  FlowResponse,
  ListFlowsResponse,
  ListRevisionsResponse,
  PromoteResponse,
  SaveFlowResponse,
  TriggerRunResponse,
} from '@splice/server/api/contract';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

/**
 * `splice flows ...`: manage flows on a running Splice server through its REST API (push YAML files as
 * revisions, pull them back verbatim, diff, roll back, deploy, activate, promote, trigger runs). The server URL
 * comes from --server or SPLICE_SERVER (default http://127.0.0.1:8787), the token from --token or
 * SPLICE_ADMIN_TOKEN.
 */
interface ClientOpts {
  server?: string;
  token?: string;
}

class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(body?.error?.message ?? `HTTP ${status}`);
  }
}

/** Reads a file named on the command line; a missing, unreadable, directory or empty one is a usage error (exit 2). */
function readInputFile(file: string, what: string): string {
  if (!existsSync(file)) throw new CliUsageError(`${file}: no such file. Give the path of ${what}.`);
  if (statSync(file).isDirectory()) throw new CliUsageError(`${file} is a directory. Give the path of ${what}.`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliUsageError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Check its permissions.`);
  }
  if (!text.trim()) throw new CliUsageError(`${file} is empty. Give the path of ${what}.`);
  if (text.includes('\u0000')) throw new CliUsageError(`${file} is a binary file, not ${what}.`);
  return text;
}

function serverUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliUsageError(`--server "${raw}" is not a URL: give the server's address, e.g. http://127.0.0.1:8787.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`--server "${raw}" must be an http(s) URL, e.g. http://127.0.0.1:8787.`);
  return raw.replace(/\/+$/, '');
}

function client(opts: ClientOpts) {
  const base = serverUrl(opts.server ?? process.env.SPLICE_SERVER ?? 'http://127.0.0.1:8787');
  const token = opts.token ?? process.env.SPLICE_ADMIN_TOKEN;
  if (!token) throw new CliUsageError('no admin token: pass --token or set SPLICE_ADMIN_TOKEN (printed once by `splice serve` at first start).');
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new CliUsageError(`cannot reach the Splice server at ${base} (${(err as Error).message}); start it with \`splice serve\` or pass --server.`, ExitCode.ENVIRONMENT);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      throw new CliUsageError(`${base} answered ${method} /api${path} with HTTP ${res.status} and no JSON: is it a Splice server? Check --server.`, ExitCode.ENVIRONMENT);
    }
    if (!res.ok) throw new ApiCallError(res.status, parsed as ApiErrorBody);
    return parsed as T;
  };
}

/** Prints an API error with each issue's line:col, and sets the exit code. */
function report(io: CliIO, err: unknown, file?: string): void {
  if (!(err instanceof ApiCallError)) throw err;
  const e = err.body?.error;
  io.err(`error: ${e?.message ?? err.message}${e?.code ? ` [${e.code}]` : ''}\n`);
  for (const i of e?.issues ?? []) {
    const where = i.location ? `${i.location.file ?? file ?? ''}:${i.location.line}:${i.location.col}: ` : i.path ? `${i.path}: ` : '';
    io.err(`  ${where}${i.message}\n`);
  }
  io.setExit(err.status >= 500 ? ExitCode.ENVIRONMENT : ExitCode.FAILED);
}

function withClient<A extends unknown[]>(io: CliIO, fn: (call: ReturnType<typeof client>, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const call = client(cmd.optsWithGlobals() as ClientOpts);
    try {
      await fn(call, ...args);
    } catch (err) {
      report(io, err, typeof args[0] === 'string' ? args[0] : undefined);
    }
  };
}

function int(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`${flag} must be a revision number (1, 2, ...), got "${v}".`);
  return n;
}

export const registerFlows: RegisterCommand = (program: Command, io: CliIO) => {
  const flows = program
    .command('flows')
    .description('Manage flows on a running Splice server (REST API): list, push, pull, diff, rollback, deploy, activate, promote, run')
    .option('--server <url>', 'server URL (default $SPLICE_SERVER or http://127.0.0.1:8787)')
    .option('--token <token>', 'admin token (default $SPLICE_ADMIN_TOKEN)');

  flows.command('list').description('List flows with their head revision, state and deployments').action(
    withClient(io, async (call) => {
      const { flows: list } = await call<ListFlowsResponse>('GET', '/flows');
      if (list.length === 0) io.out('no flows yet: push one with `splice flows push <file.yaml>`\n');
      for (const f of list) {
        const dep = Object.entries(f.deployed).map(([env, rev]) => `${env}@${rev}`).join(' ') || 'not deployed';
        io.out(`${f.id}\trev ${f.headRevision}\t${f.active ? 'active' : 'inactive'}\t${f.valid ? 'valid' : 'INVALID'}\t${dep}\t${f.title ?? ''}\n`);
      }
    }),
  );

  flows
    .command('push')
    .description('Save a flow file as a new revision (creates the flow if needed); also pushes <flow>.test.yaml beside it')
    .argument('<file>', 'flow YAML file (sent verbatim)')
    .option('-m, --message <text>', 'revision message')
    .action(
      withClient(io, async (call, file: string, opts: { message?: string }) => {
        const yaml = readInputFile(file, 'a flow YAML file');
        const id = /^\s*name:\s*([a-z0-9][a-z0-9-]*)\s*$/m.exec(yaml)?.[1];
        const exists = id ? await call<FlowResponse>('GET', `/flows/${id}`).then(() => true, (e) => (e instanceof ApiCallError && e.status === 404 ? false : Promise.reject(e))) : false;
        const saved = exists
          ? await call<SaveFlowResponse>('PUT', `/flows/${id}`, { yaml, message: opts.message })
          : await call<SaveFlowResponse>('POST', '/flows', { yaml, message: opts.message });
        const testsFile = file.replace(/\.ya?ml$/, '.test.yaml');
        if (existsSync(testsFile)) await call('PUT', `/flows/${saved.flow.id}/tests`, { yaml: readInputFile(testsFile, 'a flow test file') });
        io.out(`${saved.flow.id}: ${saved.created ? `revision ${saved.revision.revision} saved` : `unchanged (revision ${saved.revision.revision})`}${existsSync(testsFile) ? ', tests pushed' : ''}\n`);
        for (const e of saved.flow.validation.errors) io.err(`  ${file}:${e.location?.line ?? 1}:${e.location?.col ?? 1}: ${e.message} [${e.code}]\n`);
        io.setExit(saved.flow.valid ? ExitCode.OK : ExitCode.FAILED);
      }),
    );

  flows
    .command('pull')
    .description("Print a flow's YAML (head or --revision), byte for byte as saved")
    .argument('<id>')
    .option('--revision <n>')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(
      withClient(io, async (call, id: string, opts: { revision?: string; output?: string }) => {
        const rev = int(opts.revision, '--revision');
        const yaml = rev ? (await call<{ yaml: string }>('GET', `/flows/${id}/revisions/${rev}`)).yaml : (await call<FlowResponse>('GET', `/flows/${id}`)).flow.yaml;
        if (opts.output) {
          try {
            writeFileSync(opts.output, yaml);
          } catch (err) {
            throw new CliUsageError(`cannot write ${opts.output} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give a file path in a writable directory.`);
          }
        }
        else io.out(yaml);
      }),
    );

  flows.command('revisions').argument('<id>').description('List revisions, newest first').action(
    withClient(io, async (call, id: string) => {
      for (const r of (await call<ListRevisionsResponse>('GET', `/flows/${id}/revisions`)).revisions) {
        io.out(`${r.revision}\t${r.createdAt}\t${r.author}\t${r.message}${r.rolledBackFrom ? ` (rollback to ${r.rolledBackFrom})` : ''}\n`);
      }
    }),
  );

  flows
    .command('diff')
    .argument('<id>')
    .option('--from <n>')
    .option('--to <n>')
    .description('Unified diff between two revisions (default: the last two)')
    .action(
      withClient(io, async (call, id: string, opts: { from?: string; to?: string }) => {
        const q = new URLSearchParams();
        if (opts.from) q.set('from', String(int(opts.from, '--from')));
        if (opts.to) q.set('to', String(int(opts.to, '--to')));
        const d = await call<DiffResponse>('GET', `/flows/${id}/diff${q.size ? `?${q}` : ''}`);
        io.out(d.diff || `revisions ${d.from} and ${d.to} are identical\n`);
      }),
    );

  flows.command('rollback').argument('<id>').argument('<revision>').description('Make a new revision with the text of an old one').action(
    withClient(io, async (call, id: string, revision: string) => {
      const saved = await call<SaveFlowResponse>('POST', `/flows/${id}/rollback`, { revision: int(revision, 'revision') });
      io.out(`${id}: revision ${saved.revision.revision} has the text of revision ${revision}\n`);
    }),
  );

  for (const [name, what] of [
    ['activate', 'Let webhook and schedule triggers take events'],
    ['deactivate', 'Stop taking events'],
  ] as const) {
    flows.command(name).argument('<id>').description(what).action(
      withClient(io, async (call, id: string) => {
        const { flow } = await call<FlowResponse>('POST', `/flows/${id}/${name}`);
        io.out(`${id}: ${flow.active ? 'active' : 'inactive'}${flow.webhookPath ? ` (webhooks: ${flow.webhookPath})` : ''}${flow.nextRunAt ? ` (next run ${flow.nextRunAt})` : ''}\n`);
      }),
    );
  }

  flows
    .command('deploy')
    .argument('<id>')
    .option('--environment <name>', 'staging (default) or production (production runs the promotion gate: validation and flow tests)', 'staging')
    .option('--revision <n>', 'saved revision to deploy (default: the latest)')
    .description('Deploy a saved revision: from then on runs in that environment execute it (saving alone never changes what runs)')
    .action(
      withClient(io, async (call, id: string, opts: { environment: string; revision?: string }) => {
        if (opts.environment !== 'staging' && opts.environment !== 'production') throw new CliUsageError(`--environment must be staging or production, got "${opts.environment}".`);
        const res = await call<DeployResponse>('POST', `/flows/${id}/deploy`, { environment: opts.environment, revision: int(opts.revision, '--revision') });
        const tests = res.tests ? ` (${res.tests.passed} flow tests passed)` : '';
        io.out(`${id}: revision ${res.deployment.revision} deployed to ${res.deployment.environment}${tests}\n`);
      }),
    );

  flows
    .command('promote')
    .argument('<id>')
    .option('--revision <n>', 'revision to promote (default: the one deployed to staging)')
    .description('Promote a revision to production: refused unless it validates and its flow tests pass')
    .action(
      withClient(io, async (call, id: string, opts: { revision?: string }) => {
        const res = await call<PromoteResponse>('POST', `/flows/${id}/promote`, { revision: int(opts.revision, '--revision') });
        io.out(`${id}: revision ${res.deployment.revision} promoted to production (${res.tests.passed} flow tests passed)\n`);
      }),
    );

  flows
    .command('run')
    .argument('<id>')
    .option('--payload <json>', 'payload as JSON (default {})')
    .option('--payload-file <file>', 'payload from a JSON file')
    .option('--environment <name>', "run the revision deployed to this environment (default: the one the flow's triggers run)")
    .description('Trigger a run of the deployed revision with a payload (queued; prints the run id, environment@revision)')
    .action(
      withClient(io, async (call, id: string, opts: { payload?: string; payloadFile?: string; environment?: string }) => {
        let payload: unknown = {};
        const raw = opts.payloadFile ? readInputFile(opts.payloadFile, 'a JSON payload file') : opts.payload;
        if (raw !== undefined) {
          try {
            payload = JSON.parse(raw);
          } catch (err) {
            throw new CliUsageError(`the payload is not valid JSON: ${(err as Error).message}`);
          }
        }
        const res = await call<TriggerRunResponse>('POST', `/flows/${id}/runs`, { payload, ...(opts.environment ? { environment: opts.environment } : {}) });
        io.out(`${res.runId}\t${res.status}\t${res.environment}@${res.revision}\n`);
        if (res.headRevision > res.revision) io.err(`note: revision ${res.headRevision} is saved but not deployed to ${res.environment}; deploy it with \`splice flows deploy ${id} --environment ${res.environment}\`.\n`);
      }),
    );
};
