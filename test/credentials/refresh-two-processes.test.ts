import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStore, saveOAuthTokens } from '../../packages/server/src/credentials/index';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { tempDataDir } from './helpers';

/**
 * Acceptance: 5-second access tokens, 200 concurrent runs over 2 processes sharing one SQLite data dir:
 * one refresh per expiry, zero invalid_grant, every run succeeds. Default 12 s (enough for 2+ expiries,
 * so both processes race for the same refresh several times); SPLICE_LONG_TESTS=1 runs the full 30 s.
 */
const SECONDS = process.env.SPLICE_LONG_TESTS ? 30 : 12;
const TTL = 5;
const WORKER = join(__dirname, 'fixtures/refresh-worker.ts');

interface WorkerReport {
  pid: number;
  runs: number;
  failed: number;
  errors: unknown[];
  stats: { refreshes: number; reused: number; invalidGrants: number };
  finalVersion: number;
}

function runWorker(env: Record<string, string>): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: TTL });
});
afterAll(async () => {
  await sandbox?.close();
  data.cleanup();
});

describe('single-flight refresh across processes', () => {
  it(
    `${SECONDS}s of 200 concurrent runs over 2 processes: one refresh per expiry, no invalid_grant, every run succeeds`,
    { timeout: (SECONDS + 90) * 1000 },
    async () => {
      const hl = sandbox.credentials.highlevel;
      const store = await CredentialStore.open({ dataDir: data.dir });
      const tokens = sandbox.admin.highlevel.issueToken({ scopes: ['socialplanner/tag.readonly'], ttlSeconds: TTL });
      const createdAt = Date.now();
      await saveOAuthTokens(
        store,
        {
          name: 'ghl-load',
          clientId: hl.oauth.clientId,
          clientSecret: hl.oauth.clientSecret,
          tokenUrl: `${sandbox.highlevel.url}/oauth/token`,
        },
        {
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token!,
          expiresAt: new Date(createdAt + TTL * 1000).toISOString(),
          scopes: tokens.scope.split(' '),
          userType: 'Location',
          locationId: hl.locationId,
        },
      );
      await store.close();

      // Both workers start their runs at the same instant (after their imports), then run for SECONDS.
      const startAt = Date.now() + 6000;
      const endAt = startAt + SECONDS * 1000;
      const env = {
        DATA_DIR: data.dir,
        SANDBOX_URL: sandbox.highlevel.url,
        LOCATION_ID: hl.locationId,
        CREDENTIAL: 'ghl-load',
        CONCURRENCY: '100',
        START_AT: String(startAt),
        END_AT: String(endAt),
      };
      const reports = await Promise.all([runWorker(env), runWorker(env)]);
      const finishedAt = Date.now();

      const counters = sandbox.admin.highlevel.counters();
      const shown = { tokensRefreshed: counters.tokensRefreshed, invalidGrant: counters.invalidGrant, routes: counters.routes };
      console.log(JSON.stringify({ counters: shown, reports }));
      const runs = reports.reduce((n, r) => n + r.runs, 0);
      const failed = reports.reduce((n, r) => n + r.failed, 0);
      const sent = reports.reduce((n, r) => n + r.stats.refreshes, 0);
      expect(failed, JSON.stringify(reports.map((r) => r.errors))).toBe(0);
      expect(runs).toBeGreaterThan(200);
      expect(counters.invalidGrant).toBe(0);
      expect(reports.every((r) => r.stats.invalidGrants === 0)).toBe(true);
      // Every refresh the workers sent reached the sandbox and was a good one.
      expect(counters.tokensRefreshed).toBe(sent);
      // One refresh per expiry: tokens live TTL s and are refreshed 10% early, so over the whole span at
      // most span / (0.9 TTL) refreshes, +1 per process start; and they did refresh (runs outlived a token).
      const span = (finishedAt - createdAt) / 1000;
      expect(counters.tokensRefreshed).toBeLessThanOrEqual(Math.ceil(span / (0.9 * TTL)) + 2);
      expect(counters.tokensRefreshed).toBeGreaterThanOrEqual(Math.floor(SECONDS / TTL) - 1);
      expect(counters.tokensRefreshed).toBeGreaterThanOrEqual(1);
      // Both processes took part in the races: each reused refreshes it did not make itself.
      expect(reports.every((r) => r.stats.reused > 0)).toBe(true);
      // Every refresh stored exactly one version. Read once both processes have exited: a worker's own last
      // read can predate a refresh the other worker made while finishing its last runs.
      const after = await CredentialStore.open({ dataDir: data.dir });
      const finalVersion = (await after.get('ghl-load')).activeVersion;
      await after.close();
      expect(finalVersion).toBe(1 + counters.tokensRefreshed);
      expect(reports.every((r) => r.finalVersion <= finalVersion)).toBe(true);
    },
  );
});
