/** One line of the bench table: a baseline and Splice measured in the same process run. */
export interface BenchRow {
  name: string;
  unit: string;
  baseline: number;
  splice: number;
  /** splice / baseline. */
  ratio: number;
  /** The ratio Splice aims for (DEVELOPERS.md). */
  target: number;
}

export interface BenchOptions {
  /** Milliseconds per measuring round (each side); rounds alternate baseline and Splice. */
  roundMs: number;
  rounds: number;
}

export interface BenchSuite {
  name: string;
  run(opts: BenchOptions): Promise<BenchRow[]>;
}

/** Runs `op` with `concurrency` loops for `ms`; returns completed ops. */
async function timed(op: () => Promise<unknown>, ms: number, concurrency: number): Promise<{ ops: number; elapsed: number }> {
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op();
        ops++;
      }
    }),
  );
  return { ops, elapsed: performance.now() - start };
}

/**
 * Measures two implementations of the same work fairly: a warm-up of each, then rounds that alternate
 * which one goes first, so drift in machine load hits both. Returns ops/s for each.
 */
export async function comparePair(
  baseline: () => Promise<unknown>,
  splice: () => Promise<unknown>,
  opts: BenchOptions & { concurrency?: number },
): Promise<{ baseline: number; splice: number }> {
  const c = opts.concurrency ?? 1;
  await timed(baseline, Math.min(300, opts.roundMs), c);
  await timed(splice, Math.min(300, opts.roundMs), c);
  const totals = { baseline: { ops: 0, elapsed: 0 }, splice: { ops: 0, elapsed: 0 } };
  for (let r = 0; r < opts.rounds; r++) {
    const order = r % 2 === 0 ? (['baseline', 'splice'] as const) : (['splice', 'baseline'] as const);
    for (const side of order) {
      const t = await timed(side === 'baseline' ? baseline : splice, opts.roundMs, c);
      totals[side].ops += t.ops;
      totals[side].elapsed += t.elapsed;
    }
  }
  return {
    baseline: (totals.baseline.ops / totals.baseline.elapsed) * 1000,
    splice: (totals.splice.ops / totals.splice.elapsed) * 1000,
  };
}

export function row(name: string, unit: string, measured: { baseline: number; splice: number }, target: number): BenchRow {
  return { name, unit, baseline: measured.baseline, splice: measured.splice, ratio: measured.splice / measured.baseline, target };
}
