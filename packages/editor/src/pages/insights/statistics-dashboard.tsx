import { useMemo, useState } from 'react';
import type * as C from '@splice/server/api/contract';
import { useEditor } from '../../store/store';
import { DASHBOARD_METRICS, metricChartOption, metricHasData } from './chart-options';
import { EChart } from './echart';
import { DateRangeFilter, FacetFilter, useInsightsAnswer } from './insights-filters';
import { downloadStatisticsCsv, fetchStatistics, type InsightsFilter } from './insights-api';

/**
 * Statistics dashboard: reach, impressions, engagement and clicks over time, by platform or by location,
 * from the statistics store (filled by the post-statistics template). Filters: location, date range.
 */
export function StatisticsDashboard() {
  const [filter, setFilter] = useState<InsightsFilter>({});
  const [groupBy, setGroupBy] = useState<C.InsightsGroupBy>('platform');
  const { answer, error } = useInsightsAnswer(() => fetchStatistics(filter, groupBy), [filter, groupBy]);
  const [exporting, setExporting] = useState(false);
  const notify = useEditor((s) => s.notify);

  const facets = answer?.facets;
  const options = useMemo(() => (answer ? DASHBOARD_METRICS.map((m) => ({ ...m, option: metricChartOption(answer, m.metric), hasData: metricHasData(answer, m.metric) })) : []), [answer]);

  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadStatisticsCsv(filter);
    } catch (e) {
      notify('error', `CSV export failed: ${(e as Error).message}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section aria-labelledby="statistics-title" data-testid="statistics-dashboard">
      <div className="insights-toolbar" role="group" aria-label="Statistics filters">
        <h2 id="statistics-title">Statistics</h2>
        <FacetFilter filter={filter} onChange={setFilter} testIdPrefix="filter-" facet="location" values={facets?.locations} />
        <FacetFilter filter={filter} onChange={setFilter} testIdPrefix="filter-" facet="platform" values={facets?.platforms} />
        <DateRangeFilter filter={filter} onChange={setFilter} testIdPrefix="filter-" min={facets?.firstDate} max={facets?.lastDate} />
        <div role="radiogroup" aria-label="Group by" className="insights-group">
          {(['platform', 'location'] as const).map((g) => (
            <button key={g} type="button" role="radio" aria-checked={groupBy === g} className={groupBy === g ? 'primary' : ''} data-testid={`group-${g}`} onClick={() => setGroupBy(g)}>
              By {g}
            </button>
          ))}
        </div>
        <button type="button" onClick={exportCsv} disabled={exporting || !answer} data-testid="export-csv">
          Export CSV
        </button>
      </div>
      {error && <p className="error">Could not load the statistics: {error}</p>}
      {answer && answer.series.length === 0 && (
        <p className="muted" data-testid="statistics-empty">
          No statistics recorded{filter.location || filter.platform || filter.from || filter.to ? ' for these filters' : ''}. Import and run the <b>post-statistics</b> template to record them.
        </p>
      )}
      {answer && answer.series.length > 0 && (
        <>
          <div className="insights-totals" data-testid="statistics-totals">
            {DASHBOARD_METRICS.map((m) => (
              <div key={m.metric} className="card">
                <div className="muted small">{m.title}</div>
                <strong data-testid={`total-${m.metric}`}>{Math.round(answer.totals[m.metric]).toLocaleString('en-GB')}</strong>
              </div>
            ))}
            <div className="card">
              <div className="muted small">Days</div>
              <strong>{answer.dates.length ? `${answer.dates[0]} → ${answer.dates.at(-1)}` : '—'}</strong>
            </div>
          </div>
          <div className="insights-grid">
            {options.map((o) => (
              <div key={o.metric} className="card insights-card">
                <h3>
                  {o.title} by {groupBy}
                </h3>
                <EChart id={`statistics-${o.metric}`} option={o.option} label={`${o.title} by ${groupBy} over time`} />
                {!o.hasData && (
                  <p className="muted small" data-testid={`no-data-${o.metric}`}>
                    {o.metric === 'clicks' ? 'HighLevel’s statistics report no clicks; none are recorded.' : `No ${o.title.toLowerCase()} recorded in this range.`}
                  </p>
                )}
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
