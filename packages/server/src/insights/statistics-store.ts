import type { SpliceDb } from '../storage/database';

/**
 * The statistics store behind the dashboard. One row per natural key (location, platform, profile, post,
 * UTC day); recording the same key again replaces its figures, so re-running a flow never double counts.
 */
export const STATISTIC_METRICS = ['impressions', 'reach', 'engagement', 'clicks', 'likes', 'comments', 'shares', 'followers', 'posts'] as const;
export type StatisticMetric = (typeof STATISTIC_METRICS)[number];
/** The four figures the dashboard charts. */
export const DASHBOARD_METRICS = ['reach', 'impressions', 'engagement', 'clicks'] as const satisfies readonly StatisticMetric[];

export type StatisticFigures = Partial<Record<StatisticMetric, number | null>>;

export interface StatisticRow extends StatisticFigures {
  locationId: string;
  platform: string;
  profileId?: string;
  postId?: string;
  /** UTC day, `YYYY-MM-DD` (a full ISO timestamp is cut to its day). */
  date: string;
}

export interface RecordStatisticsResult {
  inserted: number;
  updated: number;
  unchanged: number;
  total: number;
}

export type StatisticsGroupBy = 'platform' | 'location' | 'profile' | 'total';

export interface StatisticsQuery {
  locations?: string[];
  platforms?: string[];
  /** Inclusive `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  groupBy?: StatisticsGroupBy;
}

export interface StatisticsPoint extends Record<StatisticMetric, number> {
  date: string;
}
export interface StatisticsSeries {
  key: string;
  points: StatisticsPoint[];
  totals: Record<StatisticMetric, number>;
}
export interface StatisticsAnswer {
  groupBy: StatisticsGroupBy;
  dates: string[];
  series: StatisticsSeries[];
  totals: Record<StatisticMetric, number>;
}
export interface StatisticsFacets {
  locations: string[];
  platforms: string[];
  firstDate?: string;
  lastDate?: string;
  rows: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}/;

export function toDay(value: string): string | undefined {
  const m = DAY.exec(value);
  if (!m) return undefined;
  const d = new Date(`${m[0]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? undefined : m[0];
}

function zeroFigures(): Record<StatisticMetric, number> {
  return Object.fromEntries(STATISTIC_METRICS.map((m) => [m, 0])) as Record<StatisticMetric, number>;
}

/** Every metric of a row or record, null where it holds none. */
function figuresOf(source: StatisticFigures): Record<StatisticMetric, number | null> {
  return Object.fromEntries(STATISTIC_METRICS.map((m) => [m, source[m] ?? null])) as Record<StatisticMetric, number | null>;
}

export class StatisticsStore {
  constructor(private readonly db: SpliceDb) {}

  /** Upserts rows (already validated) in one transaction; reports what changed. */
  async record(rows: StatisticRow[], source: { flowId?: string; runId?: string } = {}): Promise<RecordStatisticsResult> {
    const result: RecordStatisticsResult = { inserted: 0, updated: 0, unchanged: 0, total: rows.length };
    const provenance = { flow_id: source.flowId ?? null, run_id: source.runId ?? null, recorded_at: new Date().toISOString() };
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const key = {
          location_id: row.locationId,
          platform: row.platform,
          profile_id: row.profileId ?? '',
          post_id: row.postId ?? '',
          date: toDay(row.date) ?? row.date,
        };
        const figures = figuresOf(row);
        const existing = await trx
          .selectFrom('insight_statistics')
          .selectAll()
          .where((eb) => eb.and(key))
          .executeTakeFirst();
        if (!existing) {
          await trx
            .insertInto('insight_statistics')
            .values({ ...key, ...figures, ...provenance })
            .execute();
          result.inserted++;
        } else if (STATISTIC_METRICS.every((m) => (existing[m] ?? null) === figures[m])) {
          result.unchanged++;
        } else {
          await trx
            .updateTable('insight_statistics')
            .set({ ...figures, ...provenance })
            .where((eb) => eb.and(key))
            .execute();
          result.updated++;
        }
      }
    });
    return result;
  }

  /** Raw rows matching the filters, ordered by date, location, platform (the CSV export). */
  async rows(q: StatisticsQuery = {}): Promise<Array<Required<Pick<StatisticRow, 'locationId' | 'platform' | 'profileId' | 'postId' | 'date'>> & Record<StatisticMetric, number | null> & { recordedAt: string }>> {
    let query = this.db.selectFrom('insight_statistics').selectAll();
    if (q.locations?.length) query = query.where('location_id', 'in', q.locations);
    if (q.platforms?.length) query = query.where('platform', 'in', q.platforms);
    if (q.from) query = query.where('date', '>=', q.from);
    if (q.to) query = query.where('date', '<=', q.to);
    const rows = await query.orderBy('date').orderBy('location_id').orderBy('platform').orderBy('profile_id').orderBy('post_id').execute();
    return rows.map((r) => ({
      locationId: r.location_id,
      platform: r.platform,
      profileId: r.profile_id,
      postId: r.post_id,
      date: r.date,
      ...figuresOf(r),
      recordedAt: r.recorded_at,
    }));
  }

  /** Daily series grouped by platform, location, profile or one total; missing days are zero-filled. */
  async series(q: StatisticsQuery = {}): Promise<StatisticsAnswer> {
    const groupBy = q.groupBy ?? 'platform';
    const rows = await this.rows(q);
    const dates = [...new Set(rows.map((r) => r.date))].sort();
    const byKey = new Map<string, Map<string, StatisticsPoint>>();
    const totals = zeroFigures();
    for (const r of rows) {
      const key = groupBy === 'platform' ? r.platform : groupBy === 'location' ? r.locationId : groupBy === 'profile' ? `${r.platform}:${r.profileId}` : 'total';
      let points = byKey.get(key);
      if (!points) byKey.set(key, (points = new Map()));
      let p = points.get(r.date);
      if (!p) points.set(r.date, (p = { date: r.date, ...zeroFigures() }));
      for (const m of STATISTIC_METRICS) {
        const v = r[m] ?? 0;
        p[m] += v;
        totals[m] += v;
      }
    }
    const series: StatisticsSeries[] = [...byKey.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, points]) => {
        const filled = dates.map((date) => points.get(date) ?? { date, ...zeroFigures() });
        const t = zeroFigures();
        for (const p of filled) for (const m of STATISTIC_METRICS) t[m] += p[m];
        return { key, points: filled, totals: t };
      });
    return { groupBy, dates, series, totals };
  }

  /** What the dashboard's filters can offer. */
  async facets(): Promise<StatisticsFacets> {
    const rows = await this.db
      .selectFrom('insight_statistics')
      .select(['location_id', 'platform'])
      .select((eb) => [eb.fn.min('date').as('first'), eb.fn.max('date').as('last'), eb.fn.countAll<number>().as('n')])
      .groupBy(['location_id', 'platform'])
      .execute();
    const first = rows.map((r) => String(r.first)).sort()[0];
    const last = rows.map((r) => String(r.last)).sort().at(-1);
    return {
      locations: [...new Set(rows.map((r) => r.location_id))].sort(),
      platforms: [...new Set(rows.map((r) => r.platform))].sort(),
      firstDate: first,
      lastDate: last,
      rows: rows.reduce((n, r) => n + Number(r.n), 0),
    };
  }
}
