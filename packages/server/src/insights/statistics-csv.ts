import { STATISTIC_METRICS, type StatisticsStore } from './statistics-store';

/** CSV export of recorded statistics (RFC 4180: CRLF lines, quoted when needed, formula-looking cells defused). */
export const STATISTICS_CSV_COLUMNS = ['date', 'location_id', 'platform', 'profile_id', 'post_id', ...STATISTIC_METRICS, 'recorded_at'] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  // A cell starting with = + - @ would run as a formula when a spreadsheet opens the file.
  if (typeof value === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function statisticsCsv(rows: Awaited<ReturnType<StatisticsStore['rows']>>): string {
  const lines = [STATISTICS_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.date, r.locationId, r.platform, r.profileId, r.postId, ...STATISTIC_METRICS.map((m) => r[m]), r.recordedAt].map(cell).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
