import type { SpliceDb } from '../storage/database';

/**
 * A lease row in `scheduler_locks`: one holder at a time across processes. The holder renews it on every
 * acquire(); another process takes it over only after it expired (its holder died or stopped).
 */
export class ScheduleLease {
  held = false;

  constructor(
    private readonly db: SpliceDb,
    private readonly name: string,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  async acquire(now = new Date()): Promise<boolean> {
    const until = new Date(now.getTime() + this.leaseMs).toISOString();
    const nowIso = now.toISOString();
    try {
      this.held = await this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('scheduler_locks').selectAll().where('name', '=', this.name).executeTakeFirst();
        if (!row) {
          await trx.insertInto('scheduler_locks').values({ name: this.name, owner: this.owner, lease_until: until }).execute();
          return true;
        }
        if (row.owner !== this.owner && row.lease_until > nowIso) return false;
        // Conditional update: if another process renewed in between, zero rows change and we lose.
        const res = await trx
          .updateTable('scheduler_locks')
          .set({ owner: this.owner, lease_until: until })
          .where('name', '=', this.name)
          .where('owner', '=', row.owner)
          .where('lease_until', '=', row.lease_until)
          .executeTakeFirst();
        return Number(res.numUpdatedRows) === 1;
      });
    } catch {
      this.held = false; // a concurrent insert won the primary key
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.db.deleteFrom('scheduler_locks').where('name', '=', this.name).where('owner', '=', this.owner).execute();
  }
}
