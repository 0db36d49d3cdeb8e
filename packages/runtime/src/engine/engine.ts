import { setMaxListeners } from 'node:events';
import type { ActionRegistry, HttpSender, RateLimiter } from '../actions/action';
import { createHttpSender } from '../actions/http-sender';
import type { CredentialResolver } from '../credentials';
import type { MappingLimits } from '../mapping/budget';
import { sharedMappingEvaluator, type MappingEvaluator } from '../isolation/mapping-evaluator';
import { parseDuration } from '../model/duration';
import type { Flow } from '../model/flow';
import { Redactor } from '../redact';
import type { CheckpointStore, RunRecord } from './run-record';
import { asSpliceError, runSequence, StepFailure } from './run-sequence';
import { secretsOf } from './steps/call';

export { asSpliceError };
import type { RunState } from './step-context';

export interface EngineLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface EngineOptions {
  actions: ActionRegistry;
  credentials?: CredentialResolver;
  /** Values for `$env` (override the flow's own `env` defaults). */
  env?: Record<string, unknown>;
  /** Base URLs per connector for this environment (their hosts are always allowed). */
  baseUrls?: Record<string, string>;
  /** Defaults to createHttpSender({ allowedHosts, credentials, rateLimiter }). */
  http?: HttpSender;
  rateLimiter?: RateLimiter;
  limits?: MappingLimits;
  /** How expressions run (default: the process's isolating evaluator: inline slice, then a worker thread). */
  mapping?: MappingEvaluator;
  strictResponses?: boolean;
  /** Hosts the default sender may reach besides the base URLs' hosts. Unset: loopback only. `*`: any. */
  allowedHosts?: string[];
  logger?: EngineLogger;
}

export interface RunOptions {
  runId?: string;
  dryRun?: boolean;
  checkpoints?: CheckpointStore;
  signal?: AbortSignal;
  /**
   * Literal secret values to redact wherever they appear in the record. Pass the same array for many
   * runs (e.g. a cached list of stored secrets) and its redaction pattern is compiled once, not per run.
   */
  secrets?: readonly string[];
  /** This run's credential resolver (default: EngineOptions.credentials): a run keeps the one it started with. */
  credentials?: CredentialResolver;
  /** This run's `$env` values (default: EngineOptions.env); they override the flow's own `env` defaults. */
  env?: Record<string, unknown>;
  /** This run's base URLs per connector (default: EngineOptions.baseUrls); their hosts are allowed for this run only. */
  baseUrls?: Record<string, string>;
}

export interface Engine {
  run(flow: Flow, event: unknown, opts?: RunOptions): Promise<RunRecord>;
}

const silentLogger: EngineLogger = { info() {}, warn() {}, error() {} };

/**
 * Runs one flow for one event, step by step, and returns the (redacted) run record. Never throws for a
 * failing flow: the failure is in the record (status `failed`, `error`, the failed step's record).
 */
export function createEngine(opts: EngineOptions): Engine {
  const logger = opts.logger ?? silentLogger;
  const http =
    opts.http ?? createHttpSender({ allowedHosts: opts.allowedHosts, credentials: opts.credentials, rateLimiter: opts.rateLimiter });
  const redactorFor = lastRedactorCache();
  const mapping = opts.mapping ?? sharedMappingEvaluator();
  return {
    async run(flow, event, runOpts = {}) {
      const runId = runOpts.runId ?? newRunId();
      const started = performance.now();
      const redactor = redactorFor(runOpts.secrets);
      const credentials = redactingRefresh(runOpts.credentials ?? opts.credentials, redactor);
      const timeoutMs = flow.options?.timeout !== undefined ? parseDuration(flow.options.timeout, 0) : 0;
      const abort = runAbortSignal(runOpts.signal, timeoutMs);
      const signal = abort.signal;
      const record: RunRecord = {
        runId,
        flow: flow.metadata.name,
        status: 'running',
        event: redactor.value(event),
        startedAt: new Date().toISOString(),
        steps: [],
        ...(runOpts.dryRun ? { dryRun: true } : {}),
      };
      const state: RunState = {
        runId,
        flow,
        event,
        env: { ...(flow.env ?? {}), ...(runOpts.env ?? opts.env ?? {}) },
        dryRun: runOpts.dryRun ?? false,
        signal,
        actions: opts.actions,
        credentials,
        http,
        rateLimiter: opts.rateLimiter,
        baseUrls: runOpts.baseUrls ?? opts.baseUrls ?? {},
        limits: opts.limits,
        mapping,
        strictResponses: flow.options?.strictResponses ?? opts.strictResponses ?? false,
        checkpoints: runOpts.checkpoints,
        redactor,
        records: record.steps,
        // Method shorthand, like the other per-run callbacks: tsx's keepNames wraps arrow properties in a costly __name().
        warn(obj, msg) {
          logger.warn({ runId, flow: flow.metadata.name, ...obj }, msg);
        },
      };
      try {
        const result = await runSequence(state, flow.steps, { steps: {}, prefix: '' });
        record.status = result.stopped ? 'filtered' : 'succeeded';
        if (logger !== silentLogger) logger.info({ runId, flow: flow.metadata.name, status: record.status }, 'run finished');
      } catch (err) {
        record.status = 'failed';
        const failure = err instanceof StepFailure ? err : undefined;
        const e = failure?.error ?? asSpliceError(err);
        record.error = {
          code: e.code,
          message: redactor.text(e.message),
          ...(failure ? { step: failure.path } : {}),
          ...(failure && e.expression ? { expression: e.expression } : {}),
        };
        logger.warn({ runId, flow: flow.metadata.name, code: e.code, step: failure?.path }, 'run failed');
      }
      abort.dispose();
      record.finishedAt = new Date().toISOString();
      record.durationMs = performance.now() - started;
      return record;
    },
  };
}

/**
 * Each run gets its own fork of a redactor holding the run's secrets. Runs usually pass the same secrets
 * array (the server's cached list), so the base redactor and its pattern are kept for the last array seen.
 */
function lastRedactorCache(): (secrets: readonly string[] | undefined) => Redactor {
  let lastSecrets: readonly string[] | undefined;
  let lastLength = 0;
  let base = new Redactor();
  return (secrets) => {
    // The length check catches a caller that pushed to the same array since.
    if (secrets && secrets.length > 0 && (secrets !== lastSecrets || secrets.length !== lastLength)) {
      base = new Redactor(secrets);
      lastSecrets = secrets;
      lastLength = secrets.length;
    }
    return secrets && secrets.length > 0 ? base.fork() : new Redactor();
  };
}

/** A credential refreshed after a 401 brings new secret values: the run's record must hide them too. */
function redactingRefresh(resolver: CredentialResolver | undefined, redactor: Redactor): CredentialResolver | undefined {
  const refresh = resolver?.onUnauthorized;
  if (!resolver || !refresh) return resolver;
  return {
    resolve: (name, ctx) => resolver.resolve(name, ctx),
    async onUnauthorized(credential) {
      const fresh = await refresh.call(resolver, credential);
      for (const secret of secretsOf(fresh.auth)) redactor.addSecret(secret);
      return fresh;
    },
  };
}

const neverAborted = new AbortController().signal;
setMaxListeners(0, neverAborted);
const UNSTOPPABLE = { signal: neverAborted, dispose() {} };

/**
 * The run's own signal: aborted by the caller's signal or the flow's `options.timeout`. Every in-flight
 * request listens to it (foreach runs up to 50 at once), so it takes any number of listeners; the
 * caller's signal gets just one.
 */
function runAbortSignal(callerSignal: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; dispose(): void } {
  // Nothing can stop this run: share one signal that never aborts instead of a controller per run.
  if (!callerSignal && timeoutMs <= 0) return UNSTOPPABLE;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => controller.abort(new DOMException(`run timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

function newRunId(): string {
  return `run_${globalThis.crypto.randomUUID()}`;
}
