/**
 * Table types for Kysely. Each module that owns tables adds its interface here and a migration in
 * migrations/. Timestamps are ISO-8601 strings (same in SQLite and PostgreSQL); JSON is stored as text.
 */
export interface SpliceSchema {
  credentials: CredentialsTable;
  credential_versions: CredentialVersionsTable;
  credential_locks: CredentialLocksTable;
}

/** Plain metadata of a stored credential (never a secret). */
export interface CredentialsTable {
  id: string;
  name: string;
  kind: string;
  connector: string;
  /** `active` | `needs_reconnect` */
  status: string;
  status_reason: string | null;
  status_at: string | null;
  /** JSON array of granted scopes; null when the credential is not scoped. */
  scopes: string | null;
  /** JSON object of non-secret facts (locationId, companyId, clientId, tokenUrl, ...). */
  meta: string;
  active_version: number;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One encrypted secret version (AES-256-GCM; associated data = credential id + version). */
export interface CredentialVersionsTable {
  credential_id: string;
  version: number;
  key_id: string;
  iv: string;
  auth_tag: string;
  ciphertext: string;
  expires_at: string | null;
  /** `add` | `rotate` | `refresh` | `login` */
  origin: string;
  created_at: string;
  retired_at: string | null;
}

/** Cross-process lease taken while a credential's refresh token is being spent. */
export interface CredentialLocksTable {
  credential_id: string;
  owner: string;
  lease_until: string;
}
