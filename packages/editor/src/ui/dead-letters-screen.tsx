import { useEffect } from 'react';
import { useEditor } from '../store/store';
import { RunLink } from './runs-screen';

export function DeadLettersScreen() {
  const items = useEditor((s) => s.deadLetters);
  const load = useEditor((s) => s.loadDeadLetters);
  const replay = useEditor((s) => s.replayDeadLetter);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Dead letters</h1>
      </header>
      <p className="muted">Runs that failed after every retry. Fix the cause (a credential, a mapping), then replay.</p>
      {items.length === 0 ? (
        <p>Nothing here: every run either succeeded or is still being retried.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Flow</th>
              <th>Run</th>
              <th>Reason</th>
              <th>Attempts</th>
              <th>When</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>{d.flow}</td>
                <td>
                  <RunLink runId={d.runId} />
                </td>
                <td>{d.reason}</td>
                <td>{d.attempts ?? '—'}</td>
                <td>{new Date(d.createdAt).toLocaleString()}</td>
                <td>
                  <button type="button" onClick={() => void replay(d.runId)}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
