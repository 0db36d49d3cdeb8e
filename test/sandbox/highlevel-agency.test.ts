import { createPublicKey, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { errorsOf, officialComponentValidator } from '../../packages/sandbox/src/testing/official-schemas';
import { call, highlevelClient, type Received } from './helpers';

/**
 * The agency flow as apps/oauth.json describes it: a Company install (consent page, user_type Company),
 * `/oauth/installedLocations` and `/oauth/locationToken` with Agency-Access-Only tokens, location tokens
 * with their own expiry and no refresh token, the Company token refused on location routes, and
 * INSTALL/UNINSTALL webhooks when a location joins or leaves.
 */
let sb: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

beforeAll(async () => {
  sb = await createSandbox({ seed: 61, tokenTtlSeconds: 60, locationTokenTtlSeconds: 1 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/app-events`;
});
afterAll(async () => {
  await sb?.close();
  await new Promise((r) => receiver?.close(r));
});

function tokenRequest(fields: Record<string, string>) {
  const { clientId, clientSecret } = sb.credentials.highlevel.oauth;
  return call(`${sb.highlevel.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...fields }).toString(),
  });
}

/** The consent page's "Approve for the agency" form, then the code exchange with user_type Company. */
async function installForAgency(): Promise<{ access_token: string; refresh_token: string; approvedLocations: string[]; scope: string }> {
  const u = new URL(`${sb.highlevel.url}/oauth/chooselocation`);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: sb.credentials.highlevel.oauth.clientId,
    redirect_uri: REDIRECT,
    scope: 'socialplanner/tag.readonly oauth.readonly oauth.write',
  }).toString();
  const page = await call(u.toString());
  expect(page.body).toContain('Approve for the agency');
  u.searchParams.set('approve_agency', '1');
  const approved = await fetch(u, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
  const asLocation = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, user_type: 'Location' });
  expect(asLocation.status).toBe(400);
  expect(asLocation.body.error).toBe('invalid_grant');
  // A code is single use: approve again for the Company exchange.
  const again = await fetch(u, { redirect: 'manual' });
  const code2 = new URL(again.headers.get('location')!).searchParams.get('code')!;
  const tokens = await tokenRequest({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, user_type: 'Company' });
  expect(tokens.status).toBe(200);
  expect(tokens.body.userType).toBe('Company');
  expect(tokens.body.locationId).toBeUndefined();
  return tokens.body;
}

const locationToken = (bearer: string, body: Record<string, string>, headers: Record<string, string> = { Version: '2021-07-28' }) =>
  call(`${sb.highlevel.url}/oauth/locationToken`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });

const installed = (bearer: string, query: Record<string, string>) =>
  call(`${sb.highlevel.url}/oauth/installedLocations?${new URLSearchParams(query)}`, {
    headers: { Authorization: `Bearer ${bearer}`, Version: '2021-07-28' },
  });

describe('agency (Company) install', () => {
  it('an agency install gives a Company token over the three demo locations, refused on location routes (401)', async () => {
    const company = await installForAgency();
    const ids = sb.credentials.highlevel.locations.map((l) => l.id);
    expect(company.approvedLocations.sort()).toEqual([...ids].sort());
    const tags = await highlevelClient(sb, company.access_token).get(`/social-media-posting/${ids[0]}/tags`);
    expect(tags.status).toBe(401);
    expect(tags.body.message).toMatch(/locationToken/);
    const validate = officialComponentValidator('apps/oauth.json', 'GetAccessCodeSuccessfulResponseDto');
    expect(validate(company), errorsOf(validate)).toBe(true);
  });

  it('the Company token rotates its refresh token; the spent one answers invalid_grant', async () => {
    const company = await installForAgency();
    const next = await tokenRequest({ grant_type: 'refresh_token', refresh_token: company.refresh_token, user_type: 'Company' });
    expect(next.status).toBe(200);
    expect(next.body.refresh_token).not.toBe(company.refresh_token);
    expect(next.body.userType).toBe('Company');
    const spent = await tokenRequest({ grant_type: 'refresh_token', refresh_token: company.refresh_token, user_type: 'Company' });
    expect(spent.status).toBe(400);
    expect(spent.body.error).toBe('invalid_grant');
  });

  it('installedLocations lists the company’s locations by name per the official schema, with paging and filters', async () => {
    const company = await installForAgency();
    const { companyId, oauth } = sb.credentials.highlevel;
    const appId = oauth.clientId.split('-')[0]!;
    const all = await installed(company.access_token, { companyId, appId, isInstalled: 'true' });
    expect(all.status).toBe(200);
    const validate = officialComponentValidator('apps/oauth.json', 'GetInstalledLocationsSuccessfulResponseDto');
    expect(validate(all.body), errorsOf(validate)).toBe(true);
    expect(all.body.count).toBe(3);
    expect(all.body.locations.map((l: { name: string }) => l.name).sort()).toEqual(sb.credentials.highlevel.locations.map((l) => l.name).sort());
    const page = await installed(company.access_token, { companyId, appId, skip: '1', limit: '1' });
    expect(page.body.locations).toHaveLength(1);
    expect(page.body.locations[0]._id).toBe(all.body.locations[1]._id);
    const missing = await installed(company.access_token, { companyId });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.message)).toContain('appId');
    const pit = await installed(sb.credentials.highlevel.privateIntegrationToken, { companyId, appId });
    expect(pit.status).toBe(401);
  });

  it('locationToken: spec-true checks, a location token with its own expiry and no refresh token', async () => {
    const company = await installForAgency();
    const { companyId, locations } = sb.credentials.highlevel;
    const loc = locations[1]!.id;
    expect((await locationToken(company.access_token, { companyId, locationId: loc }, {})).status).toBe(400); // no Version
    expect((await locationToken(company.access_token, { companyId })).status).toBe(422);
    expect((await locationToken(sb.credentials.highlevel.privateIntegrationToken, { companyId, locationId: loc })).status).toBe(401);
    expect((await locationToken(company.access_token, { companyId: 'other', locationId: loc })).status).toBe(400);

    const before = sb.admin.highlevel.counters().locationTokensIssued;
    const res = await locationToken(company.access_token, { companyId, locationId: loc });
    expect(res.status).toBe(200);
    const validate = officialComponentValidator('apps/oauth.json', 'GetLocationAccessTokenSuccessfulResponseDto');
    expect(validate(res.body), errorsOf(validate)).toBe(true);
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.expires_in).toBe(1);
    expect(res.body.locationId).toBe(loc);
    expect(sb.admin.highlevel.counters().locationTokensIssued).toBe(before + 1);
    const client = highlevelClient(sb, res.body.access_token);
    expect((await client.get(`/social-media-posting/${loc}/tags`)).status).toBe(200);
    // Another location's route with this location's token: 403.
    expect((await client.get(`/social-media-posting/${locations[2]!.id}/tags`)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await client.get(`/social-media-posting/${loc}/tags`);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    // The company token (60 s) outlives it and mints a new one.
    const fresh = await locationToken(company.access_token, { companyId, locationId: loc });
    expect((await highlevelClient(sb, fresh.body.access_token).get(`/social-media-posting/${loc}/tags`)).status).toBe(200);
    const seen = sb.admin.highlevel.counters().locations[loc]!;
    expect(seen['200']).toBeGreaterThanOrEqual(2);
    expect(seen['401']).toBeGreaterThanOrEqual(1);
  });
});

describe('a location joins and leaves the agency', () => {
  it('adding a location installs the app and sends a signed INSTALL; uninstalling sends UNINSTALL and revokes its tokens', async () => {
    received.length = 0;
    await call(`${sb.highlevel.url}/_sandbox/webhooks/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, types: ['INSTALL', 'UNINSTALL'] }),
    });
    const company = await installForAgency();
    const added = await call(`${sb.highlevel.url}/_sandbox/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Fourth Trades Ltd' }),
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'Fourth Trades Ltd', installed: true });
    const loc = added.body.id as string;
    for (let i = 0; i < 200 && received.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    const install = JSON.parse(received[0]!.body);
    expect(install).toMatchObject({ type: 'INSTALL', locationId: loc, companyId: sb.credentials.highlevel.companyId, installType: 'Location' });
    expect(install.appId).toBe(sb.credentials.highlevel.oauth.clientId.split('-')[0]);
    const key = createPublicKey(sb.credentials.highlevel.webhookPublicKey);
    expect(verify(null, Buffer.from(received[0]!.body), key, Buffer.from(String(received[0]!.headers['x-ghl-signature']), 'base64'))).toBe(true);

    // The company token minted before the install covers the new location at once.
    const { companyId } = sb.credentials.highlevel;
    const token = await locationToken(company.access_token, { companyId, locationId: loc });
    expect(token.status).toBe(200);
    const tags = await highlevelClient(sb, token.body.access_token).get(`/social-media-posting/${loc}/tags`);
    expect(tags.status).toBe(200);
    expect(tags.body.results.tags.length).toBeGreaterThan(0);

    await call(`${sb.highlevel.url}/_sandbox/locations/${loc}/uninstall`, { method: 'POST' });
    for (let i = 0; i < 200 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(JSON.parse(received[1]!.body)).toMatchObject({ type: 'UNINSTALL', locationId: loc });
    expect((await highlevelClient(sb, token.body.access_token).get(`/social-media-posting/${loc}/tags`)).status).toBe(401);
    expect((await locationToken(company.access_token, { companyId, locationId: loc })).status).toBe(400);
    const listed = await installed(company.access_token, { companyId, appId: sb.credentials.highlevel.oauth.clientId, locationId: loc });
    expect(listed.body.locations[0]).toMatchObject({ _id: loc, isInstalled: false });
  });
});
