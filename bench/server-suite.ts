import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undici } from './deps';
import { createSandbox } from '../packages/sandbox/src/index';
import type { Flow } from '../packages/runtime/src/index';
import { StaticFlowResolver, StaticWebhookSecretSource, startServer, type RunningServer } from '../packages/server/src/index';
import { createDefaultEngineFactory } from '../packages/server/src/worker/engine-factory';
import { comparePair, row, type BenchRow, type BenchSuite } from './measure';

/**
 * The server against a plain node:http + undici forwarder, same sandbox (limits off), same process:
 * - durable intake: signed webhooks acknowledged per second (Splice commits event + run + job first;
 *   workers off, so only intake is measured) vs the forwarder answering after forwarding;
 * - end to end: webhook → map → call, an op ends when the run is recorded (Splice) or the forwarder
 *   answered after the sandbox did; p50/p99 latency of each, and resident memory at steady load.
 */
const SECRET = 'bench-webhook-secret';
const CONCURRENCY = 16;

function flow(): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name: 'bench-hook' },
    trigger: { type: 'webhook', source: 'payaca', secret: 'hook', idempotencyKey: 'eventId' },
    steps: [
      { id: 'shape', type: 'map', expression: '{ "tagIds": tags.("tag-" & id) }' },
      {
        id: 'fetchTags',
        type: 'call',
        uses: 'http',
        with: {
          method: 'POST',
          url: "=$env.hlBase & '/social-media-posting/' & $env.locationId & '/tags/details'",
          headers: { Authorization: "='Bearer ' & $env.token", Version: '2021-07-28' },
          body: '=$steps.shape',
        },
      },
    ],
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

export const serverSuite: BenchSuite = {
  name: 'server',
  async run(opts) {
    const sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
    const creds = sandbox.credentials.highlevel;
    const target = `${sandbox.highlevel.url}/social-media-posting/${creds.locationId}/tags/details`;
    const agent = new undici.Agent({ connections: 128 });
    const servers: RunningServer[] = [];
    let forwarder: Server | undefined;
    try {
      // The baseline: verify nothing, store nothing; shape the body in JS, forward it, answer.
      const fwdAgent = new undici.Agent({ connections: 128 });
      forwarder = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async () => {
          try {
            const ev = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tags: Array<{ id: string }>; eventId: string };
            const up = await undici.request(target, {
              method: 'POST',
              dispatcher: fwdAgent,
              headers: { authorization: `Bearer ${creds.privateIntegrationToken}`, version: '2021-07-28', 'content-type': 'application/json', 'idempotency-key': ev.eventId },
              body: JSON.stringify({ tagIds: ev.tags.map((t) => `tag-${t.id}`) }),
            });
            await up.body.text();
            res.writeHead(up.statusCode < 300 ? 200 : 502).end();
          } catch {
            res.writeHead(500).end();
          }
        });
      });
      await new Promise<void>((r) => forwarder!.listen(0, '127.0.0.1', r));
      const fwdUrl = `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}/hook`;

      const start = async (workers: number) => {
        let factory: ReturnType<typeof createDefaultEngineFactory> | undefined;
        const s: RunningServer = await startServer({
          config: { port: 0, dataDir: mkdtempSync(join(tmpdir(), 'splice-bench-')), logLevel: 'warn', workers: { count: workers, perFlowConcurrency: workers || 1 } },
          defaultMetrics: false,
          flows: new StaticFlowResolver([flow()]),
          webhookSecrets: new StaticWebhookSecretSource({ 'bench-hook': [{ kind: 'hmac-sha256', secret: SECRET }] }),
          engineFactory: (f) => {
            factory ??= createDefaultEngineFactory(s.ctx, { environment: async () => ({ baseUrls: {}, bindings: {}, values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken } }) });
            return factory(f);
          },
          createApiRouter: () => undefined,
        });
        servers.push(s);
        return s;
      };

      let n = 0;
      const delivery = () => {
        const body = JSON.stringify({ eventId: `e${n++}`, timestamp: new Date().toISOString(), tags: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
        return { body, headers: { 'content-type': 'application/json', 'x-payaca-signature': createHmac('sha256', SECRET).update(body).digest('hex') } };
      };
      const post = async (url: string, expect: number) => {
        const d = delivery();
        const res = await undici.request(url, { method: 'POST', body: d.body, headers: d.headers, dispatcher: agent });
        const text = await res.body.text();
        if (res.statusCode !== expect) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
        return text;
      };

      // 1. Durable intake (workers off).
      const intake = await start(0);
      const intakeUrl = `${intake.url}/hooks/bench-hook`;
      const intakeMeasured = await comparePair(() => post(fwdUrl, 200), () => post(intakeUrl, 202), { ...opts, concurrency: CONCURRENCY });
      await intake.close({ graceMs: 0 });

      // 2. End to end: an op ends when the run is recorded.
      const e2e = await start(CONCURRENCY);
      const waiting = new Map<string, () => void>();
      e2e.ctx.observeRuns((ev) => {
        if (ev.status !== 'queued') waiting.get(ev.runId)?.();
      });
      const e2eUrl = `${e2e.url}/hooks/bench-hook`;
      const lat = { baseline: [] as number[], splice: [] as number[] };
      let rssMax = 0;
      const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
      const e2eMeasured = await comparePair(
        async () => {
          const t = performance.now();
          await post(fwdUrl, 200);
          lat.baseline.push(performance.now() - t);
        },
        async () => {
          const t = performance.now();
          const { runId } = JSON.parse(await post(e2eUrl, 202)) as { runId: string };
          await new Promise<void>((resolve) => waiting.set(runId, resolve));
          waiting.delete(runId);
          lat.splice.push(performance.now() - t);
        },
        { ...opts, concurrency: CONCURRENCY },
      );
      clearInterval(sampler);
      const counts = await e2e.ctx.runs.countByStatus('bench-hook');
      if (counts.failed || counts.dead) throw new Error(`bench runs failed: ${JSON.stringify(counts)}`);
      await e2e.close({ graceMs: 1000 });
      await fwdAgent.close();

      const b = lat.baseline.sort((x, y) => x - y);
      const s = lat.splice.sort((x, y) => x - y);
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      const rows: BenchRow[] = [
        row(`server durable intake, signed webhooks acked/s (vs node:http+undici forwarder, concurrency ${CONCURRENCY})`, 'events/s', intakeMeasured, 0.5),
        row(
          `server webhook → map → call runs/s (p50 ${ms(percentile(s, 50))} / p99 ${ms(percentile(s, 99))} vs forwarder ${ms(percentile(b, 50))} / ${ms(percentile(b, 99))}; peak RSS ${Math.round(rssMax / 1048576)} MB incl. sandbox)`,
          'runs/s',
          e2eMeasured,
          0.5,
        ),
      ];
      return rows;
    } finally {
      for (const s of servers) await s.close({ graceMs: 0 }).catch(() => {});
      await new Promise<void>((r) => (forwarder ? forwarder.close(() => r()) : r()));
      await agent.close();
      await sandbox.close();
    }
  },
};
