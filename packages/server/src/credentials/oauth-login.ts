import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CredentialCode, credentialError } from './credential-codes';
import { checkTokenUrl } from './kinds/highlevel';
import type { CredentialInfo } from './credential-info';
import type { CredentialStore } from './credential-store';
import { buildInstallUrl, exchangeCode, OAuthGrantError, oauthEndpoints, type OAuthTokens } from './highlevel-oauth';

/** An install started by `auth login` (or the server), waiting for its callback. Held in memory only. */
export interface PendingLogin {
  state: string;
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  redirectUri: string;
  tokenUrl: string;
  userType?: string;
  createdAt: number;
}

export interface StartLoginInput {
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  redirectUri: string;
  tokenUrl: string;
  installUrl: string;
  userType?: string;
}

/**
 * Pending installs by their `state` (CSRF protection: a callback must carry a state we issued, once,
 * within the time limit). The client secret stays in this process's memory until the exchange.
 */
export class OAuthLoginRegistry {
  private readonly pending = new Map<string, PendingLogin>();
  constructor(private readonly ttlMs = 15 * 60_000) {}

  start(input: StartLoginInput): { state: string; installUrl: string } {
    const state = randomBytes(18).toString('base64url');
    this.pending.set(state, { ...input, state, createdAt: Date.now() });
    return {
      state,
      installUrl: buildInstallUrl({
        clientId: input.clientId,
        redirectUri: input.redirectUri,
        scopes: input.scopes,
        state,
        installUrl: input.installUrl,
      }),
    };
  }

  take(state: string | null): PendingLogin | undefined {
    if (!state) return undefined;
    const p = this.pending.get(state);
    this.pending.delete(state);
    if (!p || Date.now() - p.createdAt > this.ttlMs) return undefined;
    return p;
  }
}

export interface CallbackOutcome {
  status: number;
  /** Plain text for the browser (no secrets). */
  message: string;
  credential?: CredentialInfo;
  error?: Error;
}

/**
 * Store tokens from an authorization-code exchange: a new credential, or a new version of an existing one
 * (reconnect). A Company token (the app installed at agency level) becomes a `highlevel-agency`
 * connection, which serves its installed locations with a token each; a Location token `highlevel-oauth`.
 */
export async function saveOAuthTokens(
  store: CredentialStore,
  p: Pick<PendingLogin, 'name' | 'clientId' | 'clientSecret' | 'tokenUrl'>,
  tokens: OAuthTokens,
): Promise<CredentialInfo> {
  const kind = tokens.userType === 'Company' ? 'highlevel-agency' : 'highlevel-oauth';
  const meta: Record<string, string> = {
    clientId: p.clientId,
    tokenUrl: p.tokenUrl,
    ...(tokens.userType ? { userType: tokens.userType } : {}),
    ...(tokens.locationId ? { locationId: tokens.locationId } : {}),
    ...(tokens.companyId ? { companyId: tokens.companyId } : {}),
    ...(tokens.userId ? { userId: tokens.userId } : {}),
  };
  const secret = { clientSecret: p.clientSecret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  const existing = await store.find(p.name);
  if (existing && existing.kind !== kind) {
    throw credentialError(
      CredentialCode.EXISTS,
      `credential ${p.name} exists and is a ${existing.kind}, but this install gave ${kind === 'highlevel-agency' ? 'an agency (Company) token' : 'a location token'}. Choose another --name or remove it first.`,
    );
  }
  if (existing) {
    await store.addVersion(p.name, { secret, meta, scopes: tokens.scopes, expiresAt: tokens.expiresAt, origin: 'login' });
    return store.get(p.name);
  }
  return store.add({
    name: p.name,
    kind,
    values: { ...meta, ...secret },
    scopes: tokens.scopes,
    expiresAt: tokens.expiresAt,
    origin: 'login',
  });
}

/** Handle `GET <redirect_uri>?code=…&state=…` (or `?error=…`): exchange the code and store the tokens. */
export async function completeOAuthCallback(opts: {
  store: CredentialStore;
  registry: OAuthLoginRegistry;
  query: URLSearchParams;
  fetch?: typeof fetch;
  /** After the tokens are stored (an agency connection reads its installed locations here). */
  afterSave?: (credential: CredentialInfo) => Promise<void>;
}): Promise<CallbackOutcome> {
  const q = opts.query;
  const pending = opts.registry.take(q.get('state'));
  if (q.get('error')) {
    const e = credentialError(
      CredentialCode.OAUTH_FAILED,
      `the install was not approved: ${q.get('error')}${q.get('error_description') ? ` (${q.get('error_description')})` : ''}. Start again with \`splice auth login highlevel\`.`,
    );
    return { status: 400, message: e.message, error: e };
  }
  if (!pending) {
    const e = credentialError(
      CredentialCode.OAUTH_FAILED,
      'this callback does not belong to an install in progress (unknown or expired state). Start again with `splice auth login highlevel`.',
    );
    return { status: 400, message: e.message, error: e };
  }
  const code = q.get('code');
  if (!code) {
    const e = credentialError(
      CredentialCode.OAUTH_FAILED,
      'the callback carries no ?code. Start again with `splice auth login highlevel`.',
    );
    return { status: 400, message: e.message, error: e };
  }
  try {
    const tokens = await exchangeCode({
      tokenUrl: pending.tokenUrl,
      clientId: pending.clientId,
      clientSecret: pending.clientSecret,
      code,
      redirectUri: pending.redirectUri,
      userType: pending.userType,
      fetch: opts.fetch,
    });
    const credential = await saveOAuthTokens(opts.store, pending, tokens);
    let serves = '';
    if (opts.afterSave) {
      try {
        await opts.afterSave(credential);
        if (credential.kind === 'highlevel-agency') serves = `, serving ${(await opts.store.locations.list(credential.id)).filter((l) => l.status === 'installed').length} installed location(s)`;
      } catch (err) {
        serves = ` (its installed locations could not be read yet: ${(err as Error).message}; they are read again on first use)`;
      }
    }
    const where = credential.meta.locationId
      ? `location ${credential.meta.locationId}`
      : credential.meta.companyId
        ? `company ${credential.meta.companyId}${serves}`
        : 'HighLevel';
    return { status: 200, message: `Connected ${credential.name} to ${where}. You can close this window.`, credential };
  } catch (err) {
    const e =
      err instanceof OAuthGrantError
        ? credentialError(
            CredentialCode.OAUTH_FAILED,
            `exchanging the authorization code failed: ${err.message}. Check the client id/secret and redirect URI, then start again.`,
            { cause: err },
          )
        : (err as Error);
    return { status: 502, message: e.message, error: e };
  }
}

/** A node:http handler for the callback path (no express needed); the server mounts it at /oauth/callback. */
export function createOAuthCallbackHandler(opts: {
  store: CredentialStore;
  registry: OAuthLoginRegistry;
  onComplete?: (o: CallbackOutcome) => void;
  fetch?: typeof fetch;
  afterSave?: (credential: CredentialInfo) => Promise<void>;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const outcome = await completeOAuthCallback({
      store: opts.store,
      registry: opts.registry,
      query: url.searchParams,
      fetch: opts.fetch,
      ...(opts.afterSave ? { afterSave: opts.afterSave } : {}),
    });
    res.writeHead(outcome.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${outcome.message}\n`);
    opts.onComplete?.(outcome);
  };
}

export interface LoginSettingsInput {
  name: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  /** API base (e.g. the sandbox); default: the stored connection's token endpoint, else production. */
  baseUrl?: string;
  installUrl?: string;
}

/**
 * What an install needs, from the given values or else the stored connection of that name, so a
 * reconnect is just `splice auth login highlevel --name X` (or the API's reconnect button).
 */
export async function resolveLoginSettings(
  store: CredentialStore,
  input: LoginSettingsInput,
): Promise<{ clientId: string; clientSecret: string; scopes: string[]; tokenUrl: string; installUrl: string }> {
  const existing = await store.find(input.name);
  if (existing && existing.kind !== 'highlevel-oauth' && existing.kind !== 'highlevel-agency') {
    throw credentialError(
      CredentialCode.EXISTS,
      `credential ${input.name} is a ${existing.kind}, not an OAuth connection. Choose another --name.`,
    );
  }
  const previous = existing ? await store.readActive(input.name) : undefined;
  const clientId = input.clientId ?? previous?.info.meta.clientId;
  const clientSecret = input.clientSecret ?? previous?.secret.clientSecret;
  const scopes = input.scopes?.length ? input.scopes : previous?.info.scopes;
  const missing = (what: string, how: string) =>
    credentialError(CredentialCode.FIELD_INVALID, `${what} is required for ${input.name}: ${how}.`);
  if (!clientId) throw missing('the OAuth client id', 'pass --client-id (from the app in the HighLevel marketplace)');
  if (!clientSecret) throw missing('the OAuth client secret', 'pass --client-secret-env VAR or --client-secret-stdin');
  if (!scopes?.length) throw missing('at least one scope', 'pass --scopes, e.g. "socialplanner/post.readonly socialplanner/tag.readonly"');
  let ends = oauthEndpoints(input.baseUrl, input.installUrl);
  const storedTokenUrl = previous?.info.meta.tokenUrl;
  if (!input.baseUrl && storedTokenUrl && storedTokenUrl !== ends.tokenUrl) {
    // A connection made against another base (the sandbox) reconnects against the same one.
    ends = oauthEndpoints(storedTokenUrl.replace(/\/oauth\/token$/, ''), input.installUrl);
  }
  // Checked before the install starts: the code exchange already sends the client secret to tokenUrl.
  checkTokenUrl(ends.tokenUrl);
  return { clientId, clientSecret, scopes, ...ends };
}
