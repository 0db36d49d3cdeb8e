/**
 * The pacing guarantee measured: the most events that fall inside any sliding window of `windowMs`
 * (a window holds times t with start <= t < start + windowMs). Tests and benchmarks check the limiter
 * with it against the API's rule ("at most N in any 10 s").
 */
export function maxInSlidingWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
