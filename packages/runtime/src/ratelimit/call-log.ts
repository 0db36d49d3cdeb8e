/**
 * The calls of one rate-limit key: those in flight (by acquire time) and those answered (by answer time),
 * both kept in ascending order, so counting a window and finding when it frees up cost O(log n) even with
 * a day's worth (200,000) of calls in the log.
 */
export class CallLog {
  private inFlight: number[] = [];
  private done: number[] = [];
  private start = 0;

  constructor(private readonly inFlightTimeoutMs: number) {}

  begin(now: number): void {
    this.inFlight.push(now);
  }

  /** The oldest call in flight got its answer (or was given up) at `now`. False when none was in flight. */
  finish(now: number): boolean {
    if (this.inFlight.length === 0) return false;
    this.inFlight.shift();
    this.pushDone(now);
    return true;
  }

  /** Calls the server counted that were not ours: they count as answered at `now`. */
  addAnswered(now: number, n: number): void {
    for (let i = 0; i < n; i++) this.pushDone(now);
  }

  /** Calls in flight past the timeout count as answered at their timeout (no answer will come). */
  expire(now: number): void {
    while (this.inFlight.length && this.inFlight[0]! + this.inFlightTimeoutMs <= now) {
      this.pushDone(this.inFlight.shift()! + this.inFlightTimeoutMs);
    }
  }

  /** Forgets answers older than the longest window. */
  prune(now: number, longestWindowMs: number): void {
    while (this.start < this.done.length && this.done[this.start]! + longestWindowMs <= now) this.start++;
    if (this.start > 1024 && this.start * 2 > this.done.length) {
      this.done = this.done.slice(this.start);
      this.start = 0;
    }
  }

  count(now: number, windowMs: number): number {
    return this.inFlight.length + this.done.length - this.firstLive(now, windowMs);
  }

  /** Milliseconds until fewer than `limit` calls count in the window (0: already). */
  waitFor(now: number, windowMs: number, limit: number): number {
    const first = this.firstLive(now, windowMs);
    const answered = this.done.length - first;
    const excess = answered + this.inFlight.length - limit;
    if (excess < 0) return 0;
    // The (excess+1)-th call to leave the window frees a place; answered calls leave before those in flight.
    const leavesAt = excess < answered ? this.done[first + excess]! + windowMs : this.inFlight[excess - answered]! + this.inFlightTimeoutMs + windowMs;
    return Math.max(0, leavesAt - now);
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  get empty(): boolean {
    return this.inFlight.length === 0 && this.start === this.done.length;
  }

  private pushDone(t: number): void {
    const d = this.done;
    if (d.length === this.start || d[d.length - 1]! <= t) {
      d.push(t);
      return;
    }
    d.splice(this.lowerBound((x) => x > t), 0, t);
  }

  /** First index (≥ start) of an answer still inside a window of `windowMs` at `now`. */
  private firstLive(now: number, windowMs: number): number {
    return this.lowerBound((x) => x + windowMs > now);
  }

  /** First index (≥ start) whose answer time satisfies `isAfter` (monotone over the sorted log). */
  private lowerBound(isAfter: (x: number) => boolean): number {
    let lo = this.start;
    let hi = this.done.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAfter(this.done[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
