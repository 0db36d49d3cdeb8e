/** Insights: Splice's own data actions (statistics store, tag snapshots, tag map) and the dashboards' REST routes. */
export { createSpliceActions, normaliseTags, SPLICE_CONNECTOR } from './splice-actions';
export { createInsightsRouter } from './insights-router';
export { openMemoryDatabase } from './memory-database';
export { StatisticsStore, STATISTIC_METRICS, DASHBOARD_METRICS, type StatisticRow, type StatisticsQuery } from './statistics-store';
export { TagSnapshotStore, diffTags, type SnapshotTag, type TagDiff, type TagSnapshotResult } from './tag-snapshot-store';
export { TagMapStore, type TagMapEntry } from './tag-map-store';
export { tagTrends } from './tag-trends';
export { statisticsCsv } from './statistics-csv';
export { flowTestActions } from './flow-test-actions';
