import type { Duration } from './flow';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `30s`, `5m`, `1h` or a number of milliseconds → milliseconds. The schema guarantees the form. */
export function parseDuration(value: Duration | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (typeof value === 'number') return value;
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  if (!m) return fallbackMs;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
