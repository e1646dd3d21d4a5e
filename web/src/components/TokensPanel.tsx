// The signed-in user's API tokens (X-Papertrail-Token / Bearer, for the CLI and scripts): a new
// token is shown once, with a copy button; only its first characters are kept to tell them apart.
import { useState, type FormEvent } from 'react';
import type { ApiToken, ApiTokenCreated } from '../../../shared/api.ts';
import { del, post } from '../api/client.ts';
import { useAction, useApi } from '../hooks/useApi.ts';
import { ago } from '../lib/ago.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { CopyButton } from './CopyButton.tsx';
import { ErrorText } from './ErrorText.tsx';

export function TokensPanel() {
  const zone = useZone();
  const tokens = useApi<ApiToken[]>('/api/v1/tokens.json');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiTokenCreated>();
  const action = useAction();
  const now = Date.now();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = await action.run(() => post<ApiTokenCreated>('/api/v1/tokens.json', { name: name.trim() }));
    if (t) {
      setCreated(t);
      setName('');
      void tokens.reload();
    }
  };
  const revoke = async (t: ApiToken) => {
    if (!confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`)) return;
    if (await action.run(() => del(`/api/v1/tokens/${t.id}.json`).then(() => true))) {
      if (created?.id === t.id) setCreated(undefined);
      void tokens.reload();
    }
  };
  return (
    <section className="card" aria-label="API tokens">
      <div className="card-head">
        <h2>API tokens</h2>
        <span className="muted small">act as you, with your role</span>
      </div>
      {created && (
        <div className="notice" role="status">
          <strong>Token “{created.name}”</strong> — copy it now: it is not shown again.
          <div className="secret-row">
            <code className="secret" aria-label="New API token">
              {created.token}
            </code>
            <CopyButton text={created.token} what="token" />
          </div>
          <code className="hint">export DRIFTWOOD_URL={window.location.origin} DRIFTWOOD_TOKEN=…</code>
        </div>
      )}
      <ErrorText message={tokens.error} />
      {tokens.data && tokens.data.length > 0 && (
        <table className="grid" aria-label="Your API tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Starts with</th>
              <th>Created</th>
              <th>Last used</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono small">{t.prefix}…</td>
                <td className="muted nowrap" title={fullTime(t.created_at, zone)}>
                  {ago(t.created_at, now)}
                </td>
                <td className="muted nowrap" title={t.last_used_at ? fullTime(t.last_used_at, zone) : undefined}>
                  {ago(t.last_used_at, now)}
                </td>
                <td className="actions-cell">
                  <button type="button" className="link danger-text" onClick={() => void revoke(t)} aria-label={`Revoke token ${t.name}`}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tokens.data?.length === 0 && <p className="empty-state">No tokens. One per script or machine makes revoking one easy.</p>}
      <form onSubmit={submit} className="inline-form" aria-label="Create an API token">
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="laptop cli" />
        </label>
        <button type="submit" disabled={action.busy}>
          Create token
        </button>
        <ErrorText message={action.error} />
      </form>
    </section>
  );
}
