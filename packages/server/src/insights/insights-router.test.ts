import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../storage/database';
import { createInsightsRouter } from './insights-router';
import { StatisticsStore } from './statistics-store';
import { TagSnapshotStore } from './tag-snapshot-store';

let dir: string;
let opened: OpenedDatabase;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'splice-insights-api-'));
  opened = await openDatabase({ dataDir: dir, url: '' });
  const stats = new StatisticsStore(opened.db);
  await stats.record([
    { locationId: 'loc1', platform: 'facebook', date: '2026-11-01', impressions: 10, reach: 8, engagement: 2, clicks: 1 },
    { locationId: 'loc1', platform: 'instagram', date: '2026-11-02', impressions: 20, reach: 15, engagement: 4, clicks: 2 },
    { locationId: 'loc2', platform: 'facebook', date: '2026-11-02', impressions: 5, reach: 5, engagement: 1, clicks: 0 },
  ]);
  const snaps = new TagSnapshotStore(opened.db);
  await snaps.snapshot('loc1', [{ id: 'a', name: 'A', usage: 1 }], { takenAt: '2026-11-01T10:00:00Z' });
  await snaps.snapshot('loc1', [{ id: 'a', name: 'A', usage: 4 }, { id: 'b', name: 'B', usage: 1 }], { takenAt: '2026-11-02T10:00:00Z' });
  await snaps.snapshot('loc1', [{ id: 'a', name: 'A', usage: 4 }, { id: 'b', name: 'B', usage: 1 }], { takenAt: '2026-11-03T10:00:00Z' });
  const app = express();
  app.use('/api/insights', createInsightsRouter({ db: opened.db }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/insights`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('/api/insights', () => {
  it('statistics: series by platform with facets, filtered by location and range', async () => {
    const res = await fetch(`${base}/statistics?location=loc1&from=2026-11-01&to=2026-11-02`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.dates).toEqual(['2026-11-01', '2026-11-02']);
    expect(body.series.map((s: any) => [s.key, s.points.map((p: any) => p.reach)])).toEqual([
      ['facebook', [8, 0]],
      ['instagram', [0, 15]],
    ]);
    expect(body.facets.locations).toEqual(['loc1', 'loc2']);
    const byLoc = await (await fetch(`${base}/statistics?groupBy=location&platform=facebook`)).json();
    expect(byLoc.series.map((s: any) => [s.key, s.totals.impressions])).toEqual([
      ['loc1', 10],
      ['loc2', 5],
    ]);
  });

  it('statistics: bad filters are 422 with the query path', async () => {
    const res = await fetch(`${base}/statistics?from=last-week`);
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatchObject({ code: 'INVALID_REQUEST', path: 'query.from' });
    expect((await fetch(`${base}/statistics?groupBy=colour`)).status).toBe(422);
  });

  it('CSV export', async () => {
    const res = await fetch(`${base}/statistics.csv?location=loc2`);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?splice-statistics.csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2026-11-02,loc2,facebook,,,5,5,1,0,/);
  });

  it('tag trends, snapshots and the tag map', async () => {
    const trends = await (await fetch(`${base}/tags/trends?location=loc1`)).json();
    expect(trends.rising.map((r: any) => [r.name, r.delta])).toEqual([
      ['A', 3],
      ['B', 1],
    ]);
    expect(trends.allLocations).toEqual(['loc1']);
    const snaps = await (await fetch(`${base}/tags/snapshots?location=loc1`)).json();
    expect(snaps.snapshots.map((s: any) => s.seq)).toEqual([3, 2, 1]);
    const changed = await (await fetch(`${base}/tags/snapshots?location=loc1&changed=true&limit=1`)).json();
    expect(changed.snapshots.map((s: any) => s.seq)).toEqual([2]);
    expect(changed.snapshots[0].diff.added).toEqual([{ id: 'b', name: 'B', usage: 1 }]);
    const put = await fetch(`${base}/tag-map`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: 'loc1', entries: [{ highlevelTagId: 'a', highlevelName: 'A', payacaName: 'a-tag' }] }),
    });
    expect(await put.json()).toEqual({ changed: 1, unchanged: 0, removed: 0 });
    const map = await (await fetch(`${base}/tag-map?location=loc1`)).json();
    expect(map.entries[0]).toMatchObject({ highlevelTagId: 'a', payacaName: 'a-tag' });
    const bad = await fetch(`${base}/tag-map`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locationId: 'loc1', entries: [{}] }) });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.path).toBe('body.entries[0].highlevelTagId');
  });
});
