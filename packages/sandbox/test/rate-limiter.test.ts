import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/highlevel/rate-limiter';

/** The limiter on an injected clock: "at most max in ANY window", per key, plus the daily cap. */

function limiterAt(config = { max: 3, intervalMs: 1000, daily: 100 }) {
  let now = 1_000_000;
  const limiter = new RateLimiter(config, () => now);
  return { limiter, set: (t: number) => (now = t), now: () => now };
}

describe('RateLimiter', () => {
  it('allows max per sliding window and tells how long to wait', () => {
    const { limiter, set } = limiterAt();
    set(1_000_000);
    expect(limiter.check('a').allowed).toBe(true);
    set(1_000_400);
    expect(limiter.check('a').allowed).toBe(true);
    set(1_000_800);
    const third = limiter.check('a');
    expect(third.allowed).toBe(true);
    expect(third.headers['X-RateLimit-Remaining']).toBe('0');
    set(1_000_999);
    const over = limiter.check('a');
    expect(over).toMatchObject({ allowed: false, scope: 'burst', retryAfterSeconds: 1 });
    // A fixed window starting at 1_000_000 would reset at 1_001_000 and allow 3 more at once; the sliding
    // window frees one slot at a time as the oldest request ages out.
    set(1_001_000);
    expect(limiter.check('a').allowed).toBe(true);
    expect(limiter.check('a').allowed).toBe(false);
    set(1_001_400);
    expect(limiter.check('a').allowed).toBe(true);
  });

  it('keys are independent (app × location)', () => {
    const { limiter } = limiterAt({ max: 1, intervalMs: 1000, daily: 100 });
    expect(limiter.check('app:loc1').allowed).toBe(true);
    expect(limiter.check('app:loc1').allowed).toBe(false);
    expect(limiter.check('app:loc2').allowed).toBe(true);
  });

  it('enforces the daily cap until the next UTC day', () => {
    const { limiter, set } = limiterAt({ max: 100, intervalMs: 1000, daily: 2 });
    const day = 86_400_000 * 20_000;
    set(day + 10);
    expect(limiter.check('k').allowed).toBe(true);
    expect(limiter.check('k').allowed).toBe(true);
    const over = limiter.check('k');
    expect(over).toMatchObject({ allowed: false, scope: 'daily' });
    expect(over.headers['X-RateLimit-Daily-Remaining']).toBe('0');
    set(day + 86_400_000 + 1);
    expect(limiter.check('k').allowed).toBe(true);
  });

  it('rejected requests do not use up the window', () => {
    const { limiter, set } = limiterAt({ max: 1, intervalMs: 1000, daily: 100 });
    set(5_000);
    expect(limiter.check('k').allowed).toBe(true);
    for (let t = 5_100; t < 6_000; t += 100) {
      set(t);
      expect(limiter.check('k').allowed).toBe(false);
    }
    set(6_000);
    expect(limiter.check('k').allowed).toBe(true);
  });
});
