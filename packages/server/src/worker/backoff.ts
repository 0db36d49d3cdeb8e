/**
 * Delay before a run's next attempt: exponential (base * 2^(attempt-1)), capped, with "equal jitter"
 * (half fixed, half random) so retries of many runs failing together spread out but never come early.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
