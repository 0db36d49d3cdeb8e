import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock';
import { createRateLimiter } from './rate-limiter';
import { parseRateLimitHeaders, retryAfterMs } from './rate-limit-headers';
import { maxInSlidingWindow } from './window-count';

const HL = { 'highlevel:': [{ limit: 100, windowMs: 10_000 }, { limit: 200_000, windowMs: 86_400_000 }] };

async function drive(clock: FakeClock, until: () => boolean, stepMs = 50, maxMs = 120_000): Promise<void> {
  for (let spent = 0; !until() && spent <= maxMs; spent += stepMs) await clock.advance(stepMs);
}

describe('createRateLimiter (fake clock)', () => {
  it('paces a burst of 300 calls for one key to at most 100 per sliding 10 s, and finishes them all', async () => {
    const clock = new FakeClock(1_000_000);
    const rl = createRateLimiter({ limits: HL, clock });
    const sent: number[] = [];
    const all = Array.from({ length: 300 }, () =>
      rl.acquire('highlevel:loc_a').then(() => {
        sent.push(clock.now());
        // The answer comes back 30 ms later (fake latency).
        void clock.sleep(30).then(() => rl.observe('highlevel:loc_a', 200, {}));
      }),
    );
    await drive(clock, () => sent.length === 300);
    await Promise.all(all);
    expect(sent).toHaveLength(300);
    expect(maxInSlidingWindow(sent, 10_000)).toBeLessThanOrEqual(100);
    // It does not crawl either: the first 100 go at once, the next 100 as soon as the window allows.
    expect(sent.filter((t) => t === 1_000_000)).toHaveLength(100);
    expect(Math.max(...sent) - 1_000_000).toBeLessThan(30_000);
  });

  it('never delays another key while one key is saturated (HighLevel limits are the default)', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ clock });
    for (let i = 0; i < 100; i++) await rl.acquire('highlevel:busy');
    let busyGot = false;
    void rl.acquire('highlevel:busy').then(() => (busyGot = true));
    let otherGot = 0;
    await Promise.all(Array.from({ length: 50 }, () => rl.acquire('highlevel:quiet').then(() => otherGot++)));
    await clock.advance(0);
    expect(otherGot).toBe(50);
    expect(busyGot).toBe(false);
    expect(rl.stats('highlevel:busy')?.used[0]).toBe(100);
  });

  it('on a 429 pauses the key for Retry-After', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: HL, clock });
    await rl.acquire('highlevel:x');
    rl.observe('highlevel:x', 429, { 'Retry-After': '5' });
    let at = -1;
    void rl.acquire('highlevel:x').then(() => (at = clock.now()));
    await clock.advance(4_999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(5_000);
    expect(rl.stats('highlevel:x')?.throttled).toBe(1);
  });

  it('adopts X-RateLimit-Max/Interval and counts usage the server saw from elsewhere (Remaining)', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: HL, clock });
    await rl.acquire('highlevel:y');
    rl.observe('highlevel:y', 200, { 'X-RateLimit-Max': '10', 'X-RateLimit-Interval-Milliseconds': '2000', 'X-RateLimit-Remaining': '0' });
    expect(rl.stats('highlevel:y')?.windows[0]).toEqual({ limit: 10, windowMs: 2000 });
    let at = -1;
    void rl.acquire('highlevel:y').then(() => (at = clock.now()));
    await clock.advance(1_999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(2_000);
  });

  it('keeps the daily budget too', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: { 'p:': [{ limit: 5, windowMs: 1_000 }, { limit: 7, windowMs: 86_400_000 }] }, clock });
    let n = 0;
    for (let i = 0; i < 8; i++) void rl.acquire('p:k').then(() => { n++; rl.observe('p:k', 200, {}); });
    await clock.advance(0);
    expect(n).toBe(5);
    await clock.advance(1_000);
    expect(n).toBe(7);
    await clock.advance(3_600_000);
    expect(n).toBe(7);
    await clock.advance(86_400_000);
    expect(n).toBe(8);
  });

  it('learns a daily limit from headers when none is configured, and stops at Daily-Remaining 0', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ clock, limits: {} });
    await rl.acquire('other:z');
    rl.observe('other:z', 200, { 'x-ratelimit-limit-daily': '1000', 'x-ratelimit-daily-remaining': '0' });
    let got = false;
    void rl.acquire('other:z').then(() => (got = true));
    await clock.advance(3_600_000);
    expect(got).toBe(false);
    expect(rl.stats('other:z')?.windows).toEqual([{ limit: 1000, windowMs: 86_400_000 }]);
  });

  it('an aborted wait rejects and does not block later calls of the key', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: { 'k:': [{ limit: 1, windowMs: 1_000 }] }, clock });
    await rl.acquire('k:1');
    rl.observe('k:1', 200, {});
    const ac = new AbortController();
    const waiting = rl.acquire('k:1', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toThrow();
    let got = false;
    void rl.acquire('k:1').then(() => (got = true));
    await clock.advance(1_000);
    expect(got).toBe(true);
  });

  it('counts calls still in flight, and an answer frees the wait early', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: { 'k:': [{ limit: 2, windowMs: 1_000 }] }, clock, inFlightTimeoutMs: 60_000 });
    await rl.acquire('k:f');
    await rl.acquire('k:f');
    let at = -1;
    void rl.acquire('k:f').then(() => (at = clock.now()));
    await clock.advance(5_000);
    expect(at).toBe(-1); // both still in flight: no answer yet
    rl.observe('k:f', 200, {});
    await clock.advance(999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(6_000);
  });
  it('release() ends an unanswered call: it counts for one window from then, not until the in-flight timeout', async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: { 'k:': [{ limit: 1, windowMs: 1_000 }] }, clock, inFlightTimeoutMs: 60_000 });
    await rl.acquire('k:r');
    let at = -1;
    void rl.acquire('k:r').then(() => (at = clock.now()));
    await clock.advance(500);
    rl.release('k:r');
    expect(rl.stats('k:r')?.inFlight).toBe(0);
    await clock.advance(999);
    expect(at).toBe(-1);
    await clock.advance(1);
    expect(at).toBe(1_500);
  });
});

describe('createRateLimiter at scale', () => {
  it("keeps a full day's log (200,000 calls on one key) and still stops the next call until the day window frees", async () => {
    const clock = new FakeClock();
    const rl = createRateLimiter({ limits: { 'hl:': [{ limit: 1_000, windowMs: 10 }, { limit: 200_000, windowMs: 86_400_000 }] }, clock });
    for (let i = 0; i < 200_000; i++) {
      if (i % 1_000 === 0) await clock.advance(10);
      await rl.acquire('hl:day');
      rl.observe('hl:day', 200, {});
    }
    expect(rl.stats('hl:day')?.used[1]).toBe(200_000);
    let got = false;
    void rl.acquire('hl:day').then(() => (got = true));
    await clock.advance(86_400_000 - 2_010);
    expect(got).toBe(false);
    await clock.advance(2_010);
    expect(got).toBe(true);
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads the HighLevel headers in any case and Retry-After as seconds or a date', () => {
    expect(parseRateLimitHeaders({ 'X-RateLimit-Max': '100', 'x-ratelimit-remaining': '7', 'X-RateLimit-Interval-Milliseconds': '10000', 'X-RateLimit-Limit-Daily': '200000', 'X-RateLimit-Daily-Remaining': '199990', 'retry-after': '2' })).toEqual({
      burst: { max: 100, remaining: 7, intervalMs: 10_000 },
      daily: { max: 200_000, remaining: 199_990 },
      retryAfterMs: 2_000,
    });
    const now = Date.parse('2026-11-27T06:00:00Z');
    expect(parseRateLimitHeaders({ 'Retry-After': 'Fri, 27 Nov 2026 06:00:03 GMT' }, now).retryAfterMs).toBe(3_000);
    expect(parseRateLimitHeaders({ 'X-RateLimit-Remaining': 'soon' })).toEqual({});
  });

  it('reads Retry-After exactly as the sender does (one parser): blank, hex and junk are no wait at all', () => {
    for (const value of ['', '   ', '0x10', 'soon', '-3']) {
      expect(parseRateLimitHeaders({ 'retry-after': value }).retryAfterMs).toBeUndefined();
      expect(retryAfterMs(value)).toBeUndefined();
    }
    expect(parseRateLimitHeaders({ 'retry-after': ' 1.5 ' }).retryAfterMs).toBe(1_500);
  });
});
