import type { PreviewState } from '../../store/preview-slice';
import { useEditor } from '../../store/store';

/** The live preview: what the step would send (or compute) for the sample event, from the worker. */
export function PreviewPanel({ preview }: { preview: PreviewState | undefined }) {
  const restarts = useEditor((s) => s.workerRestarts);
  const status = preview?.status ?? 'idle';
  return (
    <div className="mapping-preview" aria-label="Preview" aria-live="polite">
      <h3>
        Preview <span className={`badge ${status === 'done' ? 'ok' : status === 'running' ? 'pending' : status === 'idle' ? '' : 'failed'}`} data-testid="preview-status">{status}</span>
      </h3>
      {status === 'timeout' && (
        <p className="error" role="alert" data-testid="preview-timeout">
          Timed out: {preview!.errors.find((e) => e.code === 'MAPPING_TIMEOUT')?.message}
        </p>
      )}
      {preview?.errors
        .filter((e) => e.code !== 'MAPPING_TIMEOUT')
        .map((e) => (
          <p key={`${e.path.join('.')}-${e.code}`} className="error">
            {e.path.length ? <code>{e.path.join('.')}</code> : null} {e.message}
          </p>
        ))}
      <pre data-testid="preview-output">{preview && preview.value !== undefined ? JSON.stringify(preview.value, null, 2) : ''}</pre>
      <p className="muted small">
        Evaluated for the trigger’s sample event and the last run’s step outputs, with the runtime’s limits, in a background worker{restarts ? ` (restarted ${restarts}×)` : ''}.
      </p>
    </div>
  );
}
