import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/sandbox';
import { CredentialStore, LocationTokens, createStoreCredentialResolver } from '../../packages/server/src/credentials/index';
import { agencyParts, connectAgency } from './agency-helpers';
import { tempDataDir } from './helpers';

/**
 * Agency connections against the sandbox: one `highlevel-agency` credential serves every installed
 * location with that location's own token (POST /oauth/locationToken), re-obtained near its expiry; a
 * location it does not cover fails with an error naming the location and how to add it; a location
 * installed later is found; an uninstalled one stops being served. And a group of private integration
 * tokens serves its locations through one name the same way.
 */
let sandbox: Sandbox;
const data = tempDataDir();
let store: CredentialStore;
let parts: ReturnType<typeof agencyParts>;

beforeAll(async () => {
  sandbox = await createSandbox({ rateLimit: false, tokenTtlSeconds: 3600, locationTokenTtlSeconds: 2 });
  store = await CredentialStore.open({ dataDir: data.dir });
  parts = agencyParts(store);
});
afterAll(async () => {
  await store?.close();
  await sandbox?.close();
  data.cleanup();
});

const tags = (token: string, locationId: string) =>
  fetch(`${sandbox.highlevel.url}/social-media-posting/${locationId}/tags`, { headers: { Authorization: `Bearer ${token}`, Version: '2021-07-28' } });

describe('an agency connection', () => {
  it('connects at agency level and lists the installed locations by name', async () => {
    const info = await connectAgency(store, sandbox, 'agency', parts.locationTokens);
    expect(info.kind).toBe('highlevel-agency');
    expect(info.meta.companyId).toBe(sandbox.credentials.highlevel.companyId);
    const locations = await store.locations.list(info.id);
    expect(locations.map((l) => l.name).sort()).toEqual(sandbox.credentials.highlevel.locations.map((l) => l.name).sort());
    expect(locations.every((l) => l.status === 'installed' && !l.hasToken)).toBe(true);
  });

  it('resolves each location to its own token; the company token is never handed out', async () => {
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens: parts.locationTokens, bindings: { highlevel: 'agency' } });
    const before = sandbox.admin.highlevel.counters().locationTokensIssued;
    const company = (await store.readActive('agency')).secret.accessToken;
    const seen = new Set<string>();
    for (const l of sandbox.credentials.highlevel.locations) {
      const cred = await resolver.resolve('highlevel', { resource: l.id, scope: 'socialplanner/tag.readonly' });
      expect(cred.resource).toBe(l.id);
      expect(cred.meta?.locationName).toBe(l.name);
      const token = (cred.auth as { token: string }).token;
      expect(token).not.toBe(company);
      seen.add(token);
      expect((await tags(token, l.id)).status).toBe(200);
      // Asked again: the cached token, no second exchange.
      expect(((await resolver.resolve('highlevel', { resource: l.id })).auth as { token: string }).token).toBe(token);
    }
    expect(seen.size).toBe(3);
    expect(sandbox.admin.highlevel.counters().locationTokensIssued - before).toBe(3);
    const stored = await store.locations.list((await store.get('agency')).id);
    expect(stored.every((l) => l.hasToken && l.tokenVersion === 1)).toBe(true);
  });

  it('a call that names no location, or one the agency does not cover, fails clearly before anything is sent', async () => {
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens: parts.locationTokens });
    await expect(resolver.resolve('agency', { stepId: 'getTags', uses: 'highlevel.get-tags-location-id' })).rejects.toMatchObject({
      code: 'CREDENTIAL_LOCATION_REQUIRED',
      message: expect.stringContaining('step getTags (highlevel.get-tags-location-id) names no location'),
    });
    const err = (await resolver.resolve('agency', { resource: 'NotAnInstalledLoc' }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('CREDENTIAL_LOCATION_NOT_COVERED');
    expect(err.message).toContain('does not cover location NotAnInstalledLoc');
    expect(err.message).toContain(sandbox.credentials.highlevel.locations[0]!.name);
    expect(err.message).toContain('Install the app on that location');
    expect(err.message).toContain('splice credentials locations sync agency');
  });

  it('scopes are checked per location: a call needing a scope the location token lacks fails naming the location', async () => {
    const l = sandbox.credentials.highlevel.locations[0]!;
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens: parts.locationTokens });
    const err = (await resolver.resolve('agency', { resource: l.id, scope: 'socialplanner/post.write', stepId: 'newPost', uses: 'highlevel.create-post' }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('CREDENTIAL_SCOPE_MISSING');
    expect(err.message).toContain(`step newPost (highlevel.create-post) needs socialplanner/post.write; credential agency for location ${l.name} grants`);
  });

  it('a location token near its expiry is obtained again (once), and a 401 obtains a newer one', async () => {
    const loc = sandbox.credentials.highlevel.locations[1]!.id;
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens: parts.locationTokens });
    const first = await resolver.resolve('agency', { resource: loc });
    await new Promise((r) => setTimeout(r, 2100));
    const before = sandbox.admin.highlevel.counters().locationTokensIssued;
    const again = await Promise.all(Array.from({ length: 20 }, () => resolver.resolve('agency', { resource: loc })));
    expect(new Set(again.map((c) => c.version)).size).toBe(1);
    expect(again[0]!.version).toBe(first.version + 1);
    expect(sandbox.admin.highlevel.counters().locationTokensIssued - before).toBe(1);
    expect((await tags((again[0]!.auth as { token: string }).token, loc)).status).toBe(200);
    const newer = await resolver.onUnauthorized!(again[0]!);
    expect(newer.version).toBe(again[0]!.version + 1);
  });

  it('a location installed later is served without reconnecting; an uninstalled one is refused and marked', async () => {
    const added = sandbox.admin.highlevel.agency.addLocation({ name: 'Late Joiners Ltd' });
    // A fresh process (its sync throttle not yet spent by the test above).
    const locationTokens = new LocationTokens({ store, refresher: parts.refresher });
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens });
    // No webhook here: the miss re-reads /oauth/installedLocations and finds it.
    const cred = await resolver.resolve('agency', { resource: added.id });
    expect(cred.meta?.locationName).toBe('Late Joiners Ltd');
    expect((await tags((cred.auth as { token: string }).token, added.id)).status).toBe(200);

    sandbox.admin.highlevel.agency.uninstallApp(added.id);
    expect((await tags((cred.auth as { token: string }).token, added.id)).status).toBe(401);
    const err = (await resolver.onUnauthorized!(cred).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('CREDENTIAL_LOCATION_NOT_COVERED');
    expect(err.message).toContain(`location ${added.id}`);
    const row = await store.locations.get((await store.get('agency')).id, added.id);
    expect(row).toMatchObject({ status: 'uninstalled', hasToken: false });
  });

  it('location tokens are sealed, re-encrypted by a master-key rotation and known to the redactor', async () => {
    const loc = sandbox.credentials.highlevel.locations[0]!.id;
    const id = (await store.get('agency')).id;
    const token = (await store.locations.readToken(id, loc, 'test'))!.token;
    const raw = await store.db.selectFrom('credential_locations').selectAll().where('location_id', '=', loc).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(await store.secretValues()).toContain(token);
    await store.rotateKey();
    expect((await store.locations.readToken(id, loc, 'test'))!.token).toBe(token);
  });
});

describe('private integration tokens grouped by location', () => {
  it('one credential, a token per location, each call takes its location’s token', async () => {
    const [a, b, c] = sandbox.credentials.highlevel.locations;
    const info = await store.add({
      name: 'pits',
      kind: 'highlevel-pit-locations',
      values: { token: a!.privateIntegrationToken, locationId: a!.id, locationName: a!.name },
      scopes: ['socialplanner/tag.readonly'],
    });
    await store.locations.upsertInstalled(info.id, { locationId: b!.id, name: b!.name, source: 'added' });
    await store.locations.writeToken(info.id, b!.id, { token: b!.privateIntegrationToken });
    expect((await store.readActive('pits')).secret.token).toBeUndefined();
    const resolver = createStoreCredentialResolver({ store, refresher: parts.refresher, locationTokens: parts.locationTokens });
    for (const l of [a!, b!]) {
      const cred = await resolver.resolve('pits', { resource: l.id });
      expect((cred.auth as { token: string }).token).toBe(l.privateIntegrationToken);
      expect((await tags(l.privateIntegrationToken, l.id)).status).toBe(200);
    }
    const err = (await resolver.resolve('pits', { resource: c!.id }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('CREDENTIAL_LOCATION_NOT_COVERED');
    expect(err.message).toContain(`splice credentials locations add pits --location-id ${c!.id} --token-stdin`);
    // A PIT cannot be refreshed: a 401 says which location's token to replace.
    const cred = await resolver.resolve('pits', { resource: b!.id });
    await expect(resolver.onUnauthorized!(cred)).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_REFRESHABLE', message: expect.stringContaining(b!.name) });
  });
});
