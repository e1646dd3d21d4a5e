// /searches/<id>/edit (DESIGN 7; the "edit" link of alert emails): the search's name, query and
// group, and its alerts — a new one is added here, each opens in /alerts/<id>.
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { Alert, AlertWithSecret, SavedSearch } from '../../../shared/api.ts';
import { del } from '../api/client.ts';
import { AlertEditor } from '../components/AlertEditor.tsx';
import { SearchForm } from '../components/SearchForm.tsx';
import { useAction, useApi } from '../hooks/useApi.ts';
import { alertSummary, targetWords } from '../lib/alert-words.ts';
import { viewHref } from '../lib/view-params.ts';
import { useSession } from '../session.tsx';
import { ErrorText } from '../components/ErrorText.tsx';

export function SearchEditPage({ id }: { id: string }) {
  const { session } = useSession();
  const [, navigate] = useLocation();
  const search = useApi<SavedSearch>(`/api/v1/searches/${encodeURIComponent(id)}.json`);
  const alerts = useApi<Alert[]>(`/api/v1/alerts.json?search_id=${encodeURIComponent(id)}`);
  const [adding, setAdding] = useState<boolean>();
  const remove = useAction();
  const s = search.data;

  if (!s) {
    return (
      <div className="page">
        <h1>Edit saved search</h1>
        {search.error ? (
          <p role="alert" className="error">
            {search.error}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }
  const showEditor = adding ?? alerts.data?.length === 0;
  const created = (a: Alert | AlertWithSecret) => navigate(`/alerts/${a.id}`, { state: 'webhook_secret' in a && a.webhook_url ? { webhookSecret: a.webhook_secret } : null });
  const deleteSearch = async () => {
    const n = alerts.data?.length ?? 0;
    if (!confirm(`Delete the saved search "${s.name}"${n ? ` and its ${n} alert${n > 1 ? 's' : ''}` : ''}?`)) return;
    if (await remove.run(() => del(`/api/v1/searches/${s.id}.json`).then(() => true))) navigate('/searches');
  };

  return (
    <div className="page narrow-page">
      <p className="crumbs">
        <Link href="/searches">Saved searches</Link> /
      </p>
      <div className="page-head">
        <h1>{s.name}</h1>
        <Link href={viewHref({ q: s.query, groupId: s.group_id === null ? undefined : String(s.group_id) })} className="button-link">
          Open in viewer
        </Link>
      </div>
      <section className="card" aria-label="Search">
        <SearchForm key={s.id} search={s} submitLabel="Save search" onSaved={() => void search.reload()} />
      </section>

      <section className="card" aria-label="Alerts">
        <div className="card-head">
          <h2>Alerts</h2>
          {!showEditor && (
            <button type="button" onClick={() => setAdding(true)}>
              Add alert
            </button>
          )}
        </div>
        <ErrorText message={alerts.error} />
        {alerts.data && alerts.data.length > 0 && (
          <ul className="plain-list">
            {alerts.data.map((a) => (
              <li key={a.id}>
                <Link href={`/alerts/${a.id}`}>
                  {alertSummary(a)}
                </Link>{' '}
                <span className="muted">→ {targetWords(a)}</span> {!a.enabled && <span className="badge st-disabled">disabled</span>}
              </li>
            ))}
          </ul>
        )}
        {alerts.data?.length === 0 && !showEditor && <p className="empty-state">No alert on this search.</p>}
        {showEditor && (
          <>
            <h3>New alert</h3>
            <AlertEditor searchId={s.id} defaultEmail={session.user.email} onSaved={created} onCancel={alerts.data?.length ? () => setAdding(false) : undefined} />
          </>
        )}
      </section>

      <section className="card danger" aria-label="Delete">
        <button type="button" className="danger" onClick={() => void deleteSearch()} disabled={remove.busy}>
          Delete search
        </button>
        <span className="muted"> Its alerts and their history go with it.</span>
        <ErrorText message={remove.error} />
      </section>
    </div>
  );
}
