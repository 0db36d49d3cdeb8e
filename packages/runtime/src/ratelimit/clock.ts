/** Time source of the rate limiter: real by default, a fake one in tests (pacing is tested without waiting). */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error('the wait for a rate-limit slot was aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * Monotonic and sub-millisecond, on the epoch scale (so `pausedUntil` still reads as a time). Not Date.now():
 * it is truncated to whole milliseconds, so a slot freed by an answer at 5.9 ms was given out again at
 * 5.0 + window, up to 1 ms before that answer (and so its request's arrival) was one window old, while a
 * loopback answer takes well under 1 ms; a server measuring arrivals more finely then counted 101 in a
 * window and answered 429. Wall-clock steps (NTP) would also stretch or shrink windows.
 */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      // Waits are fractional now; rounding up wakes the waiter once, not once more for the left-over fraction.
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, Math.ceil(ms)));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told: `advance(ms)` runs every sleep that falls due, in time order. */
export class FakeClock implements Clock {
  private t: number;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer = { at: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(abortReason(signal));
      }, { once: true });
    });
  }
  /** Moves time forward, letting woken waiters run (microtasks) before the next timer fires. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    this.t = end;
    await flushMicrotasks();
  }
  get pendingTimers(): number {
    return this.timers.length;
  }
}

/** Lets every pending promise chain run (a macrotask turn drains the microtask queue). */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
