import { undici } from './deps';
import { startForwarder, startSpliceServe } from './child-processes';
import { CONNECTIONS, runDownstreamJob, setUpJobFlow } from './downstream-job';
import { JOB_EVENT, startSink } from './downstream-sink';
import { comparePair, row, type BenchRow, type BenchSuite } from './measure';

/**
 * The server, as `splice serve` runs for a user (its own process), against the baseline forwarder (its own
 * process: node:http + plain-JS map + undici Pool), both sending to the same bare validating sink:
 * - durable intake: webhooks acknowledged per second by `splice serve --workers 0` (event + run + job
 *   committed before the 202) vs the forwarder's answers (after the sink answered);
 * - the job of issue 10 (downstream-job.ts): runs/s completed downstream during the load and including
 *   the drain, p50/p99 webhook → downstream, RSS and queue depth at the end of the load.
 */
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function intakeRow(opts: Parameters<BenchSuite['run']>[0]): Promise<BenchRow> {
  const sink = await startSink();
  const agent = new undici.Agent({ connections: CONNECTIONS * 2 });
  const fwd = await startForwarder(sink.url);
  const splice = await startSpliceServe(['--workers', '0']);
  try {
    await setUpJobFlow(agent, splice, sink.url);
    const post = (url: string, expect: number) => async () => {
      const res = await undici.request(url, {
        method: 'POST',
        body: JSON.stringify(JOB_EVENT),
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      });
      const text = await res.body.text();
      if (res.statusCode !== expect) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
    };
    const measured = await comparePair(post(`${fwd.url}/hook`, 200), post(`${splice.url}/hooks/post-stats`, 202), {
      ...opts,
      concurrency: CONNECTIONS,
    });
    return row(
      `server durable intake, webhooks acked/s (splice serve --workers 0 vs the forwarder, ${CONNECTIONS} connections)`,
      'events/s',
      measured,
      0.5,
    );
  } finally {
    await splice.stop();
    await fwd.stop();
    await agent.close();
    await sink.close();
  }
}

export const serverSuite: BenchSuite = {
  name: 'server',
  async run(opts) {
    const rows: BenchRow[] = [await intakeRow(opts)];
    // 10 s of load after a 2 s warm-up (--quick: 1.5 s after 0.5 s), as in the table.
    const quick = opts.roundMs < 1000;
    const spliceArgs = (process.env.SPLICE_BENCH_SERVE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const job = await runDownstreamJob({ warmMs: quick ? 500 : 2000, loadMs: quick ? 1500 : 10_000, spliceArgs });
    const f = job.forwarder;
    const s = job.splice;
    const detail =
      `p50/p99 webhook → downstream: splice ${ms(s.p50)} / ${ms(s.p99)}, forwarder ${ms(f.p50)} / ${ms(f.p99)}; ` +
      `splice serve RSS ${s.rssMb} MB; queued at end of load ${s.queuedAtEnd}; accepted ${Math.round(s.acceptedPerSec)}/s; drain ${ms(s.drainMs)}; ` +
      `CPU per run: splice ${Math.round(s.cpuUsPerRun)} µs, forwarder ${Math.round(f.cpuUsPerRun)} µs`;
    rows.push(
      row(
        `job webhook → JSONata map → call, runs/s completed downstream DURING load (${CONNECTIONS} connections; ${detail})`,
        'runs/s',
        { baseline: f.runsPerSec, splice: s.duringLoad },
        0.5,
      ),
      row(
        'job webhook → JSONata map → call, runs/s including the drain after the load',
        'runs/s',
        { baseline: f.runsPerSec, splice: s.withDrain },
        0.5,
      ),
      // Lower is better for these two: the ratio is baseline / splice, so "≥ target" still reads as "ok".
      {
        name: 'job p99 webhook → downstream (ratio: forwarder p99 / splice p99; target: splice ≤ 10× forwarder)',
        unit: 'ms',
        baseline: f.p99,
        splice: s.p99,
        ratio: f.p99 / s.p99,
        target: 0.1,
      },
      {
        name: 'job splice serve RSS at steady load (ratio: 150 MB budget / RSS)',
        unit: 'MB',
        baseline: 150,
        splice: s.rssMb,
        ratio: 150 / s.rssMb,
        target: 1,
      },
    );
    return rows;
  },
};
