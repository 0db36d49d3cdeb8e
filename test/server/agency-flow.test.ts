import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { Writable } from 'node:stream';
import type { CredentialStore } from '../../packages/server/src/credentials/credential-store';
import { createLogger } from '../../packages/server/src/logger';
import { eventually, startTestApi, type TestApi } from '../api/helpers';

/**
 * Acceptance (issue 16): one flow, one credential, events from every location of the agency. The flow
 * takes its location from the event; each call carries that location's own token (the sandbox refuses a
 * token on another location's route with 403, and a Company token on any with 401, so every 200 proves
 * it); the sandbox counts the calls per location; a fourth location installed while Splice runs (the
 * sandbox's admin API, HighLevel's INSTALL webhook to /oauth/highlevel/events) is served by the same
 * revision; run history filters by location.
 */
let sandbox: Sandbox;
let api: TestApi;
/** Everything the server logged, at debug level: no token may be in it. */
const logs: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    logs.push(String(chunk));
    done();
  },
});

const FLOW = `apiVersion: splice/v1
kind: Flow
metadata:
  name: agency-tags
  description: Reads the tags of the location a published post belongs to.
credentials:
  highlevel: { connector: highlevel }
  highlevelWebhook: { connector: highlevel }
trigger:
  type: webhook
  source: highlevel
  events: [SocialPostPublished]
  secret: highlevelWebhook
steps:
  - id: getTags
    type: call
    uses: highlevel.get-tags-location-id
    credential: highlevel
    with:
      params:
        locationId: =$event.locationId
`;

async function post(locationId: string) {
  const d = await sandbox.admin.highlevel.sendWebhook({ url: `${api.url}/hooks/agency-tags`, type: 'SocialPostPublished', locationId, payload: { postId: `p-${locationId}` } });
  expect(d.status, d.responseBody).toBe(202);
  return (JSON.parse(d.responseBody) as { runId: string }).runId;
}

async function finished(runId: string) {
  return eventually(async () => {
    const r = await api.call('GET', `/api/runs/${runId}`);
    return ['succeeded', 'failed', 'dead'].includes(r.body.status) ? r.body : undefined;
  }, 400);
}

beforeAll(async () => {
  sandbox = await createSandbox({ seed: 16 });
  api = await startTestApi({ logger: createLogger({ level: 'debug', destination: sink }) });
  const hl = sandbox.credentials.highlevel;
  expect((await api.call('POST', '/api/credentials', { name: 'hl-webhook', type: 'highlevel-webhook-key', secret: { publicKey: hl.webhookPublicKey } })).status).toBe(201);
  // Connect the agency as the Credentials page does: start with userType Company, approve for the agency.
  await api.call('PATCH', '/api/environments/staging', { baseUrls: sandbox.baseUrls });
  const start = await api.call('POST', '/api/credentials/oauth/highlevel/start', {
    name: 'agency',
    clientId: hl.oauth.clientId,
    clientSecret: hl.oauth.clientSecret,
    scopes: ['socialplanner/tag.readonly', 'oauth.readonly', 'oauth.write'],
    userType: 'Company',
  });
  expect(start.status).toBe(200);
  const consent = new URL(start.body.installUrl);
  consent.searchParams.set('approve_agency', '1');
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = await fetch(approved.headers.get('location')!);
  expect(await callback.text()).toContain('serving 3 installed location(s)');
  await api.call('PATCH', '/api/environments/staging', { baseUrls: sandbox.baseUrls, bindings: { highlevel: 'agency', highlevelWebhook: 'hl-webhook' } });
  expect((await api.call('POST', '/api/flows', { yaml: FLOW })).status).toBe(201);
  const activated = await api.call('POST', '/api/flows/agency-tags/activate');
  expect(activated.status, JSON.stringify(activated.body)).toBe(200);
  // HighLevel sends the app's INSTALL/UNINSTALL webhooks to Splice.
  sandbox.admin.highlevel.subscribe(`${api.url}/oauth/highlevel/events`, ['INSTALL', 'UNINSTALL']);
}, 60_000);

afterAll(async () => {
  await api?.close();
  await sandbox?.close();
});

describe('one flow and one agency credential for every location', () => {
  it('events of all three demo locations: each call carries its own location’s token, counted per location', async () => {
    const locations = sandbox.credentials.highlevel.locations;
    const listed = await api.call('GET', '/api/credentials/agency/locations');
    expect(listed.body.locations.map((l: { name: string }) => l.name).sort()).toEqual(locations.map((l) => l.name).sort());
    const before = structuredClone(sandbox.admin.highlevel.counters());
    const runs = await Promise.all(locations.map((l) => post(l.id)));
    for (const runId of runs) expect((await finished(runId)).status).toBe('succeeded');
    const after = sandbox.admin.highlevel.counters();
    expect(after.locationTokensIssued - before.locationTokensIssued).toBe(3);
    const calls = sandbox.admin.highlevel.requests({ route: 'GET /social-media-posting/{locationId}/tags' });
    for (const l of locations) {
      const mine = calls.filter((c) => c.locationId === l.id);
      expect(mine.length).toBe(1);
      expect(mine[0]).toMatchObject({ status: 200, auth: 'Location' });
      expect(after.locations[l.id]?.['200']).toBe(1);
    }
    // The credential's page lists each location's token as valid now.
    const states = (await api.call('GET', '/api/credentials/agency/locations')).body.locations.map((l: { token: string }) => l.token);
    expect(states).toEqual(['valid', 'valid', 'valid']);
    // Run history by location.
    const second = locations[1]!.id;
    const filtered = await api.call('GET', `/api/runs?flow=agency-tags&location=${second}`);
    expect(filtered.body.runs.map((r: { runId: string }) => r.runId)).toEqual([runs[1]]);
    expect(filtered.body.runs[0].locationId).toBe(second);
    const directory = await api.call('GET', '/api/locations');
    expect(directory.body.locations.find((l: { id: string }) => l.id === second)).toMatchObject({ name: locations[1]!.name, credentials: ['agency'], installed: true });
  });

  it('a fourth location installed while Splice runs is served by the same revision', async () => {
    const revision = (await api.call('GET', '/api/flows/agency-tags')).body.headRevision;
    const added = sandbox.admin.highlevel.agency.addLocation({ name: 'Fourth Street Builders' });
    // The INSTALL webhook adds it; its name comes from /oauth/installedLocations right after.
    await eventually(async () => {
      const l = (await api.call('GET', '/api/credentials/agency/locations')).body.locations as Array<{ id: string; name?: string }>;
      return l.find((x) => x.id === added.id && x.name === 'Fourth Street Builders');
    }, 400);
    const run = await finished(await post(added.id));
    expect(run.status).toBe('succeeded');
    expect(sandbox.admin.highlevel.counters().locations[added.id]?.['200']).toBe(1);
    expect((await api.call('GET', '/api/flows/agency-tags')).body.headRevision).toBe(revision);

    // Uninstalled again: the UNINSTALL webhook drops it, and a call for it fails naming the location.
    sandbox.admin.highlevel.agency.uninstallApp(added.id);
    await eventually(async () => {
      const l = (await api.call('GET', '/api/credentials/agency/locations')).body.locations as Array<{ id: string; status: string }>;
      return l.find((x) => x.id === added.id && x.status === 'uninstalled');
    }, 400);
    const refused = await finished(await post(added.id));
    expect(refused.status).not.toBe('succeeded');
    expect(refused.error.code).toBe('CREDENTIAL_LOCATION_NOT_COVERED');
    expect(refused.error.message).toContain(`location ${added.id}`);
  });

  it('validation before deploy: a call that names no location, through the agency, is refused with CREDENTIAL_LOCATION_REQUIRED', async () => {
    const noLocation = FLOW.replace('name: agency-tags', 'name: agency-tags-nowhere').replace(/    with:\n      params:\n        locationId: =\$event.locationId\n/, '');
    expect(noLocation).not.toContain('locationId: =');
    expect((await api.call('POST', '/api/flows', { yaml: noLocation })).status).toBe(201);
    const deployed = await api.call('POST', '/api/flows/agency-tags-nowhere/deploy', { environment: 'staging' });
    expect(deployed.status).toBe(422);
    const issue = (deployed.body.error.issues as Array<{ code: string; message: string }>).find((i) => i.code === 'CREDENTIAL_LOCATION_REQUIRED');
    expect(issue?.message).toContain('step getTags (highlevel.get-tags-location-id) names no locationId, but credential agency serves several locations');
  });

  it('no company token, location token or client secret reached the server log', async () => {
    const store = api.server.ctx.stores.credentials as CredentialStore;
    const secrets = [...(await store.secretValues()), sandbox.credentials.highlevel.oauth.clientSecret];
    expect((await store.locations.tokenValues()).length).toBeGreaterThanOrEqual(3);
    expect(logs.length).toBeGreaterThan(10);
    const all = logs.join('');
    expect(all).toContain('credential.location_token');
    for (const s of secrets) expect(all).not.toContain(s);
  });

  it('a schedule with forEachLocation runs once per installed location at each tick, each with its own token', async () => {
    const scheduled = `apiVersion: splice/v1
kind: Flow
metadata:
  name: agency-every-second
credentials:
  highlevel: { connector: highlevel }
trigger:
  type: schedule
  cron: '* * * * * *'
  forEachLocation: highlevel
  event: { job: tags }
steps:
  - id: getTags
    type: call
    uses: highlevel.get-tags-location-id
    credential: highlevel
    with:
      params:
        locationId: =$event.locationId
`;
    expect((await api.call('POST', '/api/flows', { yaml: scheduled })).status).toBe(201);
    expect((await api.call('POST', '/api/flows/agency-every-second/activate')).status).toBe(200);
    const installed = (await api.call('GET', '/api/credentials/agency/locations')).body.locations.filter((l: { status: string }) => l.status === 'installed').map((l: { id: string }) => l.id).sort();
    expect(installed).toHaveLength(3);
    const db = api.server.ctx.db;
    // The first tick whose runs all finished: one run per installed location, told apart by location.
    const tick = await eventually(async () => {
      const events = await db.selectFrom('events').selectAll().where('flow_id', '=', 'agency-every-second').execute();
      const byTick = new Map<string, typeof events>();
      for (const e of events) {
        const t = e.dedupe_key!.split(':').slice(1, -1).join(':');
        byTick.set(t, [...(byTick.get(t) ?? []), e]);
      }
      for (const [t, evs] of byTick) {
        const runs = await db.selectFrom('runs').selectAll().where('event_id', 'in', evs.map((e) => e.id)).execute();
        if (runs.length === installed.length && runs.every((r) => r.status === 'succeeded')) return { t, evs, runs };
      }
      return undefined;
    }, 400);
    await api.call('POST', '/api/flows/agency-every-second/deactivate');
    expect(tick.evs.map((e) => JSON.parse(e.body).locationId).sort()).toEqual(installed);
    expect(tick.evs.every((e) => e.dedupe_key === `schedule:${tick.t}:${JSON.parse(e.body).locationId}` && JSON.parse(e.body).job === 'tags')).toBe(true);
    expect(tick.runs.map((r) => r.location_id).sort()).toEqual(installed);
  });
});
