import type * as C from '@splice/server/api/contract';
import type { ChartOption } from './echart';

/**
 * Chart options for the dashboards, as plain functions of API answers (tested without a browser).
 * Series are named by platform or location; each has one point per day.
 */
export const DASHBOARD_METRICS = [
  { metric: 'reach', title: 'Reach' },
  { metric: 'impressions', title: 'Impressions' },
  { metric: 'engagement', title: 'Engagement' },
  { metric: 'clicks', title: 'Clicks' },
] as const satisfies ReadonlyArray<{ metric: C.InsightsMetric; title: string }>;

const round = (n: number) => Math.round(n * 100) / 100;

/** Human name of a series key: location ids get their name when known. */
export type SeriesLabel = (key: string) => string;

/** The frame every dashboard line chart shares: axis tooltip, scrolling legend on top, value y axis. */
function lineChartOption(xAxis: Record<string, unknown>, series: unknown[]): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis,
    yAxis: { type: 'value' },
    series,
  };
}

/**
 * `[date, value]` pairs on a time axis, one for every date of the range, null where the series has no
 * point that day (the line bridges it with connectNulls).
 */
function pointsOnDates<P extends { date: string }>(dates: string[], points: P[], value: (point: P) => number): Array<[string, number | null]> {
  const byDate = new Map(points.map((p) => [p.date, value(p)]));
  return dates.map((d) => [d, byDate.get(d) ?? null]);
}

export function metricChartOption(answer: C.InsightsStatisticsResponse, metric: C.InsightsMetric, label: SeriesLabel = (k) => k): ChartOption {
  return lineChartOption(
    { type: 'category', data: answer.dates, boundaryGap: false },
    answer.series.map((s) => ({
      name: label(s.key),
      type: 'line',
      smooth: true,
      showSymbol: answer.dates.length < 20,
      data: s.points.map((p) => round(p[metric])),
    })),
  );
}

/** Whether anything was recorded for a metric (HighLevel reports no clicks, for example). */
export function metricHasData(answer: C.InsightsStatisticsResponse, metric: C.InsightsMetric): boolean {
  return answer.series.some((s) => s.points.some((p) => p[metric] !== 0));
}

export function tagCountChartOption(trends: C.InsightsTagTrendsResponse, label: SeriesLabel = (k) => k): ChartOption {
  // A time axis: snapshots are not evenly spaced (a backfill of past days, then today's), and a category
  // axis would draw a gap of months as wide as a gap of a day.
  return lineChartOption(
    { type: 'time' },
    trends.locations.map((l) => ({
      name: label(l.locationId),
      type: 'line',
      connectNulls: true,
      data: pointsOnDates(trends.dates, l.points, (p) => p.usage),
    })),
  );
}

export function risingTagsChartOption(trends: C.InsightsTagTrendsResponse, label: SeriesLabel = (k) => k, multipleLocations = false): ChartOption {
  return lineChartOption(
    { type: 'time' },
    trends.tags.map((t) => ({
      name: multipleLocations ? `${t.name} (${label(t.locationId)})` : t.name,
      type: 'line',
      connectNulls: true,
      data: pointsOnDates(trends.dates, t.points, (p) => p.value),
    })),
  );
}
