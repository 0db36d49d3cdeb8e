import { useEffect, useMemo, useState } from 'react';
import type * as C from '@splice/server/api/contract';
import { risingTagsChartOption, tagCountChartOption } from './chart-options';
import { EChart } from './echart';
import { fetchTagSnapshots, fetchTagTrends, type InsightsFilter } from './insights-api';

/**
 * Tag trends: tag usage over time per location from the periodic tag snapshots (live-tag-sync), the
 * fastest rising tags, and the latest changes each snapshot found.
 */
export function TagTrendsDashboard() {
  const [filter, setFilter] = useState<InsightsFilter>({});
  const [trends, setTrends] = useState<C.InsightsTagTrendsResponse | undefined>();
  const [snapshots, setSnapshots] = useState<C.InsightsTagSnapshot[]>([]);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    Promise.all([fetchTagTrends(filter, 8), fetchTagSnapshots(filter.location)]).then(
      ([t, s]) => live && (setTrends(t), setSnapshots(s.snapshots), setError(undefined)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [filter]);

  const usageOption = useMemo(() => (trends ? tagCountChartOption(trends) : undefined), [trends]);
  const risingOption = useMemo(() => (trends ? risingTagsChartOption(trends, undefined, trends.locations.length > 1) : undefined), [trends]);
  const changes = snapshots.slice(0, 8);

  return (
    <section aria-labelledby="tags-title" data-testid="tag-trends-dashboard">
      <div className="insights-toolbar" role="group" aria-label="Tag trend filters">
        <h2 id="tags-title">Tag trends</h2>
        <label>
          Location{' '}
          <select data-testid="tags-filter-location" value={filter.location ?? ''} onChange={(e) => setFilter({ ...filter, location: e.target.value || undefined })}>
            <option value="">All locations</option>
            {trends?.allLocations.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          From <input type="date" data-testid="tags-filter-from" value={filter.from ?? ''} onChange={(e) => setFilter({ ...filter, from: e.target.value || undefined })} />
        </label>
        <label>
          To <input type="date" data-testid="tags-filter-to" value={filter.to ?? ''} onChange={(e) => setFilter({ ...filter, to: e.target.value || undefined })} />
        </label>
      </div>
      {error && <p className="error">Could not load the tag trends: {error}</p>}
      {trends && trends.snapshots === 0 && (
        <p className="muted" data-testid="tags-empty">
          No tag snapshots yet. Import and activate the <b>live-tag-sync</b> template: each run stores one.
        </p>
      )}
      {trends && trends.snapshots > 0 && usageOption && risingOption && (
        <div className="insights-grid">
          <div className="card insights-card">
            <h3>Tag usage per location</h3>
            <EChart id="tags-usage" option={usageOption} label="Tag usage over time per location" />
            <p className="muted small">Usage: posts carrying each tag, summed over the location’s tags, from the last snapshot of each day.</p>
          </div>
          <div className="card insights-card">
            <h3>Fastest rising tags</h3>
            <EChart id="tags-rising" option={risingOption} label="Usage of the fastest rising tags over time" />
            <p className="muted small">Posts carrying each of the tags that rose most in the range.</p>
          </div>
          <div className="card insights-card">
            <h3>Rising tags</h3>
            {trends.rising.length === 0 ? (
              <p className="muted small" data-testid="rising-empty">
                No tag rose in this range.
              </p>
            ) : (
              <table className="table" data-testid="rising-table">
                <thead>
                  <tr>
                    <th>Tag</th>
                    <th>Location</th>
                    <th>From</th>
                    <th>To</th>
                    <th>Rise</th>
                  </tr>
                </thead>
                <tbody>
                  {trends.rising.map((r) => (
                    <tr key={`${r.locationId}/${r.id}`} data-testid="rising-row">
                      <td>{r.name}</td>
                      <td className="muted">{r.locationId}</td>
                      <td>{r.first}</td>
                      <td>{r.last}</td>
                      <td>
                        +{r.delta} <span className="muted small">({Math.round(r.perDay * 100) / 100}/day)</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div className="card insights-card">
            <h3>Latest changes</h3>
            {changes.length === 0 ? (
              <p className="muted small">No tag was added, renamed or removed.</p>
            ) : (
              <ul className="insights-changes" data-testid="tag-changes">
                {changes.map((s) => (
                  <li key={s.snapshotId}>
                    <span className="muted small">{s.takenAt.replace('T', ' ').slice(0, 16)} · {s.locationId}</span>{' '}
                    {s.seq === 1 ? `${s.diff.added.length} tags at first snapshot` : [
                      s.diff.added.length ? `+${s.diff.added.map((t) => t.name).join(', ')}` : '',
                      s.diff.renamed.length ? s.diff.renamed.map((r) => `${r.from} → ${r.to}`).join(', ') : '',
                      s.diff.removed.length ? `−${s.diff.removed.map((t) => t.name).join(', ')}` : '',
                    ].filter(Boolean).join(' · ')}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
