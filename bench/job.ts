import { runDownstreamJob } from './downstream-job';

/**
 * `pnpm exec tsx bench/job.ts [load seconds] [-- splice serve args...]`: only the job of issue 10, its
 * figures as JSON, for iterating on the server (the full table is `pnpm bench server`). With
 * SPLICE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" the `splice serve` child writes a CPU profile.
 */
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const loadSec = Number(argv[0] ?? 10);
const spliceArgs = dash === -1 ? [] : argv.slice(dash + 1);
const figures = await runDownstreamJob({ warmMs: 2000, loadMs: loadSec * 1000, spliceArgs });
const f = figures.forwarder;
const s = figures.splice;
process.stdout.write(
  `${JSON.stringify({ ...figures, ratioDuringLoad: s.duringLoad / f.runsPerSec, ratioWithDrain: s.withDrain / f.runsPerSec, p99Ratio: s.p99 / f.p99 }, null, 1)}\n`,
);
