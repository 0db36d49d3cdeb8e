import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { call, highlevelClient, payacaClient, type Received } from './helpers';

/** Signed webhooks from both stand-ins, verified here with node:crypto only. */

let sb: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes the receiver answers, in order; 200 once the list is used up. */
let answers: number[] = [];

beforeAll(async () => {
  sb = await createSandbox({ seed: 31, payacaWebhookRetry: { maxAttempts: 3, baseDelayMs: 20 } });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await sb?.close();
  await new Promise((r) => receiver?.close(r));
});

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check(), what).toBe(true);
}

describe('HighLevel webhooks', () => {
  it('x-ghl-signature is Ed25519 over the raw body, verifiable with the shown public key; payload has timestamp and webhookId', async () => {
    received.length = 0;
    const keys = await call(`${sb.highlevel.url}/_sandbox/webhooks/keys`);
    expect(keys.body.ed25519PublicKey).toBe(sb.credentials.highlevel.webhookPublicKey);
    const sent = await call(`${sb.highlevel.url}/_sandbox/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiverUrl,
        type: 'SocialPlannerPostPublished',
        locationId: sb.credentials.highlevel.locationId,
        payload: { postId: 'p1' },
      }),
    });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe(200);
    const got = received[0]!;
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({ type: 'SocialPlannerPostPublished', postId: 'p1', webhookId: sent.body.webhookId });
    expect(Date.parse(body.timestamp)).not.toBeNaN();
    const key = createPublicKey(keys.body.ed25519PublicKey);
    const sig = Buffer.from(String(got.headers['x-ghl-signature']), 'base64');
    expect(verify(null, Buffer.from(got.body), key, sig)).toBe(true);
    expect(verify(null, Buffer.from(got.body.replace('p1', 'p2')), key, sig)).toBe(false);
    expect(got.headers['x-wh-signature']).toBeUndefined();
  });

  it('the legacy x-wh-signature is RSA-SHA256 with its own public key', async () => {
    received.length = 0;
    const d = await sb.admin.highlevel.sendWebhook({
      url: receiverUrl,
      type: 'ContactTagUpdate',
      signatures: 'both',
      webhookId: 'fixed-id',
      timestamp: '2020-01-01T00:00:00.000Z',
    });
    expect(d.ok).toBe(true);
    const got = received[0]!;
    expect(JSON.parse(got.body)).toMatchObject({ webhookId: 'fixed-id', timestamp: '2020-01-01T00:00:00.000Z' });
    const rsa = createPublicKey(sb.credentials.highlevel.legacyWebhookPublicKey);
    expect(verify('sha256', Buffer.from(got.body), rsa, Buffer.from(String(got.headers['x-wh-signature']), 'base64'))).toBe(true);
    const ed = createPublicKey(sb.credentials.highlevel.webhookPublicKey);
    expect(verify(null, Buffer.from(got.body), ed, Buffer.from(String(got.headers['x-ghl-signature']), 'base64'))).toBe(true);
  });

  it('the Ed25519 key follows the seed, so verifiers keep working across restarts', async () => {
    const again = await createSandbox({ seed: 31 });
    const other = await createSandbox({ seed: 32 });
    try {
      expect(again.credentials.highlevel.webhookPublicKey).toBe(sb.credentials.highlevel.webhookPublicKey);
      expect(other.credentials.highlevel.webhookPublicKey).not.toBe(sb.credentials.highlevel.webhookPublicKey);
      expect(again.credentials.highlevel.privateIntegrationToken).toBe(sb.credentials.highlevel.privateIntegrationToken);
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });

  it('raises SocialPostPublished and SocialPlannerTagUpdate to subscriptions, signed', async () => {
    received.length = 0;
    const hl = sb.credentials.highlevel;
    const sub = await call(`${sb.highlevel.url}/_sandbox/webhooks/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, types: ['SocialPostPublished', 'SocialPlannerTagUpdate'] }),
    });
    expect(sub.body.subscriptions).toHaveLength(1);
    const account = sb.admin.highlevel.data().accounts.get(hl.locationId)![0]!;
    const created = await highlevelClient(sb).post(`/social-media-posting/${hl.locationId}/posts`, {
      type: 'post',
      accountIds: [account.id],
      userId: 'u1',
      summary: 'Now live',
      status: 'published',
    });
    expect(created.status).toBe(201);
    await until(() => received.length >= 1, 'SocialPostPublished');
    const published = JSON.parse(received[0]!.body);
    expect(published).toMatchObject({
      type: 'SocialPostPublished',
      locationId: hl.locationId,
      postId: created.body.results.post._id,
      platforms: [account.platform],
    });
    const ed = createPublicKey(hl.webhookPublicKey);
    expect(verify(null, Buffer.from(received[0]!.body), ed, Buffer.from(String(received[0]!.headers['x-ghl-signature']), 'base64'))).toBe(
      true,
    );

    const tag = await call(`${sb.highlevel.url}/_sandbox/tags`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tag: 'Brand New Tag' }),
    });
    await until(() => received.length >= 2, 'SocialPlannerTagUpdate');
    expect(JSON.parse(received[1]!.body)).toMatchObject({ type: 'SocialPlannerTagUpdate', tagIds: [tag.body._id] });
    const details = await highlevelClient(sb).post(`/social-media-posting/${hl.locationId}/tags/details`, { tagIds: [tag.body._id] });
    expect(details.body.results.tags[0].tag).toBe('Brand New Tag');
    await call(`${sb.highlevel.url}/_sandbox/webhooks/subscriptions`, { method: 'DELETE' });
  });

  it('refuses to send anywhere but loopback', async () => {
    const res = await call(`${sb.highlevel.url}/_sandbox/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/hook', type: 'X' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/127\.0\.0\.1/);
  });
});

describe('Payaca webhooks', () => {
  const verifyPayaca = (r: Received) => {
    const expected = createHmac('sha256', sb.credentials.payaca.webhookSecret).update(r.body).digest('hex');
    const given = String(r.headers['x-payaca-signature']);
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  };

  it('the admin endpoint fires an event signed with X-Payaca-Signature (hex HMAC-SHA256) and x-payaca-event', async () => {
    received.length = 0;
    const project = sb.admin.payaca.data().projects[0]!;
    const res = await call(`${sb.payaca.origin}/_sandbox/webhooks/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, event: 'project.tagsChanged', projectId: project.id }),
    });
    expect(res.status).toBe(200);
    expect(res.body.deliveries[0].status).toBe(200);
    const got = received[0]!;
    expect(got.headers['x-payaca-event']).toBe('project.tagsChanged');
    expect(verifyPayaca(got)).toBe(true);
    expect(JSON.parse(got.body).data.project.id).toBe(project.id);
    expect(verifyPayaca({ ...got, body: `${got.body} ` })).toBe(false);
  });

  it('changing a project’s tags through the API fires project.tagsChanged to subscriptions, retried after a 5xx with the same event id', async () => {
    received.length = 0;
    answers = [503];
    sb.admin.payaca.subscribe(receiverUrl, ['project.tagsChanged']);
    const project = sb.admin.payaca.data().projects[1]!;
    const res = await payacaClient(sb).send('PATCH', `/projects/${project.id}`, { tags: [...project.tags, 'Social Post Published'] });
    expect(res.status).toBe(200);
    await until(() => received.length >= 2, 'a retry after the 503');
    const [first, second] = received as [Received, Received];
    expect(JSON.parse(first.body).id).toBe(JSON.parse(second.body).id);
    expect(JSON.parse(second.body).data).toMatchObject({ added: ['Social Post Published'], removed: [] });
    expect(JSON.parse(second.body).data.previousTags).toEqual(project.tags.filter((t) => t !== 'Social Post Published'));
    expect(verifyPayaca(second)).toBe(true);
    const attempts = () => sb.admin.payaca.deliveries().filter((a) => a.eventId === JSON.parse(first.body).id);
    await until(() => attempts().length >= 2, 'both attempts recorded');
    expect(attempts().map((a) => a.status)).toEqual([503, 200]);
    // Setting the same tags again changes nothing and fires nothing.
    const count = received.length;
    await payacaClient(sb).send('PATCH', `/projects/${project.id}`, { tags: res.body.tags });
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(count);
  });

  it('a 4xx answer is final (no redelivery), like Payaca', async () => {
    received.length = 0;
    answers = [400];
    const project = sb.admin.payaca.data().projects[2]!;
    await payacaClient(sb).send('PATCH', `/projects/${project.id}`, { tags: ['Only'] });
    await until(() => received.length >= 1, 'one delivery');
    await new Promise((r) => setTimeout(r, 150));
    expect(received).toHaveLength(1);
  });
});
