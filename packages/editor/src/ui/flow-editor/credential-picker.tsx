import { useEditor } from '../../store/store';
import type { YamlPath } from '../../model/flow-document';

/**
 * Which credential a call step uses: a flow-local name (declared under `credentials:`), and, per
 * environment, which stored credential that name is bound to (PATCH /api/environments/:name).
 */
export function CredentialPicker({ stepPath, connector, value }: { stepPath: YamlPath; connector: string; value: string | undefined }) {
  const declared = (useEditor((s) => s.flow?.data.credentials) ?? {}) as Record<string, { connector?: string }>;
  const stored = useEditor((s) => s.credentials);
  const environment = useEditor((s) => s.environment);
  const env = useEditor((s) => s.environments.find((e) => e.name === s.environment));
  const { setField, edit, api, attempt, loadReferenceData } = useEditor.getState();
  const names = Object.entries(declared).filter(([, ref]) => ref?.connector === connector).map(([n]) => n);
  const bound = value ? env?.bindings[value] : undefined;
  const candidates = stored.filter((c) => c.connector === connector);
  return (
    <div className="credential-picker">
      <div className="form-row">
        <label htmlFor="credential">Credential</label>
        <select
          id="credential"
          value={value ?? ''}
          onChange={(e) => {
            const name = e.target.value;
            if (name === '__new') {
              const fresh = names.includes(connector) ? `${connector}${names.length + 1}` : connector;
              edit((doc) => {
                doc.set(['credentials', fresh], { connector });
                doc.set([...stepPath, 'credential'], fresh);
              });
            } else if (name) setField([...stepPath, 'credential'], name);
          }}
        >
          <option value="">— choose —</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
          <option value="__new">+ new {connector} credential</option>
        </select>
      </div>
      {value && (
        <div className="form-row">
          <label htmlFor="binding">
            In {environment} use
          </label>
          <select
            id="binding"
            data-testid="credential-binding"
            value={bound ?? ''}
            onChange={async (e) => {
              if (!env) return;
              const bindings = { ...env.bindings };
              if (e.target.value) bindings[value] = e.target.value;
              else delete bindings[value];
              if ((await attempt('bind the credential', () => api.updateEnvironment(env.name, { bindings }))) !== undefined) await loadReferenceData();
            }}
          >
            <option value="">{candidates.some((c) => c.name === value) ? `${value} (same name)` : '— not bound —'}</option>
            {candidates.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.type}){c.status === 'needs_reconnect' ? ' — needs reconnecting' : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {value && !bound && !candidates.some((c) => c.name === value) && (
        <p className="warning small">No stored {connector} credential is bound to “{value}” in {environment}: add one on the Credentials page or pick one above.</p>
      )}
    </div>
  );
}
