import { useState } from 'react';
import { useEditor } from '../store/store';

/** The Payaca ↔ Users API templates: what each does, the scopes it needs, and import into a new flow. */
export function TemplatesScreen() {
  const templates = useEditor((s) => s.templates);
  const api = useEditor((s) => s.api);
  const navigate = useEditor((s) => s.navigate);
  const attempt = useEditor((s) => s.attempt);
  const notify = useEditor((s) => s.notify);
  const [busy, setBusy] = useState<string | undefined>();
  const importTemplate = async (id: string) => {
    setBusy(id);
    let res = await api.importTemplate(id).catch((err: { code?: string }) => (err.code === 'FLOW_EXISTS' ? undefined : Promise.reject(err))).catch((err: Error) => {
      notify('error', `Could not import: ${err.message}`);
      return null;
    });
    if (res === undefined) {
      // The template was imported before: import again under a fresh id rather than refusing.
      res = (await attempt('import the template', () => api.importTemplate(id, `${id}-${Date.now().toString(36).slice(-4)}`))) ?? null;
    }
    setBusy(undefined);
    if (res) {
      notify('info', `Imported "${res.flow.title ?? res.flow.id}". Bind the credentials in the inspector, then press Test run.`);
      navigate({ name: 'flow', id: res.flow.id });
    }
  };
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Templates</h1>
      </header>
      <p className="muted">Ready flows for Payaca and the Users API (HighLevel Social Planner). Import one, bind credentials and test-run it against the sandbox.</p>
      {templates.length === 0 && <p>No templates found on the server.</p>}
      <div className="cards">
        {templates.map((t) => (
          <article key={t.id} className="card template" data-testid={`template-${t.id}`}>
            <h2>{t.title}</h2>
            <p>{t.description}</p>
            <dl>
              <dt>Trigger</dt>
              <dd>{t.triggerType ?? '—'}</dd>
              <dt>Connectors</dt>
              <dd>{t.connectors.join(', ') || '—'}</dd>
              <dt>Scopes needed</dt>
              <dd>{t.scopes.length ? t.scopes.map((s) => <span key={s} className="badge scope">{s}</span>) : 'none'}</dd>
            </dl>
            <button type="button" className="primary" disabled={busy !== undefined} onClick={() => void importTemplate(t.id)}>
              {busy === t.id ? 'Importing…' : 'Use this template'}
            </button>
          </article>
        ))}
      </div>
    </section>
  );
}
