import type { RateLimiter } from '../actions/action';
import { CallLog } from './call-log';
import { abortReason, systemClock, type Clock } from './clock';
import { parseRateLimitHeaders } from './rate-limit-headers';

/** At most `limit` calls per sliding `windowMs`, per key. */
export interface RateLimitWindow {
  limit: number;
  windowMs: number;
}

/**
 * Documented limits by key prefix, used when no `limits` are given. HighLevel (specs/README.md): burst 100
 * requests per 10 s and 200,000 a day, per app per location. The connectors' metadata reads these too.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, readonly RateLimitWindow[]>> = {
  'highlevel:': [
    { limit: 100, windowMs: 10_000 },
    { limit: 200_000, windowMs: 86_400_000 },
  ],
};

export interface RateLimiterOptions {
  /** Windows per key prefix (default DEFAULT_RATE_LIMITS); the longest matching prefix wins. */
  limits?: Readonly<Record<string, readonly RateLimitWindow[]>>;
  clock?: Clock;
  /** A call whose answer never comes (observe not called) stops counting as in flight after this long. */
  inFlightTimeoutMs?: number;
}

export interface KeyStats {
  windows: RateLimitWindow[];
  /** Calls counted in each window now (in flight included, plus usage the server reported from elsewhere). */
  used: number[];
  inFlight: number;
  pausedUntil: number;
  throttled: number;
}

export interface InspectableRateLimiter extends RateLimiter {
  release(key: string): void;
  stats(key: string): KeyStats | undefined;
}

interface KeyState {
  windows: RateLimitWindow[];
  /** Calls count from their answer, not their start: safe whatever the latency between us and the API. */
  calls: CallLog;
  pausedUntil: number;
  throttled: number;
  /** Serialises waiters of this key only: keys never wait on each other. */
  tail: Promise<void>;
  waiting: number;
  wake?: () => void;
}

/**
 * Process-wide pacing, shared by every flow: a sliding window per key (HighLevel: per location), so
 * one busy location never delays another. It paces BEFORE sending, learns the server's view from
 * `X-RateLimit-*` answer headers, and on a 429 pauses the key for Retry-After.
 */
export function createRateLimiter(opts: RateLimiterOptions = {}): InspectableRateLimiter {
  const clock = opts.clock ?? systemClock;
  const inFlightTimeoutMs = opts.inFlightTimeoutMs ?? 60_000;
  const limits = opts.limits ?? DEFAULT_RATE_LIMITS;
  const prefixes = Object.keys(limits).sort((a, b) => b.length - a.length);
  const keys = new Map<string, KeyState>();

  const stateOf = (key: string): KeyState => {
    let st = keys.get(key);
    if (!st) {
      const prefix = prefixes.find((p) => key.startsWith(p));
      const windows = prefix ? (limits[prefix] ?? []).map((w) => ({ ...w })) : [];
      st = { windows, calls: new CallLog(inFlightTimeoutMs), pausedUntil: 0, throttled: 0, tail: Promise.resolve(), waiting: 0 };
      keys.set(key, st);
    }
    return st;
  };

  const prune = (st: KeyState, now: number) => {
    st.calls.expire(now);
    st.calls.prune(now, Math.max(0, ...st.windows.map((w) => w.windowMs)));
  };

  /** How long until one more call fits every window (0: now). */
  const waitTime = (st: KeyState, now: number): number => {
    let wait = Math.max(0, st.pausedUntil - now);
    for (const w of st.windows) wait = Math.max(wait, st.calls.waitFor(now, w.windowMs, w.limit));
    return wait;
  };

  const waitForSlot = async (st: KeyState, signal?: AbortSignal): Promise<void> => {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = clock.now();
      prune(st, now);
      const wait = waitTime(st, now);
      if (wait <= 0) {
        st.calls.begin(now);
        return;
      }
      // Sleep until the window frees up, or until an answer changes the picture (observe wakes us).
      await new Promise<void>((resolve, reject) => {
        st.wake = resolve;
        clock.sleep(wait, signal).then(resolve, reject);
      });
      st.wake = undefined;
    }
  };

  // Keys of idle resources (thousands of locations over a day) are forgotten once nothing counts any more.
  let acquiresSinceSweep = 0;
  const sweep = () => {
    const now = clock.now();
    for (const [key, st] of keys) {
      prune(st, now);
      if (st.waiting === 0 && st.calls.empty && st.pausedUntil <= now) keys.delete(key);
    }
  };

  return {
    acquire(key, signal) {
      if (++acquiresSinceSweep >= 10_000) {
        acquiresSinceSweep = 0;
        sweep();
      }
      const st = stateOf(key);
      st.waiting++;
      const turn = st.tail.then(() => waitForSlot(st, signal)).finally(() => st.waiting--);
      st.tail = turn.catch(() => undefined);
      return turn;
    },

    observe(key, status, headers) {
      const st = stateOf(key);
      const now = clock.now();
      st.calls.finish(now);
      const h = parseRateLimitHeaders(headers);
      if (h.burst) learn(st, now, h.burst.max, h.burst.intervalMs, h.burst.remaining, 'burst');
      if (h.daily) learn(st, now, h.daily.max, 86_400_000, h.daily.remaining, 'daily');
      if (status === 429) {
        st.throttled++;
        const shortest = st.windows.reduce<number | undefined>((m, w) => (m === undefined ? w.windowMs : Math.min(m, w.windowMs)), undefined);
        const pause = h.retryAfterMs ?? h.burst?.intervalMs ?? shortest ?? 1000;
        st.pausedUntil = Math.max(st.pausedUntil, now + pause);
      }
      st.wake?.();
    },

    release(key) {
      const st = keys.get(key);
      if (st?.calls.finish(clock.now())) st.wake?.();
    },

    stats(key) {
      const st = keys.get(key);
      if (!st) return undefined;
      const now = clock.now();
      return {
        windows: st.windows.map((w) => ({ ...w })),
        used: st.windows.map((w) => st.calls.count(now, w.windowMs)),
        inFlight: st.calls.inFlightCount,
        pausedUntil: st.pausedUntil,
        throttled: st.throttled,
      };
    },
  };
}

/**
 * Adopts the server's limits for this key and accounts for calls the server saw that we did not send
 * (other processes or apps sharing the location): those are added as calls answered now.
 */
function learn(st: KeyState, now: number, max: number | undefined, windowMs: number | undefined, remaining: number | undefined, kind: 'burst' | 'daily'): void {
  const HOUR = 3_600_000;
  const ofKind = st.windows.filter((x) => (kind === 'burst' ? x.windowMs < HOUR : x.windowMs >= HOUR)).sort((a, b) => a.windowMs - b.windowMs);
  let w = kind === 'burst' ? ofKind[0] : ofKind[ofKind.length - 1];
  if (max !== undefined && windowMs !== undefined) {
    if (!w) {
      w = { limit: max, windowMs };
      st.windows.push(w);
    } else {
      w.limit = max;
      w.windowMs = windowMs;
    }
  }
  if (!w || remaining === undefined) return;
  // Our calls in the server's window (answered within it, or still in flight) against what it counted.
  const unseen = w.limit - remaining - st.calls.count(now, w.windowMs);
  if (unseen > 0) st.calls.addAnswered(now, unseen);
}
