import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
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
 *   answered after the sandbox did; p50/p99 latency of each;
 * - resident memory of `splice serve` (the bin a user runs, its own process) at steady load.
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
              headers: {
                authorization: `Bearer ${creds.privateIntegrationToken}`,
                version: '2021-07-28',
                'content-type': 'application/json',
                'idempotency-key': ev.eventId,
              },
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
          config: {
            port: 0,
            dataDir: mkdtempSync(join(tmpdir(), 'splice-bench-')),
            logLevel: 'warn',
            workers: { count: workers, perFlowConcurrency: workers || 1 },
          },
          defaultMetrics: false,
          flows: new StaticFlowResolver([flow()]),
          webhookSecrets: new StaticWebhookSecretSource({ 'bench-hook': [{ kind: 'hmac-sha256', secret: SECRET }] }),
          engineFactory: (f) => {
            factory ??= createDefaultEngineFactory(s.ctx, {
              environment: async () => ({
                baseUrls: {},
                bindings: {},
                values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
              }),
            });
            return factory(f);
          },
          createApiRouter: () => undefined,
        });
        servers.push(s);
        return s;
      };

      let n = 0;
      const delivery = () => {
        const body = JSON.stringify({
          eventId: `e${n++}`,
          timestamp: new Date().toISOString(),
          tags: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
        });
        return {
          body,
          headers: { 'content-type': 'application/json', 'x-payaca-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
        };
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
      const intakeMeasured = await comparePair(
        () => post(fwdUrl, 200),
        () => post(intakeUrl, 202),
        { ...opts, concurrency: CONCURRENCY },
      );
      await intake.close({ graceMs: 0 });

      // 2. End to end: an op ends when the run is recorded.
      const e2e = await start(CONCURRENCY);
      const waiting = new Map<string, () => void>();
      e2e.ctx.observeRuns((ev) => {
        if (ev.status !== 'queued') waiting.get(ev.runId)?.();
      });
      const e2eUrl = `${e2e.url}/hooks/bench-hook`;
      const lat = { baseline: [] as number[], splice: [] as number[] };
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
      const counts = await e2e.ctx.runs.countByStatus('bench-hook');
      if (counts.failed || counts.dead) throw new Error(`bench runs failed: ${JSON.stringify(counts)}`);
      await e2e.close({ graceMs: 1000 });
      await fwdAgent.close();

      // 3. Resident memory of the server alone (its own process) at steady load, from its /metrics.
      const rss = await serverRss(sandbox, opts.roundMs * 3);

      const b = lat.baseline.sort((x, y) => x - y);
      const s = lat.splice.sort((x, y) => x - y);
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      const rows: BenchRow[] = [
        row(
          `server durable intake, signed webhooks acked/s (vs node:http+undici forwarder, concurrency ${CONCURRENCY})`,
          'events/s',
          intakeMeasured,
          0.5,
        ),
        row(
          `server webhook → map → call runs/s (p50 ${ms(percentile(s, 50))} / p99 ${ms(percentile(s, 99))} vs forwarder ${ms(percentile(b, 50))} / ${ms(percentile(b, 99))}; splice serve RSS at steady load ${rss} MB, target ≤ 150 MB)`,
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

/** The bench flow as the YAML a user saves through the API: the same steps, its webhook key a stored credential. */
const FLOW_YAML = `apiVersion: splice/v1
kind: Flow
metadata:
  name: bench-hook
credentials:
  hook: { connector: payaca }
trigger: { type: webhook, source: payaca, secret: hook, idempotencyKey: eventId }
steps:
  - id: shape
    type: map
    expression: '{ "tagIds": tags.("tag-" & id) }'
  - id: fetchTags
    type: call
    uses: http
    with:
      method: POST
      url: "=$env.hlBase & '/social-media-posting/' & $env.locationId & '/tags/details'"
      headers: { Authorization: "='Bearer ' & $env.token", Version: '2021-07-28' }
      body: '=$steps.shape'
`;

/**
 * Resident memory of \`splice serve\` exactly as a user runs it (packages/cli/bin/splice.mjs, its own
 * process, default wiring): the flow saved and activated through the REST API, its webhook key a stored
 * credential bound in the environment, then signed webhooks at steady load; RSS read from its /metrics.
 */
export async function serverRss(sandbox: Awaited<ReturnType<typeof createSandbox>>, ms: number): Promise<number> {
  const creds = sandbox.credentials.highlevel;
  const token = `bench-admin-${process.pid}`;
  const bin = fileURLToPath(new URL('../packages/cli/bin/splice.mjs', import.meta.url));
  const dataDir = mkdtempSync(join(tmpdir(), 'splice-bench-rss-'));
  const args = [
    'serve',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    '--workers',
    `${CONCURRENCY}`,
    '--concurrency',
    `${CONCURRENCY}`,
  ];
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, SPLICE_ADMIN_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /listening on (http:\/\/\S+?) /.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`splice serve exited with ${code}`)));
    });
    const agent = new undici.Agent({ connections: 32 });
    const api = async (method: string, path: string, body: unknown) => {
      const res = await undici.request(`${url}/api${path}`, {
        method: method as 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} /api${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    };
    await api('POST', '/credentials', { name: 'bench-hook-key', type: 'payaca-webhook-secret', secret: SECRET });
    await api('PATCH', '/environments/staging', {
      bindings: { hook: 'bench-hook-key' },
      values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: creds.privateIntegrationToken },
    });
    await api('POST', '/flows', { yaml: FLOW_YAML });
    await api('POST', '/flows/bench-hook/activate', {});

    let n = 0;
    let accepted = 0;
    const end = performance.now() + ms;
    const samples: number[] = [];
    const sample = async () => {
      const text = await (await undici.request(`${url}/metrics`, { dispatcher: agent })).body.text();
      const m = /splice_process_resident_memory_bytes (\d+)/.exec(text);
      if (m) samples.push(Number(m[1]));
    };
    const sampler = setInterval(() => void sample().catch(() => {}), 250);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          const body = JSON.stringify({ eventId: `rss${n++}`, timestamp: new Date().toISOString(), tags: [{ id: 'a' }, { id: 'b' }] });
          const res = await undici.request(`${url}/hooks/bench-hook`, {
            method: 'POST',
            body,
            dispatcher: agent,
            headers: { 'content-type': 'application/json', 'x-payaca-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
          });
          const text = await res.body.text();
          if (res.statusCode !== 202) throw new Error(`splice serve answered ${res.statusCode}: ${text.slice(0, 200)}`);
          accepted++;
        }
      }),
    );
    clearInterval(sampler);
    await sample();
    // SPLICE_BENCH_MEMORY_DETAIL=1: also print the heap spaces, CPU and runs behind the number.
    if (process.env.SPLICE_BENCH_MEMORY_DETAIL) {
      const text = await (await undici.request(`${url}/metrics`, { dispatcher: agent })).body.text();
      process.stderr.write(
        `${text
          .split('\n')
          .filter((l) =>
            /^splice_(nodejs_heap_size|nodejs_external|process_resident|nodejs_heap_space_size_used|nodejs_heap_space_size_total|process_cpu_seconds_total|runs_total)/.test(
              l,
            ),
          )
          .join('\n')}\n`,
      );
    }
    await agent.close();
    if (accepted === 0) throw new Error('splice serve accepted no webhook');
    // Steady state: the second half of the samples (after warm-up).
    const steady = samples.slice(Math.floor(samples.length / 2));
    return Math.round(Math.max(...steady) / 1048576);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}
