import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Dialect, type SpliceDb } from '../storage/database';
import type { CredentialVersionsTable } from '../storage/schema';
import { CredentialCode, credentialError } from './credential-codes';
import { toInfo, type CredentialInfo } from './credential-info';
import { getKind, splitFields } from './kinds/index';
import { KEY_FILE, MASTER_KEY_ENV, NEXT_KEY_FILE, generateMasterKey, loadKeyring, writeKeyFile, type Keyring, type MasterKey } from './master-key';
import { CredentialLocations } from './credential-locations';
import { CredentialVault } from './credential-vault';
import { SecretValuesCache } from './secret-values';
import { writeTransaction } from './write-transaction';

/** The active (or a pinned) secret version of a credential, decrypted. Never log or return it. */
export interface UnsealedCredential {
  info: CredentialInfo;
  version: number;
  secret: Record<string, string>;
  expiresAt?: string;
  /** When this version was written: with expiresAt gives the token lifetime for the refresh skew. */
  versionCreatedAt: string;
}

export interface AddCredentialInput {
  name: string;
  kind: string;
  /** Field values by field name (secret and plain), as declared by the kind. */
  values: Record<string, string | undefined>;
  scopes?: string[];
  expiresAt?: string;
  /** Override the kind's connector (generic kinds used for a specific connector). */
  connector?: string;
  origin?: 'add' | 'login';
}

export interface NewVersionInput {
  /** Complete secret of the new version. */
  secret: Record<string, string>;
  meta?: Record<string, string>;
  scopes?: string[] | null;
  expiresAt?: string | null;
  origin: 'rotate' | 'refresh' | 'login';
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Superseded versions are kept this long so runs that started with them can finish. */
export const DEFAULT_VERSION_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Credentials at rest: plain metadata columns, secrets AES-256-GCM encrypted per version under the
 * master key. The only way to a secret is readActive/readVersion (for the resolver and `test`) and
 * secretValues (for the redactor); list/get return metadata only.
 */
export class CredentialStore {
  constructor(
    readonly db: SpliceDb,
    readonly dialect: Dialect,
    keyring: Keyring,
    private readonly opts: { dataDir?: string; reloadKeyring?: () => Keyring; close?: () => Promise<void> } = {},
  ) {
    const { dataDir, reloadKeyring } = opts;
    this.vault = new CredentialVault(
      keyring,
      reloadKeyring && dataDir ? () => (existsSync(join(dataDir, KEY_FILE)) ? reloadKeyring() : keyring) : undefined,
    );
    this.locations = new CredentialLocations(db, this.vault);
    this.redaction = new SecretValuesCache(db, this.vault, this.locations);
  }

  /** The locations multi-location credentials serve, with their sealed tokens (credential-locations.ts). */
  readonly locations: CredentialLocations;
  private readonly vault: CredentialVault;
  /** Decrypted versions by credential id and version (see readVersion). */
  private readonly opened = new Map<string, UnsealedCredential>();
  private readonly redaction: SecretValuesCache;

  static async open(opts: { dataDir?: string; url?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CredentialStore> {
    const dataDir = opts.dataDir ?? process.env.SPLICE_DATA_DIR ?? '.splice';
    const opened = await openDatabase({ dataDir, url: opts.url });
    try {
      return await CredentialStore.attach(opened.db, opened.dialect, { dataDir, env: opts.env, close: opened.close });
    } catch (err) {
      await opened.close();
      throw err;
    }
  }

  /**
   * A store on an already-open database (the server's own). Refuses to mint a new master key when the
   * data dir already holds sealed secrets: a lost master.key must be restored, not silently replaced.
   */
  static async attach(
    db: SpliceDb,
    dialect: Dialect,
    opts: { dataDir: string; env?: NodeJS.ProcessEnv; close?: () => Promise<void> },
  ): Promise<CredentialStore> {
    await refuseNewKeyOverSealedSecrets(db, opts.dataDir, opts.env ?? process.env);
    const load = () => loadKeyring({ dataDir: opts.dataDir, env: opts.env });
    return new CredentialStore(db, dialect, load(), { dataDir: opts.dataDir, reloadKeyring: load, close: opts.close });
  }

  async close(): Promise<void> {
    await this.opts.close?.();
  }

  get keyId(): string {
    return this.vault.keyId;
  }

  transaction<T>(fn: (tx: SpliceDb) => Promise<T>): Promise<T> {
    return writeTransaction(this.db, this.dialect, fn);
  }

  async add(input: AddCredentialInput): Promise<CredentialInfo> {
    if (!NAME_RE.test(input.name)) {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        `credential name "${input.name}" must start with a letter or digit and use only letters, digits, ".", "_" and "-" (max 63).`,
        { path: 'name' },
      );
    }
    const kind = getKind(input.kind);
    // Only generic kinds (connector "http") may be pointed at a connector; a PIT is always HighLevel's.
    if (input.connector !== undefined && input.connector !== kind.connector && kind.connector !== 'http') {
      throw credentialError(
        CredentialCode.FIELD_INVALID,
        `a ${kind.kind} credential is for connector ${kind.connector}, not ${input.connector}. Leave the connector out, or use a generic kind (bearer, api-key-header).`,
        { path: 'connector' },
      );
    }
    const fields = splitFields(kind, input.values);
    kind.validate?.({ ...fields, scopes: input.scopes });
    // A group of private integration tokens keeps each token with its location, not in the version.
    const first = kind.locations === 'grouped' ? groupedFirst(fields) : undefined;
    const { secret, meta } = first ? first.rest : fields;
    const now = new Date().toISOString();
    const id = randomUUID();
    await this.transaction(async (tx) => {
      const existing = await tx.selectFrom('credentials').select('id').where('name', '=', input.name).executeTakeFirst();
      if (existing) {
        throw credentialError(
          CredentialCode.EXISTS,
          `a credential named ${input.name} exists already. Use \`splice credentials rotate ${input.name}\` to give it a new secret, or remove it first.`,
        );
      }
      await tx
        .insertInto('credentials')
        .values({
          id,
          name: input.name,
          kind: kind.kind,
          connector: input.connector ?? kind.connector,
          status: 'active',
          status_reason: null,
          status_at: null,
          scopes: input.scopes ? JSON.stringify(input.scopes) : null,
          meta: JSON.stringify(meta),
          active_version: 1,
          expires_at: input.expiresAt ?? null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto('credential_versions')
        .values(this.sealVersion(id, 1, secret, input.expiresAt ?? null, input.origin ?? 'add', now))
        .execute();
      if (first) {
        await this.locations.upsertInstalled(id, { locationId: first.locationId, ...(first.name ? { name: first.name } : {}), source: 'added', ...(input.scopes ? { scopes: input.scopes } : {}) }, tx);
        await this.locations.writeToken(id, first.locationId, { token: first.token }, tx);
      }
    });
    return this.get(input.name);
  }

  async list(): Promise<CredentialInfo[]> {
    const rows = await this.db.selectFrom('credentials').selectAll().orderBy('name').execute();
    return rows.map(toInfo);
  }

  async find(name: string): Promise<CredentialInfo | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toInfo(row) : undefined;
  }

  async get(name: string): Promise<CredentialInfo> {
    const info = await this.find(name);
    if (!info) throw this.notFound(name);
    return info;
  }

  /** The active version, decrypted (read through `db` so it can run inside a transaction/lock). */
  async readActive(name: string, db: SpliceDb = this.db): Promise<UnsealedCredential> {
    const row = await db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
    if (!row) throw this.notFound(name);
    return this.readVersion(name, Number(row.active_version), db, toInfo(row));
  }

  /** A given version (a run pinned to the version it started with). */
  async readVersion(name: string, version: number, db: SpliceDb = this.db, known?: CredentialInfo): Promise<UnsealedCredential> {
    const info = known ?? (await this.get(name));
    // A version's secret never changes once written (a key rotation re-encrypts the same plaintext), so
    // the decrypted value is kept: workers resolve the credential on every run.
    const cacheKey = `${info.id}\u0000${version}`;
    const hit = this.opened.get(cacheKey);
    if (hit) return { ...hit, info };
    const v = await db
      .selectFrom('credential_versions')
      .selectAll()
      .where('credential_id', '=', info.id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!v) {
      throw credentialError(
        CredentialCode.NOT_FOUND,
        `version ${version} of credential ${name} is no longer kept (superseded versions are pruned after their retention time).`,
        { retryable: true },
      );
    }
    const unsealed: UnsealedCredential = {
      info,
      version,
      secret: Object.freeze(this.unseal(v, name)),
      ...(v.expires_at ? { expiresAt: v.expires_at } : {}),
      versionCreatedAt: v.created_at,
    };
    if (this.opened.size >= 256) this.opened.delete(this.opened.keys().next().value as string);
    this.opened.set(cacheKey, unsealed);
    return unsealed;
  }

  /**
   * The active version plus versions superseded within `graceMs`: webhook verification accepts the old
   * secret/key for a while after a rotation, so deliveries signed before the switch are not refused.
   */
  async readRecentVersions(name: string, graceMs = 15 * 60_000): Promise<UnsealedCredential[]> {
    const active = await this.readActive(name);
    const since = new Date(Date.now() - graceMs).toISOString();
    const older = await this.db
      .selectFrom('credential_versions')
      .select('version')
      .where('credential_id', '=', active.info.id)
      // Strictly after: a grace of 0 means no old version, even one retired within this millisecond.
      .where('retired_at', '>', since)
      .orderBy('version', 'desc')
      .execute();
    const out = [active];
    for (const v of older)
      if (Number(v.version) !== active.version) out.push(await this.readVersion(name, Number(v.version), this.db, active.info));
    return out;
  }

  /**
   * Write a new version and make it active; the old one is retired (kept for runs in flight). Runs in
   * `tx` when given, so the refresher can commit inside its lock.
   */
  async addVersion(name: string, input: NewVersionInput, tx?: SpliceDb): Promise<number> {
    const run = async (db: SpliceDb) => {
      const row = await db.selectFrom('credentials').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) throw this.notFound(name);
      const now = new Date().toISOString();
      const version = Number(row.active_version) + 1;
      await db
        .insertInto('credential_versions')
        .values(this.sealVersion(row.id, version, input.secret, input.expiresAt ?? null, input.origin, now))
        .execute();
      await db
        .updateTable('credential_versions')
        .set({ retired_at: now })
        .where('credential_id', '=', row.id)
        .where('version', '<', version)
        .where('retired_at', 'is', null)
        .execute();
      await db
        .updateTable('credentials')
        .set({
          active_version: version,
          expires_at: input.expiresAt ?? null,
          ...(input.meta ? { meta: JSON.stringify(input.meta) } : {}),
          ...(input.scopes !== undefined ? { scopes: input.scopes ? JSON.stringify(input.scopes) : null } : {}),
          status: 'active',
          status_reason: null,
          status_at: null,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .execute();
      return version;
    };
    return tx ? run(tx) : this.transaction(run);
  }

  /** `credentials rotate`: new secret values (merged over the current ones), new active version. */
  async rotate(name: string, values: Record<string, string | undefined>, opts: { scopes?: string[] } = {}): Promise<CredentialInfo> {
    const cur = await this.readActive(name);
    const kind = getKind(cur.info.kind);
    const merged = {
      ...cur.info.meta,
      ...cur.secret,
      ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '')),
    };
    const { secret, meta } = splitFields(kind, merged);
    kind.validate?.({ secret, meta, scopes: opts.scopes ?? cur.info.scopes });
    await this.addVersion(name, {
      secret,
      meta,
      ...(opts.scopes ? { scopes: opts.scopes } : {}),
      expiresAt: cur.expiresAt ?? null,
      origin: 'rotate',
    });
    await this.pruneRetiredVersions();
    return this.get(name);
  }

  async remove(name: string): Promise<void> {
    const info = await this.get(name);
    await this.transaction(async (tx) => {
      await tx.deleteFrom('credential_versions').where('credential_id', '=', info.id).execute();
      // Location tokens go with it (revoked from Splice's side: HighLevel has no revoke endpoint).
      await tx.deleteFrom('credential_locations').where('credential_id', '=', info.id).execute();
      await tx.deleteFrom('credential_locks').where('credential_id', '=', info.id).execute();
      await tx.deleteFrom('credentials').where('id', '=', info.id).execute();
    });
  }

  async markNeedsReconnect(name: string, reason: string, db: SpliceDb = this.db): Promise<void> {
    const now = new Date().toISOString();
    await db
      .updateTable('credentials')
      .set({ status: 'needs_reconnect', status_reason: reason, status_at: now, updated_at: now })
      .where('name', '=', name)
      .execute();
  }

  /** Delete superseded versions retired longer ago than the retention time (the active one is never deleted). */
  async pruneRetiredVersions(retentionMs = DEFAULT_VERSION_RETENTION_MS): Promise<number> {
    const cutoff = new Date(Date.now() - retentionMs).toISOString();
    const res = await this.db
      .deleteFrom('credential_versions')
      .where('retired_at', 'is not', null)
      .where('retired_at', '<', cutoff)
      .executeTakeFirst();
    return Number(res.numDeletedRows ?? 0);
  }

  /**
   * Re-encrypt every version under a new master key in one transaction. With a key file: the new key is
   * written to master.key.next first and renamed over master.key after the commit, and a leftover .next
   * file is loaded on start, so a crash at any point leaves everything readable. With SPLICE_MASTER_KEY
   * the caller passes the new key and the user switches the variable afterwards.
   */
  async rotateKey(newKey?: MasterKey): Promise<{ reencrypted: number; oldKeyId: string; newKeyId: string }> {
    const dataDir = this.opts.dataDir;
    const fileMode = !newKey;
    const key = newKey ?? generateMasterKey();
    const oldKeyId = this.vault.keyId;
    if (fileMode) {
      if (!dataDir)
        throw credentialError(CredentialCode.MASTER_KEY_INVALID, 'rotate-key without a new key needs the data dir of master.key.');
      writeKeyFile(join(dataDir, NEXT_KEY_FILE), key);
    }
    const reencrypted = await this.transaction((tx) => this.vault.reencryptAll(tx, key));
    if (fileMode && dataDir) renameSync(join(dataDir, NEXT_KEY_FILE), join(dataDir, KEY_FILE));
    this.vault.adopt(key);
    return { reencrypted, oldKeyId, newKeyId: key.id };
  }

  /** Every secret string (and wire forms of them, e.g. Basic base64) of every kept version, for the redactor. */
  secretValues(): Promise<string[]> {
    return this.redaction.values();
  }

  private sealVersion(
    credentialId: string,
    version: number,
    secret: Record<string, string>,
    expiresAt: string | null,
    origin: string,
    now: string,
  ): CredentialVersionsTable {
    const s = this.vault.seal(credentialId, version, secret);
    return {
      credential_id: credentialId,
      version,
      key_id: s.keyId,
      iv: s.iv,
      auth_tag: s.authTag,
      ciphertext: s.ciphertext,
      expires_at: expiresAt,
      origin,
      created_at: now,
      retired_at: null,
    };
  }

  private unseal(v: CredentialVersionsTable, name: string): Record<string, string> {
    return this.vault.open(v, name);
  }

  private notFound(name: string) {
    return credentialError(
      CredentialCode.NOT_FOUND,
      `no credential named ${name}. Add it with \`splice credentials add ${name} --kind <kind>\` (see \`splice credentials list\`).`,
    );
  }
}

/** The first location of a PIT group given at `add` (token + locationId), split off the version's fields. */
function groupedFirst(f: { secret: Record<string, string>; meta: Record<string, string> }) {
  const { token, ...secret } = f.secret;
  const { locationId, locationName, ...meta } = f.meta;
  if (!token || !locationId) return undefined;
  return { token, locationId, name: locationName, rest: { secret, meta } };
}

/**
 * A missing master.key next to stored secrets means the key was lost or the data dir copied without it.
 * Generating a fresh key then would make every stored secret unreadable, silently: refuse instead.
 */
async function refuseNewKeyOverSealedSecrets(db: SpliceDb, dataDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (env[MASTER_KEY_ENV] || existsSync(join(dataDir, KEY_FILE))) return;
  const sealed = await db.selectFrom('credential_versions').select(['key_id']).limit(1).executeTakeFirst();
  if (!sealed) return;
  throw credentialError(
    CredentialCode.MASTER_KEY_INVALID,
    `${join(dataDir, KEY_FILE)} is missing, but this data dir holds secrets encrypted with master key ${sealed.key_id}. Restore that master.key (mode 600) or set ${MASTER_KEY_ENV}; a new key would make every stored secret unreadable.`,
  );
}
