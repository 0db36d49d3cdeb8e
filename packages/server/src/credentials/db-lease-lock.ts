import type { CredentialStore } from './credential-store';

/**
 * A lease row per credential: taken with one atomic upsert (inside BEGIN IMMEDIATE on SQLite), so at
 * most one owner across all processes holds it; a crashed owner's lease simply expires.
 */
export class DbLeaseLock {
  constructor(
    private readonly store: CredentialStore,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  async tryAcquire(credentialId: string): Promise<boolean> {
    const now = new Date();
    const until = new Date(now.getTime() + this.leaseMs).toISOString();
    return this.store.transaction(async (tx) => {
      await tx
        .insertInto('credential_locks')
        .values({ credential_id: credentialId, owner: this.owner, lease_until: until })
        .onConflict((oc) =>
          oc
            .column('credential_id')
            .doUpdateSet({ owner: this.owner, lease_until: until })
            .where((eb) =>
              eb.or([eb('credential_locks.lease_until', '<', now.toISOString()), eb('credential_locks.owner', '=', this.owner)]),
            ),
        )
        .execute();
      const row = await tx.selectFrom('credential_locks').select('owner').where('credential_id', '=', credentialId).executeTakeFirst();
      return row?.owner === this.owner;
    });
  }

  /** Still ours (lease not expired and not taken over)? Checked before committing a refresh. */
  async stillHeld(credentialId: string, db = this.store.db): Promise<boolean> {
    const row = await db.selectFrom('credential_locks').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
    return row?.owner === this.owner;
  }

  async release(credentialId: string, db = this.store.db): Promise<void> {
    await db.deleteFrom('credential_locks').where('credential_id', '=', credentialId).where('owner', '=', this.owner).execute();
  }
}
