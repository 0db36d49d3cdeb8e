import { createPublicKey } from 'node:crypto';
import { findConnector, isHostAllowed } from '@splice/connectors';
import { CredentialCode, credentialError } from '../credential-codes';
import { defineKind, type KindContext } from './kind';

export const HIGHLEVEL_API_BASE = 'https://services.leadconnectorhq.com';
/** Every v2 Social Planner call carries this header (see specs/README.md). */
export const HIGHLEVEL_API_VERSION = '2021-07-28';

/** A harmless read for `test`: the location's Social Planner tags (or accounts when tags are not granted). */
function highlevelTest(ctx: KindContext, baseUrl: string, token: string, name: string) {
  const locationId = ctx.meta.locationId;
  if (!locationId) {
    throw credentialError(
      CredentialCode.FIELD_INVALID,
      `credential ${name} has no locationId, so there is no location to test against. Add it with --location-id <id>.`,
    );
  }
  const canTags = !ctx.scopes || ctx.scopes.includes('socialplanner/tag.readonly');
  const path = canTags ? 'tags' : 'accounts';
  return {
    type: 'http' as const,
    method: 'GET' as const,
    url: `${baseUrl.replace(/\/$/, '')}/social-media-posting/${encodeURIComponent(locationId)}/${path}`,
    headers: { Authorization: `Bearer ${token}`, Version: HIGHLEVEL_API_VERSION, Accept: 'application/json' },
  };
}

export const highlevelPit = defineKind({
  kind: 'highlevel-pit',
  connector: 'highlevel',
  title: 'HighLevel private integration token',
  fields: [
    { name: 'token', secret: true, required: true, description: 'private integration token (Settings → Private Integrations)' },
    { name: 'locationId', secret: false, required: false, description: 'sub-account (location) id the token belongs to' },
  ],
  primarySecret: 'token',
  scoped: true,
  refreshable: false,
  defaultBaseUrl: HIGHLEVEL_API_BASE,
  toAuth: (ctx) => ({ kind: 'bearer', token: ctx.secret.token! }),
  test: (ctx, base) => highlevelTest(ctx, base, ctx.secret.token!, 'this'),
});

export const highlevelOauth = defineKind({
  kind: 'highlevel-oauth',
  connector: 'highlevel',
  title: 'HighLevel OAuth 2.0 app connection',
  fields: [
    { name: 'clientId', secret: false, required: true, description: 'OAuth client id of the marketplace app' },
    { name: 'clientSecret', secret: true, required: true, description: 'OAuth client secret of the marketplace app' },
    { name: 'accessToken', secret: true, required: false, description: 'access token (set by `splice auth login highlevel`)' },
    { name: 'refreshToken', secret: true, required: false, description: 'refresh token, rotated on every refresh' },
    { name: 'tokenUrl', secret: false, required: false, description: 'token endpoint', default: `${HIGHLEVEL_API_BASE}/oauth/token` },
    { name: 'userType', secret: false, required: false, description: 'Location or Company' },
    { name: 'locationId', secret: false, required: false, description: 'location the app was installed to' },
    { name: 'companyId', secret: false, required: false, description: 'company (agency) id' },
    { name: 'userId', secret: false, required: false, description: 'user who installed the app' },
  ],
  primarySecret: 'clientSecret',
  scoped: true,
  refreshable: true,
  defaultBaseUrl: HIGHLEVEL_API_BASE,
  toAuth: (ctx, name) => {
    if (!ctx.secret.accessToken) {
      throw credentialError(
        CredentialCode.NEEDS_RECONNECT,
        `credential ${name} holds an OAuth app but no tokens yet. Connect it with \`splice auth login highlevel --name ${name}\`.`,
      );
    }
    return { kind: 'bearer', token: ctx.secret.accessToken };
  },
  test: (ctx, base) => highlevelTest(ctx, base, ctx.secret.accessToken ?? '', 'this'),
  // The client secret and refresh token are posted to tokenUrl: only HighLevel's hosts (or loopback, the sandbox).
  validate: (ctx) => checkTokenUrl(ctx.meta.tokenUrl),
});

export function checkTokenUrl(tokenUrl: string | undefined): void {
  if (tokenUrl === undefined) return;
  let url: URL | undefined;
  try {
    url = new URL(tokenUrl);
  } catch {
    url = undefined;
  }
  const connector = findConnector('highlevel');
  if (!url || !/^https?:$/.test(url.protocol) || (connector && !isHostAllowed(connector, url))) {
    throw credentialError(
      CredentialCode.FIELD_INVALID,
      `tokenUrl ${tokenUrl} is not a HighLevel token endpoint: the client secret and refresh token are sent there, so it must be on ${connector?.allowedHosts.join(', ') ?? 'HighLevel'} (or loopback, e.g. the sandbox).`,
      { path: 'tokenUrl' },
    );
  }
}

/** HighLevel signs webhooks with Ed25519 (`x-ghl-signature`) or, formerly, RSA-SHA256 (`x-wh-signature`). */
export const highlevelWebhookKey = defineKind({
  kind: 'highlevel-webhook-key',
  connector: 'highlevel',
  title: 'HighLevel webhook public key (Ed25519, or legacy RSA)',
  fields: [
    { name: 'publicKey', secret: true, required: true, description: 'PEM public key from the app settings' },
    { name: 'algorithm', secret: false, required: false, description: 'ed25519 or rsa-sha256', default: 'ed25519' },
  ],
  primarySecret: 'publicKey',
  scoped: false,
  refreshable: false,
  toAuth: () => ({ kind: 'none' }),
  validate: (ctx) => {
    const alg = ctx.meta.algorithm ?? 'ed25519';
    if (alg !== 'ed25519' && alg !== 'rsa-sha256') {
      throw credentialError(CredentialCode.FIELD_INVALID, `algorithm must be ed25519 or rsa-sha256, got ${alg}.`);
    }
    let type: string | undefined;
    try {
      type = createPublicKey(ctx.secret.publicKey!).asymmetricKeyType;
    } catch (err) {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        'publicKey is not a PEM public key. Paste the key from the app settings, including the BEGIN/END lines.',
        { cause: err },
      );
    }
    const want = alg === 'ed25519' ? 'ed25519' : 'rsa';
    if (type !== want) {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        `publicKey is a ${type} key but algorithm is ${alg}. Set --algorithm ${type === 'rsa' ? 'rsa-sha256' : type}.`,
      );
    }
  },
  test: (ctx) => ({ type: 'local', check: () => void createPublicKey(ctx.secret.publicKey!) }),
});
