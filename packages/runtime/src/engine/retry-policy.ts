import { SpliceError } from '../errors';
import { parseDuration } from '../model/duration';
import type { RetryPolicySpec } from '../model/flow';

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  retryOn: ReadonlySet<number>;
}

export const DEFAULT_RETRY_ON = [408, 425, 429, 500, 502, 503, 504] as const;

function buildRetryPolicy(spec: RetryPolicySpec | undefined): RetryPolicy {
  return Object.freeze({
    maxAttempts: spec?.maxAttempts ?? 3,
    initialDelayMs: parseDuration(spec?.initialDelay, 500),
    maxDelayMs: parseDuration(spec?.maxDelay, 30_000),
    retryOn: new Set(spec?.retryOn ?? DEFAULT_RETRY_ON),
  });
}

const DEFAULT_POLICY = buildRetryPolicy(undefined);
/** A step's `retry` is resolved once, not on every call (a flow's steps are read-only while it runs). */
const resolvedPolicies = new WeakMap<RetryPolicySpec, RetryPolicy>();

export function resolveRetryPolicy(spec: RetryPolicySpec | undefined): RetryPolicy {
  if (!spec) return DEFAULT_POLICY;
  let policy = resolvedPolicies.get(spec);
  if (!policy) resolvedPolicies.set(spec, (policy = buildRetryPolicy(spec)));
  return policy;
}

/**
 * Whether a failed attempt is worth another: HTTP answers by the step's `retryOn` statuses, anything else
 * (network errors, timeouts) by the error's own `retryable`.
 */
export function shouldRetry(err: unknown, policy: RetryPolicy): boolean {
  if (!(err instanceof SpliceError)) return false;
  const status = err.details?.status;
  if (typeof status === 'number') return policy.retryOn.has(status);
  return err.retryable;
}

/**
 * Delay before attempt `attempt + 1`: exponential backoff with full jitter (a uniform pick in
 * [0, min(maxDelay, initialDelay·2^(attempt-1))]), but never sooner than the server's Retry-After.
 * Returns undefined when Retry-After asks for longer than maxDelay: the step then fails (retryable) and a
 * durable caller can reschedule the run instead of holding a worker.
 */
export function retryDelayMs(err: unknown, attempt: number, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  const retryAfter = err instanceof SpliceError ? err.details?.retryAfterMs : undefined;
  if (typeof retryAfter === 'number' && retryAfter > 0) {
    if (retryAfter > policy.maxDelayMs) return undefined;
    return Math.max(jittered, retryAfter);
  }
  return jittered;
}

/** Sleeps, waking early (with a rejection) when the run is aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
