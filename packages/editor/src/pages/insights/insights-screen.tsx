import { useState } from 'react';
import { StatisticsDashboard } from './statistics-dashboard';
import { TagTrendsDashboard } from './tag-trends-dashboard';
import './insights.css';

/** The dashboards page (`#/dashboard`): statistics and tag trends, recorded by the templates. */
export function InsightsScreen() {
  const [tab, setTab] = useState<'statistics' | 'tags'>('statistics');
  return (
    <section className="screen insights" data-testid="insights-screen">
      <header className="screen-header">
        <h1>Dashboards</h1>
        <div role="tablist" aria-label="Dashboards" className="insights-tabs">
          <button type="button" role="tab" aria-selected={tab === 'statistics'} className={tab === 'statistics' ? 'primary' : ''} data-testid="tab-statistics" onClick={() => setTab('statistics')}>
            Statistics
          </button>
          <button type="button" role="tab" aria-selected={tab === 'tags'} className={tab === 'tags' ? 'primary' : ''} data-testid="tab-tags" onClick={() => setTab('tags')}>
            Tag trends
          </button>
        </div>
      </header>
      <div role="tabpanel">{tab === 'statistics' ? <StatisticsDashboard /> : <TagTrendsDashboard />}</div>
    </section>
  );
}
