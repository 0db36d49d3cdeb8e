import { useState } from 'react';
import { useEditor } from '../store/store';

/** The admin token is entered once (kept in sessionStorage) or arrives as `#token=` in the printed URL. */
export function LoginScreen() {
  const login = useEditor((s) => s.login);
  const notices = useEditor((s) => s.notices);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <div className="login">
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          await login(token.trim());
          setBusy(false);
        }}
      >
        <h1>Splice</h1>
        <p>Connect Payaca with the Users API (HighLevel Social Planner).</p>
        <label htmlFor="token">Admin token</label>
        <input id="token" type="password" autoFocus value={token} onChange={(e) => setToken(e.target.value)} placeholder="printed by `splice start`" autoComplete="off" />
        <p className="hint">Open the URL that <code>splice start</code> printed to skip this step.</p>
        {notices.filter((n) => n.kind === 'error').slice(-1).map((n) => (
          <p key={n.id} className="error" role="alert">
            {n.text}
          </p>
        ))}
        <button type="submit" className="primary" disabled={!token.trim() || busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
