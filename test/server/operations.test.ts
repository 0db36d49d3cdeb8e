import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import {
  createLogger,
  StaticFlowResolver,
  StaticWebhookSecretSource,
  startServer,
  type RunningServer,
} from '../../packages/server/src/index';
import { createDefaultEngineFactory } from '../../packages/server/src/worker/engine-factory';
import { payacaDelivery, postJson, tagSyncFlow, tempDir, waitFor } from './helpers';

/** Logs (JSON, flow and run ids, no secrets), /metrics, /healthz and /readyz of a running server. */
const SECRET = 'payaca-webhook-secret-for-tests';
const BAD_TOKEN = 'pit-this-token-is-wrong-and-secret-1234567890';
let sandbox: Sandbox;
let server: RunningServer;
const lines: string[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, logLevel: 'silent' });
  const creds = sandbox.credentials.highlevel;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  let factory: ReturnType<typeof createDefaultEngineFactory> | undefined;
  server = await startServer({
    config: { port: 0, dataDir: tempDir(), workers: { count: 2 } },
    logger: createLogger({ level: 'debug', destination: sink }),
    flows: new StaticFlowResolver([tagSyncFlow({ stepAttempts: 1 })]),
    webhookSecrets: new StaticWebhookSecretSource({ 'tag-sync': [{ kind: 'hmac-sha256', secret: SECRET }] }),
    engineFactory: (flow) => {
      factory ??= createDefaultEngineFactory(server.ctx, {
        environment: async () => ({
          baseUrls: {},
          bindings: {},
          values: { hlBase: sandbox.highlevel.url, locationId: creds.locationId, token: BAD_TOKEN },
        }),
      });
      return factory(flow);
    },
    createApiRouter: () => undefined,
  });
});
afterAll(async () => {
  await server?.close({ graceMs: 1000 });
  await sandbox?.close();
});

it('logs JSON with flow and run ids, never secrets or signatures', async () => {
  const d = payacaDelivery(SECRET, 1);
  const res = await postJson(`${server.url}/hooks/tag-sync`, d.body, d.headers);
  expect(res.status).toBe(202);
  const runId = res.body.runId as string;
  const run = await waitFor('run to fail', async () => {
    const r = await server.ctx.runs.get(runId);
    return r?.status === 'failed' ? r : undefined;
  });
  expect(run.error?.code).toBeTruthy();
  await waitFor('the failure log line', async () => lines.some((l) => l.includes(runId) && l.includes('did not succeed')));
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const failure = parsed.find((p) => p.runId === runId && p.msg === 'run did not succeed');
  expect(failure).toMatchObject({ flowId: 'tag-sync', runId, level: 40 });

  server.ctx.logger.info(
    { req: { headers: { authorization: `Bearer ${BAD_TOKEN}`, 'x-payaca-signature': d.headers['x-payaca-signature'] } } },
    'probe',
  );
  const all = lines.join('\n');
  expect(all).toContain('"authorization":"[redacted]"');
  expect(all).not.toContain(BAD_TOKEN);
  expect(all).not.toContain(d.headers['x-payaca-signature']);
  expect(JSON.stringify(run)).not.toContain(BAD_TOKEN);
});

it('serves /metrics, /healthz and /readyz', async () => {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  for (const name of [
    'splice_events_received_total',
    'splice_runs_total',
    'splice_step_duration_seconds_bucket',
    'splice_queue_depth',
    'splice_run_retries_total',
    'splice_http_429_total',
    'splice_token_refreshes_total',
    'splice_run_duration_seconds_bucket',
    'splice_process_resident_memory_bytes',
  ]) {
    expect(metrics).toContain(name);
  }
  expect(metrics).toMatch(/splice_runs_total\{status="failed"\} 1/);
  expect(metrics).toMatch(/splice_step_duration_seconds_count\{type="call",status="failed"\} 1/);
  expect(metrics).toMatch(/splice_queue_depth\{state="queued"\} 0/);
  expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', workers: 'ok', intake: 'ok' } });
});
