import { CredentialCode, credentialError } from './credential-codes';
import { HIGHLEVEL_API_BASE } from './kinds/highlevel';

export const HIGHLEVEL_INSTALL_URL = 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation';

/** `https://marketplace.gohighlevel.com/v2/oauth/chooselocation?response_type=code&redirect_uri=…&client_id=…&scope=…` */
export function buildInstallUrl(opts: {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  installUrl?: string;
}): string {
  const u = new URL(opts.installUrl ?? HIGHLEVEL_INSTALL_URL);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', opts.redirectUri);
  u.searchParams.set('client_id', opts.clientId);
  u.searchParams.set('scope', opts.scopes.join(' '));
  if (opts.state) u.searchParams.set('state', opts.state);
  return u.toString();
}

/** Install page and token endpoint for an API base (production, or the sandbox on loopback). */
export function oauthEndpoints(baseUrl?: string, installUrl?: string): { tokenUrl: string; installUrl: string } {
  if (!baseUrl) return { tokenUrl: `${HIGHLEVEL_API_BASE}/oauth/token`, installUrl: installUrl ?? HIGHLEVEL_INSTALL_URL };
  const base = baseUrl.replace(/\/$/, '');
  return { tokenUrl: `${base}/oauth/token`, installUrl: installUrl ?? `${base}/oauth/chooselocation` };
}

/** The token endpoint's answer, normalised. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  scopes: string[];
  userType?: string;
  locationId?: string;
  companyId?: string;
  userId?: string;
}

/** The token endpoint refused: `invalid_grant` means the refresh token is spent or the app was uninstalled. */
export class OAuthGrantError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    readonly description: string,
  ) {
    super(`token endpoint answered ${status} ${error}${description ? `: ${description}` : ''}`);
  }
  get invalidGrant(): boolean {
    return this.error === 'invalid_grant';
  }
}

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userType?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function exchangeCode(req: TokenRequest & { code: string; redirectUri: string }): Promise<OAuthTokens> {
  return postToken(req, { grant_type: 'authorization_code', code: req.code, redirect_uri: req.redirectUri });
}

export function refreshTokens(req: TokenRequest & { refreshToken: string }): Promise<OAuthTokens> {
  return postToken(req, { grant_type: 'refresh_token', refresh_token: req.refreshToken });
}

/** POST /oauth/token, form-encoded, as HighLevel expects. */
async function postToken(req: TokenRequest, grant: Record<string, string>): Promise<OAuthTokens> {
  const form = new URLSearchParams({ client_id: req.clientId, client_secret: req.clientSecret, ...grant });
  if (req.userType) form.set('user_type', req.userType);
  let res: Response;
  try {
    res = await (req.fetch ?? fetch)(req.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw credentialError(
      CredentialCode.REFRESH_FAILED,
      `could not reach the token endpoint ${req.tokenUrl}: ${(err as Error).message}. Check the network / base URL.`,
      { retryable: true, cause: err },
    );
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* non-JSON error page */
  }
  if (!res.ok) {
    const error = typeof body.error === 'string' ? body.error : /invalid_grant/.test(text) ? 'invalid_grant' : `http_${res.status}`;
    const description =
      typeof body.error_description === 'string' ? body.error_description : typeof body.message === 'string' ? body.message : '';
    throw new OAuthGrantError(error, res.status, description);
  }
  if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
    throw credentialError(CredentialCode.OAUTH_FAILED, `token endpoint ${req.tokenUrl} answered without access_token/refresh_token.`);
  }
  const expiresIn = Number(body.expires_in ?? 86399);
  const str = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
    scopes: (str('scope') ?? '').split(/[\s,]+/).filter(Boolean),
    ...(str('userType') ? { userType: str('userType') } : {}),
    ...(str('locationId') ? { locationId: str('locationId') } : {}),
    ...(str('companyId') ? { companyId: str('companyId') } : {}),
    ...(str('userId') ? { userId: str('userId') } : {}),
  };
}
