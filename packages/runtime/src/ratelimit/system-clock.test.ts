import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from './rate-limiter';
import { systemClock } from './clock';

/**
 * The limiter on its default (real) clock, with time faked so the case is exact: an answer that comes
 * within the same wall-clock millisecond as the call began. A server that measures arrivals more finely
 * than whole milliseconds (the loopback test server: performance.now) must never see the next call
 * less than one window after that answer.
 */
describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is finer than a millisecond', () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance'], now: 1_000_000 });
    const a = systemClock.now();
    vi.advanceTimersByTime(0.4);
    expect(systemClock.now() - a).toBeCloseTo(0.4, 6);
  });

  it('a slot freed by an answer at x.9 ms is given out again no earlier than x.9 ms + window', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout'], now: 1_000_000 });
    const WINDOW = 1_000;
    const rl = createRateLimiter({ limits: { 'k:': [{ limit: 1, windowMs: WINDOW }] } });
    await rl.acquire('k:a');
    vi.advanceTimersByTime(0.9); // a loopback answer: well under a millisecond, same Date.now()
    const answeredAt = performance.now();
    rl.observe('k:a', 200, {});
    let grantedAt: number | undefined;
    void rl.acquire('k:a').then(() => {
      grantedAt = performance.now();
    });
    await vi.advanceTimersByTimeAsync(WINDOW - 5);
    for (let i = 0; i < 200 && grantedAt === undefined; i++) await vi.advanceTimersByTimeAsync(0.1);
    expect(grantedAt).toBeDefined();
    // The server counts the first call in its window while now - arrival < WINDOW; arrival <= answeredAt.
    expect(grantedAt! - answeredAt).toBeGreaterThanOrEqual(WINDOW);
  });
});
