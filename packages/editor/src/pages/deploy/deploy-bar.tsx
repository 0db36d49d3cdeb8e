import type * as C from '@splice/server/api/contract';
import { useEffect } from 'react';
import './deploy.css';
import { useEditor } from '../../store/store';
import { environmentStates, ENVIRONMENT_TITLES } from './deploy-state';

/**
 * Draft vs live under the flow editor's toolbar: per environment what is deployed and whether the saved
 * (or unsaved) flow is ahead of it, Deploy to the chosen environment, the Active switch and "Run now",
 * and the problems of a refused deploy (the promotion gate's failing tests).
 */
export function DeployBar() {
  const flowId = useEditor((s) => s.flow?.id);
  const headRevision = useEditor((s) => s.flow?.headRevision);
  const dirty = useEditor((s) => s.flow !== undefined && s.flow.text !== s.flow.savedText);
  const manual = useEditor((s) => (s.flow?.data.trigger as { type?: string } | undefined)?.type === 'manual');
  const status = useEditor((s) => (s.deployStatus?.flowId === s.flow?.id ? s.deployStatus : undefined));
  const environment = useEditor((s) => s.environment);
  const deploying = useEditor((s) => s.deploying);
  const { loadDeployStatus, deploy, setActive, runNow } = useEditor.getState();

  useEffect(() => {
    if (flowId) void loadDeployStatus(flowId);
  }, [flowId, headRevision, loadDeployStatus]);

  if (!flowId) {
    return (
      <div className="deploy-bar" data-testid="deploy-bar">
        <span className="muted">Draft: not saved yet. Save it, then deploy it to an environment to run it.</span>
      </div>
    );
  }
  if (!status) return <div className="deploy-bar muted">Loading deployments…</div>;
  const states = environmentStates(status, dirty);
  const chosen = states.find((s) => s.environment === environment)!;
  const live = status.liveTarget;
  return (
    <>
      <div className="deploy-bar" role="group" aria-label="Deployments" data-testid="deploy-bar">
        <span className="muted small deploy-flow-id" data-testid="flow-id" title={`The flow's id (${flowId}): its name in URLs, the API and the CLI`}>
          id <code>{flowId}</code> · saved <b data-testid="head-revision">r{status.headRevision}</b>
        </span>
        {states.map((s) => (
          <span
            key={s.environment}
            className={`deploy-env ${s.environment === environment ? 'chosen' : ''}`}
            data-testid={`deploy-state-${s.environment}`}
            title={s.deployed ? `${s.title} runs revision ${s.deployed.revision}, deployed ${new Date(s.deployed.deployedAt).toLocaleString()} by ${s.deployed.deployedBy}` : `Nothing is deployed to ${s.title}`}
          >
            <span className={`badge ${s.deployed ? (s.draftAhead ? 'skipped' : 'ok') : ''}`}>{s.environment}</span> <span className="small">{s.summary}</span>
          </span>
        ))}
        <span className="deploy-actions">
          <button
            type="button"
            className={chosen.draftAhead ? 'primary' : ''}
            disabled={deploying !== undefined || !chosen.draftAhead}
            onClick={() => void deploy(environment)}
            title={chosen.draftAhead ? `Make the saved revision the one ${environment} runs${environment === 'production' ? ' (runs the flow tests first)' : ''}` : `${ENVIRONMENT_TITLES[environment]} already runs the saved revision`}
            data-testid="deploy"
          >
            {deploying === environment ? 'Deploying…' : `Deploy to ${environment}`}
          </button>
          <label className="env-picker" title="An active flow takes its trigger's events (webhooks, schedule, API runs) and runs its deployed revision">
            <input type="checkbox" checked={status.active} onChange={(e) => void setActive(e.target.checked)} data-testid="active" /> Active
          </label>
          <span className="muted small" data-testid="live-target">
            {status.active ? (live ? `triggers run ${live.environment} r${live.revision}` : 'nothing deployed') : 'takes no events'}
          </span>
          {manual && (
            <button type="button" onClick={() => void runNow()} title={`Enqueue a real run of the revision deployed to ${environment}, with the sample event (recorded in Runs)`} data-testid="run-now">
              Run now
            </button>
          )}
        </span>
      </div>
      <DeployProblemsPanel />
    </>
  );
}

function DeployProblemsPanel() {
  const problems = useEditor((s) => s.deployProblems);
  const clear = useEditor((s) => s.clearDeployProblems);
  if (!problems) return null;
  return (
    <div className="deploy-problems" role="alert" data-testid="deploy-problems">
      <div className="deploy-problems-head">
        <strong>
          Revision {problems.revision} was not deployed to {ENVIRONMENT_TITLES[problems.environment as C.EnvironmentName]}
        </strong>
        <button type="button" className="link" onClick={clear} aria-label="Dismiss the deploy problems">
          ×
        </button>
      </div>
      <p>{problems.message}</p>
      {problems.failedTests.length > 0 && (
        <ul data-testid="failed-tests">
          {problems.failedTests.map((t) => (
            <li key={t.name}>
              Test <b>{t.name}</b>:
              <ul>
                {t.failures.map((f, i) => (
                  <li key={i}>
                    {f.path && <code>{f.path}</code>} {f.message}
                    {f.location && <span className="muted"> (test file line {f.location.line})</span>}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {problems.issues.length > 0 && (
        <ul data-testid="deploy-issues">
          {problems.issues.map((i, n) => (
            <li key={n}>
              {i.location && <span className="muted">line {i.location.line}: </span>}
              {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
