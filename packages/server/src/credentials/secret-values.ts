import type { SpliceDb } from '../storage/database';
import type { CredentialLocations } from './credential-locations';
import type { CredentialVault } from './credential-vault';
import { credentialKinds } from './kinds/index';

/**
 * Every secret string of every kept version, plus wire forms of them (e.g. the base64 of a Basic
 * header), for the redactor that scrubs run records. Decrypting every version per run would be
 * wasteful, so the list is recomputed only when the set of versions changed.
 */
export class SecretValuesCache {
  private cached?: { signature: string; values: string[] };

  constructor(
    private readonly db: SpliceDb,
    private readonly vault: CredentialVault,
    private readonly locations?: CredentialLocations,
  ) {}

  async values(): Promise<string[]> {
    const sig = await this.db
      .selectFrom('credential_versions')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('created_at').as('latest'), eb.fn.sum('version').as('versions')])
      .executeTakeFirst();
    // Location tokens change without a new version (each exchange): they count in the signature too.
    const loc = await this.db
      .selectFrom('credential_locations')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('latest'), eb.fn.sum('token_version').as('versions')])
      .executeTakeFirst();
    const signature = `${sig?.n}:${sig?.latest}:${sig?.versions}|${loc?.n}:${loc?.latest}:${loc?.versions}`;
    if (this.cached?.signature === signature) return [...this.cached.values];
    const rows = await this.db
      .selectFrom('credential_versions')
      .innerJoin('credentials', 'credentials.id', 'credential_versions.credential_id')
      .selectAll('credential_versions')
      .select(['credentials.name', 'credentials.kind', 'credentials.meta'])
      .execute();
    const out = new Set<string>();
    for (const r of rows) {
      const secret = this.vault.open(r, r.name);
      const kind = credentialKinds.find((k) => k.kind === r.kind);
      for (const v of Object.values(secret)) if (v.length >= 4) out.add(v);
      for (const v of kind?.derivedSecrets?.({ secret, meta: JSON.parse(r.meta) as Record<string, string> }) ?? []) out.add(v);
    }
    for (const v of (await this.locations?.tokenValues()) ?? []) if (v.length >= 4) out.add(v);
    this.cached = { signature, values: [...out] };
    return [...out];
  }
}
