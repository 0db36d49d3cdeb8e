import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CredentialResolver } from '@splice/runtime';
import { formatSandboxBanner, type Sandbox } from '@splice/sandbox';
import {
  completeOAuthCallback,
  createStoreCredentialResolver,
  OAuthLoginRegistry,
  type CredentialStore,
  type LocationTokens,
  type TokenRefresher,
} from '@splice/server/credentials/index';
import { rotateAdminToken } from '@splice/server/api/admin-token';
import { configureStaging, ensureCredentials, hasTagSnapshots, importTemplates, runTemplateOnce, type DemoCredential } from '@splice/server/insights/demo-bootstrap';
import { StatisticsStore } from '@splice/server/insights/statistics-store';
import { TagSnapshotStore } from '@splice/server/insights/tag-snapshot-store';
import { startServer, type RunningServer } from '@splice/server/serve';
import { CliUsageError, type CliIO, type RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { SANDBOX_DEFAULT_PORTS, startSandboxFromCli } from './sandbox';

/**
 * `splice start` (the README's start command): the sandbox with its demo data, the server on the embedded
 * default (SQLite under .splice), demo credentials registered and bound in staging, the templates imported
 * and active, the dashboards filled by running the templates against the sandbox, the built editor, and
 * one printout of where everything is. Safe to run again: nothing already in place is duplicated.
 */
type Opts = { port: string; host: string; dataDir?: string; sandboxPort: string; seed: string; seedData: boolean; logLevel?: string };

const DAY_MS = 86_400_000;
const EDITOR_DIST = fileURLToPath(new URL('../../../editor/dist/index.html', import.meta.url));

const AGENCY = 'sandbox-agency';

/** The stored credentials as staging binds them: the agency for HighLevel (a token per location), the Payaca key. */
function stagingResolver(server: RunningServer): CredentialResolver {
  const { ctx } = server;
  return createStoreCredentialResolver({
    store: ctx.stores.credentials as CredentialStore,
    refresher: ctx.stores.tokenRefresher as TokenRefresher,
    locationTokens: ctx.stores.locationTokens as LocationTokens,
    bindings: { highlevel: AGENCY, payaca: 'sandbox-payaca' },
  });
}

/**
 * Installs the sandbox's marketplace app for the whole agency, as a user would from the Credentials page:
 * the consent page's agency approval, the code exchange (user_type Company), the installed locations
 * read by name. The sandbox's tokens live in its memory, so each start connects again (a new version).
 */
async function seedAgency(server: RunningServer, sb: Sandbox): Promise<{ outcome: string; locations: string[] }> {
  const { ctx } = server;
  const store = ctx.stores.credentials as CredentialStore;
  const hl = sb.credentials.highlevel;
  const existed = Boolean(await store.find(AGENCY));
  const registry = new OAuthLoginRegistry();
  const started = registry.start({
    name: AGENCY,
    clientId: hl.oauth.clientId,
    clientSecret: hl.oauth.clientSecret,
    scopes: hl.oauth.scopes,
    redirectUri: `${server.url}/oauth/callback`,
    tokenUrl: `${sb.baseUrls.highlevel}/oauth/token`,
    installUrl: `${sb.baseUrls.highlevel}/oauth/chooselocation`,
    userType: 'Company',
  });
  const consent = new URL(started.installUrl);
  consent.searchParams.set('approve_agency', '1');
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = new URL(approved.headers.get('location') ?? `${server.url}/oauth/callback`);
  const locationTokens = ctx.stores.locationTokens as LocationTokens;
  const outcome = await completeOAuthCallback({ store, registry, query: callback.searchParams, afterSave: async (c) => void (await locationTokens.sync(c)) });
  if (!outcome.credential) throw new Error(`connecting the sandbox agency failed: ${outcome.message}`);
  const locations = (await store.locations.list(outcome.credential.id)).filter((l) => l.status === 'installed').map((l) => l.name ?? l.locationId);
  return { outcome: existed ? 'reconnected' : 'connected', locations };
}

function demoCredentials(sb: Sandbox): DemoCredential[] {
  const hl = sb.credentials.highlevel;
  const pc = sb.credentials.payaca;
  return [
    { name: 'sandbox-highlevel', kind: 'highlevel-pit', values: { token: hl.privateIntegrationToken, locationId: hl.locationId }, scopes: hl.oauth.scopes },
    { name: 'sandbox-payaca', kind: 'payaca-api-key', values: { clientId: pc.clientId, clientSecret: pc.clientSecret } },
    { name: 'sandbox-highlevel-webhook', kind: 'highlevel-webhook-key', values: { publicKey: hl.webhookPublicKey, algorithm: 'ed25519' } },
    { name: 'sandbox-payaca-webhook', kind: 'payaca-webhook-secret', values: { secret: pc.webhookSecret } },
  ];
}

/** Days to take tag snapshots "as of" on the first start: every other day across the demo posts' history. */
function backfillDays(sb: Sandbox, locationId: string): string[] {
  const data = sb.admin.highlevel.data();
  const times = [...(data.tags.get(locationId) ?? []).map((t) => Date.parse(t.createdAt)), ...(data.posts.get(locationId) ?? []).map((p) => Date.parse(p.publishedAt ?? p.displayDate))].filter(Number.isFinite);
  if (times.length === 0) return [];
  const first = Math.floor(Math.min(...times) / DAY_MS) * DAY_MS + DAY_MS - 1;
  const last = Math.min(Math.max(...times) + 2 * DAY_MS, Date.now() - DAY_MS);
  const days: string[] = [];
  for (let t = first; t <= last && days.length < 14; t += 2 * DAY_MS) days.push(new Date(t).toISOString());
  return days;
}

async function seedDashboards(server: RunningServer, sb: Sandbox, say: (line: string) => void): Promise<void> {
  const ctx = server.ctx;
  const customers = sb.admin.payaca.data().customers;
  const stamp = Date.now().toString(36);
  let failures = 0;
  let backfilled = 0;
  const check = (what: string, status: string, error?: { message: string }) => {
    if (status === 'failed') {
      failures++;
      say(`  ! ${what} failed: ${error?.message ?? 'see the run record'}`);
    }
  };
  // One resolver for every location: the agency connection hands each call its location's token.
  const credentials = stagingResolver(server);
  for (const [i, loc] of sb.credentials.highlevel.locations.entries()) {
    const opts = (env: Record<string, unknown>, n: string) => ({
      credentials,
      baseUrls: sb.baseUrls,
      env: { locationId: loc.id, payacaCustomerId: customers[i]?.id ?? '', ...env },
      runId: `start-${stamp}-${i}-${n}`,
    });
    const stats = await runTemplateOnce(ctx, 'post-statistics', { type: 'SocialPostPublished', locationId: loc.id, timestamp: new Date().toISOString() }, opts({}, 'stats'));
    check(`post-statistics for ${loc.name}`, stats.status, stats.error);
    const backfill = (await hasTagSnapshots(ctx, loc.id)) ? [] : backfillDays(sb, loc.id);
    backfilled += backfill.length;
    for (const [n, asOf] of backfill.entries()) {
      const run = await runTemplateOnce(ctx, 'live-tag-sync', { locationId: loc.id, asOf }, opts({}, `tags-${n}`));
      check(`live-tag-sync for ${loc.name} as of ${asOf.slice(0, 10)}`, run.status, run.error);
    }
    const now = await runTemplateOnce(ctx, 'live-tag-sync', { locationId: loc.id }, opts({}, 'tags-now'));
    check(`live-tag-sync for ${loc.name}`, now.status, now.error);
  }
  const facets = await new StatisticsStore(ctx.db).facets();
  const snapshots = await new TagSnapshotStore(ctx.db).list();
  say(
    `Dashboards: ${facets.rows} statistics rows (${facets.locations.length} locations, ${facets.firstDate} → ${facets.lastDate}), ` +
      `${snapshots.length} tag snapshots${backfilled ? ` (${backfilled} taken as of past days, from the demo posts' publish dates)` : ''}${failures ? `; ${failures} seed runs failed` : ''}.`,
  );
}

export const registerStart: RegisterCommand = (program: Command, io: CliIO) => {
  program
    .command('start')
    .description('Start everything for a first look: sandbox with demo data, server (SQLite under .splice), demo credentials in staging, templates, filled dashboards, editor')
    .option('--port <port>', 'server port (editor, API, webhooks)', '8787')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'data dir (default $SPLICE_DATA_DIR or .splice)')
    .option('--sandbox-port <port>', 'sandbox port (HighLevel under /highlevel, Payaca under /payaca)', String(SANDBOX_DEFAULT_PORTS.root))
    .option('--seed <n>', 'sandbox demo-data seed', '1')
    .option('--no-seed-data', 'do not run the templates to fill the dashboards')
    .option('--log-level <level>', 'server log level (fatal, error, warn, info, debug, silent)', 'warn')
    .action(async (opts: Opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port must be a port number, got "${opts.port}".`);
      const quiet: CliIO = { out: () => {}, err: (t) => io.err(t), setExit: () => {} };
      const sandbox = await startSandboxFromCli({ port: opts.sandboxPort, highlevelPort: '0', payacaPort: '0', seed: opts.seed, logLevel: 'silent' }, quiet);
      let token = process.env.SPLICE_ADMIN_TOKEN ?? '';
      const server = await startServer({
        handleSignals: true,
        config: { port, host: opts.host, dataDir: opts.dataDir ?? process.env.SPLICE_DATA_DIR ?? '.splice', logLevel: opts.logLevel },
        // A fresh admin token each start, so the URL printed below always works (the old one stops working).
        setup: async (ctx) => {
          if (!token) token = await rotateAdminToken(ctx.db);
        },
      }).catch(async (err: NodeJS.ErrnoException) => {
        await sandbox.close();
        if (err.code === 'EADDRINUSE') throw new CliUsageError(`port ${port} on ${opts.host} is in use: pass another --port (or stop the other Splice).`, ExitCode.ENVIRONMENT);
        throw err;
      });
      process.once('exit', () => void sandbox.close());
      const say = (line: string) => io.out(`${line}\n`);

      const hl = sandbox.credentials.highlevel;
      const customers = sandbox.admin.payaca.data().customers;
      const creds = await ensureCredentials(server.ctx, demoCredentials(sandbox));
      // Staging's `highlevel` is the agency connection, so each template serves all three locations.
      const agency = await seedAgency(server, sandbox);
      // Each location's Payaca customer (and back), as values: one flow per template serves them all.
      const perLocation: Record<string, string> = {};
      for (const [i, l] of hl.locations.entries()) {
        const customer = customers[i]?.id;
        if (!customer) continue;
        perLocation[`payacaCustomerId@${l.id}`] = customer;
        perLocation[`locationId@${customer}`] = l.id;
      }
      await configureStaging(server.ctx, {
        baseUrls: sandbox.baseUrls,
        bindings: { highlevel: AGENCY, payaca: 'sandbox-payaca', highlevelWebhook: 'sandbox-highlevel-webhook', payacaWebhook: 'sandbox-payaca-webhook' },
        values: { locationId: hl.locationId, payacaCustomerId: customers[0]?.id ?? '', ...perLocation },
      });
      const templates = await importTemplates(server.ctx, { activate: true });
      // The sandbox's Payaca sends its tag-change webhooks to the tag-details-sync flow.
      sandbox.admin.payaca.subscribe(`${server.url}/hooks/tag-details-sync`, ['project.tagsChanged']);
      // HighLevel's app events: a location installed in the sandbox (POST /_sandbox/locations) joins the agency.
      sandbox.admin.highlevel.subscribe(`${server.url}/oauth/highlevel/events`, ['INSTALL', 'UNINSTALL']);

      say(`\nStaging is bound to the sandbox: ${creds.map((c) => `${c.name} (${c.outcome})`).join(', ')}, ${AGENCY} (${agency.outcome}).`);
      say(`Agency: ${AGENCY} serves ${agency.locations.length} locations (${agency.locations.join(', ')}); the templates use it for all of them.`);
      say(`Templates: ${templates.map((t) => `${t.id} (${t.outcome}${t.active ? ', active' : ''})`).join(', ')}.`);
      if (opts.seedData) await seedDashboards(server, sandbox, say);
      say(`\n${formatSandboxBanner(sandbox)}`);
      // Last, so the editor's address is what a new user sees without scrolling.
      say(`\nSplice is running (data in ${server.ctx.config.dataDir}).\n`);
      say(`  Editor:    ${server.url}/#token=${token}`);
      say(`  API:       ${server.url}/api   (Authorization: Bearer ${token})`);
      say(`  Webhooks:  ${server.url}/hooks/<flow>`);
      if (!existsSync(EDITOR_DIST)) say('  (the editor is not built: run `pnpm --filter @splice/editor build`, then reload)');
      say('\nOpen the editor address above. Press Ctrl-C to stop.');
      // Runs until a signal: startServer's handler shuts down and exits the process.
      await new Promise<never>(() => {});
    });
};
