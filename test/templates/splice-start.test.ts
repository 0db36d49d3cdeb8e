import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';

/**
 * `splice start` as a user runs it (a subprocess), twice on the same data dir: the first start registers,
 * imports and seeds; the second finds everything in place and duplicates nothing.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'splice-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const TEMPLATES = ['live-tag-sync', 'location-tags-into-payaca', 'post-statistics', 'tag-details-sync'];

/**
 * Runs `splice start` until it is up, returns what it printed and the API's statistics (and, when asked,
 * each template's test run with its own sample event, as the editor's Test run button sends it), then stops it.
 */
async function start(opts: { testRuns?: boolean } = {}): Promise<{ out: string; stats: any; trends: any; agency: any; testRuns: Record<string, any>; exitCode: number | null }> {
  const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/splice.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--sandbox-port', '0'], {
    cwd: ROOT,
    env: { ...process.env, SPLICE_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const until = Date.now() + 90_000;
  while (!/Press Ctrl-C to stop\./.test(out)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`splice start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const [, base, token] = /Editor:\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(out) ?? [];
  const get = async (path: string) => (await fetch(`${base}/api${path}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const testRuns: Record<string, any> = {};
  for (const id of opts.testRuns ? TEMPLATES : []) {
    const res = await fetch(`${base}/api/flows/${id}/test-runs`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    testRuns[id] = { httpStatus: res.status, ...(await res.json()) };
  }
  const stats = await get('/insights/statistics?groupBy=location');
  const trends = await get('/insights/tags/trends');
  const agency = await get('/credentials/sandbox-agency/locations');
  const editor = await fetch(`${base}/`);
  expect(editor.status).toBe(200);
  child.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { out, stats, trends, agency, testRuns, exitCode };
}

describe('splice start', () => {
  it('first start: demo credentials, templates, seeded dashboards and the URLs; a second start duplicates nothing', async () => {
    const first = await start({ testRuns: true });
    expect(first.out).toMatch(/Editor:\s+http:\/\/127\.0\.0\.1:\d+\/#token=splice_/);
    expect(first.out).toContain('sandbox-highlevel (added), sandbox-payaca (added), sandbox-highlevel-webhook (added), sandbox-payaca-webhook (added)');
    expect(first.out).toContain('live-tag-sync (imported, active), location-tags-into-payaca (imported, active), post-statistics (imported, active), tag-details-sync (imported, active)');
    expect(first.out).toMatch(/private integration token: pit-/);
    // An agency install over the three demo locations, bound as staging's `highlevel`: the seeding runs
    // used a token per location through it.
    expect(first.out).toContain('sandbox-agency (connected)');
    expect(first.out).toMatch(/Agency: sandbox-agency serves 3 locations \(.*Bright Sparks Electrical.*\)/);
    expect(first.agency.locations.map((l: { name: string }) => l.name).sort()).toEqual(['Bright Sparks Electrical', 'Greenleaf Roofing', 'Northside Plumbing & Heating']);
    expect(first.agency.locations.map((l: { token: string }) => l.token)).toEqual(['valid', 'valid', 'valid']);
    expect(first.out).toMatch(/API key \(Basic auth\): client id payaca_/);
    expect(first.stats.facets.locations).toHaveLength(3);
    expect(first.stats.dates).toHaveLength(7);
    expect(first.trends.snapshots).toBeGreaterThan(3);
    expect(first.trends.locations).toHaveLength(3);
    expect(first.exitCode).toBe(0);
    // A new user's first test run of each imported template, with the template's own sample event and the
    // staging bindings `splice start` made: the samples name the sandbox's demo records, so nothing fails.
    for (const id of TEMPLATES) {
      const run = first.testRuns[id];
      const failed = (run.steps ?? []).filter((s: { status: string }) => s.status === 'failed');
      expect({ id, httpStatus: run.httpStatus, failed }, JSON.stringify(run.error ?? run)).toEqual({ id, httpStatus: 200, failed: [] });
      // live-tag-sync ran at start already, so its test run may find nothing new (filtered), never a failure.
      expect(['succeeded', 'filtered'], `${id}: ${JSON.stringify(run.error)}`).toContain(run.status);
    }

    const second = await start();
    expect(second.out).toContain('sandbox-highlevel (unchanged), sandbox-payaca (unchanged), sandbox-highlevel-webhook (unchanged), sandbox-payaca-webhook (unchanged)');
    expect(second.out).toContain('sandbox-agency (reconnected)');
    expect(second.out).toContain('live-tag-sync (kept, active), location-tags-into-payaca (kept, active), post-statistics (kept, active), tag-details-sync (kept, active)');
    // The same statistics again replace, never add; only one new tag snapshot per location (no backfill again).
    if (second.stats.dates.at(-1) === first.stats.dates.at(-1)) {
      // (Unless UTC midnight passed between the two starts: then HighLevel's 7-day window moved.)
      expect(second.stats.facets.rows).toBe(first.stats.facets.rows);
      expect(second.stats.totals.impressions).toBe(first.stats.totals.impressions);
    }
    expect(second.trends.snapshots).toBe(first.trends.snapshots + 3);
    // A new admin token each start (the printed URL always works).
    const token = (s: string) => /#token=(\S+)/.exec(s)?.[1];
    expect(token(second.out)).not.toBe(token(first.out));
    // The agency's company and location tokens never reached the output.
    const store = await CredentialStore.open({ dataDir });
    const secrets = [(await store.readActive('sandbox-agency')).secret.accessToken!, ...(await store.locations.tokenValues())];
    await store.close();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const v of secrets) expect(first.out + second.out).not.toContain(v);

  }, 240_000);
});
