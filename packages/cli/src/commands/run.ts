import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse as parseYaml, YAMLError } from 'yaml';
import { loadFlowFile, locateRunError, validateFlow, type StepRecord } from '@splice/runtime';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { cliActionRegistry, createCliEngine, DEFAULT_SANDBOX_URL, openCliCredentials } from '../engine-factory';
import { ExitCode } from '../exit-codes';
import { collect, keyValues } from './key-value-options';
import { formatRunRecord } from './run-record-text';

interface RunOpts {
  event?: string;
  json?: boolean;
  dryRun?: boolean;
  env?: string[];
  allowHost?: string[];
  baseUrl?: string[];
  sandbox?: string | true;
  dataDir?: string;
  credential?: string[];
  mappingTimeout?: string;
}

/** `splice run <flow> --event <file|->`: runs a flow once, headless, and prints its run record. */
export const registerRun: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('run')
    .description('Run a flow once for one event and print the run record (exit 1 when the run fails).')
    .argument('<flow>', 'flow file (.yaml)')
    .option(
      '--event <file|->',
      "the trigger event as JSON or YAML, from a file or `-` for stdin (default: the trigger's `sample`, else {})",
    )
    .option('--json', 'print the full run record as JSON')
    .option('--dry-run', 'show the requests the run would send, and send nothing')
    .option('--env <KEY=VALUE>', 'set $env.KEY (repeatable)', collect)
    .option(
      '--allow-host <host>',
      'also allow calls to this host (repeatable; `*.example.com`, `*` for any). Default: loopback and connector base URLs only',
      collect,
    )
    .option(
      '--base-url <connector=url>',
      'base URL of a connector for this run, e.g. highlevel=http://127.0.0.1:4011 (repeatable; wins over --sandbox)',
      collect,
    )
    .option(
      '--sandbox [url]',
      `send connector calls to a running \`splice sandbox\` (default ${DEFAULT_SANDBOX_URL}) instead of production; also SPLICE_ENVIRONMENT=staging (+ SPLICE_SANDBOX_URL)`,
    )
    .option('--data-dir <dir>', 'where stored credentials are (default: SPLICE_DATA_DIR or .splice)')
    .option(
      '--credential <flowName=storedName>',
      "use stored credential storedName for the flow's credential flowName (repeatable; default: the same name)",
      collect,
    )
    .option('--mapping-timeout <ms>', 'time limit per expression evaluation in ms (default 1000)')
    .addHelpText(
      'after',
      `
Credentials: steps name a credential (\`credential: ghl\`); \`splice run\` reads it, encrypted, from the data dir's
credential store, where \`splice credentials add\` (or \`splice auth login\`) put it. Against the sandbox, with the
private integration token and location that \`splice sandbox\` prints:
  printf %s "$SANDBOX_PIT" | splice credentials add ghl --kind highlevel-pit --token-stdin --location-id <location>
  splice run flow.yaml --event event.json --sandbox
A stored credential under another name: --credential ghl=ghl-sandbox.`,
    )
    .action(async (file: string, opts: RunOpts) => {
      const parsed = await loadFlowFile(file).catch((err: { code?: string; message: string }) => {
        throw new CliUsageError(err.message, ExitCode.USAGE);
      });
      const actions = cliActionRegistry();
      const problems = validateFlow(parsed, { actions });
      if (problems.length > 0 || !parsed.flow) {
        for (const p of problems) io.err(`${p.format()}\n`);
        io.err(`${file} is not a valid flow: fix the problems above (see \`splice validate\`).\n`);
        return io.setExit(ExitCode.FAILED);
      }
      const flow = parsed.flow;
      const event =
        opts.event !== undefined
          ? await readEvent(opts.event)
          : (flow.trigger.sample ?? (flow.trigger.type === 'schedule' ? flow.trigger.event : undefined) ?? {});
      const credentials = await openCliCredentials(flow, {
        dataDir: opts.dataDir,
        bindings: keyValues(opts.credential, '--credential', 'flowName=storedName'),
      });
      const engine = createCliEngine({
        actions,
        credentials: credentials?.resolver,
        env: keyValues(opts.env, '--env'),
        baseUrls: keyValues(opts.baseUrl, '--base-url', 'connector=url'),
        sandboxUrl: opts.sandbox === true ? (process.env.SPLICE_SANDBOX_URL ?? DEFAULT_SANDBOX_URL) : opts.sandbox,
        allowedHosts: opts.allowHost?.length ? opts.allowHost : undefined,
        limits: opts.mappingTimeout ? { timeoutMs: positiveInt(opts.mappingTimeout, '--mapping-timeout') } : undefined,
      });
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const record = await engine.run(flow, event, { dryRun: opts.dryRun === true, signal: abort.signal });
        // The record says which step and where in it (field + offset); the flow file's source map says the line.
        const locate = (step: StepRecord) => locateRunError(parsed, step.id, step.error?.expression);
        const failed = record.error?.step !== undefined ? record.steps.find((s) => s.id === record.error?.step) : undefined;
        const location = failed && locate(failed);
        if (opts.json) io.out(`${JSON.stringify(location ? { ...record, error: { ...record.error, location } } : record, null, 2)}\n`);
        else io.out(formatRunRecord(record, locate));
        io.setExit(abort.signal.aborted ? ExitCode.INTERRUPTED : record.status === 'failed' ? ExitCode.FAILED : ExitCode.OK);
      } finally {
        process.removeListener('SIGINT', onSigint);
        await engine.close();
        await credentials?.close();
      }
    });
};

async function readEvent(source: string): Promise<unknown> {
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (err) {
    throw new CliUsageError(
      `cannot read the event from ${source}: ${(err as Error).message}. Give a JSON file or \`-\` for stdin.`,
      ExitCode.USAGE,
    );
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    // yaml's messages end in " at line L, column C:" plus a code excerpt; say it as file:line:col instead.
    const pos = err instanceof YAMLError ? err.linePos?.[0] : undefined;
    const where = `${source === '-' ? '<stdin>' : source}${pos ? `:${pos.line}:${pos.col}` : ''}`;
    const what = ((err as Error).message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new CliUsageError(`${where}: the event is not valid JSON or YAML: ${what}. Fix the syntax there (a JSON object such as {"locationId": "..."} works).`, ExitCode.USAGE);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliUsageError(`${flag} expects a positive whole number of milliseconds, got "${v}".`, ExitCode.USAGE);
  return n;
}
