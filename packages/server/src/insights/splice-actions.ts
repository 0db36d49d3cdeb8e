import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ActionError, defineAction, type ActionDefinition } from '@splice/runtime';
import type { SpliceDb } from '../storage/database';
import { StatisticsStore, STATISTIC_METRICS, toDay, type StatisticRow } from './statistics-store';
import { TagMapStore, type TagMapEntry } from './tag-map-store';
import { diffTags, TagSnapshotStore, type SnapshotTag } from './tag-snapshot-store';

/**
 * Splice's own data actions (connector `splice`): the statistics store, tag snapshots and the tag-name
 * mapping table. Declared once here; the server's engine and the CLI factory register them with
 * `createSpliceActions(db)`. They touch only Splice's database, never an outside API.
 */
export const SPLICE_CONNECTOR = 'splice';

const metricProps = Object.fromEntries(STATISTIC_METRICS.map((m) => [m, { type: ['number', 'null'], minimum: 0 }]));

const recordStatisticsInput = {
  type: 'object',
  additionalProperties: false,
  required: ['rows'],
  properties: {
    rows: {
      type: 'array',
      description: 'One row per location, platform, profile, post and day; recording the same key again replaces its figures.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['locationId', 'platform', 'date'],
        properties: {
          locationId: { type: 'string', minLength: 1 },
          platform: { type: 'string', minLength: 1 },
          profileId: { type: 'string' },
          postId: { type: 'string' },
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}', description: 'UTC day YYYY-MM-DD, or an ISO timestamp (cut to its day)' },
          ...metricProps,
        },
      },
    },
    source: { type: 'object', properties: { flowId: { type: 'string' }, runId: { type: 'string' } }, additionalProperties: false },
  },
} as const;

const tagItem = {
  type: 'object',
  description: 'A HighLevel tag (`_id`, `tag`) or `{id, name}`; `usage` is optional (e.g. posts carrying it). Tags with `deleted: true` count as absent.',
  properties: {
    id: { type: 'string', minLength: 1 },
    _id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    tag: { type: 'string' },
    usage: { type: 'number', minimum: 0 },
    deleted: { type: 'boolean' },
  },
  anyOf: [{ required: ['id'] }, { required: ['_id'] }],
} as const;

const snapshotTagsInput = {
  type: 'object',
  additionalProperties: false,
  required: ['locationId', 'tags'],
  properties: {
    locationId: { type: 'string', minLength: 1 },
    tags: { type: 'array', items: tagItem },
    takenAt: { type: 'string', description: 'ISO time of the snapshot (default: now)' },
    commit: {
      type: 'boolean',
      description: 'false: the snapshot stays pending until `splice.commit-snapshot` (after the diff was applied), so a run that fails before that leaves the changes for the next run. Default true.',
    },
  },
} as const;

const commitSnapshotInput = {
  type: 'object',
  additionalProperties: false,
  required: ['snapshotId'],
  properties: { snapshotId: { type: 'string', minLength: 1, description: 'The `snapshotId` a `splice.snapshot-tags` step answered' } },
} as const;

const tagMapGetInput = {
  type: 'object',
  additionalProperties: false,
  required: ['locationId'],
  properties: {
    locationId: { type: 'string', minLength: 1 },
    highlevelTagIds: { type: 'array', items: { type: 'string' } },
    payacaNames: { type: 'array', items: { type: 'string' } },
  },
} as const;

const tagMapSetInput = {
  type: 'object',
  additionalProperties: false,
  required: ['locationId'],
  properties: {
    locationId: { type: 'string', minLength: 1 },
    entries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['highlevelTagId', 'highlevelName', 'payacaName'],
        properties: { highlevelTagId: { type: 'string', minLength: 1 }, highlevelName: { type: 'string' }, payacaName: { type: 'string', minLength: 1 } },
      },
    },
    remove: { type: 'array', items: { type: 'string' }, description: 'HighLevel tag ids whose mapping is deleted' },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });

function validator<T>(schema: object, actionId: string): (input: unknown) => T {
  const check: ValidateFunction = ajv.compile(schema);
  return (input) => {
    if (check(input)) return input as T;
    const first = check.errors?.[0] as ErrorObject;
    const path = `with${first.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`;
    const what = first.keyword === 'additionalProperties' ? `unknown field "${String(first.params.additionalProperty)}"` : first.message;
    throw new ActionError('SPLICE_INPUT_INVALID', `${actionId}: ${path} ${what}. Fix the step's \`with\` to match the input schema of ${actionId} (GET /api/catalog, connector \`splice\`).`, { path });
  };
}

interface RawTag {
  id?: string;
  _id?: string;
  name?: string;
  tag?: string;
  usage?: number;
  deleted?: boolean;
}

/** HighLevel tags and `{id, name}` alike; deleted tags dropped; a repeated id keeps its last entry. */
export function normaliseTags(raw: RawTag[]): SnapshotTag[] {
  const byId = new Map<string, SnapshotTag>();
  for (const t of raw) {
    if (t.deleted) continue;
    const id = (t.id ?? t._id)!;
    const tag: SnapshotTag = { id, name: t.name ?? t.tag ?? '' };
    if (typeof t.usage === 'number') tag.usage = t.usage;
    byId.set(id, tag);
  }
  return [...byId.values()];
}

/** The database, or a function that opens it on first use (the CLI opens its data dir only when a step needs it). */
export type SpliceDbSource = SpliceDb | (() => Promise<SpliceDb>);

export function createSpliceActions(source: SpliceDbSource): ActionDefinition<any, any>[] {
  let stores: Promise<{ statistics: StatisticsStore; snapshots: TagSnapshotStore; tagMap: TagMapStore }> | undefined;
  const open = () =>
    (stores ??= (typeof source === 'function' ? source() : Promise.resolve(source)).then((db) => ({
      statistics: new StatisticsStore(db),
      snapshots: new TagSnapshotStore(db),
      tagMap: new TagMapStore(db),
    })));
  const checkStats = validator<{ rows: StatisticRow[]; source?: { flowId?: string; runId?: string } }>(recordStatisticsInput, 'splice.record-statistics');
  const checkSnapshot = validator<{ locationId: string; tags: RawTag[]; takenAt?: string; commit?: boolean }>(snapshotTagsInput, 'splice.snapshot-tags');
  const checkCommit = validator<{ snapshotId: string }>(commitSnapshotInput, 'splice.commit-snapshot');
  const checkMapGet = validator<{ locationId: string; highlevelTagIds?: string[]; payacaNames?: string[] }>(tagMapGetInput, 'splice.tag-map-get');
  const checkMapSet = validator<{ locationId: string; entries?: Array<Omit<TagMapEntry, 'locationId'>>; remove?: string[] }>(tagMapSetInput, 'splice.tag-map-set');

  return [
    defineAction({
      id: 'splice.record-statistics',
      connector: SPLICE_CONNECTOR,
      validatesInput: true,
      title: 'Record statistics',
      description:
        'Stores social statistics rows (impressions, reach, engagement, clicks, ...) in the statistics store behind the dashboard. Upserts by location, platform, profile, post and day: a re-run replaces figures, it never double counts.',
      inputSchema: recordStatisticsInput,
      outputSchema: { type: 'object', properties: { inserted: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' }, total: { type: 'integer' } } },
      async run(input, ctx) {
        const { rows, source } = checkStats(input);
        for (const [i, r] of rows.entries()) {
          if (!toDay(r.date)) throw new ActionError('SPLICE_INPUT_INVALID', `splice.record-statistics: with.rows[${i}].date "${r.date}" is not a date; give YYYY-MM-DD or an ISO timestamp.`, { path: `with.rows[${i}].date` });
        }
        if (ctx.dryRun) return { inserted: 0, updated: 0, unchanged: 0, total: rows.length, dryRun: true };
        return (await open()).statistics.record(rows, source);
      },
    }),
    defineAction({
      id: 'splice.snapshot-tags',
      connector: SPLICE_CONNECTOR,
      validatesInput: true,
      title: 'Snapshot tags',
      description:
        "Stores a location's current tag list (with optional usage counts) for the tag-trends dashboard and answers the difference from the last committed snapshot: added, renamed (same id, new name) and removed tags. The first snapshot of a location reports every tag as added. With `commit: false` the snapshot counts as the base only after `splice.commit-snapshot`. A retried step (same idempotency key) answers the same diff again.",
      inputSchema: snapshotTagsInput,
      outputSchema: {
        type: 'object',
        properties: {
          changed: { type: 'boolean' },
          first: { type: 'boolean' },
          added: { type: 'array' },
          renamed: { type: 'array' },
          removed: { type: 'array' },
          unchanged: { type: 'integer' },
          tagCount: { type: 'integer' },
        },
      },
      async run(input, ctx) {
        const { locationId, tags, takenAt, commit } = checkSnapshot(input);
        const current = normaliseTags(tags);
        const { snapshots } = await open();
        if (ctx.dryRun) {
          const base = await snapshots.base(locationId);
          const d = diffTags(base ?? [], current);
          return { dryRun: true, locationId, first: !base, changed: d.added.length + d.renamed.length + d.removed.length > 0, ...d, tagCount: current.length };
        }
        return snapshots.snapshot(locationId, current, { takenAt, idempotencyKey: ctx.idempotencyKey, commit });
      },
    }),
    defineAction({
      id: 'splice.commit-snapshot',
      connector: SPLICE_CONNECTOR,
      validatesInput: true,
      title: 'Commit a tag snapshot',
      description:
        'Marks a snapshot taken with `commit: false` as applied: the next diff is taken against it. Put it after the steps that apply the diff, so a failed run leaves its changes to be found again.',
      inputSchema: commitSnapshotInput,
      outputSchema: { type: 'object', properties: { committed: { type: 'boolean' } } },
      async run(input, ctx) {
        const { snapshotId } = checkCommit(input);
        if (ctx.dryRun) return { committed: false, dryRun: true };
        const committed = await (await open()).snapshots.commit(snapshotId);
        if (!committed) throw new ActionError('SPLICE_SNAPSHOT_NOT_FOUND', `splice.commit-snapshot: no tag snapshot ${snapshotId}; pass the snapshotId a splice.snapshot-tags step answered.`, { path: 'with.snapshotId' });
        return { committed };
      },
    }),
    defineAction({
      id: 'splice.tag-map-get',
      connector: SPLICE_CONNECTOR,
      validatesInput: true,
      title: 'Look up tag mappings',
      description:
        'Reads the tag-name mapping table (HighLevel tag id ↔ Payaca tag name) of a location, optionally only the given ids or Payaca names; answers the entries, lookups by id and by Payaca name, and which of the asked ids or names have no mapping.',
      inputSchema: tagMapGetInput,
      async run(input) {
        const q = checkMapGet(input);
        const entries = await (await open()).tagMap.get(q);
        const byHighlevelId = Object.fromEntries(entries.map((e) => [e.highlevelTagId, e]));
        const byPayacaName = Object.fromEntries(entries.map((e) => [e.payacaName, e]));
        return {
          entries,
          byHighlevelId,
          byPayacaName,
          unmappedHighlevelIds: (q.highlevelTagIds ?? []).filter((id) => !byHighlevelId[id]),
          unmappedPayacaNames: (q.payacaNames ?? []).filter((n) => !byPayacaName[n]),
        };
      },
    }),
    defineAction({
      id: 'splice.tag-map-set',
      connector: SPLICE_CONNECTOR,
      validatesInput: true,
      title: 'Save tag mappings',
      description: 'Creates or updates entries of the tag-name mapping table (by location and HighLevel tag id) and deletes the listed ids; answers how many changed.',
      inputSchema: tagMapSetInput,
      async run(input, ctx) {
        const q = checkMapSet(input);
        const entries = (q.entries ?? []).map((e) => ({ ...e, locationId: q.locationId }));
        if (ctx.dryRun) return { dryRun: true, changed: 0, unchanged: 0, removed: 0 };
        const { tagMap } = await open();
        const res = await tagMap.set(entries);
        const removed = await tagMap.remove(q.locationId, q.remove ?? []);
        return { ...res, removed };
      },
    }),
  ];
}

/** The `splice.*` actions as catalog entries (for the editor's palette and validation); nothing is opened. */
export function spliceCatalogOperations(): Array<{ id: string; title: string; description?: string; inputSchema?: Record<string, unknown>; outputSchema?: Record<string, unknown> }> {
  const never = async (): Promise<SpliceDb> => {
    throw new Error('catalog entries do not run');
  };
  return createSpliceActions(never).map((a) => ({
    id: a.id,
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    ...(a.inputSchema ? { inputSchema: a.inputSchema as Record<string, unknown> } : {}),
    ...(a.outputSchema ? { outputSchema: a.outputSchema as Record<string, unknown> } : {}),
  }));
}
