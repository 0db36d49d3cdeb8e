import type { SpliceDb } from '../storage/database';
import type { CredentialVersionsTable } from '../storage/schema';
import type { Keyring, MasterKey } from './master-key';
import { associatedData, openSecret, sealSecret, type SealedSecret } from './secret-cipher';

type SealedColumns = Pick<CredentialVersionsTable, 'credential_id' | 'version' | 'key_id' | 'iv' | 'auth_tag' | 'ciphertext'>;
export interface SealedLocationColumns {
  credential_id: string;
  location_id: string;
  token_version: number;
  key_id: string;
  iv: string;
  auth_tag: string;
  ciphertext: string;
}

function locationAad(credentialId: string, locationId: string, version: number): Buffer {
  return Buffer.from(`splice-credential:${credentialId}:location:${locationId}:v${version}`, 'utf8');
}

/**
 * The store's crypto: seals a version's secret fields (JSON) under the current master key with the
 * credential id + version as associated data, opens them with whichever key their key id names, and
 * re-encrypts every version when the master key changes.
 */
export class CredentialVault {
  constructor(
    private keyring: Keyring,
    /** Re-read the key file when a ciphertext names an unknown key (another process rotated it). */
    private readonly reload?: () => Keyring,
  ) {}

  get keyId(): string {
    return this.keyring.current.id;
  }

  seal(credentialId: string, version: number, secret: Record<string, string>): SealedSecret {
    return sealSecret(this.keyring.current, JSON.stringify(secret), associatedData(credentialId, version));
  }

  /** A location's token (credential-locations.ts): bound to credential, location and token version. */
  sealLocation(credentialId: string, locationId: string, version: number, token: string): SealedSecret {
    return sealSecret(this.keyring.current, token, locationAad(credentialId, locationId, version));
  }

  openLocation(row: SealedLocationColumns, what: string): string {
    this.reloadFor(row.key_id);
    const sealed = { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext };
    return openSecret(this.keyring, sealed, locationAad(row.credential_id, row.location_id, Number(row.token_version)), what);
  }

  private reloadFor(keyId: string): void {
    if (!this.keyring.all.has(keyId) && this.reload) {
      try {
        this.keyring = this.reload();
      } catch {
        /* keep the current keyring; openSecret explains the mismatch */
      }
    }
  }

  open(row: SealedColumns, name: string): Record<string, string> {
    this.reloadFor(row.key_id);
    const sealed = { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext };
    const aad = associatedData(row.credential_id, Number(row.version));
    return JSON.parse(openSecret(this.keyring, sealed, aad, `credential ${name} v${row.version}`)) as Record<string, string>;
  }

  /** Re-encrypt every stored version under `key` inside `tx`; the caller commits and then calls adopt(key). */
  async reencryptAll(tx: SpliceDb, key: MasterKey): Promise<number> {
    const ring: Keyring = { current: key, all: new Map([...this.keyring.all, [key.id, key]]), source: this.keyring.source };
    const rows = await tx.selectFrom('credential_versions').selectAll().execute();
    const names = new Map((await tx.selectFrom('credentials').select(['id', 'name']).execute()).map((r) => [r.id, r.name]));
    for (const r of rows) {
      const aad = associatedData(r.credential_id, Number(r.version));
      const what = `credential ${names.get(r.credential_id)} v${r.version}`;
      const plain = openSecret(ring, { keyId: r.key_id, iv: r.iv, authTag: r.auth_tag, ciphertext: r.ciphertext }, aad, what);
      const s = sealSecret(key, plain, aad);
      await tx
        .updateTable('credential_versions')
        .set({ key_id: s.keyId, iv: s.iv, auth_tag: s.authTag, ciphertext: s.ciphertext })
        .where('credential_id', '=', r.credential_id)
        .where('version', '=', r.version)
        .execute();
    }
    // Location tokens too (a cache of tokens obtained on demand, but sealed all the same).
    const locs = await tx.selectFrom('credential_locations').selectAll().where('ciphertext', 'is not', null).execute();
    for (const r of locs) {
      const aad = locationAad(r.credential_id, r.location_id, Number(r.token_version));
      const sealed = { keyId: r.key_id!, iv: r.iv!, authTag: r.auth_tag!, ciphertext: r.ciphertext! };
      const plain = openSecret(ring, sealed, aad, `location ${r.location_id} of credential ${names.get(r.credential_id)}`);
      const s = sealSecret(key, plain, aad);
      await tx
        .updateTable('credential_locations')
        .set({ key_id: s.keyId, iv: s.iv, auth_tag: s.authTag, ciphertext: s.ciphertext })
        .where('credential_id', '=', r.credential_id)
        .where('location_id', '=', r.location_id)
        .execute();
    }
    return rows.length + locs.length;
  }

  adopt(key: MasterKey): void {
    this.keyring = { current: key, all: new Map([[key.id, key]]), source: this.keyring.source };
  }
}
