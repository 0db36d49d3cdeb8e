import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CredentialCode, credentialError } from './credential-codes';
import type { CredentialInfo } from './credential-info';
import type { LocationToken } from './credential-locations';
import type { CredentialStore } from './credential-store';
import { DbLeaseLock } from './db-lease-lock';
import { AgencyApiError, requestLocationToken } from './highlevel-agency-api';
import { syncInstalledLocations } from './installed-locations';
import { agencyApiBase } from './kinds/highlevel-locations';
import { getKind } from './kinds/index';
import { notCovered } from './location-errors';
import type { TokenRefresher } from './token-refresher';

export interface LocationTokensOptions {
  store: CredentialStore;
  /** Keeps the agency (company) token fresh: refreshed single-flight, its rotating refresh token spent once. */
  refresher: TokenRefresher;
  leaseMs?: number;
  waitMs?: number;
  requestTimeoutMs?: number;
  /** A location the credential does not list re-reads /oauth/installedLocations at most this often. */
  syncEveryMs?: number;
  fetch?: typeof fetch;
  log?: (event: string, facts: Record<string, unknown>) => void;
}

export interface LocationTokenStats {
  /** POST /oauth/locationToken requests this process sent. */
  exchanges: number;
  /** Times another process's (or an earlier) exchange was reused instead of exchanging. */
  reused: number;
  syncs: number;
}

/** Same skew as the refresher: 60 s ahead of expiry, or 10% of the token's lifetime when that is less. */
function expiring(t: Pick<LocationToken, 'expiresAt' | 'tokenAt'>, now = Date.now()): boolean {
  if (!t.expiresAt) return false;
  const end = Date.parse(t.expiresAt);
  const skew = Math.max(0, Math.min(60_000, (end - Date.parse(t.tokenAt)) * 0.1));
  return now >= end - skew;
}

/** How long a token read from the database is trusted without looking at the row again (uninstalls show within this). */
const MEMORY_MS = 2_000;

/**
 * Location tokens of multi-location credentials. An agency connection's token for a location is
 * obtained from the company token (POST /oauth/locationToken) when first needed and again near its
 * expiry, once per location at a time in this process (a shared promise) and across processes (a
 * lease row per location in the database; inside it the row is re-read, so a token another process
 * just obtained is used instead of asking again). A grouped credential's tokens are read as stored.
 */
export class LocationTokens {
  readonly stats: LocationTokenStats = { exchanges: 0, reused: 0, syncs: 0 };
  private readonly inflight = new Map<string, Promise<LocationToken>>();
  private readonly memory = new Map<string, { at: number; token: LocationToken }>();
  private readonly lastSync = new Map<string, number>();
  private readonly lock: DbLeaseLock;

  constructor(private readonly opts: LocationTokensOptions) {
    this.lock = new DbLeaseLock(opts.store, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, opts.leaseMs ?? 30_000);
  }

  /**
   * The token for `locationId`. `staleVersion`: the API refused that version (401), so a newer one is
   * needed. Throws CREDENTIAL_LOCATION_NOT_COVERED, naming the location and how to add it, when the
   * credential does not serve that location.
   */
  async tokenFor(info: CredentialInfo, locationId: string, opts: { staleVersion?: number } = {}): Promise<LocationToken> {
    const key = `${info.id}\u0000${locationId}`;
    const stale = opts.staleVersion;
    const fresh = (t: LocationToken | undefined): boolean => !!t && !expiring(t) && (stale === undefined || t.version > stale);
    const hit = this.memory.get(key);
    if (hit && Date.now() - hit.at < MEMORY_MS && fresh(hit.token)) return hit.token;

    const kind = getKind(info.kind);
    await this.assertCovered(info, locationId);
    const stored = await this.read(info, locationId);
    if (stored && fresh(stored)) return this.remember(key, stored);
    if (kind.locations === 'grouped') {
      if (!stored) throw notCovered(info, locationId, await this.opts.store.locations.list(info.id), 'has no token for it');
      throw credentialError(
        CredentialCode.NOT_REFRESHABLE,
        `HighLevel rejected the private integration token of location ${stored.name ?? locationId} in credential ${info.name} (401). Give it a new one with \`splice credentials locations add ${info.name} --location-id ${locationId} --token-stdin\`.`,
        { details: { credential: info.name, locationId } },
      );
    }
    const running = this.inflight.get(key);
    if (running) {
      this.stats.reused++;
      return running.then((t) => (fresh(t) ? t : this.tokenFor(info, locationId, opts)));
    }
    const p = this.exchangeUnderLock(info, locationId, stale)
      .then((t) => this.remember(key, t))
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /** Forget a location's token in this process (UNINSTALL, revoke); other processes stop trusting theirs within 2 s. */
  forget(credentialId: string, locationId?: string): void {
    for (const k of this.memory.keys()) if (k.startsWith(`${credentialId}\u0000${locationId ?? ''}`)) this.memory.delete(k);
  }

  /** Re-read the installed locations now (connect, the CLI's/API's sync, an INSTALL for the whole company). */
  async sync(info: CredentialInfo) {
    this.stats.syncs++;
    this.lastSync.set(info.id, Date.now());
    const r = await syncInstalledLocations({ store: this.opts.store, refresher: this.opts.refresher, name: info.name, fetch: this.opts.fetch, timeoutMs: this.opts.requestTimeoutMs });
    this.forget(info.id);
    return r;
  }

  private remember(key: string, token: LocationToken): LocationToken {
    this.memory.set(key, { at: Date.now(), token });
    if (this.memory.size > 10_000) this.memory.clear();
    return token;
  }

  private read(info: CredentialInfo, locationId: string): Promise<LocationToken | undefined> {
    return this.opts.store.locations.readToken(info.id, locationId, `location ${locationId} of credential ${info.name}`);
  }

  /** An agency connection that does not list the location looks again (throttled): the app may have been installed since. */
  private async assertCovered(info: CredentialInfo, locationId: string): Promise<void> {
    const locations = this.opts.store.locations;
    let loc = await locations.get(info.id, locationId);
    if (loc?.status === 'installed') return;
    if (getKind(info.kind).locations === 'agency') {
      const last = this.lastSync.get(info.id) ?? 0;
      if (Date.now() - last >= (this.opts.syncEveryMs ?? 10_000)) {
        await this.sync(info).catch((err) => this.opts.log?.('credential.locations_sync_failed', { credential: info.name, code: (err as { code?: string }).code }));
        loc = await locations.get(info.id, locationId);
        if (loc?.status === 'installed') return;
      }
    }
    throw notCovered(info, locationId, await locations.list(info.id), loc ? 'lists it as uninstalled' : 'does not list it');
  }

  private async exchangeUnderLock(info: CredentialInfo, locationId: string, stale: number | undefined): Promise<LocationToken> {
    const lockKey = `location:${info.id}:${locationId}`;
    const deadline = Date.now() + (this.opts.waitMs ?? 45_000);
    const fresh = (t: LocationToken | undefined): t is LocationToken => !!t && !expiring(t) && (stale === undefined || t.version > stale);
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (await this.lock.tryAcquire(lockKey)) {
        try {
          const cur = await this.read(info, locationId);
          if (fresh(cur)) {
            this.stats.reused++;
            return cur;
          }
          return await this.exchange(info, locationId);
        } finally {
          await this.lock.release(lockKey).catch(() => {});
        }
      }
      // Another process is asking HighLevel for this location's token: use theirs when it lands.
      const cur = await this.read(info, locationId);
      if (fresh(cur)) {
        this.stats.reused++;
        return cur;
      }
      await new Promise((r) => setTimeout(r, Math.min(250, 25 * 2 ** Math.min(attempt, 3)) + Math.random() * 25));
    }
    throw credentialError(
      CredentialCode.LOCK_TIMEOUT,
      `timed out waiting for another process to obtain the token of location ${locationId} (credential ${info.name}); it will be retried.`,
      { retryable: true },
    );
  }

  private async exchange(info: CredentialInfo, locationId: string): Promise<LocationToken> {
    const { store, refresher } = this.opts;
    let company = await refresher.ensureFresh(info.name);
    const ask = () => {
      this.stats.exchanges++;
      return requestLocationToken({
        base: agencyApiBase(company.info.meta),
        companyToken: company.secret.accessToken ?? '',
        companyId: company.info.meta.companyId ?? '',
        locationId,
        fetch: this.opts.fetch,
        timeoutMs: this.opts.requestTimeoutMs,
      });
    };
    this.opts.log?.('credential.location_token', { credential: info.name, locationId });
    let answer;
    try {
      try {
        answer = await ask();
      } catch (err) {
        // The company token was refused before its time (revoked, clock skew): refresh it once and ask again.
        if (!(err instanceof AgencyApiError && err.status === 401)) throw err;
        company = await refresher.refresh(info.name, company.version, 'unauthorized');
        answer = await ask();
      }
    } catch (err) {
      if (err instanceof AgencyApiError && (err.status === 400 || err.status === 403)) {
        // HighLevel says the app is not installed there (any more): stop serving the location.
        await store.locations.markUninstalled(info.id, locationId);
        this.opts.log?.('credential.location_uninstalled', { credential: info.name, locationId });
        throw notCovered(info, locationId, await store.locations.list(info.id), `was refused a token for it (${err.apiMessage || err.status})`);
      }
      const message = err instanceof AgencyApiError ? err.message : (err as Error).message;
      await store.locations.noteError(info.id, locationId, message).catch(() => {});
      if (err instanceof AgencyApiError) {
        throw credentialError(
          CredentialCode.REFRESH_FAILED,
          `obtaining the token of location ${locationId} for credential ${info.name} failed: ${message}.`,
          { retryable: err.status >= 500 || err.status === 429, cause: err },
        );
      }
      throw err;
    }
    await store.locations.writeToken(info.id, locationId, {
      token: answer.accessToken,
      ...(answer.expiresAt ? { expiresAt: answer.expiresAt } : {}),
      ...(answer.scopes ? { scopes: answer.scopes } : {}),
    });
    const t = await this.read(info, locationId);
    if (!t) throw credentialError(CredentialCode.REFRESH_FAILED, `the token of location ${locationId} was stored but cannot be read back.`, { retryable: true });
    this.opts.log?.('credential.location_token_stored', { credential: info.name, locationId, version: t.version, expiresAt: t.expiresAt });
    return t;
  }
}
