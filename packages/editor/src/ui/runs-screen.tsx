import { useEffect, useState } from 'react';
import { useEditor } from '../store/store';
import { badgeOf, ms, RunTimeline, StepRecordView } from './step-record-view';

const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'filtered', 'dead'];

/** A run's short id, linking to its detail screen (in-app navigation, the hash URL for new tabs). */
export function RunLink({ runId }: { runId: string }) {
  const navigate = useEditor((s) => s.navigate);
  return (
    <a href={`#/runs/${runId}`} onClick={(e) => (e.preventDefault(), navigate({ name: 'run', runId }))}>
      {runId.slice(0, 12)}
    </a>
  );
}

/** "r3 (staging)", linking to that revision's YAML: every run says which revision ran. */
export function RevisionLink({ flow, revision, environment }: { flow: string; revision?: number; environment?: string }) {
  const navigate = useEditor((s) => s.navigate);
  if (revision === undefined) return <span className="muted">—</span>;
  return (
    <a href={`#/flows/${encodeURIComponent(flow)}/revisions/${revision}`} onClick={(e) => (e.preventDefault(), navigate({ name: 'revision', id: flow, revision }))} data-testid="run-revision" title={`The YAML of revision ${revision}, as it ran`}>
      revision {revision}
      {environment && <span className="muted"> ({environment})</span>}
    </a>
  );
}

export function RunsScreen({ flow }: { flow?: string }) {
  const runs = useEditor((s) => s.runs);
  const cursor = useEditor((s) => s.runsCursor);
  const loadRuns = useEditor((s) => s.loadRuns);
  const [flowFilter, setFlowFilter] = useState(flow ?? '');
  const [status, setStatus] = useState('');
  const [location, setLocation] = useState('');
  // Locations by name (every location a credential serves): run history filters by name, not by id.
  const api = useEditor((s) => s.api);
  const [locations, setLocations] = useState<Array<{ id: string; name?: string }>>([]);
  useEffect(() => {
    api.locations().then((r) => setLocations(r.locations), () => setLocations([]));
  }, [api]);
  const nameOf = (id: string | undefined) => (id ? (locations.find((l) => l.id === id)?.name ?? id) : '—');
  useEffect(() => {
    void loadRuns({ flow: flowFilter || undefined, status: status || undefined, location: location || undefined });
  }, [flowFilter, status, location, loadRuns]);
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Runs</h1>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Flow <input value={flowFilter} onChange={(e) => setFlowFilter(e.target.value)} placeholder="any" />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value)}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s || 'any'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Location
            <select value={location} onChange={(e) => setLocation(e.target.value)}>
              <option value="">any</option>
              {locations.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name ?? l.id}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void loadRuns()}>
            Refresh
          </button>
        </form>
      </header>
      <table className="table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Flow</th>
            <th>Revision</th>
            <th>Status</th>
            <th>Location</th>
            <th>Trigger</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId}>
              <td>
                <RunLink runId={r.runId} />
              </td>
              <td>{r.flow}</td>
              <td>
                <RevisionLink flow={r.flow} revision={r.revision} environment={r.environment} />
              </td>
              <td>
                <span className={`badge ${badgeOf(r.status)}`}>{r.status}</span> {r.error && <span className="muted">{r.error.message}</span>}
              </td>
              <td data-testid="run-location">{nameOf(r.locationId)}</td>
              <td>{r.trigger ?? '—'}</td>
              <td>{r.startedAt ? new Date(r.startedAt).toLocaleString() : '—'}</td>
              <td>{r.durationMs !== undefined ? ms(r.durationMs) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length === 0 && <p className="muted">No runs match.</p>}
      {cursor && (
        <button type="button" onClick={() => void loadRuns(undefined, true)}>
          Load more
        </button>
      )}
    </section>
  );
}

export function RunDetailScreen({ runId }: { runId: string }) {
  const run = useEditor((s) => s.runDetail);
  const loadRun = useEditor((s) => s.loadRun);
  const replay = useEditor((s) => s.replay);
  const navigate = useEditor((s) => s.navigate);
  useEffect(() => {
    void loadRun(runId);
  }, [runId, loadRun]);
  // A queued or running run is followed until it ends.
  const status = run?.runId === runId ? run.status : undefined;
  useEffect(() => {
    if (status !== 'queued' && status !== 'running') return;
    const t = setTimeout(() => void useEditor.getState().loadRun(runId, true), 1000);
    return () => clearTimeout(t);
  }, [status, runId, run]);
  if (!run || run.runId !== runId) return <section className="screen">Loading run…</section>;
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>
          Run <code>{run.runId}</code>
        </h1>
        <div className="actions">
          <button type="button" onClick={() => navigate({ name: 'flow', id: run.flow })}>
            Open flow
          </button>
          <button type="button" className="primary" onClick={() => void replay(run.runId)}>
            Replay
          </button>
        </div>
      </header>
      <p>
        <span className={`badge ${badgeOf(run.status)}`}>{run.status}</span> {run.flow} · <RevisionLink flow={run.flow} revision={run.revision} environment={run.environment} /> · started{' '}
        {new Date(run.startedAt).toLocaleString()}
        {run.durationMs !== undefined && ` · ${ms(run.durationMs)}`}
      </p>
      {run.error && <p className="error">{run.error.code}: {run.error.message}</p>}
      <RunTimeline run={run} />
      <h2>Steps</h2>
      {run.steps.map((s) => (
        <StepRecordView key={s.id} step={s} />
      ))}
      <h2>Event</h2>
      <pre>{JSON.stringify(run.event, null, 2)}</pre>
    </section>
  );
}
