import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore } from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { agencyParts, connectAgency } from './agency-helpers';
import { tempDataDir } from './helpers';

/**
 * Acceptance (issue 16): a refresh storm on location tokens. 5-second company and location tokens, 200
 * concurrent runs over the three demo locations in 2 processes sharing one SQLite data dir: one
 * locationToken exchange per location per expiry, zero invalid_grant on the company token's rotating
 * refresh token, every run succeeds. Default 12 s (2+ expiries); SPLICE_LONG_TESTS=1 runs 30 s.
 */
const SECONDS = process.env.SPLICE_LONG_TESTS ? 30 : 12;
const TTL = 5;
const WORKER = join(__dirname, 'fixtures/agency-storm-worker.ts');

interface WorkerReport {
  pid: number;
  runs: number;
  failed: number;
  errors: unknown[];
  perLocation: Record<string, number>;
  refresher: { refreshes: number; reused: number; invalidGrants: number };
  locationTokens: { exchanges: number; reused: number; syncs: number };
  exchanges: Array<{ at: number; locationId: string }>;
}

function runWorker(env: Record<string, string>): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as WorkerReport);
      } catch {
        reject(new Error(`worker printed no report: ${out} ${err}`));
      }
    });
  });
}

let sandbox: Sandbox;
const data = tempDataDir();
beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: TTL, locationTokenTtlSeconds: TTL });
});
afterAll(async () => {
  await sandbox?.close();
  data.cleanup();
});

describe('location-token storm across processes', () => {
  it(
    `${SECONDS}s of 200 concurrent runs over 3 locations in 2 processes: one exchange per location per expiry, no invalid_grant`,
    { timeout: (SECONDS + 90) * 1000 },
    async () => {
      const store = await CredentialStore.open({ dataDir: data.dir });
      await connectAgency(store, sandbox, 'agency', agencyParts(store).locationTokens);
      await store.close();
      const locations = sandbox.credentials.highlevel.locations.map((l) => l.id);

      const startAt = Date.now() + 6000;
      const endAt = startAt + SECONDS * 1000;
      const env = {
        DATA_DIR: data.dir,
        SANDBOX_URL: sandbox.highlevel.url,
        LOCATIONS: locations.join(','),
        CREDENTIAL: 'agency',
        CONCURRENCY: '100',
        START_AT: String(startAt),
        END_AT: String(endAt),
      };
      const reports = await Promise.all([runWorker(env), runWorker(env)]);
      const counters = sandbox.admin.highlevel.counters();
      const exchanges = reports.flatMap((r) => r.exchanges).sort((a, b) => a.at - b.at);
      const summary = {
        runs: reports.map((r) => r.runs),
        perLocationRuns: reports.map((r) => r.perLocation),
        locationTokensByLocation: counters.locationTokensByLocation,
        companyRefreshes: counters.tokensRefreshed,
        invalidGrant: counters.invalidGrant,
        reused: reports.map((r) => ({ location: r.locationTokens.reused, company: r.refresher.reused })),
      };
      console.log(JSON.stringify(summary));

      expect(reports.reduce((n, r) => n + r.failed, 0), JSON.stringify(reports.map((r) => r.errors))).toBe(0);
      expect(reports.reduce((n, r) => n + r.runs, 0)).toBeGreaterThan(200);
      expect(counters.invalidGrant).toBe(0);
      expect(reports.every((r) => r.refresher.invalidGrants === 0)).toBe(true);
      // Every exchange the workers sent reached HighLevel and was answered with a token.
      expect(counters.locationTokensIssued).toBe(reports.reduce((n, r) => n + r.locationTokens.exchanges, 0));
      for (const loc of locations) {
        const times = exchanges.filter((e) => e.locationId === loc).map((e) => e.at);
        expect(counters.locationTokensByLocation[loc]).toBe(times.length);
        // One exchange per expiry: a token is asked for again only 10% before it expires, never while the
        // previous one (from either process) is still fresh, so consecutive exchanges are ~0.9 TTL apart.
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gaps for ${loc}: ${times.join(',')}`).toBeGreaterThan(0.8 * TTL * 1000);
        expect(times.length).toBeGreaterThanOrEqual(Math.floor(SECONDS / TTL));
        expect(times.length).toBeLessThanOrEqual(Math.ceil(SECONDS / (0.9 * TTL)) + 1);
      }
      // Both processes raced for the same tokens: each reused exchanges it did not make itself.
      expect(reports.every((r) => r.locationTokens.reused > 0)).toBe(true);
      // The company token (also 5 s) was refreshed through the storm without a spent refresh token.
      expect(counters.tokensRefreshed).toBeGreaterThanOrEqual(1);
    },
  );
});
