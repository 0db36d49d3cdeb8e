import { randomUUID } from 'node:crypto';
import type { SpliceDb } from '../storage/database';

/**
 * Periodic tag snapshots per location. Each snapshot stores the full tag list (with optional usage
 * counts, e.g. how many recent posts carry the tag) and the diff against the previous snapshot:
 * added, renamed (same id, new name) and removed tags. The live tag sync applies only that diff.
 */
export interface SnapshotTag {
  id: string;
  name: string;
  usage?: number;
}
export interface TagDiff {
  added: SnapshotTag[];
  renamed: Array<{ id: string; from: string; to: string }>;
  removed: SnapshotTag[];
}
export interface TagSnapshotResult extends TagDiff {
  snapshotId: string;
  locationId: string;
  seq: number;
  takenAt: string;
  /** True for the first snapshot of a location: every tag counts as added. */
  first: boolean;
  changed: boolean;
  unchanged: number;
  tagCount: number;
  /** The step was retried with the same idempotency key: the earlier snapshot's answer, nothing stored. */
  replayed?: boolean;
}
export interface StoredSnapshot {
  snapshotId: string;
  locationId: string;
  seq: number;
  takenAt: string;
  tagCount: number;
  tags: SnapshotTag[];
  diff: TagDiff;
}

export function diffTags(previous: SnapshotTag[], current: SnapshotTag[]): TagDiff & { unchanged: number } {
  const before = new Map(previous.map((t) => [t.id, t]));
  const now = new Map(current.map((t) => [t.id, t]));
  const diff: TagDiff & { unchanged: number } = { added: [], renamed: [], removed: [], unchanged: 0 };
  for (const t of current) {
    const old = before.get(t.id);
    if (!old) diff.added.push(t);
    else if (old.name !== t.name) diff.renamed.push({ id: t.id, from: old.name, to: t.name });
    else diff.unchanged++;
  }
  for (const t of previous) if (!now.has(t.id)) diff.removed.push(t);
  return diff;
}

export class TagSnapshotStore {
  constructor(private readonly db: SpliceDb) {}

  /**
   * Stores the tag list and answers the diff against the last COMMITTED snapshot. With `commit: false` the
   * snapshot stays pending until `commit(snapshotId)`: a flow commits after it applied the diff, so a run
   * that failed before that leaves the changes to be found again by the next run.
   */
  async snapshot(locationId: string, tags: SnapshotTag[], opts: { takenAt?: string; idempotencyKey?: string; commit?: boolean } = {}): Promise<TagSnapshotResult> {
    return this.db.transaction().execute(async (trx) => {
      if (opts.idempotencyKey) {
        const same = await trx.selectFrom('insight_tag_snapshots').selectAll().where('idempotency_key', '=', opts.idempotencyKey).executeTakeFirst();
        if (same) {
          const diff = JSON.parse(same.diff) as TagDiff & { unchanged: number; first?: boolean };
          return { ...this.result(same.id, locationId, same.seq, same.taken_at, diff.first ?? same.seq === 1, diff, same.tag_count), replayed: true };
        }
      }
      const newest = await trx.selectFrom('insight_tag_snapshots').select('seq').where('location_id', '=', locationId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const base = await this.lastCommitted(trx, locationId);
      const previous: SnapshotTag[] = base ? (JSON.parse(base.tags) as SnapshotTag[]) : [];
      const diff = diffTags(previous, tags);
      const seq = (newest?.seq ?? 0) + 1;
      const id = randomUUID();
      const takenAt = opts.takenAt ?? new Date().toISOString();
      await trx
        .insertInto('insight_tag_snapshots')
        .values({
          id,
          location_id: locationId,
          seq,
          taken_at: takenAt,
          tag_count: tags.length,
          tags: JSON.stringify(tags),
          diff: JSON.stringify({ ...diff, first: !base }),
          idempotency_key: opts.idempotencyKey ?? null,
          committed: opts.commit === false ? 0 : 1,
        })
        .execute();
      return this.result(id, locationId, seq, takenAt, !base, diff, tags.length);
    });
  }

  /** Marks a snapshot as applied: later diffs are taken against it. Answers false for an unknown id. */
  async commit(snapshotId: string): Promise<boolean> {
    const res = await this.db.updateTable('insight_tag_snapshots').set({ committed: 1 }).where('id', '=', snapshotId).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** The tag list the next diff of a location is taken against (undefined: none yet). */
  async base(locationId: string): Promise<SnapshotTag[] | undefined> {
    const row = await this.lastCommitted(this.db, locationId);
    return row ? (JSON.parse(row.tags) as SnapshotTag[]) : undefined;
  }

  private lastCommitted(db: SpliceDb, locationId: string) {
    return db
      .selectFrom('insight_tag_snapshots')
      .selectAll()
      .where('location_id', '=', locationId)
      .where('committed', '=', 1)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private result(id: string, locationId: string, seq: number, takenAt: string, first: boolean, d: TagDiff & { unchanged: number }, tagCount: number): TagSnapshotResult {
    const changed = d.added.length + d.renamed.length + d.removed.length > 0;
    return { snapshotId: id, locationId, seq, takenAt, first, changed, added: d.added, renamed: d.renamed, removed: d.removed, unchanged: d.unchanged, tagCount };
  }

  /** Snapshots of a location (or all) in time order, optionally limited to an inclusive ISO date range. */
  async list(q: { locations?: string[]; from?: string; to?: string } = {}): Promise<StoredSnapshot[]> {
    let query = this.db.selectFrom('insight_tag_snapshots').selectAll();
    if (q.locations?.length) query = query.where('location_id', 'in', q.locations);
    if (q.from) query = query.where('taken_at', '>=', q.from);
    // `to` is a day: include the whole of it.
    if (q.to) query = query.where('taken_at', '<=', q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to);
    const rows = await query.orderBy('taken_at').orderBy('location_id').orderBy('seq').execute();
    return rows.map((r) => ({
      snapshotId: r.id,
      locationId: r.location_id,
      seq: r.seq,
      takenAt: r.taken_at,
      tagCount: r.tag_count,
      tags: JSON.parse(r.tags) as SnapshotTag[],
      diff: JSON.parse(r.diff) as TagDiff,
    }));
  }

  async locations(): Promise<string[]> {
    const rows = await this.db.selectFrom('insight_tag_snapshots').select('location_id').distinct().orderBy('location_id').execute();
    return rows.map((r) => r.location_id);
  }
}
