import jsonata from 'jsonata';
import type { ActionRegistry, HttpSender } from '../actions/action';
import { createEngine } from '../engine/engine';
import type { CredentialResolver, ResolvedCredential } from '../credentials';
import type { RunRecord } from '../engine/run-record';
import { SpliceError, type ExpressionLocation, type SourceLocation } from '../errors';
import type { Flow } from '../model/flow';
import { CannedHttpSender, requestMismatches, type SentRequest } from './canned-sender';
import { subsetMismatches, type Mismatch } from './subset-match';
import { formatPath, parseTestFile, type EnvValues, type FlowTestCase, type ParsedTestFile, type PathSegment } from './test-file';

/**
 * Runs a flow's test cases with the REAL engine; only the HTTP sender is the test double (canned answers,
 * recorded requests). The engine is built by the caller (`engine` factory) so the runner needs no
 * connector or server code: the CLI and the server pass one with the catalog's actions registered.
 */
export interface FlowTestEngineDeps {
  http: HttpSender;
  baseUrls: Record<string, string>;
  env: EnvValues;
  /** Resolves any flow credential name to a fake bearer token `test-<name>` (nothing real is used). */
  credentials: CredentialResolver;
}
export interface FlowTestEngine {
  run(flow: Flow, event: unknown, opts: { runId: string; signal: AbortSignal }): Promise<RunRecord>;
}
export type FlowTestEngineFactory = (deps: FlowTestEngineDeps) => FlowTestEngine;

export interface FlowTestFailure {
  path: string;
  message: string;
  location?: SourceLocation;
  diff?: string;
  /** The run's error behind an unexpected status; `location` is in the flow file, when the runner can locate it. */
  runError?: RunFailureCause;
}
export interface RunFailureCause {
  code: string;
  message: string;
  step?: string;
  expression?: ExpressionLocation;
  location?: SourceLocation;
}

/** file:line:col of a failed run's step (and expression) in the flow file; see loader/locate-run-error.ts. */
export type RunErrorLocator = (step: string, expression?: ExpressionLocation) => SourceLocation | undefined;
export interface FlowTestCaseResult {
  name: string;
  passed: boolean;
  location?: SourceLocation;
  failures: FlowTestFailure[];
  durationMs: number;
  run?: RunRecord;
}
export interface FlowTestReport {
  file: string;
  passed: number;
  failed: number;
  cases: FlowTestCaseResult[];
  errors: Array<{ code: string; message: string; location?: SourceLocation; path?: string }>;
}

export const TEST_BASE_URLS: Record<string, string> = {
  highlevel: 'https://services.leadconnectorhq.com',
  payaca: 'https://api.payaca.com/v1',
};

export interface RunFlowTestsInput {
  testText: string;
  testFile: string;
  flow: Flow;
  /** Locates run errors in the flow's file (the CLI passes its source map; the server has no file). */
  locate?: RunErrorLocator;
}

/** Give `actions` (the real engine is built with them) or a custom `engine` factory. */
export interface FlowTestRunOptions {
  actions?: ActionRegistry;
  engine?: FlowTestEngineFactory;
}

export function engineFactoryFor(actions: ActionRegistry): FlowTestEngineFactory {
  return (deps) => createEngine({ actions, http: deps.http, baseUrls: deps.baseUrls, env: deps.env, credentials: deps.credentials });
}

export async function runFlowTests(input: RunFlowTestsInput, opts: FlowTestRunOptions): Promise<FlowTestReport> {
  const engine = opts.engine ?? (opts.actions ? engineFactoryFor(opts.actions) : undefined);
  if (!engine) throw new SpliceError('FLOW_TEST_NO_ENGINE', 'runFlowTests needs `actions` or an `engine` factory.');
  let parsed: ParsedTestFile;
  try {
    parsed = parseTestFile(input.testText, input.testFile);
  } catch (err) {
    return errorReport(input.testFile, err);
  }
  const report: FlowTestReport = { file: input.testFile, passed: 0, failed: 0, cases: [], errors: [] };
  for (const [i, tc] of parsed.suite.tests.entries()) {
    const result = await runCase(parsed, tc, i, input, engine);
    report.cases.push(result);
    if (result.passed) report.passed++;
    else report.failed++;
  }
  return report;
}

export function errorReport(file: string, err: unknown): FlowTestReport {
  const e = err as SpliceError;
  return {
    file,
    passed: 0,
    failed: 1,
    cases: [],
    errors: [{ code: e.code ?? 'FLOW_TEST_ERROR', message: e.message ?? String(err), location: e.location, path: e.path }],
  };
}

async function runCase(parsed: ParsedTestFile, tc: FlowTestCase, index: number, input: RunFlowTestsInput, engineFor: FlowTestEngineFactory): Promise<FlowTestCaseResult> {
  const flow = input.flow;
  const at = (...p: PathSegment[]) => parsed.locate(['tests', index, ...p]);
  const started = performance.now();
  const sender = new CannedHttpSender(tc.responses);
  const env = { ...(flow.env ?? {}), ...(parsed.suite.env ?? {}), ...(tc.env ?? {}) };
  const engine = engineFor({ http: sender, baseUrls: { ...TEST_BASE_URLS, ...(parsed.suite.baseUrls ?? {}) }, env, credentials: fakeCredentials(flow) });
  const event = tc.event !== undefined ? tc.event : defaultEvent(flow);
  const failures: FlowTestFailure[] = [];
  let run: RunRecord | undefined;
  try {
    run = await engine.run(flow, event, { runId: `test-${index + 1}`, signal: new AbortController().signal });
  } catch (err) {
    failures.push({ path: 'run', message: `The engine threw: ${(err as Error).message}`, location: at() });
  }
  if (run) failures.push(...(await checkExpectations(tc, run, sender.sent, event, at, input.locate)));
  return {
    name: tc.name,
    passed: failures.length === 0,
    location: at(),
    failures,
    durationMs: Math.round(performance.now() - started),
    ...(run ? { run } : {}),
  };
}

function defaultEvent(flow: Flow): unknown {
  const t = flow.trigger as { sample?: unknown; event?: unknown };
  return t.sample ?? t.event ?? {};
}

/**
 * A call about a location (its `locationId`) gets that location's own fake token, `test-<name>-<location>`,
 * as an agency connection hands out a token per location: a test can assert each call carries its own.
 */
function fakeCredentials(flow: Flow): CredentialResolver {
  return {
    async resolve(name, opts): Promise<ResolvedCredential> {
      const connector = flow.credentials?.[name]?.connector ?? 'generic';
      const resource = opts?.resource;
      const meta: Record<string, string> = resource ? { locationId: resource } : {};
      return {
        name,
        connector,
        version: 1,
        auth: { kind: 'bearer', token: resource ? `test-${name}-${resource}` : `test-${name}` },
        meta,
        ...(resource ? { resource } : {}),
      };
    },
  };
}

async function checkExpectations(
  tc: FlowTestCase,
  run: RunRecord,
  sent: SentRequest[],
  event: unknown,
  at: (...p: PathSegment[]) => SourceLocation,
  locate: RunErrorLocator | undefined,
): Promise<FlowTestFailure[]> {
  const exp = tc.expect ?? {};
  const out: FlowTestFailure[] = [];
  const fromMismatch = (m: Mismatch, p: PathSegment[]): FlowTestFailure => ({ path: m.path, message: m.message, diff: m.diff, location: at('expect', ...p) });
  const expectedStatus = exp.status ?? 'succeeded';
  if (run.status !== expectedStatus) {
    const failure: FlowTestFailure = {
      path: 'status',
      message: `expected the run to end "${expectedStatus}", it ended "${run.status}"`,
      location: at('expect', ...(exp.status ? ['status'] : [])),
    };
    if (run.error) {
      const e = run.error;
      const location = e.step !== undefined ? locate?.(e.step, e.expression) : undefined;
      // Located: the run error on its own line, as `splice validate` prints a problem (file:line:col: message [CODE]).
      failure.message += location
        ? ` at step "${e.step}":\n${location.file ?? '<flow>'}:${location.line}:${location.col}: ${e.message} [${e.code}]`
        : `: ${e.step ? `step "${e.step}": ` : ''}${e.message} [${e.code}]`;
      failure.runError = { ...e, ...(location ? { location } : {}) };
    }
    out.push(failure);
  }
  if (exp.error) out.push(...subsetMismatches(exp.error, run.error ?? {}, 'error').map((m) => fromMismatch(m, ['error'])));
  for (const [i, r] of (exp.requests ?? []).entries()) {
    const { step, call, ...match } = r;
    const candidates = sent.filter((s) => (step === undefined || s.step === step) && (call === undefined || s.call === call));
    const label = `requests[${i}]`;
    if (candidates.length === 0) {
      const what = step ? `step "${step}"${call ? ` call ${call}` : ''}` : 'the run';
      out.push({ path: label, message: `no request was sent by ${what} (sent: ${summarise(sent)})`, location: at('expect', 'requests', i) });
      continue;
    }
    if (candidates.some((c) => requestMismatches(match, c).length === 0)) continue;
    // Report against the closest candidate: the one with the fewest mismatches.
    const best = candidates.map((c) => requestMismatches(match, c, label)).sort((a, b) => a.length - b.length)[0]!;
    for (const m of best) out.push(fromMismatch(m, ['requests', i, m.path.slice(label.length + 1).split(/[.[]/)[0]!]));
  }
  for (const [step, n] of Object.entries(exp.calls ?? {})) {
    const got = sent.filter((s) => s.step === step).length;
    if (got !== n) out.push({ path: `calls.${step}`, message: `expected step "${step}" to send ${n} request(s), it sent ${got}`, location: at('expect', 'calls', step) });
  }
  if (exp.totalCalls !== undefined && sent.length !== exp.totalCalls) {
    out.push({ path: 'totalCalls', message: `expected ${exp.totalCalls} request(s) in all, the run sent ${sent.length} (${summarise(sent)})`, location: at('expect', 'totalCalls') });
  }
  const outputs = stepOutputs(run);
  for (const [step, expected] of Object.entries(exp.outputs ?? {})) {
    if (!(step in outputs)) {
      out.push({ path: `outputs.${step}`, message: `step "${step}" has no output (it did not run, or was skipped)`, location: at('expect', 'outputs', step) });
      continue;
    }
    out.push(...subsetMismatches(expected, outputs[step], `outputs.${step}`).map((m) => fromMismatch(m, ['outputs', step, ...pathTail(m.path, 2)])));
  }
  for (const [i, expr] of (exp.conditions ?? []).entries()) {
    const loc = at('expect', 'conditions', i);
    try {
      const bindings = { event, status: run.status, error: run.error ?? null, steps: outputs, requests: sent };
      const value = await jsonata(expr).evaluate({}, bindings);
      if (value !== true) out.push({ path: `conditions[${i}]`, message: `condition \`${expr}\` is ${JSON.stringify(value) ?? 'undefined'}, expected true`, location: loc });
    } catch (err) {
      out.push({ path: `conditions[${i}]`, message: `condition \`${expr}\` could not be evaluated: ${(err as Error).message}`, location: loc });
    }
  }
  return out;
}

function pathTail(path: string, skip: number): PathSegment[] {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    .slice(skip);
}

/** Output per step id; inside foreach the outputs of every item, in order. */
function stepOutputs(run: RunRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of run.steps) {
    if (s.status !== 'succeeded') continue;
    const id = s.id.split('.').pop()!;
    if (s.id.includes('[')) {
      const list = (out[id] as unknown[] | undefined) ?? [];
      list.push(s.output);
      out[id] = list;
    } else out[id] = s.output;
  }
  return out;
}

function summarise(sent: SentRequest[]): string {
  if (sent.length === 0) return 'none';
  return sent.map((s) => `${s.step}#${s.call} ${s.method} ${s.url}`).join(', ');
}

export { formatPath };
