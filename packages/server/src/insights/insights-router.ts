import { json, Router, type Request, type Response } from 'express';
import type {
  InsightsGroupBy,
  InsightsPutTagMapResponse,
  InsightsStatisticsResponse,
  InsightsTagMapResponse,
  InsightsTagSnapshotsResponse,
  InsightsTagTrendsResponse,
} from '../api/contract';
import { httpErrorBody, ServerError } from '../errors';
import type { SpliceDb } from '../storage/database';
import { statisticsCsv } from './statistics-csv';
import { StatisticsStore, toDay, type StatisticsQuery } from './statistics-store';
import { TagMapStore } from './tag-map-store';
import { TagSnapshotStore } from './tag-snapshot-store';
import { tagTrends } from './tag-trends';

/**
 * REST routes of the dashboards, mounted by the API router at /api/insights (behind its admin-token auth):
 * statistics series and CSV export, tag trends and snapshots, and the tag-name mapping table.
 */
export class InsightsRequestError extends ServerError {
  constructor(path: string, message: string) {
    super('INVALID_REQUEST', `${path}: ${message}`, 422, { path });
  }
}

const GROUP_BY: InsightsGroupBy[] = ['platform', 'location', 'profile', 'total'];

function list(req: Request, name: string): string[] | undefined {
  const raw = req.query[name];
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  return values.length ? values : undefined;
}

function day(req: Request, name: 'from' | 'to'): string | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  const d = typeof raw === 'string' && raw.length === 10 ? toDay(raw) : undefined;
  if (!d) throw new InsightsRequestError(`query.${name}`, `"${String(raw)}" is not a day; give YYYY-MM-DD, e.g. ${name}=2026-11-01.`);
  return d;
}

function statisticsQuery(req: Request): StatisticsQuery {
  const q: StatisticsQuery = { locations: list(req, 'location'), platforms: list(req, 'platform'), from: day(req, 'from'), to: day(req, 'to') };
  if (q.from && q.to && q.from > q.to) throw new InsightsRequestError('query.from', `from ${q.from} is after to ${q.to}; swap them.`);
  const groupBy = req.query.groupBy;
  if (groupBy !== undefined) {
    if (!GROUP_BY.includes(groupBy as InsightsGroupBy)) throw new InsightsRequestError('query.groupBy', `must be one of ${GROUP_BY.join(', ')}.`);
    q.groupBy = groupBy as InsightsGroupBy;
  }
  return q;
}

function positiveInt(req: Request, name: string, fallback: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InsightsRequestError(`query.${name}`, `must be a whole number from 1 to ${max}.`);
  return n;
}

type Handler = (req: Request, res: Response) => Promise<void>;
const handle =
  (fn: Handler) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      await fn(req, res);
    } catch (err) {
      const { status, body } = httpErrorBody(err);
      res.status(status).json(body);
    }
  };

export function createInsightsRouter(deps: { db: SpliceDb }): Router {
  const statistics = new StatisticsStore(deps.db);
  const snapshots = new TagSnapshotStore(deps.db);
  const tagMap = new TagMapStore(deps.db);
  const router = Router();
  // A no-op when the API router already parsed the body.
  router.use(json({ limit: '1mb' }));

  router.get(
    '/statistics',
    handle(async (req, res) => {
      const q = statisticsQuery(req);
      const [answer, facets] = await Promise.all([statistics.series(q), statistics.facets()]);
      res.json({ ...answer, facets } satisfies InsightsStatisticsResponse);
    }),
  );

  router.get(
    '/statistics.csv',
    handle(async (req, res) => {
      const q = statisticsQuery(req);
      const csv = statisticsCsv(await statistics.rows(q));
      const name = `splice-statistics${q.from ? `-${q.from}` : ''}${q.to ? `-to-${q.to}` : ''}.csv`;
      res.type('text/csv; charset=utf-8').attachment(name).send(csv);
    }),
  );

  router.get(
    '/tags/trends',
    handle(async (req, res) => {
      const from = day(req, 'from');
      const to = day(req, 'to');
      const top = positiveInt(req, 'top', 5, 50);
      const [found, allLocations] = await Promise.all([snapshots.list({ locations: list(req, 'location'), from, to }), snapshots.locations()]);
      res.json({ ...tagTrends(found, top), allLocations } satisfies InsightsTagTrendsResponse);
    }),
  );

  router.get(
    '/tags/snapshots',
    handle(async (req, res) => {
      const limit = positiveInt(req, 'limit', 50, 1000);
      const changedOnly = req.query.changed === 'true';
      const found = (await snapshots.list({ locations: list(req, 'location') })).filter((s) => !changedOnly || s.diff.added.length + s.diff.renamed.length + s.diff.removed.length > 0);
      const newest = found.reverse().slice(0, limit).map(({ tags: _tags, ...s }) => s);
      res.json({ snapshots: newest } satisfies InsightsTagSnapshotsResponse);
    }),
  );

  router.get(
    '/tag-map',
    handle(async (req, res) => {
      const location = list(req, 'location');
      if (!location || location.length !== 1) throw new InsightsRequestError('query.location', 'give one location id, e.g. ?location=loc_123.');
      res.json({ entries: await tagMap.get({ locationId: location[0]! }) } satisfies InsightsTagMapResponse);
    }),
  );

  router.put(
    '/tag-map',
    handle(async (req, res) => {
      const body = req.body as { locationId?: unknown; entries?: unknown; remove?: unknown } | undefined;
      if (!body || typeof body.locationId !== 'string' || !body.locationId) throw new InsightsRequestError('body.locationId', 'is required (a HighLevel location id).');
      const entries = body.entries ?? [];
      if (!Array.isArray(entries)) throw new InsightsRequestError('body.entries', 'must be an array.');
      entries.forEach((e: any, i: number) => {
        for (const k of ['highlevelTagId', 'highlevelName', 'payacaName'])
          if (typeof e?.[k] !== 'string' || (k !== 'highlevelName' && !e[k])) throw new InsightsRequestError(`body.entries[${i}].${k}`, 'must be a non-empty string.');
      });
      const remove = body.remove ?? [];
      if (!Array.isArray(remove) || remove.some((r) => typeof r !== 'string')) throw new InsightsRequestError('body.remove', 'must be an array of HighLevel tag ids.');
      const locationId = body.locationId;
      const res1 = await tagMap.set(entries.map((e: any) => ({ locationId, highlevelTagId: e.highlevelTagId, highlevelName: e.highlevelName, payacaName: e.payacaName })));
      const removed = await tagMap.remove(locationId, remove as string[]);
      res.json({ ...res1, removed } satisfies InsightsPutTagMapResponse);
    }),
  );

  return router;
}
