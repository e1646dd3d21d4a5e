// First run (create the first admin with the printed setup code) and sign in (DESIGN 7 names).
import { useState, type FormEvent } from 'react';
import type { SessionInfo } from '../../../shared/api.ts';
import { post } from '../api/client.ts';

export function SignIn({ setup, onSignedIn }: { setup: boolean; onSignedIn(s: SessionInfo): void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError('');
    setBusy(true);
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    try {
      onSignedIn(await post<SessionInfo>(setup ? '/api/v1/setup' : '/api/v1/session', form));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <h1>
        <span className="logo" aria-hidden="true">≋</span> Driftwood
      </h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {setup ? (
        <form onSubmit={submit} aria-label="setup" className="stack">
          <p>Create the first admin. The setup code is in the output of <code>npm start</code>.</p>
          <label>
            Setup code
            <input name="setup_code" required autoComplete="off" />
          </label>
          <label>
            Email
            <input name="email" type="email" required autoComplete="username" />
          </label>
          <label>
            Password (12 characters or more)
            <input name="password" type="password" required minLength={12} autoComplete="new-password" />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Create admin
          </button>
        </form>
      ) : (
        <form onSubmit={submit} aria-label="sign in" className="stack">
          <label>
            Email
            <input name="email" type="email" required autoComplete="username" autoFocus />
          </label>
          <label>
            Password
            <input name="password" type="password" required autoComplete="current-password" />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
    </main>
  );
}
