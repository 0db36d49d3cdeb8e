import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { errorsOf, officialResponseValidator } from '../../packages/sandbox/src/testing/official-schemas';
import { call, highlevelClient } from './helpers';

/** Bearer auth, the Version header, scopes, token ↔ location, request validation and rate limits. */

const TAGS = '/social-media-posting/{locationId}/tags';
let sb: Sandbox;

beforeAll(async () => {
  sb = await createSandbox({ seed: 11, rateLimit: { max: 5, intervalMs: 60_000, daily: 200_000 } });
});
afterAll(async () => sb?.close());

const tagsPath = (loc: string) => `/social-media-posting/${loc}/tags`;

describe('authentication and the Version header', () => {
  it('401 in HighLevel’s UnauthorizedDTO shape without a token or with an unknown one', async () => {
    const hl = sb.credentials.highlevel;
    const validate = officialResponseValidator('v2', 'GET', TAGS, '401');
    const none = await call(`${sb.highlevel.url}${tagsPath(hl.locationId)}`, { headers: { Version: '2021-07-28' } });
    expect(none.status).toBe(401);
    expect(validate(none.body), errorsOf(validate)).toBe(true);
    const unknown = await highlevelClient(sb, 'pit-not-a-real-token').get(tagsPath(hl.locationId));
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toMatch(/invalid/i);
  });

  it('400 (BadRequestDTO) without Version, 422 with a Version the operation does not take', async () => {
    const hl = sb.credentials.highlevel;
    const missing = await call(`${sb.highlevel.url}${tagsPath(hl.locationId)}`, {
      headers: { Authorization: `Bearer ${hl.privateIntegrationToken}` },
    });
    expect(missing.status).toBe(400);
    const v400 = officialResponseValidator('v2', 'GET', TAGS, '400');
    expect(v400(missing.body), errorsOf(v400)).toBe(true);
    expect(missing.body.message).toBe('Version header was not found');
    const wrong = await highlevelClient(sb, hl.privateIntegrationToken, '2023-02-21').get(tagsPath(hl.locationId));
    expect(wrong.status).toBe(422);
    const v422 = officialResponseValidator('v2', 'GET', TAGS, '422');
    expect(v422(wrong.body), errorsOf(v422)).toBe(true);
    // A v3-only operation refuses the v2 version value.
    const v3only = await highlevelClient(sb).get(`/social-media-posting/category/queues/q1?locationId=${hl.locationId}`);
    expect(v3only.status).toBe(422);
    expect(v3only.body.message[0]).toContain('v3');
  });
});

describe('scopes and locations', () => {
  it('403 names the missing scope (PIT with a reduced scope list, and an OAuth token)', async () => {
    const hl = sb.credentials.highlevel;
    const limited = highlevelClient(sb, hl.limitedPrivateIntegrationToken);
    expect((await limited.get(tagsPath(hl.locationId))).status).toBe(200);
    const accounts = await limited.get(`/social-media-posting/${hl.locationId}/accounts`);
    expect(accounts.status).toBe(403);
    expect(accounts.body.message).toContain('socialplanner/account.readonly');
    const stats = await limited.post(`/social-media-posting/statistics?locationId=${hl.locationId}`, { profileIds: ['x'] });
    expect(stats.status).toBe(403);
    expect(stats.body.message).toContain('socialplanner/statistics.readonly');

    const token = sb.admin.highlevel.issueToken({ scopes: ['socialplanner/post.readonly'] }).access_token;
    const posts = highlevelClient(sb, token);
    expect((await posts.get(tagsPath(hl.locationId))).body.message).toContain('socialplanner/tag.readonly');
  });

  it('admin-made PITs carry their own scope list', async () => {
    const hl = sb.credentials.highlevel;
    const made = await call(`${sb.highlevel.url}/_sandbox/pits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: hl.locations[2]!.id, scopes: ['socialplanner/account.readonly'] }),
    });
    expect(made.status).toBe(200);
    const client = highlevelClient(sb, made.body.token);
    expect((await client.get(`/social-media-posting/${hl.locations[2]!.id}/accounts`)).status).toBe(200);
    expect((await client.get(tagsPath(hl.locations[2]!.id))).status).toBe(403);
  });

  it('a token reaches only its own location; a Company token is refused on Sub-Account routes', async () => {
    const hl = sb.credentials.highlevel;
    const other = hl.locations[1]!;
    const res = await highlevelClient(sb).get(tagsPath(other.id));
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(other.id);
    expect((await highlevelClient(sb, other.privateIntegrationToken).get(tagsPath(other.id))).status).toBe(200);
    const company = sb.admin.highlevel.issueToken({ userType: 'Company' }).access_token;
    const refused = await highlevelClient(sb, company).get(tagsPath(hl.locationId));
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/authClass/);
  });
});

describe('request validation', () => {
  it('422 lists each problem with its field path (statistics: 1..100 profileIds, known platforms)', async () => {
    const hl = sb.credentials.highlevel;
    const client = highlevelClient(sb, hl.locations[2]!.privateIntegrationToken);
    const path = `/social-media-posting/statistics?locationId=${hl.locations[2]!.id}`;
    const empty = await client.post(path, { profileIds: [] });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(empty.body.message.join('\n')).toMatch(/profileIds/);
    const tooMany = await client.post(path, { profileIds: Array.from({ length: 101 }, (_, i) => `p${i}`) });
    expect(tooMany.status).toBe(422);
    const badPlatform = await client.post(path, { profileIds: ['a'], platforms: ['myspace'] });
    expect(badPlatform.body.message.join('\n')).toMatch(/platforms\[0\] must be one of/);
    // (A second integration: this sandbox allows 5 requests per minute per app and location.)
    const noBody = await highlevelClient(
      sb,
      sb.admin.highlevel.createPrivateIntegrationToken({ locationId: hl.locations[2]!.id }).token,
    ).send('POST', path);
    expect(noBody.status).toBe(422);
    expect(noBody.body.message.join('\n')).toMatch(/profileIds should not be empty/);
    const noLocation = await client.post('/social-media-posting/statistics', { profileIds: ['a'] });
    expect(noLocation.status).toBe(422);
    const noTagIds = await client.post(`/social-media-posting/${hl.locations[2]!.id}/tags/details`, {});
    expect(noTagIds.body.message.join('\n')).toMatch(/tagIds/);
    const badJson = await call(`${sb.highlevel.url}/social-media-posting/${hl.locations[2]!.id}/tags/details`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${hl.locations[2]!.privateIntegrationToken}`,
        Version: '2021-07-28',
        'content-type': 'application/json',
      },
      body: '{"tagIds": [',
    });
    expect(badJson.status).toBe(400);
  });
});

describe('rate limits per app per location', () => {
  it('answers the X-RateLimit headers, 429 with Retry-After over the limit, and keeps other locations free', async () => {
    const hl = sb.credentials.highlevel;
    // A fresh token (its own app id) so earlier tests do not share this window.
    const token = sb.admin.highlevel.issueToken({ locationId: hl.locations[1]!.id }).access_token;
    const client = highlevelClient(sb, token);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await client.get(tagsPath(hl.locations[1]!.id));
      expect(r.status).toBe(200);
      expect(r.headers.get('x-ratelimit-max')).toBe('5');
      expect(r.headers.get('x-ratelimit-interval-milliseconds')).toBe('60000');
      expect(r.headers.get('x-ratelimit-limit-daily')).toBe('200000');
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const before = sb.admin.highlevel.counters().rateLimited429;
    const over = await client.get(tagsPath(hl.locations[1]!.id));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(sb.admin.highlevel.counters().rateLimited429).toBe(before + 1);
    // Same app, another location: its own window.
    const elsewhere = sb.admin.highlevel.issueToken({ locationId: hl.locations[2]!.id }).access_token;
    expect((await highlevelClient(sb, elsewhere).get(tagsPath(hl.locations[2]!.id))).status).toBe(200);
  });

  it('the daily limit answers 429 with X-RateLimit-Daily-Remaining 0', async () => {
    const daily = await createSandbox({ seed: 12, rateLimit: { max: 100, intervalMs: 10_000, daily: 3 } });
    try {
      const hl = daily.credentials.highlevel;
      const client = highlevelClient(daily);
      for (let i = 0; i < 3; i++) expect((await client.get(tagsPath(hl.locationId))).status).toBe(200);
      const over = await client.get(tagsPath(hl.locationId));
      expect(over.status).toBe(429);
      expect(over.headers.get('x-ratelimit-daily-remaining')).toBe('0');
    } finally {
      await daily.close();
    }
  });
});
