import type { StoredSnapshot } from './tag-snapshot-store';

/**
 * Tag trends from the periodic snapshots: per location and day the last snapshot of that day counts.
 * A tag's value on a day is its usage (how many posts carried it, when the snapshot recorded usage) or
 * 1 while it exists. "Rising" ranks tags by the increase between their first and last day in range.
 */
export interface TagTrendPoint {
  date: string;
  value: number;
}
export interface LocationTrend {
  locationId: string;
  points: Array<{ date: string; tagCount: number; usage: number }>;
}
export interface TagTrend {
  locationId: string;
  id: string;
  name: string;
  points: TagTrendPoint[];
}
export interface RisingTag {
  locationId: string;
  id: string;
  name: string;
  first: number;
  last: number;
  delta: number;
  /** delta per day between the tag's first and last observed day (delta when both are the same day). */
  perDay: number;
  /** relative growth, last/first - 1 (null when it started at zero). */
  growth: number | null;
}
export interface TagTrendsAnswer {
  dates: string[];
  locations: LocationTrend[];
  /** Daily series of the `top` rising tags (so a chart stays readable). */
  tags: TagTrend[];
  rising: RisingTag[];
  snapshots: number;
}

const DAY_MS = 86_400_000;

export function tagTrends(snapshots: StoredSnapshot[], top = 5): TagTrendsAnswer {
  // Last snapshot per location and day.
  const daily = new Map<string, Map<string, StoredSnapshot>>();
  for (const s of snapshots) {
    const day = s.takenAt.slice(0, 10);
    let byDay = daily.get(s.locationId);
    if (!byDay) daily.set(s.locationId, (byDay = new Map()));
    const prev = byDay.get(day);
    if (!prev || prev.takenAt < s.takenAt || (prev.takenAt === s.takenAt && prev.seq < s.seq)) byDay.set(day, s);
  }
  const dates = [...new Set([...daily.values()].flatMap((m) => [...m.keys()]))].sort();
  const locations: LocationTrend[] = [];
  const perTag = new Map<string, TagTrend>();
  for (const [locationId, byDay] of [...daily.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const days = [...byDay.keys()].sort();
    locations.push({
      locationId,
      points: days.map((date) => {
        const s = byDay.get(date)!;
        return { date, tagCount: s.tagCount, usage: s.tags.reduce((n, t) => n + (t.usage ?? 1), 0) };
      }),
    });
    for (const date of days) {
      for (const t of byDay.get(date)!.tags) {
        const key = `${locationId}\u0000${t.id}`;
        let trend = perTag.get(key);
        if (!trend) perTag.set(key, (trend = { locationId, id: t.id, name: t.name, points: [] }));
        trend.name = t.name; // latest name wins (renames)
        trend.points.push({ date, value: t.usage ?? 1 });
      }
    }
  }
  const rising: RisingTag[] = [...perTag.values()]
    .filter((t) => t.points.length > 0)
    .map((t) => {
      const firstPoint = t.points[0]!;
      const lastPoint = t.points[t.points.length - 1]!;
      // A tag that appeared after the location's first day rose from zero.
      const locFirstDay = daily.get(t.locationId) ? [...daily.get(t.locationId)!.keys()].sort()[0] : undefined;
      const startedLater = locFirstDay !== undefined && firstPoint.date > locFirstDay;
      const first = startedLater ? 0 : firstPoint.value;
      const startDate = startedLater ? locFirstDay! : firstPoint.date;
      const days = Math.max(1, (Date.parse(lastPoint.date) - Date.parse(startDate)) / DAY_MS);
      const delta = lastPoint.value - first;
      return { locationId: t.locationId, id: t.id, name: t.name, first, last: lastPoint.value, delta, perDay: delta / days, growth: first > 0 ? lastPoint.value / first - 1 : null };
    })
    .filter((r) => r.delta > 0)
    .sort((a, b) => b.perDay - a.perDay || b.delta - a.delta || a.name.localeCompare(b.name))
    .slice(0, top);
  const tags = rising.map((r) => perTag.get(`${r.locationId}\u0000${r.id}`)!);
  return { dates, locations, tags, rising, snapshots: snapshots.length };
}
