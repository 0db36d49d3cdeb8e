import { useState } from 'react';
import type { SaveFlowResponse } from '@splice/server/api/contract';
import type { ApiRequestError } from '../api/api-client';
import { useEditor } from '../store/store';

/** Connectors that need a stored credential (Splice's own steps and core steps need none). */
const EXTERNAL_CONNECTORS = ['highlevel', 'payaca'];

/** The Payaca ↔ Users API templates: what each does, the scopes it needs, and import into a new flow. */
export function TemplatesScreen() {
  const templates = useEditor((s) => s.templates);
  const api = useEditor((s) => s.api);
  const navigate = useEditor((s) => s.navigate);
  const notify = useEditor((s) => s.notify);
  const environments = useEditor((s) => s.environments);
  const [busy, setBusy] = useState<string | undefined>();
  const importTemplate = async (id: string) => {
    setBusy(id);
    // A template already imported (e.g. by `splice start`) is imported again as a copy: `<id>-2`, `-3`, ...
    let res: SaveFlowResponse | undefined;
    // Start from the first free id (the retry below still covers a flow created meanwhile).
    const taken = new Set((await api.flows().catch(() => undefined))?.flows.map((f) => f.id) ?? []);
    const first = taken.has(id) ? [...Array(20).keys()].map((i) => i + 2).find((n) => !taken.has(`${id}-${n}`)) ?? 2 : 1;
    for (let n = first; n <= first + 20 && !res; n++) {
      try {
        res = await api.importTemplate(id, n === 1 ? undefined : `${id}-${n}`);
      } catch (err) {
        if ((err as ApiRequestError).code === 'FLOW_EXISTS') continue;
        notify('error', `Could not import: ${(err as Error).message}`);
        break;
      }
    }
    setBusy(undefined);
    if (res) {
      // With `splice start`, staging already binds the sandbox's credentials: then there is nothing to bind.
      const template = templates.find((t) => t.id === id);
      const bindings = environments.find((e) => e.name === 'staging')?.bindings ?? {};
      const unbound = (template?.connectors ?? []).filter((c) => EXTERNAL_CONNECTORS.includes(c) && !bindings[c]);
      notify(
        'info',
        `Imported "${res.flow.title ?? res.flow.id}" as flow ${res.flow.id}. ` +
          (unbound.length ? `Bind a ${unbound.join(' and a ')} credential in the inspector (select a call step), then press Test run.` : 'Staging already has its credentials: press Test run to try it against the sandbox.'),
      );
      navigate({ name: 'flow', id: res.flow.id });
    }
  };
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Templates</h1>
      </header>
      <p className="muted">Ready flows for Payaca and the Users API (HighLevel Social Planner). “Use this template” copies one into a new flow; press Test run there to try it against the sandbox with the template’s sample event.</p>
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
