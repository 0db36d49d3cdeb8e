import { spawn } from 'node:child_process';
import { undici } from './deps';
import { api, metricsText, metricValue, startForwarder, startSpliceServe, type Child } from './child-processes';
import { JOB_EVENT, startSink, type Sink } from './downstream-sink';

/**
 * The job of issue 10, end to end, one run: 16 connections POST the same webhook
 * (`{"locationId":"loc_1","postId":"p_123","metrics":{...},"publishedAt":...}`) as fast as they are
 * answered, first to the baseline forwarder (answers after the sink did), then to `splice serve` on its
 * defaults (answers 202 after commit). Both map to `{"postIds":["p_123"],"locationId":"loc_1","stats":{...}}`
 * and POST it with `Authorization: Bearer test-token` and `Version: 2021-07-28` to the same bare sink.
 *
 * Splice is measured twice over one load: runs the sink validated WHILE the load was on (what keeps up
 * with a burst), and all accepted runs over the load plus the drain after it. Latency is webhook sent →
 * sink reached, for both (the forwarder's answer comes after the sink's, so its round trip bounds it).
 */
export const CONNECTIONS = 16;
const BODY = JSON.stringify(JOB_EVENT);

/** The flow a user saves for this job: JSONata map, then a call with a stored bearer credential. */
const FLOW_YAML = `apiVersion: splice/v1
kind: Flow
metadata:
  name: post-stats
credentials:
  sink: { connector: http }
trigger: { type: webhook, source: generic }
steps:
  - id: shape
    type: map
    expression: |
      {
        "postIds": [postId],
        "locationId": locationId,
        "stats": {
          "impressions": metrics.impressions,
          "clicks": metrics.clicks,
          "engagement": metrics.likes + metrics.comments + metrics.shares
        }
      }
  - id: send
    type: call
    uses: http
    credential: sink
    with:
      method: POST
      url: "=$env.sinkUrl"
      headers: { Version: '2021-07-28' }
      body: '=$steps.shape'
`;

export interface JobFigures {
  /** cpuUsPerRun: the process's CPU time per completed run (load + drain), in microseconds. */
  forwarder: { runsPerSec: number; p50: number; p99: number; cpuUsPerRun: number };
  splice: {
    /** Runs the sink validated during the load, per second of load. */
    duringLoad: number;
    /** Runs accepted during the load, per second of load + drain. */
    withDrain: number;
    acceptedPerSec: number;
    p50: number;
    p99: number;
    rssMb: number;
    /** Jobs queued (not yet running) when the load stopped, from /metrics. */
    queuedAtEnd: number;
    drainMs: number;
    cpuUsPerRun: number;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

/** `CONNECTIONS` loops posting the webhook until `ms` passed; `onAnswer` sees each answer. */
async function load(
  agent: InstanceType<typeof undici.Agent>,
  url: string,
  ms: number,
  expect: number,
  onAnswer: (text: string, sentAt: number) => void,
): Promise<{ ops: number; elapsed: number }> {
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const sentAt = performance.now();
        const res = await undici.request(url, {
          method: 'POST',
          body: BODY,
          headers: { 'content-type': 'application/json' },
          dispatcher: agent,
        });
        const text = await res.body.text();
        if (res.statusCode !== expect) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
        ops++;
        onAnswer(text, sentAt);
      }
    }),
  );
  return { ops, elapsed: performance.now() - start };
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function assertValid(sink: Sink, expected: number, who: string): void {
  if (sink.invalid > 0) throw new Error(`the sink refused ${sink.invalid} requests from ${who}: ${sink.firstProblem}`);
  if (sink.valid !== expected) throw new Error(`${who}: the sink validated ${sink.valid} requests, expected ${expected}`);
}

async function measureForwarder(sink: Sink, agent: InstanceType<typeof undici.Agent>, warmMs: number, loadMs: number) {
  const fwd = await startForwarder(sink.url);
  try {
    await load(agent, `${fwd.url}/hook`, warmMs, 200, () => {});
    sink.valid = 0;
    const lat: number[] = [];
    const cpu = async () =>
      (JSON.parse(await (await undici.request(`${fwd.url}/cpu`, { dispatcher: agent })).body.text()) as { seconds: number }).seconds;
    const cpu0 = await cpu();
    const { ops, elapsed } = await load(agent, `${fwd.url}/hook`, loadMs, 200, (_t, sentAt) => lat.push(performance.now() - sentAt));
    const cpuUsPerRun = (((await cpu()) - cpu0) * 1e6) / ops;
    assertValid(sink, ops, 'the forwarder');
    lat.sort((a, b) => a - b);
    return { runsPerSec: (ops / elapsed) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), cpuUsPerRun };
  } finally {
    await fwd.stop();
  }
}

/** Saves the job's credential, environment and flow through the REST API, as a user would. */
export async function setUpJobFlow(agent: InstanceType<typeof undici.Agent>, server: Pick<Child, 'url'>, sinkUrl: string): Promise<void> {
  await api(agent, server.url, 'POST', '/credentials', { name: 'sink-token', type: 'bearer', secret: 'test-token' });
  await api(agent, server.url, 'PATCH', '/environments/staging', { bindings: { sink: 'sink-token' }, values: { sinkUrl } });
  await api(agent, server.url, 'POST', '/flows', { yaml: FLOW_YAML });
  await api(agent, server.url, 'POST', '/flows/post-stats/activate', {});
}

async function measureSplice(sink: Sink, agent: InstanceType<typeof undici.Agent>, warmMs: number, loadMs: number, args: string[]) {
  const server = await startSpliceServe(args);
  try {
    await setUpJobFlow(agent, server, sink.url);
    const hook = `${server.url}/hooks/post-stats`;
    // Warm-up, then its backlog drained, so the measured load starts from an empty queue.
    sink.valid = 0;
    const warm = await load(agent, hook, warmMs, 202, () => {});
    await waitUntil('the warm-up backlog to drain', () => sink.valid + sink.invalid >= warm.ops, 120_000);
    assertValid(sink, warm.ops, 'splice serve (warm-up)');

    sink.valid = 0;
    const sentAt = new Map<string, number>();
    const arrivedAt = new Map<string, number>();
    const lat: number[] = [];
    sink.onArrival = (runId, at) => {
      const sent = sentAt.get(runId);
      if (sent === undefined) arrivedAt.set(runId, at);
      else {
        sentAt.delete(runId);
        lat.push(at - sent);
      }
    };
    const rss: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const v = metricValue(await metricsText(agent, server.url), 'splice_process_resident_memory_bytes');
        if (v !== undefined) rss.push(v);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const cpu = async () => metricValue(await metricsText(agent, server.url), 'splice_process_cpu_seconds_total') ?? Number.NaN;
    // SPLICE_BENCH_PERF=<file>: a CPU-time profile (perf, task clock) of splice serve over the load and drain;
    // with SPLICE_BENCH_NODE_ARGS=--perf-basic-prof it names JavaScript functions.
    const perfOut = process.env.SPLICE_BENCH_PERF;
    const perf = perfOut
      ? spawn('perf', ['record', '-e', 'cpu-clock', '-F', '499', '-g', '-o', perfOut, '-p', String(server.process.pid)], {
          stdio: 'ignore',
        })
      : undefined;
    if (perf) await new Promise((r) => setTimeout(r, 300));
    const cpu0 = await cpu();
    const start = performance.now();
    const { ops, elapsed } = await load(agent, hook, loadMs, 202, (text, sent) => {
      const runId = (JSON.parse(text) as { runId: string }).runId;
      const arrived = arrivedAt.get(runId);
      if (arrived === undefined) sentAt.set(runId, sent);
      else {
        arrivedAt.delete(runId);
        lat.push(arrived - sent);
      }
    });
    const duringLoad = sink.valid;
    const metrics = await metricsText(agent, server.url);
    sampling = false;
    await sampler;
    await waitUntil('the accepted runs to drain', () => sink.valid + sink.invalid >= ops, 300_000);
    const total = performance.now() - start;
    const cpuUsPerRun = (((await cpu()) - cpu0) * 1e6) / ops;
    if (perf) {
      perf.kill('SIGINT');
      await new Promise((r) => perf.once('exit', r));
    }
    assertValid(sink, ops, 'splice serve');
    sink.onArrival = undefined;
    lat.sort((a, b) => a - b);
    // Steady state: the second half of the samples (after the heap settled).
    const steady = rss.slice(Math.floor(rss.length / 2));
    return {
      duringLoad: (duringLoad / elapsed) * 1000,
      withDrain: (ops / total) * 1000,
      acceptedPerSec: (ops / elapsed) * 1000,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      rssMb: Math.round(Math.max(...steady) / 1048576),
      queuedAtEnd: metricValue(metrics, 'splice_queue_depth', 'state="queued"') ?? Number.NaN,
      drainMs: total - elapsed,
      cpuUsPerRun,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the job against the forwarder, then against `splice serve` (extra `args` for experiments). */
export async function runDownstreamJob(opts: { warmMs: number; loadMs: number; spliceArgs?: string[] }): Promise<JobFigures> {
  const sink = await startSink();
  const agent = new undici.Agent({ connections: CONNECTIONS * 2 });
  try {
    const forwarder = await measureForwarder(sink, agent, opts.warmMs, opts.loadMs);
    const splice = await measureSplice(sink, agent, opts.warmMs, opts.loadMs, opts.spliceArgs ?? []);
    return { forwarder, splice };
  } finally {
    await agent.close();
    await sink.close();
  }
}
