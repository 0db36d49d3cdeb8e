import { type DependencyList, useEffect, useState } from 'react';
import type { InsightsFilter } from './insights-api';

/**
 * What both insights dashboards share: loading an answer whenever their filters change, and the facet
 * (location, platform) and date range filters of their toolbars.
 */

/**
 * Loads `load()` now and again whenever `deps` change. An answer that arrives after a newer load started
 * is dropped; a failure keeps the last answer and says why in `error`.
 */
export function useInsightsAnswer<T>(load: () => Promise<T>, deps: DependencyList): { answer: T | undefined; error: string | undefined } {
  const [answer, setAnswer] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    load().then(
      (a) => live && (setAnswer(a), setError(undefined)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
    // `deps` are the caller's: they name what `load` reads.
  }, deps);
  return { answer, error };
}

interface FilterProps {
  filter: InsightsFilter;
  onChange: (filter: InsightsFilter) => void;
  /** Prefix of the inputs' data-testid (`filter-` or `tags-filter-`), which browser tests use. */
  testIdPrefix: string;
}

/** A select of one facet (location or platform) with an "All …" choice that clears it. */
export function FacetFilter({
  filter,
  onChange,
  testIdPrefix,
  facet,
  values,
}: FilterProps & { facet: 'location' | 'platform'; values: string[] | undefined }) {
  return (
    <label>
      {facet === 'location' ? 'Location' : 'Platform'}{' '}
      <select
        data-testid={`${testIdPrefix}${facet}`}
        value={filter[facet] ?? ''}
        onChange={(e) => onChange({ ...filter, [facet]: e.target.value || undefined })}
      >
        <option value="">All {facet}s</option>
        {values?.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

/** From and To date inputs, limited to `[min, max]` when the answer says which days hold data. */
export function DateRangeFilter({ filter, onChange, testIdPrefix, min, max }: FilterProps & { min?: string; max?: string }) {
  return (
    <>
      {(['from', 'to'] as const).map((end) => (
        <label key={end}>
          {end === 'from' ? 'From' : 'To'}{' '}
          <input
            type="date"
            data-testid={`${testIdPrefix}${end}`}
            value={filter[end] ?? ''}
            min={min}
            max={max}
            onChange={(e) => onChange({ ...filter, [end]: e.target.value || undefined })}
          />
        </label>
      ))}
    </>
  );
}
