import type * as C from '@splice/server/api/contract';
import { useEffect, useState } from 'react';
import { useEditor } from '../../store/store';
import { ENVIRONMENT_TITLES } from '../deploy/deploy-state';
import '../deploy/deploy.css';

/**
 * One saved revision of a flow (`#/flows/<id>/revisions/<n>`), read-only: who saved it and why, where it
 * is deployed, its YAML exactly as saved, and its diff against the latest save. Run details link here.
 * The YAML is a plain numbered listing rather than an editor view: all of it is in the page, so the
 * browser's find and copy work across the whole text.
 */
export function RevisionScreen({ flowId, revision }: { flowId: string; revision: number }) {
  const api = useEditor((s) => s.api);
  const attempt = useEditor((s) => s.attempt);
  const navigate = useEditor((s) => s.navigate);
  const [rev, setRev] = useState<C.Revision | undefined>();
  const [flow, setFlow] = useState<C.FlowDetail | undefined>();
  const [diff, setDiff] = useState<string | undefined>();
  const [view, setView] = useState<'yaml' | 'diff'>('yaml');

  useEffect(() => {
    setRev(undefined);
    setDiff(undefined);
    void attempt(`load revision ${revision} of ${flowId}`, () => api.revision(flowId, revision)).then(setRev);
    void attempt(`load flow ${flowId}`, () => api.flow(flowId)).then((r) => setFlow(r?.flow));
  }, [api, attempt, flowId, revision]);
  const head = flow?.headRevision;
  useEffect(() => {
    if (view === 'diff' && head !== undefined && head !== revision) void attempt('load the diff', () => api.diff(flowId, revision, head)).then((d) => setDiff(d?.diff));
  }, [api, attempt, flowId, revision, head, view]);

  if (!rev) return <section className="screen">Loading revision {revision}…</section>;
  const deployedHere = (flow?.deployments ?? []).filter((d) => d.revision === revision);
  return (
    <section className="screen" data-testid="revision-screen">
      <header className="screen-header">
        <h1>
          {flow?.title ?? flowId} · revision {revision}
        </h1>
        <div className="actions">
          <button type="button" onClick={() => navigate({ name: 'runs', flow: flowId })}>
            Runs of this flow
          </button>
          <button type="button" className="primary" onClick={() => navigate({ name: 'flow', id: flowId })}>
            Open the flow
          </button>
        </div>
      </header>
      <p>
        Saved {new Date(rev.createdAt).toLocaleString()} by {rev.author}: “{rev.message}”
        {rev.rolledBackFrom !== undefined && ` (the text of revision ${rev.rolledBackFrom})`}.{' '}
        {head !== undefined && (head === revision ? <span className="badge ok">latest save</span> : <span className="badge">latest save is revision {head}</span>)}{' '}
        {deployedHere.map((d) => (
          <span key={d.environment} className="badge ok" data-testid={`revision-deployed-${d.environment}`}>
            deployed to {ENVIRONMENT_TITLES[d.environment]}
          </span>
        ))}
      </p>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={view === 'yaml'} onClick={() => setView('yaml')}>
          YAML
        </button>
        <button type="button" role="tab" aria-selected={view === 'diff'} disabled={head === undefined || head === revision} onClick={() => setView('diff')} data-testid="tab-diff">
          Changes since{head !== undefined && head !== revision ? ` (to revision ${head})` : ''}
        </button>
      </div>
      {view === 'yaml' ? (
        <pre className="revision-yaml" aria-label={`YAML of revision ${revision}`} data-testid="revision-yaml">
          {rev.yaml.split('\n').map((line, i) => (
            <span key={i} className="revision-line">
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <pre className="revision-diff" data-testid="revision-diff">
          {diff === undefined
            ? 'Loading…'
            : diff
              ? diff.split('\n').map((line, i) => (
                  <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? 'added' : line.startsWith('-') && !line.startsWith('---') ? 'removed' : ''}>
                    {line}
                    {'\n'}
                  </span>
                ))
              : 'No changes.'}
        </pre>
      )}
    </section>
  );
}
