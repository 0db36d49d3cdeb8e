import type { SpliceDb } from '../storage/database';
import type { CredentialLocationsTable } from '../storage/schema';
import type { CredentialVault } from './credential-vault';

/**
 * The locations a credential serves (table `credential_locations`): which ones, by name, installed or
 * not, and each one's token sealed under the master key. Metadata comes back from `list`/`get`; the only
 * way to a token is `readToken`, for the resolver. Writes run in `db` when given, so callers can keep
 * them inside a transaction or a lock.
 */
export interface LocationInfo {
  locationId: string;
  name?: string;
  address?: string;
  status: 'installed' | 'uninstalled';
  source: string;
  scopes?: string[];
  /** Version of the location's token (0: none yet). */
  tokenVersion: number;
  hasToken: boolean;
  expiresAt?: string;
  tokenAt?: string;
  lastError?: string;
  installedAt?: string;
  updatedAt: string;
}

/** A location's token, decrypted. Never log or return it. */
export interface LocationToken {
  locationId: string;
  token: string;
  version: number;
  expiresAt?: string;
  /** When it was obtained: with expiresAt gives its lifetime for the refresh skew. */
  tokenAt: string;
  scopes?: string[];
  name?: string;
}

export interface LocationUpsert {
  locationId: string;
  name?: string;
  address?: string;
  source: 'installed-locations' | 'webhook' | 'added';
  installedAt?: string;
  /** Webhook timestamp: an older event than the last one applied changes nothing. */
  eventAt?: string;
  scopes?: string[];
}

function toInfo(r: CredentialLocationsTable): LocationInfo {
  return {
    locationId: r.location_id,
    ...(r.name ? { name: r.name } : {}),
    ...(r.address ? { address: r.address } : {}),
    status: r.status === 'installed' ? 'installed' : 'uninstalled',
    source: r.source,
    ...(r.scopes ? { scopes: JSON.parse(r.scopes) as string[] } : {}),
    tokenVersion: Number(r.token_version),
    hasToken: r.ciphertext !== null,
    ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    ...(r.token_at ? { tokenAt: r.token_at } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    ...(r.installed_at ? { installedAt: r.installed_at } : {}),
    updatedAt: r.updated_at,
  };
}

const NO_TOKEN = { key_id: null, iv: null, auth_tag: null, ciphertext: null, expires_at: null, token_at: null } as const;

export class CredentialLocations {
  constructor(
    private readonly db: SpliceDb,
    private readonly vault: CredentialVault,
  ) {}

  async list(credentialId: string, db: SpliceDb = this.db): Promise<LocationInfo[]> {
    const rows = await db.selectFrom('credential_locations').selectAll().where('credential_id', '=', credentialId).execute();
    return rows.map(toInfo).sort((a, b) => (a.name ?? a.locationId).localeCompare(b.name ?? b.locationId));
  }

  /** Every location of every credential (the location directory: id → name). */
  async all(): Promise<Array<LocationInfo & { credentialId: string }>> {
    const rows = await this.db.selectFrom('credential_locations').selectAll().execute();
    return rows.map((r) => ({ ...toInfo(r), credentialId: r.credential_id }));
  }

  async get(credentialId: string, locationId: string, db: SpliceDb = this.db): Promise<LocationInfo | undefined> {
    const row = await this.row(credentialId, locationId, db);
    return row ? toInfo(row) : undefined;
  }

  /**
   * Marks a location installed (new or again), keeping its token. A webhook older than the last event
   * applied to the row is ignored (returns false): deliveries can arrive out of order.
   */
  async upsertInstalled(credentialId: string, u: LocationUpsert, db: SpliceDb = this.db): Promise<boolean> {
    const now = new Date().toISOString();
    const cur = await this.row(credentialId, u.locationId, db);
    if (cur && u.eventAt && cur.event_at && u.eventAt <= cur.event_at) return false;
    const facts = {
      ...(u.name !== undefined ? { name: u.name } : {}),
      ...(u.address !== undefined ? { address: u.address } : {}),
      ...(u.scopes ? { scopes: JSON.stringify(u.scopes) } : {}),
      ...(u.eventAt ? { event_at: u.eventAt } : {}),
    };
    if (cur) {
      await db
        .updateTable('credential_locations')
        .set({ ...facts, status: 'installed', source: u.source, installed_at: cur.status === 'installed' ? cur.installed_at : (u.installedAt ?? now), updated_at: now })
        .where('credential_id', '=', credentialId)
        .where('location_id', '=', u.locationId)
        .execute();
      return true;
    }
    await db
      .insertInto('credential_locations')
      .values({
        credential_id: credentialId,
        location_id: u.locationId,
        name: u.name ?? null,
        address: u.address ?? null,
        status: 'installed',
        source: u.source,
        scopes: u.scopes ? JSON.stringify(u.scopes) : null,
        ...NO_TOKEN,
        token_version: 0,
        last_error: null,
        event_at: u.eventAt ?? null,
        installed_at: u.installedAt ?? now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['credential_id', 'location_id']).doNothing())
      .execute();
    return true;
  }

  /** The app was uninstalled there (or the location was removed from a group): its token is dropped at once. */
  async markUninstalled(credentialId: string, locationId: string, opts: { eventAt?: string } = {}, db: SpliceDb = this.db): Promise<boolean> {
    const cur = await this.row(credentialId, locationId, db);
    if (!cur) return false;
    if (opts.eventAt && cur.event_at && opts.eventAt <= cur.event_at) return false;
    await db
      .updateTable('credential_locations')
      .set({ status: 'uninstalled', ...NO_TOKEN, ...(opts.eventAt ? { event_at: opts.eventAt } : {}), updated_at: new Date().toISOString() })
      .where('credential_id', '=', credentialId)
      .where('location_id', '=', locationId)
      .execute();
    return true;
  }

  async remove(credentialId: string, locationId: string, db: SpliceDb = this.db): Promise<void> {
    await db.deleteFrom('credential_locations').where('credential_id', '=', credentialId).where('location_id', '=', locationId).execute();
  }

  /** The location's token, decrypted; undefined when it has none. */
  async readToken(credentialId: string, locationId: string, what: string, db: SpliceDb = this.db): Promise<LocationToken | undefined> {
    const r = await this.row(credentialId, locationId, db);
    if (!r || r.status !== 'installed' || !r.ciphertext || !r.key_id || !r.iv || !r.auth_tag) return undefined;
    const token = this.vault.openLocation(
      { credential_id: r.credential_id, location_id: r.location_id, token_version: Number(r.token_version), key_id: r.key_id, iv: r.iv, auth_tag: r.auth_tag, ciphertext: r.ciphertext },
      what,
    );
    return {
      locationId: r.location_id,
      token,
      version: Number(r.token_version),
      ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
      tokenAt: r.token_at ?? r.updated_at,
      ...(r.scopes ? { scopes: JSON.parse(r.scopes) as string[] } : {}),
      ...(r.name ? { name: r.name } : {}),
    };
  }

  /** Stores a new token for an installed location (the next version); returns that version. */
  async writeToken(
    credentialId: string,
    locationId: string,
    t: { token: string; expiresAt?: string; scopes?: string[] },
    db: SpliceDb = this.db,
  ): Promise<number> {
    const cur = await this.row(credentialId, locationId, db);
    if (!cur) throw new Error(`location ${locationId} is not stored for credential ${credentialId}`);
    const version = Number(cur.token_version) + 1;
    const s = this.vault.sealLocation(credentialId, locationId, version, t.token);
    const now = new Date().toISOString();
    await db
      .updateTable('credential_locations')
      .set({
        key_id: s.keyId,
        iv: s.iv,
        auth_tag: s.authTag,
        ciphertext: s.ciphertext,
        token_version: version,
        expires_at: t.expiresAt ?? null,
        token_at: now,
        last_error: null,
        ...(t.scopes ? { scopes: JSON.stringify(t.scopes) } : {}),
        updated_at: now,
      })
      .where('credential_id', '=', credentialId)
      .where('location_id', '=', locationId)
      .execute();
    return version;
  }

  /** Drops a location's cached token (revoke): the next call obtains a new one. */
  async dropToken(credentialId: string, locationId: string, db: SpliceDb = this.db): Promise<void> {
    await db
      .updateTable('credential_locations')
      .set({ ...NO_TOKEN, updated_at: new Date().toISOString() })
      .where('credential_id', '=', credentialId)
      .where('location_id', '=', locationId)
      .execute();
  }

  async noteError(credentialId: string, locationId: string, message: string, db: SpliceDb = this.db): Promise<void> {
    await db
      .updateTable('credential_locations')
      .set({ last_error: message.slice(0, 500), updated_at: new Date().toISOString() })
      .where('credential_id', '=', credentialId)
      .where('location_id', '=', locationId)
      .execute();
  }

  /** Every token (decrypted) for the redactor. */
  async tokenValues(): Promise<string[]> {
    const rows = await this.db.selectFrom('credential_locations').selectAll().where('ciphertext', 'is not', null).execute();
    return rows.map((r) =>
      this.vault.openLocation(
        { credential_id: r.credential_id, location_id: r.location_id, token_version: Number(r.token_version), key_id: r.key_id!, iv: r.iv!, auth_tag: r.auth_tag!, ciphertext: r.ciphertext! },
        `location ${r.location_id}`,
      ),
    );
  }

  private row(credentialId: string, locationId: string, db: SpliceDb): Promise<CredentialLocationsTable | undefined> {
    return db
      .selectFrom('credential_locations')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .where('location_id', '=', locationId)
      .executeTakeFirst();
  }
}
