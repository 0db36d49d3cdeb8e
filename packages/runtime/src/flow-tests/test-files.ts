import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SpliceError } from '../errors';
import type { Flow } from '../model/flow';
import { errorReport, runFlowTests, type FlowTestReport, type FlowTestRunOptions, type RunErrorLocator } from './runner';
import { parseTestFile } from './test-file';

/**
 * `splice test [paths...]`: find `*.test.yaml` files (files or directories, recursively, skipping
 * node_modules and dot-dirs), load the flow each one tests, run it, and format the results.
 */
export const TEST_FILE = /\.test\.ya?ml$/;

export function findTestFiles(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        if (e === 'node_modules' || e.startsWith('.')) continue;
        walk(join(p, e));
      }
    } else if (TEST_FILE.test(p)) out.add(p);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new SpliceError('FLOW_TEST_PATH', `${p}: no such file or directory. Give flow test files (*.test.yaml) or directories holding them.`);
    if (statSync(p).isFile() && !TEST_FILE.test(p)) {
      // `splice test flow.yaml` means "the tests of this flow".
      const sibling = p.replace(/\.ya?ml$/, '.test.yaml');
      if (existsSync(sibling)) out.add(sibling);
      else throw new SpliceError('FLOW_TEST_PATH', `${p} is not a flow test file and has no ${basename(sibling)} beside it.`);
      continue;
    }
    walk(p);
  }
  return [...out];
}

/** The flow a test file tests: its `flow:` key (relative to the file), else the same name without `.test`. */
export function flowFileFor(testFile: string, testText: string): string {
  let declared: string | undefined;
  try {
    declared = parseTestFile(testText, testFile).suite.flow;
  } catch {
    /* the runner reports the file's problems */
  }
  if (declared) return resolve(dirname(testFile), declared);
  const base = testFile.replace(TEST_FILE, '');
  return existsSync(`${base}.yaml`) || !existsSync(`${base}.yml`) ? `${base}.yaml` : `${base}.yml`;
}

/** Loads (and validates) the flow a test file tests; `locate` places run errors in that flow's file. */
export type FlowLoader = (text: string, file: string) => LoadedFlow | Promise<LoadedFlow>;
export interface LoadedFlow {
  flow: Flow;
  locate?: RunErrorLocator;
}

export async function runTestFile(testFile: string, opts: FlowTestRunOptions & { loadFlow: FlowLoader }): Promise<FlowTestReport> {
  const testText = readFileSync(testFile, 'utf8');
  const flowFile = flowFileFor(testFile, testText);
  let loaded: LoadedFlow;
  try {
    if (!existsSync(flowFile)) {
      throw new SpliceError('FLOW_TEST_NO_FLOW', `the flow it tests (${flowFile}) does not exist. Put the flow beside it or set \`flow:\` in the test file.`);
    }
    loaded = await opts.loadFlow(readFileSync(flowFile, 'utf8'), flowFile);
  } catch (err) {
    return errorReport(testFile, err);
  }
  return runFlowTests({ testText, testFile, ...loaded }, opts);
}

/** Human-readable report: one line per case, failures with file:line:col and diffs. */
export function formatReport(r: FlowTestReport): string {
  const lines: string[] = [];
  for (const e of r.errors) {
    const where = e.location ? `${e.location.file ?? r.file}:${e.location.line}:${e.location.col}: ` : `${r.file}: `;
    lines.push(`FAIL ${r.file}`, `  ${where}${e.message} [${e.code}]`);
  }
  for (const c of r.cases) {
    lines.push(`${c.passed ? 'PASS' : 'FAIL'} ${r.file} › ${c.name} (${c.durationMs} ms)`);
    for (const f of c.failures) {
      const where = f.location ? `${f.location.file ?? r.file}:${f.location.line}:${f.location.col}: ` : '';
      const [first, ...more] = f.message.split('\n');
      lines.push(`  ${where}${f.path}: ${first}`, ...more.map((l) => `    ${l}`));
      if (f.diff) lines.push('      (- expected, + actual)', ...f.diff.split('\n').map((l) => `      ${l}`));
    }
  }
  return lines.join('\n');
}

export function summaryLine(reports: FlowTestReport[]): string {
  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  return `${passed} passed, ${failed} failed`;
}
