import { sampleFromSchema } from '../../packages/sandbox/src/highlevel/sampler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../packages/sandbox/src/core/schema-validator';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { loadHighLevelSpecs, type HlOperation } from '../../packages/sandbox/src/highlevel/spec-loader';
import { errorsOf, officialResponseValidator } from '../../packages/sandbox/src/testing/official-schemas';
import { highlevelClient } from './helpers';

/**
 * Every operation of both Social Planner specs can be test-called, and every answer validates against the
 * operation's response schema. The implemented ones are checked against the official files as published.
 */

let sb: Sandbox;
const specs = loadHighLevelSpecs();
const validator = new SchemaValidator();

beforeAll(async () => {
  sb = await createSandbox({ seed: 3, rateLimit: false });
});
afterAll(async () => sb?.close());

function requestFor(op: HlOperation) {
  const hl = sb.credentials.highlevel;
  const data = sb.admin.highlevel.data();
  const post = data.posts.get(hl.locationId)!.find((p) => !p.deleted)!;
  const account = data.accounts.get(hl.locationId)![0]!;
  const values: Record<string, string> = {
    locationId: hl.locationId,
    id: post._id,
    accountId: 'acc1',
    platform: 'facebook',
    userId: 'user1',
    queueId: 'q1',
    itemId: 'i1',
    csvId: 'c1',
    postId: 'p1',
  };
  if (op.path.endsWith('/accounts/{id}')) values.id = account.id;
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x1'));
  const query = new URLSearchParams();
  for (const p of op.parameters) if (p.in === 'query' && p.required) query.set(p.name, values[p.name] ?? 'x1');
  let body: unknown;
  if (op.requestBody?.contentType === 'application/json') body = sampleFromSchema(op.requestBody.schema);
  if (body && typeof body === 'object' && 'locationId' in body) body = { ...body, locationId: hl.locationId };
  if (op.operationId === 'create-post') body = { ...(body as object), accountIds: [account.id] };
  if (op.operationId === 'create-post' || op.operationId === 'edit-post')
    body = { ...(body as object), scheduleDate: '2026-12-01T10:00:00.000Z' };
  if (op.operationId === 'get-social-media-statistics' || op.operationId === 'get-statistics') body = { profileIds: [account.profileId] };
  if (op.operationId === 'get-posts')
    body = {
      ...(body as object),
      type: 'all',
      skip: '0',
      limit: '5',
      fromDate: '2020-01-01T00:00:00.000Z',
      toDate: '2030-01-01T00:00:00.000Z',
    };
  return { path: `${path}${query.size ? `?${query}` : ''}`, body };
}

describe('every operation answers per its response schema', () => {
  it('covers the 40 v2 and 45 v3 operations', () => {
    expect(specs.operations.filter((o) => o.version === 'v2')).toHaveLength(40);
    expect(specs.operations.filter((o) => o.version === 'v3')).toHaveLength(45);
  });

  // Deletes run last so the post they remove is not needed by a later call.
  const ordered = [...specs.operations].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
  for (const op of ordered) {
    it(`${op.version} ${op.operationId} (${op.route})`, async () => {
      const { path, body } = requestFor(op);
      const client = highlevelClient(sb, sb.credentials.highlevel.privateIntegrationToken, op.versionHeader[0]);
      const answer =
        op.requestBody?.contentType === 'multipart/form-data'
          ? await fetch(`${sb.highlevel.url}${path}`, {
              method: op.method,
              headers: { Authorization: `Bearer ${sb.credentials.highlevel.privateIntegrationToken}`, Version: op.versionHeader[0]! },
              body: (() => {
                const f = new FormData();
                f.set('file', new Blob(['summary\nhello'], { type: 'text/csv' }), 'posts.csv');
                return f;
              })(),
            }).then(async (r) => ({ status: r.status, body: await r.json() }))
          : await client.send(op.method, path, body);
      expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(op.successStatus);
      if (op.successSchema) expect(validator.validate(op.successSchema, answer.body)).toEqual([]);
    });
  }
});

describe('implemented operations validate against the official files as published', () => {
  it('tags, tag details, accounts and statistics (v2 and v3)', async () => {
    const hl = sb.credentials.highlevel;
    for (const version of ['v2', 'v3'] as const) {
      const client = highlevelClient(sb, hl.privateIntegrationToken, version === 'v2' ? '2021-07-28' : 'v3');
      const tags = await client.get(`/social-media-posting/${hl.locationId}/tags?limit=5`);
      const vTags = officialResponseValidator(version, 'GET', '/social-media-posting/{locationId}/tags', '200');
      expect(vTags(tags.body), errorsOf(vTags)).toBe(true);
      const details = await client.post(`/social-media-posting/${hl.locationId}/tags/details`, { tagIds: [tags.body.results.tags[0]._id] });
      const vDetails = officialResponseValidator(version, 'POST', '/social-media-posting/{locationId}/tags/details', '201');
      expect(vDetails(details.body), errorsOf(vDetails)).toBe(true);
      const accounts = await client.get(`/social-media-posting/${hl.locationId}/accounts`);
      const vAccounts = officialResponseValidator(version, 'GET', '/social-media-posting/{locationId}/accounts', '200');
      expect(vAccounts(accounts.body), errorsOf(vAccounts)).toBe(true);
      const statsStatus = version === 'v2' ? '201' : '200';
      const stats = await client.post(`/social-media-posting/statistics?locationId=${hl.locationId}`, {
        profileIds: accounts.body.results.accounts.map((a: { profileId: string }) => a.profileId),
      });
      expect(String(stats.status)).toBe(statsStatus);
      const vStats = officialResponseValidator(version, 'POST', '/social-media-posting/statistics', statsStatus);
      expect(vStats(stats.body), errorsOf(vStats)).toBe(true);
    }
  });

  it('v3 statistics honour currentRange and prevRange', async () => {
    const hl = sb.credentials.highlevel;
    const client = highlevelClient(sb, hl.privateIntegrationToken, 'v3');
    const profileIds = sb.admin.highlevel
      .data()
      .accounts.get(hl.locationId)!
      .map((a) => a.profileId);
    const currentRange = { startDate: '2026-03-01T00:00:00.000Z', endDate: '2026-03-31T00:00:00.000Z' };
    const withPrev = await client.post(`/social-media-posting/statistics?locationId=${hl.locationId}`, {
      profileIds,
      currentRange,
      prevRange: { startDate: '2026-02-01T00:00:00.000Z', endDate: '2026-02-28T00:00:00.000Z' },
    });
    expect(withPrev.status).toBe(200);
    expect(withPrev.body.results.dayRange).toHaveLength(31);
    expect(typeof withPrev.body.results.breakdowns.impressions.totalChange).toBe('number');
    const withoutPrev = await client.post(`/social-media-posting/statistics?locationId=${hl.locationId}`, { profileIds, currentRange });
    expect(withoutPrev.body.results.breakdowns.impressions.totalChange).toBeUndefined();
    // The same seed gives the same numbers.
    expect(withoutPrev.body.results.totals).toEqual(withPrev.body.results.totals);
    const onlyPrev = await client.post(`/social-media-posting/statistics?locationId=${hl.locationId}`, {
      profileIds,
      prevRange: currentRange,
    });
    expect(onlyPrev.status).toBe(422);
  });

  it('posts: create, list, get, edit and delete work over the demo data', async () => {
    const hl = sb.credentials.highlevel;
    const client = highlevelClient(sb);
    const account = sb.admin.highlevel.data().accounts.get(hl.locationId)![1]!;
    const created = await client.post(`/social-media-posting/${hl.locationId}/posts`, {
      type: 'post',
      accountIds: [account.id],
      userId: 'u1',
      summary: 'Sandbox post',
      status: 'draft',
    });
    expect(created.status).toBe(201);
    const id = created.body.results.post._id;
    const got = await client.get(`/social-media-posting/${hl.locationId}/posts/${id}`);
    expect(got.body.results.post).toMatchObject({ summary: 'Sandbox post', status: 'draft', accountIds: [account.id] });
    const listed = await client.post(`/social-media-posting/${hl.locationId}/posts/list`, {
      type: 'draft',
      accounts: account.id,
      skip: '0',
      limit: '50',
      fromDate: '2000-01-01T00:00:00Z',
      toDate: '2100-01-01T00:00:00Z',
      includeUsers: 'false',
    });
    expect(listed.body.results.posts.map((p: { _id: string }) => p._id)).toContain(id);
    const unknownAccount = await client.post(`/social-media-posting/${hl.locationId}/posts`, {
      type: 'post',
      accountIds: ['nope'],
      userId: 'u1',
    });
    expect(unknownAccount.status).toBe(422);
    const deleted = await client.send('DELETE', `/social-media-posting/${hl.locationId}/posts/${id}`);
    expect(deleted.status).toBe(200);
    expect((await client.get(`/social-media-posting/${hl.locationId}/posts/${id}`)).status).toBe(404);
  });
});
