import type { SpliceDb } from '../storage/database';

/**
 * The tag-name mapping table: per location, a HighLevel tag id with its last known HighLevel name and
 * the Payaca tag name it corresponds to (Payaca tags are free text; HighLevel's are objects with ids).
 */
export interface TagMapEntry {
  locationId: string;
  highlevelTagId: string;
  highlevelName: string;
  payacaName: string;
  updatedAt?: string;
}

export interface TagMapLookup {
  locationId: string;
  highlevelTagIds?: string[];
  payacaNames?: string[];
}

export class TagMapStore {
  constructor(private readonly db: SpliceDb) {}

  async get(q: TagMapLookup): Promise<TagMapEntry[]> {
    let query = this.db.selectFrom('insight_tag_map').selectAll().where('location_id', '=', q.locationId);
    const ids = q.highlevelTagIds ?? [];
    const names = q.payacaNames ?? [];
    if (q.highlevelTagIds || q.payacaNames) {
      if (ids.length === 0 && names.length === 0) return [];
      query = query.where((eb) => {
        const ors = [];
        if (ids.length) ors.push(eb('highlevel_tag_id', 'in', ids));
        if (names.length) ors.push(eb('payaca_name', 'in', names));
        return eb.or(ors);
      });
    }
    const rows = await query.orderBy('payaca_name').orderBy('highlevel_tag_id').execute();
    return rows.map((r) => ({
      locationId: r.location_id,
      highlevelTagId: r.highlevel_tag_id,
      highlevelName: r.highlevel_name,
      payacaName: r.payaca_name,
      updatedAt: r.updated_at,
    }));
  }

  /** Upserts entries; answers how many rows were created or changed (0 when all already matched). */
  async set(entries: TagMapEntry[]): Promise<{ changed: number; unchanged: number }> {
    let changed = 0;
    let unchanged = 0;
    const now = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (const e of entries) {
        const existing = await trx
          .selectFrom('insight_tag_map')
          .selectAll()
          .where('location_id', '=', e.locationId)
          .where('highlevel_tag_id', '=', e.highlevelTagId)
          .executeTakeFirst();
        if (existing && existing.highlevel_name === e.highlevelName && existing.payaca_name === e.payacaName) {
          unchanged++;
          continue;
        }
        if (existing) {
          await trx
            .updateTable('insight_tag_map')
            .set({ highlevel_name: e.highlevelName, payaca_name: e.payacaName, updated_at: now })
            .where('location_id', '=', e.locationId)
            .where('highlevel_tag_id', '=', e.highlevelTagId)
            .execute();
        } else {
          await trx
            .insertInto('insight_tag_map')
            .values({ location_id: e.locationId, highlevel_tag_id: e.highlevelTagId, highlevel_name: e.highlevelName, payaca_name: e.payacaName, updated_at: now })
            .execute();
        }
        changed++;
      }
    });
    return { changed, unchanged };
  }

  async remove(locationId: string, highlevelTagIds: string[]): Promise<number> {
    if (highlevelTagIds.length === 0) return 0;
    const res = await this.db.deleteFrom('insight_tag_map').where('location_id', '=', locationId).where('highlevel_tag_id', 'in', highlevelTagIds).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
