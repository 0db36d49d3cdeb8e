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
  const retryAfter = retryAfterMs(lower['retry-after'], now);
  if (retryAfter !== undefined) out.retryAfterMs = retryAfter;
  return out;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (undefined when absent or unreadable). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  // HTTP-dates start with the day's name (`Fri, 27 Nov 2026 06:00:03 GMT`); Date.parse alone takes `-3` as a year.
  if (!/^\s*[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
