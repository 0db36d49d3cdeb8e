import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueDepth } from './queue/job-queue';

/**
 * The server's Prometheus metrics, one registry per server (tests run several in one process).
 * Other modules increment the counters they own through `ctx.metrics` (e.g. the token refresher
 * increments `tokenRefreshes`).
 */
export interface ServerMetrics {
  registry: Registry;
  /** labels: source (payaca|highlevel|generic|manual|schedule), outcome (accepted|duplicate|ignored|refused_*|unavailable) */
  eventsReceived: Counter<'source' | 'outcome'>;
  /** Runs reaching a status (queued, running, succeeded, failed, filtered, dead, retrying). */
  runsByStatus: Counter<'status'>;
  /** Step duration in seconds, by step type. */
  stepDuration: Histogram<'type' | 'status'>;
  /** Jobs waiting or running, sampled at scrape time. */
  queueDepth: Gauge<'state'>;
  /** How long the longest-waiting due job has waited (0: none), sampled with queueDepth. */
  queueOldestAge: Gauge;
  /** Run attempts scheduled again after a failure. */
  retries: Counter<'flow'>;
  /** 429 answers seen by outbound calls. */
  rateLimited: Counter<'connector'>;
  /** OAuth token refreshes (incremented by the credentials module). */
  tokenRefreshes: Counter<'connector' | 'outcome'>;
  /** End-to-end run duration in seconds (claimed → finished). */
  runDuration: Histogram<'status'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean; queueDepth?: () => Promise<QueueDepth> } = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'splice_' });
  const registers = [registry];
  // Set by queueDepth's collect (one query per scrape serves both).
  const queueOldestAge = new Gauge({
    name: 'splice_queue_oldest_due_age_seconds',
    help: 'How long the longest-waiting due job has waited since it became due (0: none waiting)',
    registers,
  });
  return {
    queueOldestAge,
    registry,
    eventsReceived: new Counter({
      name: 'splice_events_received_total',
      help: 'Webhook and trigger events received, by source and outcome',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    runsByStatus: new Counter({ name: 'splice_runs_total', help: 'Runs reaching each status', labelNames: ['status'], registers }),
    stepDuration: new Histogram({
      name: 'splice_step_duration_seconds',
      help: 'Duration of flow steps',
      labelNames: ['type', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'splice_queue_depth',
      help: 'Jobs in the queue by state',
      labelNames: ['state'],
      registers,
      // Sampled at scrape time from the jobs table, so every process sharing the file reports the same depth.
      async collect() {
        if (!opts.queueDepth) return;
        try {
          const d = await opts.queueDepth();
          this.set({ state: 'queued' }, d.queued);
          this.set({ state: 'running' }, d.running);
          this.set({ state: 'dead' }, d.dead);
          queueOldestAge.set(d.oldestDueAgeMs / 1000);
        } catch {
          /* database closed during shutdown: keep the last values */
        }
      },
    }),
    retries: new Counter({
      name: 'splice_run_retries_total',
      help: 'Run attempts retried after a failure',
      labelNames: ['flow'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'splice_http_429_total',
      help: '429 Too Many Requests answers seen by outbound calls',
      labelNames: ['connector'],
      registers,
    }),
    tokenRefreshes: new Counter({
      name: 'splice_token_refreshes_total',
      help: 'OAuth token refreshes',
      labelNames: ['connector', 'outcome'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'splice_run_duration_seconds',
      help: 'Run attempt duration',
      labelNames: ['status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
  };
}
