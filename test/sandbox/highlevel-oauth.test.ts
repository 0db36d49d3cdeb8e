import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { errorsOf, officialComponentValidator } from '../../packages/sandbox/src/testing/official-schemas';
import { call, highlevelClient } from './helpers';

/** HighLevel OAuth: consent page, code exchange, rotating refresh tokens, invalid_grant, expiry. */

let sb: Sandbox;
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

beforeAll(async () => {
  sb = await createSandbox({ seed: 21, tokenTtlSeconds: 1 });
});
afterAll(async () => sb?.close());

function consentUrl(extra: Record<string, string> = {}) {
  const u = new URL(`${sb.highlevel.url}/oauth/chooselocation`);
  u.search = new URLSearchParams({
    response_type: 'code',
    client_id: sb.credentials.highlevel.oauth.clientId,
    redirect_uri: REDIRECT,
    scope: 'socialplanner/tag.readonly socialplanner/statistics.readonly',
    state: 'xyz',
    ...extra,
  }).toString();
  return u.toString();
}

function tokenRequest(fields: Record<string, string>) {
  const { clientId, clientSecret } = sb.credentials.highlevel.oauth;
  return call(`${sb.highlevel.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...fields }).toString(),
  });
}

async function authorize(extra: Record<string, string> = {}): Promise<string> {
  const res = await fetch(consentUrl({ auto_approve: '1', ...extra }), { redirect: 'manual' });
  expect(res.status).toBe(302);
  const target = new URL(res.headers.get('location')!);
  expect(`${target.origin}${target.pathname}`).toBe(REDIRECT);
  expect(target.searchParams.get('state')).toBe('xyz');
  return target.searchParams.get('code')!;
}

describe('consent page', () => {
  it('lists the locations with an Approve button; approving redirects with a code', async () => {
    const page = await call(consentUrl());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    for (const l of sb.credentials.highlevel.locations) expect(page.body).toContain(l.name.replace('&', '&#38;'));
    expect(page.body).toContain('Approve');
    const second = sb.credentials.highlevel.locations[1]!.id;
    const approved = await fetch(consentUrl({ approve_location: second }), { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(tokens.body.locationId).toBe(second);
  });

  it('the redirect_uri is compared as sent (no trailing-slash surprises)', async () => {
    const bare = 'http://127.0.0.1:9';
    const res = await fetch(consentUrl({ auto_approve: '1', redirect_uri: bare }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: bare });
    expect(tokens.status).toBe(200);
  });

  it('refuses an unknown client, a wrong response_type and scopes the app may not ask for', async () => {
    expect((await call(consentUrl({ client_id: 'nope' }))).status).toBe(400);
    expect((await call(consentUrl({ response_type: 'token' }))).status).toBe(400);
    expect((await call(consentUrl({ scope: 'contacts.write' }))).status).toBe(400);
  });
});

describe('token endpoint', () => {
  it('authorization_code answers the official token shape; a code works once', async () => {
    const code = await authorize();
    const res = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, user_type: 'Location' });
    expect(res.status).toBe(200);
    const validate = officialComponentValidator('apps/oauth.json', 'GetAccessCodeSuccessfulResponseDto');
    expect(validate(res.body), errorsOf(validate)).toBe(true);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 1,
      userType: 'Location',
      locationId: sb.credentials.highlevel.locationId,
    });
    expect(res.body.scope.split(' ').sort()).toEqual(['socialplanner/statistics.readonly', 'socialplanner/tag.readonly']);
    const again = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refresh tokens rotate: each refresh returns a new one, the spent one answers invalid_grant (counted)', async () => {
    const code = await authorize();
    const first = (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body;
    const before = sb.admin.highlevel.counters();
    const refreshedBefore = before.tokensRefreshed;
    const invalidBefore = before.invalidGrant;
    const second = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token, user_type: 'Location' });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);
    const reuse = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    const third = await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token });
    expect(third.status).toBe(200);
    const after = sb.admin.highlevel.counters();
    expect(after.tokensRefreshed).toBe(refreshedBefore + 2);
    expect(after.invalidGrant).toBe(invalidBefore + 1);
  });

  it('two concurrent refreshes with one refresh token: exactly one wins', async () => {
    const code = await authorize();
    const tokens = (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body;
    const results = await Promise.all([
      tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
      tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('wrong client secret: 401 invalid_client; missing fields: 422', async () => {
    const bad = await call(`${sb.highlevel.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: sb.credentials.highlevel.oauth.clientId,
        client_secret: 'wrong',
        grant_type: 'client_credentials',
      }).toString(),
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_client');
    const missing = await call(`${sb.highlevel.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    });
    expect(missing.status).toBe(422);
  });

  it('client_credentials gives a Company token; /oauth/locationToken turns it into a Location token', async () => {
    const company = await tokenRequest({ grant_type: 'client_credentials' });
    expect(company.status).toBe(200);
    expect(company.body.userType).toBe('Company');
    expect(company.body.refresh_token).toBeUndefined();
    const loc = sb.credentials.highlevel.locations[2]!.id;
    const res = await call(`${sb.highlevel.url}/oauth/locationToken`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${company.body.access_token}`,
        Version: '2021-07-28',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ companyId: sb.credentials.highlevel.companyId, locationId: loc }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.locationId).toBe(loc);
    expect((await highlevelClient(sb, res.body.access_token).get(`/social-media-posting/${loc}/tags`)).status).toBe(200);
  });

  it('an access token expires after tokenTtlSeconds (401), and a refresh brings access back', async () => {
    const code = await authorize();
    const tokens = (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).body;
    const path = `/social-media-posting/${sb.credentials.highlevel.locationId}/tags`;
    expect((await highlevelClient(sb, tokens.access_token).get(path)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await highlevelClient(sb, tokens.access_token).get(path);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    const fresh = (await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })).body;
    expect((await highlevelClient(sb, fresh.access_token).get(path)).status).toBe(200);
  });
});
