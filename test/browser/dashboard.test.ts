import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './support/browser';
import { ensureEditorBuilt } from './support/stack';

/**
 * The dashboards as a new user meets them: `splice start` (a real subprocess: sandbox, server, templates,
 * dashboards seeded by running the templates), then the printed editor URL in headless Chromium. The
 * assertions read the series ECharts actually holds (data attributes written from `getOption()`, and the
 * chart instances on `window.__spliceCharts`) and compare them with the REST API's answers.
 */
const ROOT = resolve(import.meta.dirname, '../..');

let child: ChildProcess;
let dataDir: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let base: string;
let token: string;
let output = '';

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/api${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function rendered(id: string): Promise<{ series: string[]; points: number[] }> {
  const chart = page.getByTestId(`chart-${id}`);
  await expect.poll(() => chart.getAttribute('data-rendered'), { timeout: 15_000 }).toBe('true');
  return { series: JSON.parse((await chart.getAttribute('data-series'))!), points: JSON.parse((await chart.getAttribute('data-points'))!) };
}

/** Sum of each series' data, read from the ECharts instance itself. */
const chartSums = (id: string) =>
  page.evaluate((chartId) => {
    const option = window.__spliceCharts?.[chartId]?.getOption() as { series?: Array<{ name: string; data: Array<number | null> }> } | undefined;
    return Object.fromEntries((option?.series ?? []).map((s) => [s.name, s.data.reduce<number>((a, b) => a + (b ?? 0), 0)]));
  }, id);

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out; splice start printed:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  ensureEditorBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'splice-start-ui-'));
  child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/splice.mjs'), 'start', '--data-dir', dataDir, '--port', '0', '--sandbox-port', '0'], {
    cwd: ROOT,
    env: { ...process.env, SPLICE_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  await waitFor(() => /Press Ctrl-C to stop\./.test(output) || child.exitCode !== null, 90_000);
  const m = /Editor:\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(output);
  expect(m, output).not.toBeNull();
  [, base, token] = m as unknown as [string, string, string];
  browser = await launchBrowser({ acceptDownloads: true });
  page = await browser.context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboards after `splice start`', () => {
  it('the statistics dashboard charts the seeded statistics by platform and by location', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/#token=${token}`);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await expect.poll(() => page.getByTestId('statistics-dashboard').isVisible(), { timeout: 15_000 }).toBe(true);

    const byPlatform = await api<any>('/insights/statistics?groupBy=platform');
    expect(byPlatform.facets.locations).toHaveLength(3);
    const platforms = byPlatform.series.map((s: any) => s.key);
    expect(platforms.length).toBeGreaterThan(1);
    for (const metric of ['reach', 'impressions', 'engagement', 'clicks']) {
      const r = await rendered(`statistics-${metric}`);
      expect(r.series, metric).toEqual(platforms);
      expect(r.points, metric).toEqual(platforms.map(() => byPlatform.dates.length));
    }
    expect(byPlatform.dates).toHaveLength(7);
    const impressions = await chartSums('statistics-impressions');
    for (const s of byPlatform.series) expect(impressions[s.key]).toBeCloseTo(s.totals.impressions, 0);
    // HighLevel's statistics have no clicks: the chart is empty and says why.
    await expect.poll(() => page.getByTestId('no-data-clicks').isVisible()).toBe(true);
    await screenshot(page, 'dashboard-statistics', { fullPage: true });

    await page.getByTestId('group-location').click();
    const byLocation = await api<any>('/insights/statistics?groupBy=location');
    await expect.poll(async () => (await rendered('statistics-reach')).series).toEqual(byLocation.facets.locations);
    const reach = await chartSums('statistics-reach');
    for (const s of byLocation.series) expect(reach[s.key]).toBeCloseTo(s.totals.reach, 0);

    // Filters: one location and a two-day range.
    const location = byLocation.facets.locations[0];
    const [from, to] = [byLocation.dates[2], byLocation.dates[3]];
    await page.getByTestId('filter-location').selectOption(location);
    await page.getByTestId('filter-from').fill(from);
    await page.getByTestId('filter-to').fill(to);
    await expect.poll(async () => (await rendered('statistics-reach')).points).toEqual([2]);
    const filtered = await api<any>(`/insights/statistics?groupBy=location&location=${location}&from=${from}&to=${to}`);
    expect((await chartSums('statistics-reach'))[location]).toBeCloseTo(filtered.series[0].totals.reach, 0);
    expect(await page.getByTestId('total-reach').textContent()).toBe(Math.round(filtered.totals.reach).toLocaleString('en-GB'));

    // CSV export of exactly the filtered rows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^date,location_id,platform,/);
    const platformsThere = (await api<any>(`/insights/statistics?location=${location}`)).series.length;
    expect(csv.slice(1)).toHaveLength(2 * platformsThere);
    expect(csv.slice(1).every((line) => line.includes(`,${location},`) && (line.startsWith(from) || line.startsWith(to)))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('the tag-trends dashboard charts usage per location from the snapshots and lists the fastest rising tags', async () => {
    await page.getByTestId('tab-tags').click();
    const trends = await api<any>('/insights/tags/trends?top=8');
    expect(trends.snapshots).toBeGreaterThan(3);
    const usage = await rendered('tags-usage');
    expect(usage.series).toEqual(trends.locations.map((l: any) => l.locationId));
    expect(usage.points).toEqual(trends.locations.map(() => trends.dates.length));
    const rising = await rendered('tags-rising');
    expect(rising.series.length).toBe(trends.tags.length);
    expect(trends.rising.length).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('rising-row').count()).toBe(trends.rising.length);
    expect(await page.getByTestId('rising-row').first().locator('td').first().textContent()).toBe(trends.rising[0].name);
    await screenshot(page, 'dashboard-tag-trends', { fullPage: true });
  });

  it('the templates splice start imported open in the editor with their splice.* steps known to the catalog', async () => {
    const titles = { 'post-statistics': 'Post statistics into the dashboard', 'live-tag-sync': 'Live tag sync', 'tag-details-sync': 'Tag details sync' };
    for (const [flow, title] of Object.entries(titles)) {
      await page.goto(`${base}/#/flows/${flow}`);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain(title);
      await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toMatch(/Splice data/);
      await page.waitForTimeout(500);
      expect(await page.locator('main').textContent(), flow).not.toMatch(/no catalog operation|FLOW_UNKNOWN_OPERATION/);
    }
    await screenshot(page, 'dashboard-template-flow');
  });
});
