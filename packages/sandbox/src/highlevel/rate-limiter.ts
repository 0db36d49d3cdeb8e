/**
 * HighLevel's limits per app per resource (location or company): a burst of `max` requests in any
 * `intervalMs` window (sliding, so "at most 100 in any 10 s" is what is enforced) and `daily` per UTC day.
 */

export interface RateLimitConfig {
  max: number;
  intervalMs: number;
  daily: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { max: 100, intervalMs: 10_000, daily: 200_000 };

export interface RateLimitVerdict {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds?: number;
  scope?: 'burst' | 'daily';
}

interface Bucket {
  stamps: number[]; // times of accepted requests inside the window, oldest first
  day: number;
  dayCount: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string): RateLimitVerdict {
    const { max, intervalMs, daily } = this.config;
    const t = this.now();
    const day = Math.floor(t / 86_400_000);
    let b = this.buckets.get(key);
    if (!b) {
      b = { stamps: [], day, dayCount: 0 };
      this.buckets.set(key, b);
    }
    if (b.day !== day) {
      b.day = day;
      b.dayCount = 0;
    }
    while (b.stamps.length && (b.stamps[0] as number) <= t - intervalMs) b.stamps.shift();
    const headers = (remaining: number, dailyRemaining: number) => ({
      'X-RateLimit-Limit-Daily': String(daily),
      'X-RateLimit-Daily-Remaining': String(Math.max(0, dailyRemaining)),
      'X-RateLimit-Interval-Milliseconds': String(intervalMs),
      'X-RateLimit-Max': String(max),
      'X-RateLimit-Remaining': String(Math.max(0, remaining)),
    });
    if (b.dayCount >= daily) {
      const untilTomorrow = Math.ceil(((day + 1) * 86_400_000 - t) / 1000);
      return { allowed: false, scope: 'daily', retryAfterSeconds: untilTomorrow, headers: headers(max - b.stamps.length, 0) };
    }
    if (b.stamps.length >= max) {
      const retry = Math.max(1, Math.ceil(((b.stamps[0] as number) + intervalMs - t) / 1000));
      return { allowed: false, scope: 'burst', retryAfterSeconds: retry, headers: headers(0, daily - b.dayCount) };
    }
    b.stamps.push(t);
    b.dayCount++;
    return { allowed: true, headers: headers(max - b.stamps.length, daily - b.dayCount) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
