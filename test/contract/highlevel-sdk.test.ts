import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GHLError, HighLevel } from '@gohighlevel/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../packages/sandbox/src/index';
import { errorsOf, officialComponentValidator, officialResponseValidator } from '../../packages/sandbox/src/testing/official-schemas';

/**
 * Contract test: HighLevel's own Node SDK (@gohighlevel/api-client 3.1.0) against the sandbox. If the SDK
 * can call the sandbox and the answers validate against the official response schemas, the sandbox speaks
 * HighLevel's wire format. It also pins two SDK behaviours Splice must do better than (specs/README.md):
 * the SDK's default Version header, and the statistics call losing its Authorization with OAuth sessions.
 */

const TAGS = '/social-media-posting/{locationId}/tags';
const TAG_DETAILS = '/social-media-posting/{locationId}/tags/details';
const STATISTICS = '/social-media-posting/statistics';

let sandbox: Sandbox;
// BASE_URL is `private static readonly` in the SDK's typings but a plain static at runtime; the issue names
// it as the way to point the SDK elsewhere.
const sdkStatics = HighLevel as unknown as { BASE_URL: string };
const originalBaseUrl = sdkStatics.BASE_URL;

beforeAll(async () => {
  sandbox = await createSandbox({ seed: 42 });
  // The SDK reads its static BASE_URL when a client is constructed (it becomes the axios baseURL).
  sdkStatics.BASE_URL = sandbox.highlevel.url;
});

afterAll(async () => {
  sdkStatics.BASE_URL = originalBaseUrl;
  await sandbox?.close();
});

function profileIds(): string[] {
  const data = sandbox.admin.highlevel.data();
  return (data.accounts.get(sandbox.credentials.highlevel.locationId) ?? []).map((a) => a.profileId);
}

describe('official SDK with a private integration token and apiVersion 2021-07-28', () => {
  it('getTagsLocationId answers per the official schema, with search and paging applied', async () => {
    const { locationId, privateIntegrationToken } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ privateIntegrationToken, apiVersion: '2021-07-28', logLevel: 'none' });
    const all = await ghl.socialMediaPosting.getTagsLocationId({ locationId });
    const validate = officialResponseValidator('v2', 'GET', TAGS, '200');
    expect(validate(all), errorsOf(validate)).toBe(true);
    expect(all.results?.tags?.length).toBeGreaterThan(0);

    const page = await ghl.socialMediaPosting.getTagsLocationId({ locationId, limit: '2', skip: '1' });
    expect(validate(page), errorsOf(validate)).toBe(true);
    expect(page.results?.tags?.map((t: { _id?: string }) => t._id)).toEqual(
      all.results?.tags?.slice(1, 3).map((t: { _id?: string }) => t._id),
    );

    const word = all.results!.tags![0]!.tag!.split(' ')[0]!.toLowerCase();
    const found = await ghl.socialMediaPosting.getTagsLocationId({ locationId, searchText: word });
    expect(found.results?.tags?.length).toBeGreaterThan(0);
    for (const t of found.results!.tags!) expect(t.tag!.toLowerCase()).toContain(word);
  });

  it('getTagsByIds returns exactly the asked tags, per the official schema', async () => {
    const { locationId, privateIntegrationToken } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ privateIntegrationToken, apiVersion: '2021-07-28', logLevel: 'none' });
    const tags = sandbox.admin.highlevel.data().tags.get(locationId)!;
    const wanted = [tags[0]!._id, tags[3]!._id];
    const answer = await ghl.socialMediaPosting.getTagsByIds({ locationId }, { tagIds: wanted });
    const validate = officialResponseValidator('v2', 'POST', TAG_DETAILS, '201');
    expect(validate(answer), errorsOf(validate)).toBe(true);
    expect(answer.results?.tags?.map((t: { _id?: string }) => t._id).sort()).toEqual([...wanted].sort());
  });

  it('getSocialMediaStatistics answers per the official schema', async () => {
    const { locationId, privateIntegrationToken } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ privateIntegrationToken, apiVersion: '2021-07-28', logLevel: 'none' });
    const answer = await ghl.socialMediaPosting.getSocialMediaStatistics({ locationId }, { profileIds: profileIds() });
    const validate = officialResponseValidator('v2', 'POST', STATISTICS, '201');
    expect(validate(answer), errorsOf(validate)).toBe(true);
    const results = (answer as { results: { dayRange: string[]; totals: { impressions: number } } }).results;
    expect(results.dayRange).toHaveLength(7);
    expect(results.totals.impressions).toBeGreaterThan(0);
    // The sandbox saw the SDK's three kinds of call succeed.
    const counters = sandbox.admin.highlevel.counters();
    expect(counters.routes[`POST ${STATISTICS}`]?.['201']).toBeGreaterThanOrEqual(1);
  });

  it('a body the spec rejects comes back as a 422 in HighLevel’s UnprocessableDTO shape', async () => {
    const { locationId, privateIntegrationToken } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ privateIntegrationToken, apiVersion: '2021-07-28', logLevel: 'none' });
    const err = await ghl.socialMediaPosting.getSocialMediaStatistics({ locationId }, { profileIds: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GHLError);
    expect((err as GHLError).statusCode).toBe(422);
    const validate = officialResponseValidator('v2', 'POST', STATISTICS, '422');
    expect(validate((err as GHLError).response), errorsOf(validate)).toBe(true);
  });
});

describe('SDK behaviours Splice must not copy', () => {
  it('without apiVersion the SDK sends Version 2023-02-21, which the Social Planner spec does not accept', async () => {
    const { locationId, privateIntegrationToken } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ privateIntegrationToken, logLevel: 'none' });
    const err = await ghl.socialMediaPosting.getTagsLocationId({ locationId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GHLError);
    expect((err as GHLError).statusCode).toBe(422);
    expect(JSON.stringify((err as GHLError).response)).toContain('2023-02-21');
  });

  it('with OAuth tokens from session storage, the statistics call goes out without Authorization (401)', async () => {
    const { locationId, oauth } = sandbox.credentials.highlevel;
    // A real install: consent page (auto-approved) → code → the SDK's own token exchange against the sandbox.
    const consent = new URL(`${sandbox.highlevel.url}/oauth/chooselocation`);
    consent.search = new URLSearchParams({
      response_type: 'code',
      client_id: oauth.clientId,
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'socialplanner/tag.readonly socialplanner/statistics.readonly socialplanner/account.readonly',
      auto_approve: '1',
    }).toString();
    const redirect = await fetch(consent, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;

    const ghl = new HighLevel({ clientId: oauth.clientId, clientSecret: oauth.clientSecret, apiVersion: '2021-07-28', logLevel: 'none' });
    const tokens = await ghl.oauth.getAccessToken({
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:9/callback',
      user_type: 'Location',
    });
    expect(tokens.locationId).toBe(locationId);
    await ghl.getSessionStorage().setSession(locationId, { ...tokens, userType: 'Location' });

    // Tags declare `bearer` security: the SDK finds the session token by locationId and the call works.
    const tags = await ghl.socialMediaPosting.getTagsLocationId({ locationId });
    expect(tags.results?.tags?.length).toBeGreaterThan(0);

    // Statistics declares no security in v2: the SDK attaches no token at all, and HighLevel says 401.
    const err = await ghl.socialMediaPosting
      .getSocialMediaStatistics({ locationId }, { profileIds: profileIds() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GHLError);
    expect((err as GHLError).statusCode).toBe(401);
    expect(JSON.stringify((err as GHLError).response)).toMatch(/Authorization header is missing/);
  });
});

describe('the SDK against rotating refresh tokens', () => {
  it('refreshes near expiry, stores each new refresh token, and never meets invalid_grant', async () => {
    // Tokens that live 20 s are inside the SDK's 30 s refresh margin: every call refreshes first.
    const short = await createSandbox({ seed: 43, tokenTtlSeconds: 20 });
    sdkStatics.BASE_URL = short.highlevel.url;
    try {
      const { locationId, oauth } = short.credentials.highlevel;
      const ghl = new HighLevel({ clientId: oauth.clientId, clientSecret: oauth.clientSecret, apiVersion: '2021-07-28', logLevel: 'none' });
      const first = short.admin.highlevel.issueToken({ locationId });
      await ghl.getSessionStorage().setSession(locationId, { ...first, userType: 'Location' });
      for (let i = 0; i < 3; i++) {
        const tags = await ghl.socialMediaPosting.getTagsLocationId({ locationId });
        expect(tags.results?.tags?.length).toBeGreaterThan(0);
      }
      const counters = short.admin.highlevel.counters();
      expect(counters.tokensRefreshed).toBe(3);
      expect(counters.invalidGrant).toBe(0);
      const stored = await ghl.getSessionStorage().getSession(locationId);
      expect(stored?.refresh_token).not.toBe(first.refresh_token);
    } finally {
      sdkStatics.BASE_URL = sandbox.highlevel.url;
      await short.close();
    }
  });
});

describe('the SDK with an agency (Company) install', () => {
  /** The consent page's agency approval and the SDK's own code exchange with user_type Company. */
  async function companySession(ghl: HighLevel) {
    const { oauth, companyId } = sandbox.credentials.highlevel;
    const consent = new URL(`${sandbox.highlevel.url}/oauth/chooselocation`);
    consent.search = new URLSearchParams({
      response_type: 'code',
      client_id: oauth.clientId,
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'socialplanner/tag.readonly oauth.readonly oauth.write',
      approve_agency: '1',
    }).toString();
    const redirect = await fetch(consent, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const tokens = await ghl.oauth.getAccessToken({
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:9/callback',
      user_type: 'Company',
    });
    expect(tokens.userType).toBe('Company');
    await ghl.getSessionStorage().setSession(companyId, { ...tokens, userType: 'Company' });
    return tokens;
  }

  it('getInstalledLocation and getLocationAccessToken answer per the official schemas; the location token reads that location', async () => {
    const { oauth, companyId, locations } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({ clientId: oauth.clientId, clientSecret: oauth.clientSecret, apiVersion: '2021-07-28', logLevel: 'none' });
    await companySession(ghl);
    const listed = await ghl.oauth.getInstalledLocation({ companyId, appId: oauth.clientId.split('-')[0]!, isInstalled: true });
    const validateList = officialComponentValidator('apps/oauth.json', 'GetInstalledLocationsSuccessfulResponseDto');
    expect(validateList(listed), errorsOf(validateList)).toBe(true);
    expect(listed.locations?.map((l: { name?: string }) => l.name).sort()).toEqual(locations.map((l) => l.name).sort());

    const loc = locations[2]!.id;
    const token = await ghl.oauth.getLocationAccessToken({ companyId, locationId: loc });
    const validateToken = officialComponentValidator('apps/oauth.json', 'GetLocationAccessTokenSuccessfulResponseDto');
    expect(validateToken(token), errorsOf(validateToken)).toBe(true);
    expect(token.locationId).toBe(loc);
    await ghl.getSessionStorage().setSession(loc, { ...token, userType: 'Location' });
    const tags = await ghl.socialMediaPosting.getTagsLocationId({ locationId: loc });
    expect(tags.results?.tags?.length).toBeGreaterThan(0);
  });

  it('the SDK’s webhook middleware turns the sandbox’s INSTALL into a stored location token', async () => {
    const { oauth, webhookPublicKey } = sandbox.credentials.highlevel;
    const ghl = new HighLevel({
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      apiVersion: '2021-07-28',
      webhookPublicKey,
      logLevel: 'none',
    });
    await companySession(ghl);
    const seen: Array<{ valid?: boolean; error?: unknown }> = [];
    const middleware = ghl.webhooks.subscribe();
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const r = Object.assign(req, { body: JSON.parse(raw.toString('utf8')), rawBody: raw }) as never as Parameters<typeof middleware>[0];
        void middleware(r, res as never, () => {
          const flags = r as unknown as { isSignatureValid?: boolean; installTokenError?: unknown };
          seen.push({ valid: flags.isSignatureValid, error: flags.installTokenError });
          res.end();
        });
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/ghl`;
      sandbox.admin.highlevel.subscribe(url, ['INSTALL']);
      const added = sandbox.admin.highlevel.agency.addLocation({ name: 'SDK Test Location' });
      for (let i = 0; i < 300 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen[0]).toEqual({ valid: true, error: undefined });
      const stored = await ghl.getSessionStorage().getSession(added.id);
      expect(stored?.access_token).toBeTruthy();
      const tags = await ghl.socialMediaPosting.getTagsLocationId({ locationId: added.id });
      expect(tags.results?.tags?.length).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => receiver.close(r));
      sandbox.admin.highlevel.reset();
    }
  });
});
