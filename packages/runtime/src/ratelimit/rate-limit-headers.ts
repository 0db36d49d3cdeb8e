/** What HighLevel-style answer headers say about the caller's budget. Header names are case-insensitive. */
export interface ParsedRateLimitHeaders {
  burst?: { max?: number; intervalMs?: number; remaining?: number };
  daily?: { max?: number; remaining?: number };
  /** From Retry-After (seconds or an HTTP date). */
  retryAfterMs?: number;
}

export function parseRateLimitHeaders(headers: Record<string, string>, now = Date.now()): ParsedRateLimitHeaders {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) lower[k.toLowerCase()] = String(v);
  const num = (name: string): number | undefined => {
    const v = lower[name];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const out: ParsedRateLimitHeaders = {};
  const burst = { max: num('x-ratelimit-max'), intervalMs: num('x-ratelimit-interval-milliseconds'), remaining: num('x-ratelimit-remaining') };
  if (burst.max !== undefined || burst.remaining !== undefined) out.burst = burst;
  const daily = { max: num('x-ratelimit-limit-daily'), remaining: num('x-ratelimit-daily-remaining') };
  if (daily.max !== undefined || daily.remaining !== undefined) out.daily = daily;
  const retry = lower['retry-after'];
  if (retry !== undefined) {
    const secs = Number(retry);
    if (Number.isFinite(secs) && secs >= 0) out.retryAfterMs = secs * 1000;
    else {
      const at = Date.parse(retry);
      if (Number.isFinite(at)) out.retryAfterMs = Math.max(0, at - now);
    }
  }
  return out;
}
