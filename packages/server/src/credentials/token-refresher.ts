import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CredentialCode, credentialError } from './credential-codes';
import { reconnectCommand } from './credential-info';
import type { CredentialStore, UnsealedCredential } from './credential-store';
import { DbLeaseLock } from './db-lease-lock';
import { OAuthGrantError, refreshTokens } from './highlevel-oauth';
import { getKind } from './kinds/index';

export interface TokenRefresherOptions {
  store: CredentialStore;
  /** Lease on the database lock; longer than the token request's timeout so a live owner never loses it. */
  leaseMs?: number;
  /** How long to wait for another process's refresh before giving up (retryable). */
  waitMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Non-secret events, e.g. for a pino logger. */
  log?: (event: string, facts: Record<string, unknown>) => void;
}

export interface RefreshStats {
  /** Token requests this process sent. */
  refreshes: number;
  /** Times another process's (or this process's earlier) refresh was reused instead of refreshing. */
  reused: number;
  invalidGrants: number;
}

/** Refresh this far ahead of expiry: 60 s, or 10% of the token's lifetime when that is smaller. */
export function refreshSkewMs(c: Pick<UnsealedCredential, 'expiresAt' | 'versionCreatedAt'>): number {
  if (!c.expiresAt) return 0;
  const lifetime = Date.parse(c.expiresAt) - Date.parse(c.versionCreatedAt);
  return Math.max(0, Math.min(60_000, lifetime * 0.1));
}

export function isExpiring(c: Pick<UnsealedCredential, 'expiresAt' | 'versionCreatedAt'>, now = Date.now()): boolean {
  return !!c.expiresAt && now >= Date.parse(c.expiresAt) - refreshSkewMs(c);
}

/**
 * Refreshes OAuth tokens so that a refresh token is spent at most once: one refresh per credential at a
 * time inside the process (a shared promise) and across processes (a lease row in the database). Inside
 * the lock it re-reads the credential: if someone else already refreshed, their tokens are used.
 */
export class TokenRefresher {
  readonly stats: RefreshStats = { refreshes: 0, reused: 0, invalidGrants: 0 };
  private readonly inflight = new Map<string, Promise<UnsealedCredential>>();
  private readonly lock: DbLeaseLock;
  private readonly waitMs: number;

  constructor(private readonly opts: TokenRefresherOptions) {
    this.lock = new DbLeaseLock(opts.store, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, opts.leaseMs ?? 30_000);
    this.waitMs = opts.waitMs ?? 45_000;
  }

  /** The active version, refreshed first when it is within the skew of its expiry. */
  async ensureFresh(name: string): Promise<UnsealedCredential> {
    const cur = await this.opts.store.readActive(name);
    assertConnected(cur);
    if (!getKind(cur.info.kind).refreshable || !isExpiring(cur)) return cur;
    return this.refresh(name, cur.version, 'expiry');
  }

  /**
   * Replace `staleVersion` with fresh tokens. `expiry`: refresh unless the active version is no longer
   * expiring; `unauthorized` (a 401): refresh unless a newer version than the one rejected exists.
   */
  refresh(name: string, staleVersion: number, reason: 'expiry' | 'unauthorized'): Promise<UnsealedCredential> {
    const key = name;
    const running = this.inflight.get(key);
    if (running) {
      this.stats.reused++;
      // A refresh already under way may end at the very version this caller saw rejected: then refresh again.
      return running.then((r) => (reason === 'unauthorized' && r.version <= staleVersion ? this.refresh(name, staleVersion, reason) : r));
    }
    const p = this.refreshUnderLock(name, staleVersion, reason).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private superseded(cur: UnsealedCredential, staleVersion: number, reason: 'expiry' | 'unauthorized'): boolean {
    if (isExpiring(cur)) return false;
    return cur.version > staleVersion || reason === 'expiry';
  }

  private async refreshUnderLock(name: string, staleVersion: number, reason: 'expiry' | 'unauthorized'): Promise<UnsealedCredential> {
    const store = this.opts.store;
    const info = await store.get(name);
    if (!getKind(info.kind).refreshable) {
      throw credentialError(
        CredentialCode.NOT_REFRESHABLE,
        `credential ${name} (${info.kind}) cannot be refreshed: the API rejected it. Give it a new secret with \`splice credentials rotate ${name}\`.`,
      );
    }
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (await this.lock.tryAcquire(info.id)) {
        try {
          return await this.refreshHoldingLock(name, info.id, staleVersion, reason);
        } finally {
          await this.lock.release(info.id).catch(() => {});
        }
      }
      // Someone else is refreshing: wait for their result instead of spending the token twice.
      const cur = await store.readActive(name);
      assertConnected(cur);
      if (this.superseded(cur, staleVersion, reason)) {
        this.stats.reused++;
        return cur;
      }
      await sleep(Math.min(250, 25 * 2 ** Math.min(attempt, 3)) + Math.random() * 25);
    }
    throw credentialError(
      CredentialCode.LOCK_TIMEOUT,
      `timed out waiting for another process to refresh credential ${name}; it will be retried.`,
      { retryable: true },
    );
  }

  private async refreshHoldingLock(
    name: string,
    id: string,
    staleVersion: number,
    reason: 'expiry' | 'unauthorized',
  ): Promise<UnsealedCredential> {
    const store = this.opts.store;
    const cur = await store.readActive(name);
    assertConnected(cur);
    if (this.superseded(cur, staleVersion, reason)) {
      this.stats.reused++;
      return cur;
    }
    const { secret, info } = cur;
    if (!secret.refreshToken) {
      throw credentialError(
        CredentialCode.NEEDS_RECONNECT,
        `credential ${name} has no refresh token. Reconnect it with \`${reconnectCommand(info)}\`.`,
      );
    }
    this.stats.refreshes++;
    this.opts.log?.('credential.refresh', { credential: name, fromVersion: cur.version, reason });
    let tokens;
    try {
      tokens = await refreshTokens({
        tokenUrl: info.meta.tokenUrl ?? 'https://services.leadconnectorhq.com/oauth/token',
        clientId: info.meta.clientId ?? '',
        clientSecret: secret.clientSecret ?? '',
        refreshToken: secret.refreshToken,
        userType: info.meta.userType,
        fetch: this.opts.fetch,
        timeoutMs: this.opts.requestTimeoutMs,
      });
    } catch (err) {
      if (err instanceof OAuthGrantError && err.invalidGrant) {
        this.stats.invalidGrants++;
        const reasonText = `the token endpoint answered invalid_grant (${err.description || 'refresh token spent or app uninstalled'})`;
        await store.markNeedsReconnect(name, reasonText);
        this.opts.log?.('credential.needs_reconnect', { credential: name });
        throw needsReconnect(name, info.kind, reasonText, new Date().toISOString());
      }
      if (err instanceof OAuthGrantError) {
        throw credentialError(CredentialCode.REFRESH_FAILED, `refreshing credential ${name} failed: ${err.message}.`, {
          retryable: err.status >= 500 || err.status === 429,
          cause: err,
        });
      }
      throw err;
    }
    const meta = {
      ...info.meta,
      ...(tokens.userType ? { userType: tokens.userType } : {}),
      ...(tokens.locationId ? { locationId: tokens.locationId } : {}),
      ...(tokens.companyId ? { companyId: tokens.companyId } : {}),
    };
    await store.transaction(async (tx) => {
      // The new refresh token must be stored whatever happens to the lease: it is the only valid one now.
      await store.addVersion(
        name,
        {
          secret: { ...secret, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
          meta,
          scopes: tokens.scopes.length ? tokens.scopes : (info.scopes ?? null),
          expiresAt: tokens.expiresAt,
          origin: 'refresh',
        },
        tx,
      );
    });
    if (!(await this.lock.stillHeld(id))) this.opts.log?.('credential.lease_lost', { credential: name });
    const fresh = await store.readActive(name);
    this.opts.log?.('credential.refreshed', {
      credential: name,
      connector: info.connector,
      version: fresh.version,
      expiresAt: fresh.expiresAt,
    });
    // Superseded token versions hold spent refresh tokens: drop them once past the retention time.
    await store.pruneRetiredVersions().catch(() => {});
    return fresh;
  }
}

function assertConnected(cur: UnsealedCredential): void {
  if (cur.info.status === 'needs_reconnect') {
    throw needsReconnect(cur.info.name, cur.info.kind, cur.info.statusReason ?? 'it was disconnected', cur.info.statusAt);
  }
}

export function needsReconnect(name: string, kind: string, reason: string, at?: string) {
  return credentialError(
    CredentialCode.NEEDS_RECONNECT,
    `credential ${name} needs reconnecting: ${reason}${at ? ` at ${at}` : ''}. Reconnect it with \`${reconnectCommand({ name, kind })}\`.`,
    { details: { credential: name, reason, at } },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
