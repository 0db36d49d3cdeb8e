import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { openMemoryDatabase, StatisticsStore, TagMapStore, TagSnapshotStore } from '../../packages/server/src/insights/index';
import type { SpliceDb } from '../../packages/server/src/storage/database';
import { routeDelta, runTemplate, snapshotCounters } from './support/sandbox-runner';

/**
 * Each template end to end against the sandbox (real HTTP on loopback, real engine, real Splice store),
 * with the calls it is expected to make counted by the sandbox's own counters.
 */
let sandbox: Sandbox;
let db: SpliceDb;
let closeDb: () => Promise<void>;
let locationId: string;

const TAGS = 'highlevel GET /social-media-posting/{locationId}/tags';
const TAG_DETAILS = 'highlevel POST /social-media-posting/{locationId}/tags/details';
const ACCOUNTS = 'highlevel GET /social-media-posting/{locationId}/accounts';
const STATISTICS = 'highlevel POST /social-media-posting/statistics';
const POSTS = 'highlevel POST /social-media-posting/{locationId}/posts/list';
const ADD_TAGS = 'payaca POST /v1/customers/{customerId}/tags';
const UPDATE_PROJECT = 'payaca PATCH /v1/projects/{projectId}';
const UPDATE_CUSTOMER = 'payaca PATCH /v1/customers/{customerId}';

const hlTags = () => sandbox.admin.highlevel.data().tags.get(locationId)!.filter((t) => !t.deleted);
const payacaCustomer = (id: string) => sandbox.admin.payaca.data().customers.find((c) => c.id === id)!;
const payacaProject = (id: string) => sandbox.admin.payaca.data().projects.find((p) => p.id === id)!;

beforeAll(async () => {
  sandbox = await createSandbox({ seed: 7 });
  ({ db, close: closeDb } = await openMemoryDatabase());
  locationId = sandbox.credentials.highlevel.locationId;
});
afterAll(async () => {
  await closeDb?.();
  await sandbox?.close();
});

describe('templates against the sandbox', () => {
  it('location-tags-into-payaca: every page of tags lands on the Payaca customer and project', async () => {
    const customer = sandbox.admin.payaca.data().customers[0]!;
    const project = sandbox.admin.payaca.data().projects.find((p) => p.customerId === customer.id)!;
    const before = snapshotCounters(sandbox);
    const tags = hlTags();
    const run = await runTemplate(
      sandbox,
      db,
      'location-tags-into-payaca',
      { locationId, customerId: customer.id, projectId: project.id, projectTags: project.tags },
      { locationId, env: { pageSize: '5' } },
    );
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const pages = Math.ceil(tags.length / 5);
    expect(pages).toBeGreaterThan(1);
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({ [TAGS]: pages, [ADD_TAGS]: 1, [UPDATE_PROJECT]: 1 });
    const names = tags.map((t) => t.tag.trim().slice(0, 30).trim());
    expect(payacaCustomer(customer.id).tags).toEqual(expect.arrayContaining(names));
    expect(payacaProject(project.id).tags).toEqual(expect.arrayContaining([...project.tags, ...names]));
  });

  it('post-statistics: reads accounts and statistics once and records 7 days per platform without double counting', async () => {
    const stats = new StatisticsStore(db);
    const accounts = sandbox.admin.highlevel.data().accounts.get(locationId)!;
    const platforms = [...new Set(accounts.map((a) => a.platform))].sort();
    const before = snapshotCounters(sandbox);
    const event = { type: 'SocialPostPublished', locationId, postId: 'p1', timestamp: new Date().toISOString() };
    const run = await runTemplate(sandbox, db, 'post-statistics', event, { locationId });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({ [ACCOUNTS]: 1, [STATISTICS]: 1 });
    const record = run.steps.find((s) => s.id === 'record')!.output as { inserted: number };
    expect(record.inserted).toBe(platforms.length * 7);
    // What HighLevel answered, and what the store now holds, agree.
    const answer = run.steps.find((s) => s.id === 'getStatistics')!.output as any;
    const series = await stats.series({ locations: [locationId], groupBy: 'platform' });
    expect(series.series.map((s) => s.key)).toEqual(platforms);
    expect(series.dates).toHaveLength(7);
    for (const s of series.series) {
      expect(s.totals.impressions).toBe(answer.results.platformTotals.impressions[s.key].total);
      expect(s.totals.reach).toBeCloseTo(answer.results.breakdowns.reach.platforms[s.key].value, 6);
      const e = answer.results.breakdowns.engagement[s.key];
      expect(s.totals.engagement).toBeCloseTo(e.likes + e.comments + e.shares, 6);
    }
    // The newest day is yesterday (UTC): the sandbox, like HighLevel, reports the 7 days before today.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect(series.dates.at(-1)).toBe(yesterday);
    // A re-run (the same webhook delivered again) replaces, never adds.
    const again = await runTemplate(sandbox, db, 'post-statistics', event, { locationId });
    expect(again.steps.find((s) => s.id === 'record')!.output).toMatchObject({ inserted: 0, unchanged: platforms.length * 7 });
    expect((await stats.series({ locations: [locationId] })).totals.impressions).toBe(series.totals.impressions);
  });

  it('live-tag-sync: first run sends every tag, a second run with no change sends nothing, a rename sends only the new name', async () => {
    const customerId = sandbox.admin.payaca.data().customers[1]!.id;
    const env = { payacaCustomerId: customerId };
    let before = snapshotCounters(sandbox);
    const first = await runTemplate(sandbox, db, 'live-tag-sync', {}, { locationId, env });
    expect(first.status, JSON.stringify(first.error)).toBe('succeeded');
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({ [TAGS]: 1, [POSTS]: 1, [ADD_TAGS]: 1 });
    expect(payacaCustomer(customerId).tags).toEqual(expect.arrayContaining(hlTags().map((t) => t.tag)));

    before = snapshotCounters(sandbox);
    const second = await runTemplate(sandbox, db, 'live-tag-sync', {}, { locationId, env });
    expect(second.status).toBe('filtered');
    const delta = routeDelta(before, snapshotCounters(sandbox));
    expect(delta).toEqual({ [TAGS]: 1, [POSTS]: 1 });
    expect(Object.keys(delta).filter((k) => k.startsWith('payaca'))).toEqual([]);

    // Rename a tag in HighLevel (the stand-in's data), then sync: only that change goes out.
    const renamed = hlTags()[0]!;
    const oldName = renamed.tag;
    renamed.tag = `${oldName} Pro`;
    before = snapshotCounters(sandbox);
    const third = await runTemplate(sandbox, db, 'live-tag-sync', {}, { locationId, env });
    expect(third.status).toBe('succeeded');
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({ [TAGS]: 1, [POSTS]: 1, [ADD_TAGS]: 1 });
    const sent = sandbox.admin.payaca.requests({ route: 'POST /v1/customers/{customerId}/tags' }).at(-1)!;
    expect(sent.body).toEqual({ tagNames: [`${oldName} Pro`] });
    const snapshots = await new TagSnapshotStore(db).list({ locations: [locationId] });
    expect(snapshots.map((s) => s.diff.renamed.length)).toEqual([0, 0, 1]);
    const map = await new TagMapStore(db).get({ locationId, highlevelTagIds: [renamed._id] });
    expect(map[0]).toMatchObject({ highlevelName: `${oldName} Pro`, payacaName: `${oldName} Pro` });
  });

  it('tag-details-sync: a Payaca tag change reads tag details by id and applies a HighLevel rename to the project', async () => {
    // The mapping table was filled by live-tag-sync above (HighLevel id <-> Payaca name).
    const [, a, b] = hlTags();
    const project = sandbox.admin.payaca.data().projects[2]!;
    const projectTags = [a!.tag, b!.tag];
    project.tags = [...projectTags];
    // Another tag renamed in HighLevel meanwhile, not yet synced.
    const oldName = a!.tag;
    a!.tag = `${oldName} (new)`;
    const before = snapshotCounters(sandbox);
    const event = { id: 'evt-1', event: 'project.tagsChanged', occurredAt: new Date().toISOString(), data: { project: structuredClone(project), added: [b!.tag], removed: [] } };
    const run = await runTemplate(sandbox, db, 'tag-details-sync', event, { locationId });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(routeDelta(before, snapshotCounters(sandbox))).toEqual({ [TAG_DETAILS]: 1, [UPDATE_PROJECT]: 1 });
    const detailsRequest = sandbox.admin.highlevel.requests({ route: 'POST /social-media-posting/{locationId}/tags/details' }).at(-1)!;
    expect((detailsRequest.body as { tagIds: string[] }).tagIds.sort()).toEqual([a!._id, b!._id].sort());
    expect(payacaProject(project.id).tags).toEqual([`${oldName} (new)`, b!.tag]);

    // Payaca's own webhook for that update changes nothing more (no loop).
    const before2 = snapshotCounters(sandbox);
    const echo = { ...event, data: { project: structuredClone(payacaProject(project.id)), added: [`${oldName} (new)`], removed: [oldName] } };
    const run2 = await runTemplate(sandbox, db, 'tag-details-sync', echo, { locationId });
    expect(run2.status).toBe('succeeded');
    expect(routeDelta(before2, snapshotCounters(sandbox))).toEqual({ [TAG_DETAILS]: 1 });
    a!.tag = oldName;
  });

  it('no call was rate limited and no template updated a customer it was not configured to', () => {
    const all = sandbox.admin.counters();
    expect(all.highlevel.rateLimited429).toBe(0);
    expect(Object.keys(all.payaca.routes)).not.toContain(UPDATE_CUSTOMER.replace('payaca ', ''));
  });
});
