import { useEditor } from '../../store/store';
import { badgeOf, ms, RunTimeline, StepRecordView } from '../step-record-view';

/** The last test run against staging (the sandbox): per step ok / failed / skipped, timing, request and response. */
export function RunPanel() {
  const run = useEditor((s) => s.flow?.lastRun);
  const running = useEditor((s) => s.flow?.running);
  const testRun = useEditor((s) => s.testRun);
  return (
    <div className="run-panel" data-testid="run-panel">
      <button type="button" className="primary" disabled={running} onClick={() => void testRun()}>
        {running ? 'Running…' : 'Test run against staging'}
      </button>
      <p className="muted small">Runs the saved flow with the trigger’s sample event against the staging environment (the sandbox).</p>
      {run && (
        <>
          <p data-testid="run-status">
            <span className={`badge ${badgeOf(run.status)}`}>{run.status}</span> {run.durationMs !== undefined && ms(run.durationMs)}
          </p>
          {run.error && <p className="error">{run.error.message}</p>}
          <RunTimeline run={run} />
          {run.steps.map((s) => (
            <StepRecordView key={s.id} step={s} open={s.status === 'failed'} />
          ))}
        </>
      )}
    </div>
  );
}
