import { CredentialCode, credentialError } from '../credential-codes';
import { checkTokenUrl, HIGHLEVEL_API_BASE, HIGHLEVEL_API_VERSION } from './highlevel';
import { defineKind, type KindContext } from './kind';

/**
 * Credentials that serve many HighLevel locations through one name: the flow names one credential and
 * each call's `locationId` picks the token. Neither has a token of its own that a location route
 * accepts, so `toAuth` (a call that names no location) explains what to do instead.
 */
function needsLocation(name: string, kind: string): never {
  throw credentialError(
    CredentialCode.LOCATION_REQUIRED,
    `credential ${name} (${kind}) serves several locations, so the call must say which one: give the operation's locationId (e.g. \`params.locationId: =$event.locationId\`).`,
  );
}

/** The API base the token endpoint lives on (…/oauth/token → …): locationToken and installedLocations are beside it. */
export function agencyApiBase(meta: Record<string, string>): string {
  return (meta.tokenUrl ?? `${HIGHLEVEL_API_BASE}/oauth/token`).replace(/\/oauth\/token\/?$/, '');
}

/** HighLevel's app id: the OAuth client id's part before the first `-` (as the official SDK reads it). */
export function appIdOf(meta: Record<string, string>): string {
  return meta.appId ?? (meta.clientId ?? '').split('-')[0] ?? '';
}

export const highlevelAgency = defineKind({
  kind: 'highlevel-agency',
  connector: 'highlevel',
  title: 'HighLevel agency connection (app installed at Company level, a token per location)',
  fields: [
    { name: 'clientId', secret: false, required: true, description: 'OAuth client id of the marketplace app' },
    { name: 'clientSecret', secret: true, required: true, description: 'OAuth client secret of the marketplace app' },
    { name: 'accessToken', secret: true, required: false, description: 'the agency (Company) access token (set by `splice auth login highlevel --agency`)' },
    { name: 'refreshToken', secret: true, required: false, description: 'the agency refresh token, rotated on every refresh' },
    { name: 'tokenUrl', secret: false, required: false, description: 'token endpoint', default: `${HIGHLEVEL_API_BASE}/oauth/token` },
    { name: 'userType', secret: false, required: false, description: 'always Company', default: 'Company' },
    { name: 'companyId', secret: false, required: false, description: 'company (agency) id' },
    { name: 'appId', secret: false, required: false, description: 'marketplace app id (default: the client id before its first "-")' },
    { name: 'userId', secret: false, required: false, description: 'user who installed the app' },
  ],
  primarySecret: 'clientSecret',
  scoped: true,
  refreshable: true,
  locations: 'agency',
  defaultBaseUrl: HIGHLEVEL_API_BASE,
  toAuth: (_ctx, name) => needsLocation(name, 'highlevel-agency'),
  // A harmless Agency-Access-Only read: the first installed location (proves the company token and oauth.readonly).
  test: (ctx, base) => agencyTest(ctx, base),
  validate: (ctx) => {
    checkTokenUrl(ctx.meta.tokenUrl);
    if (ctx.meta.userType && ctx.meta.userType !== 'Company') {
      throw credentialError(CredentialCode.FIELD_INVALID, 'an agency connection is a Company install: userType must be Company (or left out).', {
        path: 'userType',
      });
    }
  },
});

function agencyTest(ctx: KindContext, base: string) {
  const companyId = ctx.meta.companyId;
  if (!companyId || !ctx.secret.accessToken) {
    throw credentialError(
      CredentialCode.NEEDS_RECONNECT,
      'this agency connection has no tokens yet. Connect it with `splice auth login highlevel --agency --name <name>`.',
    );
  }
  const url = new URL(`${base.replace(/\/$/, '')}/oauth/installedLocations`);
  url.search = new URLSearchParams({ companyId, appId: appIdOf(ctx.meta), isInstalled: 'true', limit: '1' }).toString();
  return {
    type: 'http' as const,
    method: 'GET' as const,
    url: url.toString(),
    headers: { Authorization: `Bearer ${ctx.secret.accessToken}`, Version: HIGHLEVEL_API_VERSION, Accept: 'application/json' },
  };
}

export const highlevelPitLocations = defineKind({
  kind: 'highlevel-pit-locations',
  connector: 'highlevel',
  title: 'HighLevel private integration tokens, one per location',
  fields: [
    { name: 'token', secret: true, required: false, description: "the first location's private integration token (with --location-id)" },
    { name: 'locationId', secret: false, required: false, description: 'location of that first token' },
    { name: 'locationName', secret: false, required: false, description: 'name of that location, shown instead of its id' },
  ],
  primarySecret: 'token',
  scoped: true,
  refreshable: false,
  locations: 'grouped',
  defaultBaseUrl: HIGHLEVEL_API_BASE,
  toAuth: (_ctx, name) => needsLocation(name, 'highlevel-pit-locations'),
  validate: (ctx) => {
    if (ctx.secret.token && !ctx.meta.locationId) {
      throw credentialError(CredentialCode.FIELD_INVALID, 'a private integration token belongs to one location: give its --location-id.', {
        path: 'locationId',
      });
    }
  },
  // Each location is tested on its own (`splice credentials test <name> --location <id>`); see credential-test.ts.
  test: () => ({ type: 'local', check: () => {} }),
});
