// Until the event viewer lands, the UI covers the first run: create the first admin with the
// setup code the server printed, then sign in and see who you are.
import { useEffect, useState, type FormEvent } from 'react';
import type { SessionInfo, SetupStatus } from '../../shared/api.ts';

type View = { kind: 'loading' } | { kind: 'setup' } | { kind: 'sign-in' } | { kind: 'signed-in'; session: SessionInfo };

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(json.message ?? `${res.status} ${res.statusText}`);
  return json;
}

const box = { fontFamily: 'system-ui, sans-serif', maxWidth: 420, margin: '4rem auto', padding: '0 1rem' } as const;
const field = { display: 'block', width: '100%', margin: '0.25rem 0 0.75rem', padding: '0.4rem', boxSizing: 'border-box' } as const;

export function App() {
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [error, setError] = useState('');

  useEffect(() => {
    void (async () => {
      const setup = (await (await fetch('/api/v1/setup')).json()) as SetupStatus;
      if (setup.setup_required) return setView({ kind: 'setup' });
      const res = await fetch('/api/v1/session');
      setView(res.ok ? { kind: 'signed-in', session: (await res.json()) as SessionInfo } : { kind: 'sign-in' });
    })().catch((e: Error) => setError(e.message));
  }, []);

  const submit = (path: string) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError('');
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    try {
      setView({ kind: 'signed-in', session: await postJson<SessionInfo>(path, form) });
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <main style={box}>
      <h1>Driftwood</h1>
      {error && <p role="alert" style={{ color: '#b00020' }}>{error}</p>}
      {view.kind === 'setup' && (
        <form onSubmit={submit('/api/v1/setup')} aria-label="setup">
          <p>Create the first admin. The setup code is in the output of <code>npm start</code>.</p>
          <label>Setup code<input name="setup_code" required autoComplete="off" style={field} /></label>
          <label>Email<input name="email" type="email" required autoComplete="username" style={field} /></label>
          <label>Password (12 characters or more)<input name="password" type="password" required minLength={12} autoComplete="new-password" style={field} /></label>
          <button type="submit">Create admin</button>
        </form>
      )}
      {view.kind === 'sign-in' && (
        <form onSubmit={submit('/api/v1/session')} aria-label="sign in">
          <label>Email<input name="email" type="email" required autoComplete="username" style={field} /></label>
          <label>Password<input name="password" type="password" required autoComplete="current-password" style={field} /></label>
          <button type="submit">Sign in</button>
        </form>
      )}
      {view.kind === 'signed-in' && (
        <>
          <p>Signed in as <strong>{view.session.user.email}</strong> ({view.session.user.role}).</p>
          <p>The event viewer arrives in a later release. Until then, search with the CLI or the API:</p>
          <pre>npm run driftwood -- search "error"</pre>
        </>
      )}
    </main>
  );
}
