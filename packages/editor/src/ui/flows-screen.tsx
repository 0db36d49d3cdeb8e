import { useEffect, useState } from 'react';
import type { FlowSummary } from '@splice/server/api/contract';
import { useEditor } from '../store/store';

export function FlowsScreen() {
  const api = useEditor((s) => s.api);
  const navigate = useEditor((s) => s.navigate);
  const attempt = useEditor((s) => s.attempt);
  const [flows, setFlows] = useState<FlowSummary[] | undefined>();
  useEffect(() => {
    void attempt('load flows', () => api.flows()).then((r) => setFlows(r?.flows ?? []));
  }, [api, attempt]);
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Flows</h1>
        <div className="actions">
          <button type="button" onClick={() => navigate({ name: 'templates' })}>
            Start from a template
          </button>
          <button type="button" className="primary" onClick={() => navigate({ name: 'new-flow' })}>
            New flow
          </button>
        </div>
      </header>
      {flows === undefined ? (
        <p>Loading…</p>
      ) : flows.length === 0 ? (
        <div className="empty">
          <p>No flows yet. The quickest start is a template: pick one, bind your credentials and test-run it against the sandbox.</p>
          <button type="button" className="primary" onClick={() => navigate({ name: 'templates' })}>
            Browse templates
          </button>
        </div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Flow</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Revision</th>
              <th>Deployed</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id}>
                <td>
                  <a href={`#/flows/${encodeURIComponent(f.id)}`} onClick={(e) => (e.preventDefault(), navigate({ name: 'flow', id: f.id }))}>
                    {f.title ?? f.id}
                  </a>
                  <div className="muted clamp" title={f.description}>{f.description}</div>
                </td>
                <td>{f.triggerType ?? '—'}</td>
                <td>
                  <span className={`badge ${f.valid ? 'ok' : 'failed'}`}>{f.valid ? 'valid' : 'has errors'}</span> <span className="badge">{f.active ? 'active' : 'inactive'}</span>
                </td>
                <td>{f.headRevision}</td>
                <td>{Object.entries(f.deployed).map(([env, rev]) => `${env} r${rev}`).join(', ') || '—'}</td>
                <td>{new Date(f.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
