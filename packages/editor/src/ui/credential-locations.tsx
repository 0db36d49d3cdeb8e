import { useCallback, useEffect, useState } from 'react';
import type * as C from '@splice/server/api/contract';
import { useEditor } from '../store/store';

/**
 * The locations an agency connection (or a group of private integration tokens) serves, by name, with
 * each location's token state: `none yet` (an agency obtains a location's token at its first call),
 * `valid until …`, `expired` (obtained again at the next call), `stored` (a private integration token).
 * Never a token: the API answers names and states only. Agency connections can re-read their installed
 * locations from HighLevel (Sync).
 */
function tokenText(l: C.CredentialLocation): string {
  if (l.status !== 'installed') return 'uninstalled';
  switch (l.token) {
    case 'none':
      return 'none yet (obtained at the first call)';
    case 'stored':
      return 'stored';
    case 'expired':
      return 'expired (obtained again at the next call)';
    default:
      return l.tokenExpiresAt ? `valid until ${new Date(l.tokenExpiresAt).toLocaleTimeString()}` : 'valid';
  }
}

export function CredentialLocations({ name, agency }: { name: string; agency: boolean }) {
  const api = useEditor((s) => s.api);
  const attempt = useEditor((s) => s.attempt);
  const version = useEditor((s) => s.credentials.find((c) => c.name === name)?.version);
  const [list, setList] = useState<C.CredentialLocation[] | undefined>();
  const load = useCallback(async () => {
    const res = await api.credentialLocations(name).catch(() => undefined);
    if (res) setList(res.locations);
  }, [api, name]);
  // Again after a reconnect (a new version), and every few seconds: token states change as calls run.
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, [load, version]);
  const installed = list?.filter((l) => l.status === 'installed') ?? [];
  return (
    <div className="credential-locations" data-testid={`locations-${name}`}>
      <div className="muted small">
        {list === undefined ? 'Loading locations…' : `Serves ${installed.length} location${installed.length === 1 ? '' : 's'}`}
        {agency && (
          <button
            type="button"
            className="link"
            onClick={async () => {
              const res = await attempt('read the installed locations', () => api.syncCredentialLocations(name));
              if (res) setList(res.locations);
            }}
          >
            Sync
          </button>
        )}
      </div>
      {list && list.length > 0 && (
        <table className="table compact" aria-label={`Locations of ${name}`}>
          <thead>
            <tr>
              <th>Location</th>
              <th>Token</th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={l.id} data-testid={`location-${l.id}`} className={l.status === 'installed' ? '' : 'muted'}>
                <td>
                  {l.name ?? l.id}
                  <div className="muted small">{l.id}</div>
                </td>
                <td>
                  <span className={`badge ${l.status !== 'installed' ? 'failed' : l.token === 'valid' || l.token === 'stored' ? 'ok' : ''}`}>{tokenText(l)}</span>
                  {l.lastError && <div className="muted small">{l.lastError}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
