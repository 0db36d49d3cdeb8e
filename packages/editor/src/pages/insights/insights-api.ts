import type * as C from '@splice/server/api/contract';
import { queryString } from '../../api/api-client';
import { useEditor } from '../../store/store';

/** The dashboards' routes of the wire contract (`/api/insights/...`), through the editor's API client. */
export interface InsightsFilter {
  location?: string;
  platform?: string;
  from?: string;
  to?: string;
}

export function fetchStatistics(f: InsightsFilter, groupBy: C.InsightsGroupBy): Promise<C.InsightsStatisticsResponse> {
  return useEditor.getState().api.request('GET', `/insights/statistics${queryString({ ...f, groupBy })}`);
}

export function fetchTagTrends(f: InsightsFilter, top: number): Promise<C.InsightsTagTrendsResponse> {
  return useEditor.getState().api.request('GET', `/insights/tags/trends${queryString({ location: f.location, from: f.from, to: f.to, top })}`);
}

export function fetchTagSnapshots(location: string | undefined): Promise<C.InsightsTagSnapshotsResponse> {
  return useEditor.getState().api.request('GET', `/insights/tags/snapshots${queryString({ location, limit: 8, changed: 'true' })}`);
}

/** Downloads the filtered rows as CSV (the admin token goes in the header, never in a URL). */
export async function downloadStatisticsCsv(f: InsightsFilter): Promise<void> {
  const token = useEditor.getState().token;
  const res = await fetch(`/api/insights/statistics.csv${queryString({ ...f })}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`CSV export answered ${res.status}`);
  const blob = await res.blob();
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'splice-statistics.csv';
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
