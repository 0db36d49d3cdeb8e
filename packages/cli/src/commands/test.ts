import type { Command } from 'commander';
import { locateRunError, parseFlow, validateFlow } from '@splice/runtime';
import { findTestFiles, formatReport, runTestFile, summaryLine, type FlowTestReport, type LoadedFlow } from '@splice/runtime/flow-tests/index';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { openMemoryDatabase } from '@splice/server/insights/memory-database';
import { cliActionRegistry } from '../engine-factory';
import { ExitCode } from '../exit-codes';

/**
 * `splice test [paths...]`: runs flow tests (`<flow>.test.yaml` beside `<flow>.yaml`, like Benthos config
 * tests) with the real engine and canned responses; nothing is sent over the network. Prints each case,
 * failures with file:line:col and a diff, then `N passed, N failed`; exit 1 when anything failed.
 */
export const registerTest: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('test')
    .description('Run flow tests (*.test.yaml next to flows): canned responses per call step, assertions on requests, outputs and status')
    .argument('[paths...]', 'test files, flow files or directories (searched recursively)', ['.'])
    .option('--json', 'print the reports as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      let files: string[];
      try {
        files = findTestFiles(paths.length ? paths : ['.']);
      } catch (err) {
        throw new CliUsageError((err as Error).message, ExitCode.USAGE);
      }
      if (files.length === 0) throw new CliUsageError(`no flow tests (*.test.yaml) found in ${paths.join(', ')}.`, ExitCode.USAGE);
      const actions = cliActionRegistry();
      const loadFlow = (text: string, file: string): LoadedFlow => {
        const parsed = parseFlow(text, { file });
        const errors = validateFlow(parsed, { actions });
        if (errors.length > 0 || !parsed.flow) throw errors[0] ?? new Error(`${file} is not a valid flow`);
        return { flow: parsed.flow, locate: (step, expression) => locateRunError(parsed, step, expression) };
      };
      const reports: FlowTestReport[] = [];
      for (const file of files) {
        // Each file gets a fresh in-memory Splice data store, shared by its cases in order (`splice.*` steps).
        const store = await openMemoryDatabase();
        const report = await runTestFile(file, { actions: cliActionRegistry({ spliceDb: store.db }), loadFlow }).finally(() => store.close());
        reports.push(report);
        if (!opts.json) io.out(`${formatReport(report)}\n`);
      }
      const failed = reports.some((r) => r.failed > 0 || r.errors.length > 0);
      if (opts.json) io.out(`${JSON.stringify({ ok: !failed, reports: reports.map(({ cases, ...r }) => ({ ...r, cases: cases.map(({ run: _run, ...c }) => c) })) }, null, 2)}\n`);
      else io.out(`\n${summaryLine(reports)}\n`);
      io.setExit(failed ? ExitCode.FAILED : ExitCode.OK);
    });
};
