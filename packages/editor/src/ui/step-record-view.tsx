import type { RunRecord } from '@splice/server/api/contract';

type StepRecord = RunRecord['steps'][number];

/** One step of a run: status, timing, and each attempt's request and response (already redacted). */
export function StepRecordView({ step, open }: { step: StepRecord; open?: boolean }) {
  return (
    <details className={`step-record status-${step.status}`} open={open} data-testid={`step-record-${step.id}`}>
      <summary>
        <span className={`badge ${badgeOf(step.status)}`}>{step.status}</span> <strong>{step.id}</strong> <span className="muted">{step.uses ?? step.type}</span>
        <span className="timing">{ms(step.durationMs)}</span>
      </summary>
      {step.error && <p className="error">{step.error.code}: {step.error.message}</p>}
      {step.warnings?.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      {step.attempts.map((a) => (
        <div key={a.attempt} className="attempt">
          <div className="muted">
            attempt {a.attempt} · {ms(a.durationMs)} {a.error ? `· ${a.error.code}` : ''}
          </div>
          {a.request && (
            <>
              <h4>
                Request <code>{a.request.method} {a.request.url}</code>
              </h4>
              {a.request.body !== undefined && <pre>{JSON.stringify(a.request.body, null, 2)}</pre>}
            </>
          )}
          {a.response && (
            <>
              <h4>Response {a.response.status}</h4>
              <pre>{JSON.stringify(a.response.body, null, 2)}</pre>
            </>
          )}
        </div>
      ))}
      {step.attempts.length === 0 && step.output !== undefined && (
        <>
          <h4>Output</h4>
          <pre>{JSON.stringify(step.output, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

/** A duration for people: whole milliseconds, seconds from 10 s. */
export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function badgeOf(status: string): string {
  return status === 'succeeded' ? 'ok' : status === 'failed' || status === 'dead' ? 'failed' : status === 'skipped' || status === 'filtered' ? 'skipped' : 'pending';
}

/** A run as a timeline: one bar per step, placed by its start time and sized by its duration. */
export function RunTimeline({ run }: { run: RunRecord }) {
  const start = Date.parse(run.startedAt);
  const total = Math.max(1, run.durationMs ?? Math.max(...run.steps.map((s) => Date.parse(s.startedAt) - start + s.durationMs), 1));
  return (
    <div className="timeline" role="list" aria-label="Run timeline">
      {run.steps.map((s) => {
        const left = ((Date.parse(s.startedAt) - start) / total) * 100;
        const width = Math.max(1, (s.durationMs / total) * 100);
        return (
          <div key={s.id} className="timeline-row" role="listitem">
            <span className="timeline-label">{s.id}</span>
            <span className="timeline-track">
              <span className={`timeline-bar ${badgeOf(s.status)}`} style={{ left: `${Math.min(99, Math.max(0, left))}%`, width: `${width}%` }} title={`${s.status}, ${ms(s.durationMs)}`} />
            </span>
            <span className="timing">{ms(s.durationMs)}</span>
          </div>
        );
      })}
    </div>
  );
}
