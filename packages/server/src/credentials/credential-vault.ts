import type { SpliceDb } from '../storage/database';
import type { CredentialVersionsTable } from '../storage/schema';
import type { Keyring, MasterKey } from './master-key';
import { associatedData, openSecret, sealSecret, type SealedSecret } from './secret-cipher';

type SealedColumns = Pick<CredentialVersionsTable, 'credential_id' | 'version' | 'key_id' | 'iv' | 'auth_tag' | 'ciphertext'>;

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

  open(row: SealedColumns, name: string): Record<string, string> {
    if (!this.keyring.all.has(row.key_id) && this.reload) {
      try {
        this.keyring = this.reload();
      } catch {
        /* keep the current keyring; openSecret explains the mismatch */
      }
    }
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
    return rows.length;
  }

  adopt(key: MasterKey): void {
    this.keyring = { current: key, all: new Map([[key.id, key]]), source: this.keyring.source };
  }
}
