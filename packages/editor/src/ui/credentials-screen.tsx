import { useEffect, useState } from 'react';
import { useEditor } from '../store/store';
import { CredentialLocations } from './credential-locations';

/**
 * Credentials: metadata only (secrets are write-only and never come back). Add a HighLevel private
 * integration token or a Payaca API key, or connect HighLevel by OAuth through its consent page: one
 * location, or an agency (the app installed at Company level), whose installed locations are listed by
 * name with each one's token state.
 */
interface KindForm {
  type: string;
  connector: string;
  title: string;
  fields: Array<{ name: string; label: string; secret: boolean; required: boolean }>;
}

const KINDS: KindForm[] = [
  {
    type: 'highlevel-pit',
    connector: 'highlevel',
    title: 'HighLevel private integration token',
    fields: [
      { name: 'token', label: 'Private integration token', secret: true, required: true },
      { name: 'locationId', label: 'Location (sub-account) id', secret: false, required: false },
    ],
  },
  {
    type: 'payaca-api-key',
    connector: 'payaca',
    title: 'Payaca API key',
    fields: [
      { name: 'clientId', label: 'Client id', secret: false, required: true },
      { name: 'clientSecret', label: 'Client secret', secret: true, required: true },
    ],
  },
];

/** What the templates need (they only read HighLevel): ticked by default. The list to pick from is the catalog's. */
const DEFAULT_SCOPES = ['socialplanner/account.readonly', 'socialplanner/post.readonly', 'socialplanner/statistics.readonly', 'socialplanner/tag.readonly'];
/** An agency install also asks for the agency routes: the installed locations and a token per location. */
const AGENCY_SCOPES = ['oauth.readonly', 'oauth.write'];

/** HighLevel's scopes as the catalog declares them (from the official scope list), so none is made up. */
function useHighLevelScopes(): string[] {
  const catalog = useEditor((s) => s.catalog);
  return catalog.find((c) => c.id === 'highlevel')?.scopes ?? DEFAULT_SCOPES;
}

export function ReconnectBanner() {
  const credentials = useEditor((s) => s.credentials);
  const broken = credentials.filter((c) => c.status === 'needs_reconnect');
  const navigate = useEditor((s) => s.navigate);
  if (!broken.length) return null;
  return (
    <div className="banner" role="alert" data-testid="reconnect-banner">
      {broken.map((c) => c.name).join(', ')} {broken.length === 1 ? 'needs' : 'need'} reconnecting: runs that use {broken.length === 1 ? 'it' : 'them'} will fail.{' '}
      <button type="button" className="link" onClick={() => navigate({ name: 'credentials' })}>
        Reconnect
      </button>
    </div>
  );
}

function AddCredential({ kind, onDone }: { kind: KindForm; onDone: () => void }) {
  const api = useEditor((s) => s.api);
  const attempt = useEditor((s) => s.attempt);
  const [name, setName] = useState(kind.connector === 'highlevel' ? 'highlevel' : 'payaca');
  const [values, setValues] = useState<Record<string, string>>({});
  const [scopes, setScopes] = useState<string[]>(kind.connector === 'highlevel' ? DEFAULT_SCOPES : []);
  return (
    <form
      className="card form"
      aria-label={`Add ${kind.title}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const secret = Object.fromEntries(kind.fields.filter((f) => f.secret).map((f) => [f.name, values[f.name] ?? '']));
        const meta = Object.fromEntries(kind.fields.filter((f) => !f.secret && values[f.name]).map((f) => [f.name, values[f.name]!]));
        const ok = await attempt('save the credential', () => api.createCredential({ name, connector: kind.connector, type: kind.type, secret, meta, ...(scopes.length ? { scopes } : {}) }));
        if (ok !== undefined) onDone();
      }}
    >
      <h3>{kind.title}</h3>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z][A-Za-z0-9_\-]*" />
      </label>
      {kind.fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <input type={f.secret ? 'password' : 'text'} required={f.required} autoComplete="off" value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} />
        </label>
      ))}
      {kind.connector === 'highlevel' && <ScopePicker scopes={scopes} onChange={setScopes} />}
      <button type="submit" className="primary">
        Save credential
      </button>
    </form>
  );
}

function ScopePicker({ scopes, onChange, legend = 'Scopes granted' }: { scopes: string[]; onChange: (s: string[]) => void; legend?: string }) {
  const all = useHighLevelScopes();
  return (
    <fieldset className="scope-picker">
      <legend>{legend}</legend>
      {all.map((s) => (
        <label key={s} className="check">
          <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => onChange(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}
        </label>
      ))}
    </fieldset>
  );
}

function ConnectOAuth({ onDone, reconnect, agency = false }: { onDone: () => void; reconnect?: string; agency?: boolean }) {
  const api = useEditor((s) => s.api);
  const attempt = useEditor((s) => s.attempt);
  const [name, setName] = useState(reconnect ?? (agency ? 'highlevel-agency' : 'highlevel-oauth'));
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState<string[]>(DEFAULT_SCOPES);
  const environment = useEditor((s) => s.environment);
  return (
    <form
      className="card form"
      aria-label={agency ? 'Connect a HighLevel agency by OAuth' : 'Connect HighLevel by OAuth'}
      onSubmit={async (e) => {
        e.preventDefault();
        // A reconnect stores a new version of the same name: done when that version appears, not before.
        const before = useEditor.getState().credentials.find((c) => c.name === name)?.version ?? 0;
        const asked = agency ? [...new Set([...scopes, ...AGENCY_SCOPES])] : scopes;
        const res = await attempt('start the HighLevel connection', () =>
          api.startOAuth({ name, clientId, clientSecret, scopes: asked, environment, ...(agency ? { userType: 'Company' as const } : {}) }),
        );
        if (!res) return;
        // The consent page opens in a new window; its callback stores the tokens on the server.
        window.open(res.installUrl, 'splice-oauth', 'width=720,height=760');
        const poll = setInterval(async () => {
          const list = await api.credentials().catch(() => undefined);
          if (list?.credentials.some((c) => c.name === name && c.status !== 'needs_reconnect' && (c.version ?? 1) > before)) {
            clearInterval(poll);
            onDone();
          }
        }, 1500);
        setTimeout(() => clearInterval(poll), 10 * 60_000);
      }}
    >
      <h3>{reconnect ? `Reconnect ${reconnect} (OAuth)` : agency ? 'Connect a HighLevel agency (every location)' : 'Connect HighLevel (OAuth)'}</h3>
      <p className="muted">
        Opens HighLevel's consent page ({environment === 'staging' ? 'the sandbox’s, for staging' : 'production'});{' '}
        {agency
          ? 'approve the app for the agency. One connection then serves every location the app is installed on, each with its own token, and locations installed later join by themselves.'
          : 'pick the location and approve.'}{' '}
        Also reconnects an existing connection of the same name.
      </p>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        App client id <input value={clientId} onChange={(e) => setClientId(e.target.value)} required />
      </label>
      <label>
        App client secret <input type="password" value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} required autoComplete="off" />
      </label>
      <ScopePicker scopes={scopes} onChange={setScopes} legend="Scopes to ask for" />
      {agency && <p className="muted small">Also asked for: {AGENCY_SCOPES.join(', ')} (the installed locations and a token per location).</p>}
      <button type="submit" className="primary">
        Open consent page
      </button>
    </form>
  );
}

export function CredentialsScreen() {
  const credentials = useEditor((s) => s.credentials);
  const load = useEditor((s) => s.loadCredentials);
  const api = useEditor((s) => s.api);
  const attempt = useEditor((s) => s.attempt);
  const [adding, setAdding] = useState<string | undefined>();
  // Kind titles from the server ("HighLevel private integration token"), so the list reads in words.
  const [kindTitles, setKindTitles] = useState<Record<string, string>>({});
  // Kinds that serve several locations (agency connections, token groups): their rows list the locations.
  const [multiLocation, setMultiLocation] = useState<Record<string, 'agency' | 'grouped'>>({});
  useEffect(() => {
    void load();
    api.credentialKinds().then(
      (r) => {
        setKindTitles(Object.fromEntries(r.kinds.map((k) => [k.kind, k.title])));
        setMultiLocation(Object.fromEntries(r.kinds.flatMap((k) => (k.locations ? [[k.kind, k.locations]] : []))));
      },
      () => undefined,
    );
  }, [load, api]);
  const done = () => {
    setAdding(undefined);
    void load();
  };
  return (
    <section className="screen">
      <header className="screen-header">
        <h1>Credentials</h1>
        <div className="actions">
          {KINDS.map((k) => (
            <button key={k.type} type="button" onClick={() => setAdding(k.type)}>
              Add {k.title}
            </button>
          ))}
          <button type="button" onClick={() => setAdding('oauth')}>
            Connect HighLevel (OAuth)
          </button>
          <button type="button" onClick={() => setAdding('agency')}>
            Connect HighLevel agency
          </button>
        </div>
      </header>
      {adding?.startsWith('oauth') && <ConnectOAuth key={adding} onDone={done} {...(adding.startsWith('oauth:') ? { reconnect: adding.slice('oauth:'.length) } : {})} />}
      {adding?.startsWith('agency') && <ConnectOAuth key={adding} agency onDone={done} {...(adding.startsWith('agency:') ? { reconnect: adding.slice('agency:'.length) } : {})} />}
      {KINDS.filter((k) => k.type === adding).map((k) => (
        <AddCredential key={k.type} kind={k} onDone={done} />
      ))}
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Connector</th>
            <th>Type</th>
            <th>Scopes</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {credentials.map((c) => (
            <tr key={c.name} data-testid={`credential-${c.name}`}>
              <td>{c.name}</td>
              <td>{c.connector}</td>
              <td>
                {kindTitles[c.type] ?? c.type}
                {kindTitles[c.type] && <div className="muted small">{c.type}</div>}
                {multiLocation[c.type] && <CredentialLocations name={c.name} agency={multiLocation[c.type] === 'agency'} />}
              </td>
              <td>{c.scopes?.map((s) => <span key={s} className="badge scope">{s}</span>) ?? '—'}</td>
              <td>
                <span className={`badge ${c.status === 'needs_reconnect' ? 'failed' : 'ok'}`}>{c.status ?? 'ok'}</span>
              </td>
              <td>
                {c.status === 'needs_reconnect' && (c.type === 'highlevel-oauth' || c.type === 'highlevel-agency') && (
                  <button type="button" onClick={() => setAdding(`${c.type === 'highlevel-agency' ? 'agency' : 'oauth'}:${c.name}`)}>
                    Reconnect
                  </button>
                )}
                <button type="button" className="link" onClick={async () => (await attempt('delete the credential', () => api.deleteCredential(c.name))) !== undefined && load()}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {credentials.length === 0 && <p className="muted">No credentials yet. With `splice start`, the sandbox credentials are created for you.</p>}
    </section>
  );
}
