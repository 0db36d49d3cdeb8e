import { useMemo, useState } from 'react';
import { risingTagsChartOption, tagCountChartOption } from './chart-options';
import { EChart } from './echart';
import { DateRangeFilter, FacetFilter, useInsightsAnswer } from './insights-filters';
import { fetchTagSnapshots, fetchTagTrends, type InsightsFilter } from './insights-api';

/**
 * Tag trends: tag usage over time per location from the periodic tag snapshots (live-tag-sync), the
 * fastest rising tags, and the latest changes each snapshot found.
 */
export function TagTrendsDashboard() {
  const [filter, setFilter] = useState<InsightsFilter>({});
  const { answer, error } = useInsightsAnswer(
    () => Promise.all([fetchTagTrends(filter, 8), fetchTagSnapshots(filter.location)]),
    [filter],
  );
  const [trends, snapshotList] = answer ?? [];
  const snapshots = snapshotList?.snapshots ?? [];

  const usageOption = useMemo(() => (trends ? tagCountChartOption(trends) : undefined), [trends]);
  const risingOption = useMemo(() => (trends ? risingTagsChartOption(trends, undefined, trends.locations.length > 1) : undefined), [trends]);
  const changes = snapshots.slice(0, 8);

  return (
    <section aria-labelledby="tags-title" data-testid="tag-trends-dashboard">
      <div className="insights-toolbar" role="group" aria-label="Tag trend filters">
        <h2 id="tags-title">Tag trends</h2>
        <FacetFilter filter={filter} onChange={setFilter} testIdPrefix="tags-filter-" facet="location" values={trends?.allLocations} />
        <DateRangeFilter filter={filter} onChange={setFilter} testIdPrefix="tags-filter-" />
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
