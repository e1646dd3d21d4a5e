// The signed-in user's own account: change password (signs out the other sessions), sign out
// everywhere (every browser session of this user, this one too).
import { useState, type FormEvent } from 'react';
import { del, post } from '../api/client.ts';
import { useAction } from '../hooks/useApi.ts';
import { useSession } from '../session.tsx';
import { ErrorText } from './ErrorText.tsx';

export function AccountPanel() {
  const { session, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useAction();
  const everywhere = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (await change.run(() => post('/api/v1/password', { current_password: current, new_password: next }).then(() => true))) {
      setCurrent('');
      setNext('');
      setDone(true);
    }
  };
  const signOutEverywhere = async () => {
    if (!confirm('Sign out of every browser, this one included? API tokens keep working (revoke them below).')) return;
    if (await everywhere.run(() => del('/api/v1/sessions').then(() => true))) await signOut();
  };
  return (
    <section className="card" aria-label="Your account">
      <div className="card-head">
        <h2>Your account</h2>
        <span className="muted">
          {session.user.email} · {session.user.role}
        </span>
      </div>
      <form onSubmit={submit} className="form-grid" aria-label="Change password">
        <label htmlFor="pw-current">Current password</label>
        <input id="pw-current" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" className="medium" />
        <label htmlFor="pw-new">New password</label>
        <div>
          <input id="pw-new" type="password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={12} autoComplete="new-password" className="medium" />
          <p className="hint">12 characters or more; your other sessions are signed out.</p>
        </div>
        <ErrorText message={change.error} className="span-2" />
        <div className="actions start span-2">
          <button type="submit" disabled={change.busy}>
            Change password
          </button>
          {done && (
            <span className="ok-text" role="status">
              Password changed
            </span>
          )}
        </div>
      </form>
      <div className="actions start separated">
        <button type="button" onClick={() => void signOutEverywhere()} disabled={everywhere.busy}>
          Sign out everywhere
        </button>
        {everywhere.error && (
          <span role="alert" className="error">
            {everywhere.error}
          </span>
        )}
      </div>
    </section>
  );
}
