import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Flow } from '../../packages/runtime/src/index';
import type { CredentialStore } from '../../packages/server/src/credentials/index';
import { StaticFlowResolver, startServer, type RunningServer } from '../../packages/server/src/index';
import { payacaDelivery, postJson, tempDir } from './helpers';

/** Webhook keys from the credentials store (the default wiring of startServer), bound per environment. */
const SECRET = 'payaca-signing-secret-stored-encrypted';
const ed = generateKeyPairSync('ed25519');

function hookFlow(name: string, source: string, secret: string): Flow {
  return {
    apiVersion: 'splice/v1',
    kind: 'Flow',
    metadata: { name },
    trigger: { type: 'webhook', source, secret },
    steps: [{ id: 'echo', type: 'map', expression: '$' }],
  };
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    config: { port: 0, dataDir: tempDir(), logLevel: 'silent', workers: { count: 0 } },
    defaultMetrics: false,
    flows: new StaticFlowResolver([
      {
        flowId: 'payaca-hook',
        name: 'payaca-hook',
        revision: 1,
        environment: 'production',
        flow: hookFlow('payaca-hook', 'payaca', 'payacaHook'),
      },
      hookFlow('ghl-hook', 'highlevel', 'ghl-key'),
      hookFlow('unbound-hook', 'payaca', 'nobody-added-this'),
    ]),
    createApiRouter: () => undefined,
    setup: async (ctx) => {
      const store = ctx.stores.credentials as CredentialStore;
      await store.add({ name: 'payaca-prod-hook', kind: 'payaca-webhook-secret', values: { secret: SECRET } });
      await store.add({
        name: 'ghl-key',
        kind: 'highlevel-webhook-key',
        values: { publicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(), algorithm: 'ed25519' },
      });
      // Production binds the flow's credential name to the stored one.
      const now = new Date().toISOString();
      await ctx.db
        .insertInto('environments')
        .values({
          name: 'production',
          base_urls: '{}',
          bindings: JSON.stringify({ payacaHook: 'payaca-prod-hook' }),
          env_values: '{}',
          updated_at: now,
        })
        .onConflict((oc) => oc.column('name').doUpdateSet({ bindings: JSON.stringify({ payacaHook: 'payaca-prod-hook' }) }))
        .execute();
    },
  });
});
afterAll(async () => {
  await server?.close({ graceMs: 0 });
});

it('verifies Payaca deliveries with the bound stored secret', async () => {
  const d = payacaDelivery(SECRET, 1);
  expect((await postJson(`${server.url}/hooks/payaca-hook`, d.body, d.headers)).status).toBe(202);
  const forged = payacaDelivery('some-other-secret', 2);
  expect((await postJson(`${server.url}/hooks/payaca-hook`, forged.body, forged.headers)).status).toBe(401);
});

it('verifies HighLevel deliveries with the stored Ed25519 public key', async () => {
  const body = JSON.stringify({ type: 'PostPublished', webhookId: 'w-1', timestamp: new Date().toISOString() });
  const good = sign(null, Buffer.from(body), ed.privateKey).toString('base64');
  expect((await postJson(`${server.url}/hooks/ghl-hook`, body, { 'x-ghl-signature': good })).status).toBe(202);
  expect(
    (await postJson(`${server.url}/hooks/ghl-hook`, body, { 'x-ghl-signature': good.replace(/^./, good[0] === 'A' ? 'B' : 'A') })).status,
  ).toBe(401);
});

it('answers 503 (sender retries) when the flow names a webhook credential that does not exist', async () => {
  const d = payacaDelivery(SECRET, 3);
  const res = await postJson(`${server.url}/hooks/unbound-hook`, d.body, d.headers);
  expect(res.status).toBe(503);
  expect(res.body.error.message).toContain('nobody-added-this');
  expect(JSON.stringify(res.body)).not.toContain(SECRET);
  expect(await server.ctx.db.selectFrom('runs').select('id').where('flow_id', '=', 'unbound-hook').execute()).toHaveLength(0);
});
