import { randomBytes } from 'node:crypto';

/**
 * Who may call the HighLevel stand-in: private integration tokens (static, per location, with a scope list)
 * and OAuth access tokens (expiring) with rotating refresh tokens. Refresh tokens are single use: a spent
 * one answers `invalid_grant`, like HighLevel.
 */

export type UserType = 'Location' | 'Company';

export interface AccessGrant {
  token: string;
  kind: 'pit' | 'oauth';
  /** Rate limits are per app: the OAuth client id, or the PIT itself (each PIT is its own integration). */
  appId: string;
  userType: UserType;
  locationId?: string;
  companyId: string;
  /** Company tokens may reach these locations (via /oauth/locationToken). */
  approvedLocations: string[];
  scopes: Set<string>;
  /** Epoch ms; undefined for PITs (they do not expire). */
  expiresAt?: number;
  userId: string;
}

/** Who an OAuth token pair is for: what `issue` takes and a refresh token remembers for its rotation. */
export interface TokenSubject {
  clientId: string;
  userType: UserType;
  locationId?: string;
  companyId: string;
  approvedLocations: string[];
  scopes: string[];
  userId: string;
}

interface IssueOptions extends TokenSubject {
  withRefresh?: boolean;
  /** Access token lifetime; a refresh token keeps it, so the rotated token lives as long. */
  ttlSeconds?: number;
}

interface RefreshGrant extends IssueOptions {
  spent: boolean;
}

interface AuthCode {
  clientId: string;
  redirectUri?: string;
  /** Approved for the whole agency (the consent page's agency choice): exchange with user_type Company. */
  agency?: boolean;
  locationId: string;
  companyId: string;
  scopes: string[];
  userId: string;
  expiresAt: number;
  used: boolean;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** Scopes the app may ask for (its marketplace settings). */
  scopes: string[];
}

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  userType: UserType;
  locationId?: string;
  companyId: string;
  approvedLocations?: string[];
  userId: string;
  isBulkInstallation: boolean;
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export class TokenStore {
  private access = new Map<string, AccessGrant>();
  private refresh = new Map<string, RefreshGrant>();
  private codes = new Map<string, AuthCode>();
  readonly clients = new Map<string, OAuthClient>();

  /** Lifetime of location tokens from /oauth/locationToken (their own expiry, independent of the company token's). */
  locationTtlSeconds: number;

  constructor(
    public ttlSeconds: number,
    private readonly now: () => number = Date.now,
    locationTtlSeconds?: number,
  ) {
    this.locationTtlSeconds = locationTtlSeconds ?? ttlSeconds;
  }

  addClient(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  addPit(grant: Omit<AccessGrant, 'kind' | 'expiresAt'>): void {
    this.access.set(grant.token, { ...grant, kind: 'pit' });
  }

  lookup(bearer: string): { grant: AccessGrant } | { error: 'unknown' | 'expired' } {
    const grant = this.access.get(bearer);
    if (!grant) return { error: 'unknown' };
    if (grant.expiresAt !== undefined && grant.expiresAt <= this.now()) return { error: 'expired' };
    return { grant };
  }

  createCode(input: Omit<AuthCode, 'expiresAt' | 'used'>): string {
    const code = token('sbx_code_');
    this.codes.set(code, { ...input, expiresAt: this.now() + 10 * 60_000, used: false });
    return code;
  }

  redeemCode(code: string, clientId: string, redirectUri: string | undefined): AuthCode | undefined {
    const c = this.codes.get(code);
    if (!c || c.used || c.expiresAt <= this.now() || c.clientId !== clientId) return undefined;
    if (c.redirectUri && redirectUri && c.redirectUri !== redirectUri) return undefined;
    c.used = true;
    return c;
  }

  /** Issues an access token (and a refresh token unless `withRefresh` is false). */
  issue(input: IssueOptions): TokenAnswer {
    const ttl = input.ttlSeconds ?? this.ttlSeconds;
    const accessToken = token('sbx_at_');
    this.access.set(accessToken, {
      token: accessToken,
      kind: 'oauth',
      appId: input.clientId,
      userType: input.userType,
      locationId: input.locationId,
      companyId: input.companyId,
      approvedLocations: input.approvedLocations,
      scopes: new Set(input.scopes),
      expiresAt: this.now() + ttl * 1000,
      userId: input.userId,
    });
    let refreshToken: string | undefined;
    if (input.withRefresh !== false) {
      refreshToken = token('sbx_rt_');
      this.refresh.set(refreshToken, { ...input, spent: false });
    }
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: input.scopes.join(' '),
      userType: input.userType,
      ...(input.locationId ? { locationId: input.locationId } : {}),
      companyId: input.companyId,
      ...(input.userType === 'Company' ? { approvedLocations: input.approvedLocations } : {}),
      userId: input.userId,
      isBulkInstallation: false,
    };
  }

  /** Rotates: the given refresh token is spent and a new pair is issued. */
  rotate(refreshToken: string, clientId: string): TokenAnswer | { error: 'invalid_grant'; reason: string } {
    const r = this.refresh.get(refreshToken);
    if (!r) return { error: 'invalid_grant', reason: 'refresh token is unknown' };
    if (r.clientId !== clientId) return { error: 'invalid_grant', reason: 'refresh token was issued to another client' };
    if (r.spent) return { error: 'invalid_grant', reason: 'refresh token was already used (refresh tokens rotate: use the newest one)' };
    r.spent = true;
    return this.issue({ ...r, withRefresh: true });
  }

  /**
   * The app was uninstalled from a location: its access tokens for that location stop working (401), as
   * HighLevel revokes them; refresh tokens of Location installs there are spent too.
   */
  revokeLocation(appId: string, locationId: string, sameApp: (a: string, b: string) => boolean): number {
    let n = 0;
    for (const [k, g] of this.access) {
      if (g.kind === 'oauth' && g.userType === 'Location' && g.locationId === locationId && sameApp(g.appId, appId)) {
        this.access.delete(k);
        n++;
      }
    }
    for (const r of this.refresh.values()) if (r.userType === 'Location' && r.locationId === locationId && sameApp(r.clientId, appId)) r.spent = true;
    return n;
  }

  /** Makes every OAuth access token expire now (tests of the refresh path). */
  expireAccessTokens(): number {
    let n = 0;
    for (const g of this.access.values()) {
      if (g.kind === 'oauth') {
        g.expiresAt = this.now() - 1;
        n++;
      }
    }
    return n;
  }

  /** Drops OAuth tokens and codes (PITs and clients stay). */
  resetOAuth(): void {
    for (const [k, g] of this.access) if (g.kind === 'oauth') this.access.delete(k);
    this.refresh.clear();
    this.codes.clear();
  }
}
