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

export function metricChartOption(answer: C.InsightsStatisticsResponse, metric: C.InsightsMetric, label: SeriesLabel = (k) => k): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: answer.dates, boundaryGap: false },
    yAxis: { type: 'value' },
    series: answer.series.map((s) => ({
      name: label(s.key),
      type: 'line',
      smooth: true,
      showSymbol: answer.dates.length < 20,
      data: s.points.map((p) => round(p[metric])),
    })),
  };
}

/** Whether anything was recorded for a metric (HighLevel reports no clicks, for example). */
export function metricHasData(answer: C.InsightsStatisticsResponse, metric: C.InsightsMetric): boolean {
  return answer.series.some((s) => s.points.some((p) => p[metric] !== 0));
}

export function tagCountChartOption(trends: C.InsightsTagTrendsResponse, label: SeriesLabel = (k) => k): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    // A time axis: snapshots are not evenly spaced (a backfill of past days, then today's), and a category
    // axis would draw a gap of months as wide as a gap of a day.
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
    series: trends.locations.map((l) => {
      const byDate = new Map(l.points.map((p) => [p.date, p.usage]));
      return { name: label(l.locationId), type: 'line', connectNulls: true, data: trends.dates.map((d) => [d, byDate.get(d) ?? null]) };
    }),
  };
}

export function risingTagsChartOption(trends: C.InsightsTagTrendsResponse, label: SeriesLabel = (k) => k, multipleLocations = false): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
    series: trends.tags.map((t) => {
      const byDate = new Map(t.points.map((p) => [p.date, p.value]));
      return {
        name: multipleLocations ? `${t.name} (${label(t.locationId)})` : t.name,
        type: 'line',
        connectNulls: true,
        data: trends.dates.map((d) => [d, byDate.get(d) ?? null]),
      };
    }),
  };
}
