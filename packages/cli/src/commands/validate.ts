import type { Command } from 'commander';
import {
  explainExpressions,
  loadFlowFile,
  validateFlow,
  type ActionRegistry,
  type ExpressionExplanation,
  type FlowCheck,
} from '@splice/runtime';
import { checkCatalogCalls } from '@splice/connectors';
import { loadCredentialScopeCheck } from '@splice/server/credentials/index';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { cliActionRegistry, openCliCredentialStore } from '../engine-factory';
import { ExitCode } from '../exit-codes';
import { expandFlowPaths } from './flow-files';
import { collect, keyValues } from './key-value-options';

/** `splice validate <files or dirs...>`: every problem of every flow as `file:line:col: message [CODE]`. */
export const registerValidate: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('validate')
    .description(
      'Check flow files: YAML, schema, step references, JSONata expressions, actions, credentials. Prints every problem as file:line:col.',
    )
    .argument('<paths...>', 'flow files or directories (searched recursively for *.yaml, skipping *.test.yaml)')
    .option('--json', 'print the problems as JSON')
    .option('--explain', 'also say for every JSONata expression whether it runs compiled to JavaScript or on the interpreter, and why')
    .option('--data-dir <dir>', "also check the stored credentials steps use: present, connected, granting the operation's scope")
    .option(
      '--credential <flowName=storedName>',
      "with --data-dir: the stored credential for the flow's credential flowName (repeatable; default: the same name)",
      collect,
    )
    .action(async (paths: string[], opts: { json?: boolean; explain?: boolean; dataDir?: string; credential?: string[] }) => {
      const files = await expandFlowPaths(paths);
      if (files.length === 0) throw new CliUsageError(`no flow files (*.yaml) found in ${paths.join(', ')}.`, ExitCode.USAGE);
      const actions = cliActionRegistry();
      const checks: FlowCheck[] = [checkCatalogCalls];
      if (opts.dataDir)
        checks.push(await credentialScopeCheck(opts.dataDir, keyValues(opts.credential, '--credential', 'flowName=storedName'), actions));
      const report: Array<{ file: string; errors: Array<Record<string, unknown>>; expressions?: ExpressionExplanation[] }> = [];
      let total = 0;
      const explained: ExpressionExplanation[] = [];
      for (const file of files) {
        const parsed = await loadFlowFile(file);
        const errors = validateFlow(parsed, { actions, checks });
        total += errors.length;
        const expressions = opts.explain ? explainExpressions(parsed) : undefined;
        report.push({ file, errors: errors.map((e) => e.toJSON()), ...(expressions ? { expressions } : {}) });
        if (!opts.json) for (const e of errors) io.out(`${e.format()}\n`);
        if (expressions) {
          explained.push(...expressions);
          if (!opts.json) for (const x of expressions) io.out(`${explanationLine(x)}\n`);
        }
      }
      if (opts.explain && !opts.json) {
        const compiled = explained.filter((x) => x.compiled).length;
        io.out(`${compiled} of ${explained.length} expression${explained.length === 1 ? '' : 's'} compiled to JavaScript\n`);
      }
      if (opts.json) io.out(`${JSON.stringify({ ok: total === 0, files: report }, null, 2)}\n`);
      else if (total === 0) io.out(`${files.length} flow${files.length === 1 ? '' : 's'} OK\n`);
      else
        io.err(
          `${total} problem${total === 1 ? '' : 's'} in ${report.filter((r) => r.errors.length).length} of ${files.length} file${files.length === 1 ? '' : 's'}\n`,
        );
      io.setExit(total === 0 ? ExitCode.OK : ExitCode.FAILED);
    });
};

/** `file:line:col: compiled \`$event.id\`` or `…: interpreted (why) \`…\``, the expression abbreviated. */
function explanationLine(x: ExpressionExplanation): string {
  const loc = `${x.location.file ?? '<flow>'}:${x.location.line}:${x.location.col}`;
  const text = x.source.replace(/\s+/g, ' ').trim();
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return x.compiled ? `${loc}: compiled \`${shown}\`` : `${loc}: interpreted (${x.reason ?? 'unknown'}) \`${shown}\``;
}

/** The credentials module's scope check over a snapshot of the data dir's store (metadata only). */
async function credentialScopeCheck(dataDir: string, bindings: Record<string, string>, actions: ActionRegistry): Promise<FlowCheck> {
  const store = await openCliCredentialStore(dataDir, '--data-dir asks for the credential scope check');
  try {
    return await loadCredentialScopeCheck({ store, actions, bindings });
  } finally {
    await store.close();
  }
}
