import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext, ActionDefinition } from '@splice/runtime';
import { openDatabase, type OpenedDatabase } from '../storage/database';
import { createSpliceActions } from './splice-actions';
import { statisticsCsv } from './statistics-csv';
import { StatisticsStore } from './statistics-store';
import { TagSnapshotStore } from './tag-snapshot-store';
import { tagTrends } from './tag-trends';

let dir: string;
let opened: OpenedDatabase;
let actions: Map<string, ActionDefinition<any, any>>;

function ctx(idempotencyKey: string, dryRun = false): ActionContext {
  return { idempotencyKey, dryRun, signal: new AbortController().signal, attempt: 1, baseUrls: {}, strictResponses: false } as unknown as ActionContext;
}
const run = (id: string, input: unknown, key = `k-${Math.random()}`, dryRun = false) => actions.get(id)!.run(input as any, ctx(key, dryRun));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'splice-insights-'));
  opened = await openDatabase({ dataDir: dir, url: '' });
  actions = new Map(createSpliceActions(opened.db).map((a) => [a.id, a]));
});
afterEach(async () => {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('splice.record-statistics', () => {
  const rows = [
    { locationId: 'loc1', platform: 'facebook', profileId: 'p1', date: '2026-11-20', impressions: 100, reach: 80, engagement: 12, clicks: null },
    { locationId: 'loc1', platform: 'instagram', profileId: 'p2', date: '2026-11-20T10:00:00Z', impressions: 50, reach: 40, engagement: 5 },
    { locationId: 'loc1', platform: 'facebook', profileId: 'p1', date: '2026-11-21', impressions: 120, reach: 90, engagement: 20 },
  ];

  it('upserts by natural key: a re-run does not double count, a changed figure updates', async () => {
    expect(await run('splice.record-statistics', { rows })).toEqual({ inserted: 3, updated: 0, unchanged: 0, total: 3 });
    expect(await run('splice.record-statistics', { rows })).toEqual({ inserted: 0, updated: 0, unchanged: 3, total: 3 });
    const changed = [{ ...rows[0], impressions: 130 }];
    expect(await run('splice.record-statistics', { rows: changed })).toEqual({ inserted: 0, updated: 1, unchanged: 0, total: 1 });
    const answer = await new StatisticsStore(opened.db).series({ groupBy: 'platform' });
    expect(answer.dates).toEqual(['2026-11-20', '2026-11-21']);
    expect(answer.series.map((s) => s.key)).toEqual(['facebook', 'instagram']);
    expect(answer.series[0]!.points.map((p) => p.impressions)).toEqual([130, 120]);
    expect(answer.series[1]!.points.map((p) => p.impressions)).toEqual([50, 0]); // zero-filled day
    expect(answer.totals.impressions).toBe(300);
  });

  it('filters by location, platform and date range, and exports CSV', async () => {
    await run('splice.record-statistics', { rows: [...rows, { locationId: 'loc2', platform: 'facebook', date: '2026-11-21', reach: 7 }] });
    const store = new StatisticsStore(opened.db);
    const a = await store.series({ locations: ['loc1'], platforms: ['facebook'], from: '2026-11-21', to: '2026-11-21', groupBy: 'location' });
    expect(a.series).toHaveLength(1);
    expect(a.series[0]!.totals.reach).toBe(90);
    const csv = statisticsCsv(await store.rows({ locations: ['loc2'] }));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^date,location_id,platform,profile_id,post_id,impressions,reach,engagement,clicks/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2026-11-21,loc2,facebook,,,,7,/);
    const facets = await store.facets();
    expect(facets).toMatchObject({ locations: ['loc1', 'loc2'], platforms: ['facebook', 'instagram'], firstDate: '2026-11-20', lastDate: '2026-11-21', rows: 4 });
  });

  it('refuses bad input with the field path and stores nothing', async () => {
    await expect(run('splice.record-statistics', { rows: [{ locationId: 'x', platform: 'fb', date: 'yesterday' }] })).rejects.toMatchObject({
      code: 'SPLICE_INPUT_INVALID',
      path: 'with.rows[0].date',
    });
    await expect(run('splice.record-statistics', { rows: [{ locationId: 'x', platform: 'fb', date: '2026-01-01', reach: 'many' }] })).rejects.toMatchObject({
      path: 'with.rows[0].reach',
    });
    expect((await new StatisticsStore(opened.db).facets()).rows).toBe(0);
  });
});

describe('splice.snapshot-tags', () => {
  const v1 = [
    { _id: 't1', tag: 'Boiler', locationId: 'loc1' },
    { _id: 't2', tag: 'Solar', locationId: 'loc1' },
    { _id: 't3', tag: 'Old', locationId: 'loc1', deleted: true },
  ];
  it('answers added, renamed and removed since the last snapshot; nothing when unchanged', async () => {
    const first = await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 });
    expect(first).toMatchObject({ first: true, changed: true, tagCount: 2, added: [{ id: 't1', name: 'Boiler' }, { id: 't2', name: 'Solar' }] });
    const same = await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 });
    expect(same).toMatchObject({ first: false, changed: false, added: [], renamed: [], removed: [], unchanged: 2 });
    const v2 = [{ _id: 't1', tag: 'Boilers' }, { _id: 't4', tag: 'Heat pump' }];
    const next = await run('splice.snapshot-tags', { locationId: 'loc1', tags: v2 });
    expect(next).toMatchObject({
      changed: true,
      added: [{ id: 't4', name: 'Heat pump' }],
      renamed: [{ id: 't1', from: 'Boiler', to: 'Boilers' }],
      removed: [{ id: 't2', name: 'Solar' }],
      seq: 3,
    });
    // Another location is independent.
    expect(await run('splice.snapshot-tags', { locationId: 'loc2', tags: v2 })).toMatchObject({ first: true, seq: 1 });
  });

  it('a retried step with the same idempotency key answers the same diff and stores nothing new', async () => {
    await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 }, 'run1:snap');
    const again = await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 }, 'run1:snap');
    expect(again).toMatchObject({ replayed: true, first: true, changed: true });
    expect(await new TagSnapshotStore(opened.db).list({ locations: ['loc1'] })).toHaveLength(1);
  });

  it('an uncommitted snapshot is not the base of the next diff until it is committed', async () => {
    await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 });
    const pending = await run('splice.snapshot-tags', { locationId: 'loc1', tags: [...v1, { _id: 't9', tag: 'New' }], commit: false });
    expect(pending).toMatchObject({ changed: true, added: [{ id: 't9', name: 'New' }] });
    // The flow failed before committing: the next run finds the same change again.
    const again = await run('splice.snapshot-tags', { locationId: 'loc1', tags: [...v1, { _id: 't9', tag: 'New' }], commit: false });
    expect(again).toMatchObject({ changed: true, added: [{ id: 't9', name: 'New' }] });
    expect(await run('splice.commit-snapshot', { snapshotId: again.snapshotId })).toEqual({ committed: true });
    expect(await run('splice.snapshot-tags', { locationId: 'loc1', tags: [...v1, { _id: 't9', tag: 'New' }] })).toMatchObject({ changed: false });
    await expect(run('splice.commit-snapshot', { snapshotId: 'nope' })).rejects.toMatchObject({ code: 'SPLICE_SNAPSHOT_NOT_FOUND', path: 'with.snapshotId' });
    // Every snapshot, committed or not, is an observation for the trends.
    expect(await new TagSnapshotStore(opened.db).list({ locations: ['loc1'] })).toHaveLength(4);
  });

  it('dry run answers the diff without storing', async () => {
    const dry = await run('splice.snapshot-tags', { locationId: 'loc1', tags: v1 }, 'd', true);
    expect(dry).toMatchObject({ dryRun: true, first: true, changed: true });
    expect(await new TagSnapshotStore(opened.db).list()).toHaveLength(0);
  });

  it('tag trends rank the fastest rising tags by usage', async () => {
    const store = new TagSnapshotStore(opened.db);
    await store.snapshot('loc1', [{ id: 'a', name: 'A', usage: 1 }, { id: 'b', name: 'B', usage: 5 }], { takenAt: '2026-11-01T09:00:00Z' });
    await store.snapshot('loc1', [{ id: 'a', name: 'A', usage: 2 }, { id: 'b', name: 'B', usage: 5 }], { takenAt: '2026-11-01T18:00:00Z' });
    await store.snapshot('loc1', [{ id: 'a', name: 'A', usage: 9 }, { id: 'b', name: 'B', usage: 6 }, { id: 'c', name: 'C', usage: 3 }], { takenAt: '2026-11-03T09:00:00Z' });
    const t = tagTrends(await store.list({ locations: ['loc1'] }), 5);
    expect(t.dates).toEqual(['2026-11-01', '2026-11-03']);
    expect(t.locations[0]!.points).toEqual([
      { date: '2026-11-01', tagCount: 2, usage: 7 }, // last snapshot of the day counts
      { date: '2026-11-03', tagCount: 3, usage: 18 },
    ]);
    expect(t.rising.map((r) => [r.name, r.first, r.last, r.delta])).toEqual([
      ['A', 2, 9, 7],
      ['C', 0, 3, 3],
      ['B', 5, 6, 1],
    ]);
    expect(t.tags.map((x) => x.points.length)).toEqual([2, 1, 2]);
  });
});

describe('splice.tag-map-get / splice.tag-map-set', () => {
  it('stores, looks up both ways, reports unmapped, and counts only real changes', async () => {
    const set = { locationId: 'loc1', entries: [{ highlevelTagId: 't1', highlevelName: 'Boiler', payacaName: 'boiler' }, { highlevelTagId: 't2', highlevelName: 'Solar', payacaName: 'solar-pv' }] };
    expect(await run('splice.tag-map-set', set)).toEqual({ changed: 2, unchanged: 0, removed: 0 });
    expect(await run('splice.tag-map-set', set)).toEqual({ changed: 0, unchanged: 2, removed: 0 });
    const got = await run('splice.tag-map-get', { locationId: 'loc1', payacaNames: ['boiler', 'unknown'], highlevelTagIds: ['t9'] });
    expect(got.entries.map((e: any) => e.highlevelTagId)).toEqual(['t1']);
    expect(got.byPayacaName.boiler.highlevelName).toBe('Boiler');
    expect(got.unmappedPayacaNames).toEqual(['unknown']);
    expect(got.unmappedHighlevelIds).toEqual(['t9']);
    expect(await run('splice.tag-map-set', { locationId: 'loc1', remove: ['t2'] })).toEqual({ changed: 0, unchanged: 0, removed: 1 });
    expect((await run('splice.tag-map-get', { locationId: 'loc1' })).entries).toHaveLength(1);
    expect((await run('splice.tag-map-get', { locationId: 'other' })).entries).toHaveLength(0);
  });
});
