// /alerts/<id> (DESIGN 7; the alert link of emails and webhooks): the alert editor with "Send test",
// its webhook secret (rotated here, shown once), and its run history.
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { Alert, AlertHistoryResponse, AlertWithSecret } from '../../../shared/api.ts';
import { del, post } from '../api/client.ts';
import { AlertEditor, SecretOnce } from '../components/AlertEditor.tsx';
import { AlertHistory } from '../components/AlertHistory.tsx';
import { useAction, useApi } from '../hooks/useApi.ts';
import { conditionWords } from '../lib/alert-words.ts';
import { ErrorText } from '../components/ErrorText.tsx';

/** The history refreshes itself this often, so a run (or a retry) shows up without a reload. */
const HISTORY_REFRESH_MS = 15_000;

export function AlertPage({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const alert = useApi<Alert>(`/api/v1/alerts/${encodeURIComponent(id)}.json`);
  const history = useApi<AlertHistoryResponse>(`/api/v1/alerts/${encodeURIComponent(id)}/history.json?limit=100`, { pollMs: HISTORY_REFRESH_MS });
  // A secret handed over by the page that created the alert (history state), or a rotated one.
  const [secret, setSecret] = useState<string | undefined>(() => (window.history.state as { webhookSecret?: string } | null)?.webhookSecret);
  const action = useAction();
  const a = alert.data;
  if (!a) {
    return (
      <div className="page">
        <h1>Alert</h1>
        {alert.error ? (
          <p role="alert" className="error">
            {alert.error}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }
  const rotate = async () => {
    if (!confirm('Make a new signing secret? Receivers that check the old one will reject the next webhooks until they have the new one.')) return;
    const r = await action.run(() => post<AlertWithSecret>(`/api/v1/alerts/${a.id}/secret.json`));
    if (r) setSecret(r.webhook_secret);
  };
  const remove = async () => {
    if (!confirm(`Delete this alert on "${a.search.name}"? Its history goes with it.`)) return;
    if (await action.run(() => del(`/api/v1/alerts/${a.id}.json`).then(() => true))) navigate(`/searches/${a.search_id}/edit`);
  };
  return (
    <div className="page narrow-page">
      <p className="crumbs">
        <Link href="/searches">Saved searches</Link> / <Link href={`/searches/${a.search_id}/edit`}>{a.search.name}</Link> /
      </p>
      <div className="page-head">
        <h1>
          Alert when {conditionWords(a.condition, a.frequency)}
        </h1>
        {!a.enabled && <span className="badge st-disabled">disabled</span>}
      </div>
      <p className="muted">
        On <code className="query-inline">{a.search.query || '(every event)'}</code>
      </p>
      {secret && <SecretOnce secret={secret} />}
      <section className="card" aria-label="Alert settings">
        <AlertEditor key={a.id} searchId={a.search_id} alert={a} onSaved={() => void alert.reload().then(history.reload)} onTested={() => void history.reload()} />
      </section>
      <section className="card" aria-label="History">
        <div className="card-head">
          <h2>History</h2>
          <span className="muted small">newest first; refreshed every {HISTORY_REFRESH_MS / 1000} s</span>
        </div>
        <ErrorText message={history.error} />
        {history.data && <AlertHistory runs={history.data.runs} query={a.search.query} />}
      </section>
      <section className="card danger" aria-label="More">
        {a.webhook_url && (
          <button type="button" onClick={() => void rotate()} disabled={action.busy}>
            New webhook secret
          </button>
        )}{' '}
        <button type="button" className="danger" onClick={() => void remove()} disabled={action.busy}>
          Delete alert
        </button>
        <ErrorText message={action.error} />
      </section>
    </div>
  );
}
