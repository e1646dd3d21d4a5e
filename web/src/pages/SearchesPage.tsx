// /searches: every saved search with its query, its alerts (state, last run, where they go) and a
// sparkline of its matches over the last 24 h — one request for the whole list
// (GET /api/v1/searches/overview.json). DESIGN 7: each search is a row holding its name. The table
// draws the rows in view (500 searches show within a frame or two of their data).
import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { AlertOverview, SearchesOverviewResponse, SearchOverview } from '../../../shared/api.ts';
import { Dialog } from '../components/Dialog.tsx';
import { SearchForm } from '../components/SearchForm.tsx';
import { Sparkline } from '../components/Sparkline.tsx';
import { StarterDialog } from '../components/StarterDialog.tsx';
import { useApi } from '../hooks/useApi.ts';
import { useVirtualRows } from '../hooks/useVirtualRows.ts';
import { ago } from '../lib/ago.ts';
import { alertSummary, targetWords } from '../lib/alert-words.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { useSession } from '../session.tsx';
import { count } from '../lib/count.ts';
import { ErrorText } from '../components/ErrorText.tsx';

const STATE_WORDS: Record<AlertOverview['state'], string> = { ok: 'ok', fired: 'fired', failing: 'failing', disabled: 'disabled' };

const AlertLine = memo(function AlertLine({ a }: { a: AlertOverview }) {
  return (
    <li>
      <span className={`badge st-${a.state}`} title={a.failure ?? undefined}>
        {STATE_WORDS[a.state]}
      </span>{' '}
      <Link href={`/alerts/${a.id}`} title={`→ ${targetWords(a)}`}>
        {alertSummary(a)}
      </Link>
      {a.failure && (
        <div className="error small clip" title={a.failure}>
          {a.failure}
        </div>
      )}
    </li>
  );
});

/** A row's height before it is drawn and measured: a line per alert (or for the group's name). */
const estimateHeight = (s: SearchOverview, hasGroup: boolean) => 11 + 19 * Math.max(1, s.alerts.length + s.alerts.filter((a) => a.failure).length, hasGroup ? 2 : 1);

const SearchRow = memo(function SearchRow({ s, now, zone, groupName, index, rowRef }: { s: SearchOverview; now: number; zone: 'local' | 'utc'; groupName: string | undefined; index: number; rowRef(el: HTMLTableRowElement | null): void }) {
  return (
    <tr ref={rowRef} data-index={index} aria-rowindex={index + 2}>
      <td className="name-cell">
        <Link href={`/searches/${s.id}`} title="Open in the viewer">
          {s.name}
        </Link>
        {groupName && <div className="muted small">in {groupName}</div>}
      </td>
      <td className="query-cell">
        <code title={s.query}>{s.query || '(every event)'}</code>
      </td>
      <td>
        {s.alerts.length ? (
          <ul className="alert-lines">
            {s.alerts.map((a) => (
              <AlertLine key={a.id} a={a} />
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="nowrap">
        {s.alerts.map((a) => (
          <div key={a.id} title={a.last_run ? fullTime(a.last_run.ran_at, zone) : undefined}>
            {a.last_run ? (
              <>
                {ago(a.last_run.ran_at, now)} · <span className={a.last_run.fired ? 'fired-text' : undefined}>{a.last_run.matched === null ? 'failed' : count(a.last_run.matched)}</span>
              </>
            ) : (
              <span className="muted">not yet</span>
            )}
          </div>
        ))}
      </td>
      <td>
        <Sparkline values={s.sparkline} label={`Matches of ${s.name} in the last 24 hours`} />
      </td>
      <td className="actions-cell">
        <Link href={`/searches/${s.id}/edit`} aria-label={`Edit ${s.name}`}>
          Edit
        </Link>
      </td>
    </tr>
  );
});

export function SearchesPage() {
  const { session } = useSession();
  const [, navigate] = useLocation();
  const zone = useZone();
  const overview = useApi<SearchesOverviewResponse>('/api/v1/searches/overview.json');
  const groups = useApi<{ id: number; name: string }[]>('/api/v1/groups.json');
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter.trim().toLowerCase());
  const [dialog, setDialog] = useState<'new' | 'starter'>();
  const groupNames = useMemo(() => new Map(groups.data?.map((g) => [g.id, g.name])), [groups.data]);
  const searches = overview.data?.searches;
  const shown = useMemo(() => (searches && deferred ? searches.filter((s) => `${s.name}\n${s.query}`.toLowerCase().includes(deferred)) : searches), [searches, deferred]);
  const counts = useMemo(() => {
    const alerts = searches?.flatMap((s) => s.alerts) ?? [];
    return { alerts: alerts.length, failing: alerts.filter((a) => a.state === 'failing').length, fired: alerts.filter((a) => a.state === 'fired').length };
  }, [searches]);
  // One clock per load, so that the memoized rows draw again only when the data changes.
  const now = useMemo(() => Date.now(), [overview.data]);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = shown ?? [];
  const { items, padTop, padBottom, measure } = useVirtualRows(rows.length, scroller, (i) => estimateHeight(rows[i]!, rows[i]!.group_id !== null));

  return (
    <div className="page fill-page">
      <div className="page-head">
        <h1>Saved searches &amp; alerts</h1>
        {searches && (
          <span className="muted">
            {count(searches.length)} searches · {count(counts.alerts)} alerts
            {counts.fired > 0 && <> · <span className="fired-text">{counts.fired} fired</span></>}
            {counts.failing > 0 && <> · <span className="error">{counts.failing} failing</span></>}
          </span>
        )}
        <div className="head-actions">
          <input type="search" aria-label="Filter searches" placeholder="Filter by name or query" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <button type="button" onClick={() => setDialog('starter')}>
            Starter alerts
          </button>
          <button type="button" className="primary" onClick={() => setDialog('new')}>
            New search
          </button>
        </div>
      </div>
      <ErrorText message={overview.error} prefix="Cannot load the saved searches: " />
      {!searches && !overview.error && <p className="muted">Loading…</p>}
      {searches?.length === 0 && (
        <div className="empty-state">
          <p>
            <strong>No saved searches yet.</strong> Search in <Link href="/events">Events</Link> and press <em>Save search</em>, create one here, or add the starter alerts (failed logins, access-control failures, errors, Heroku error codes…).
          </p>
        </div>
      )}
      {shown && shown.length > 0 && (
        <div className="table-scroll" ref={scroller}>
          <table className="grid searches" aria-label="Saved searches" aria-rowcount={shown.length + 1}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Query</th>
                <th>Alerts</th>
                <th>Last run · matches</th>
                <th title="Matches per hour, UTC hours">Last 24 h</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {padTop > 0 && <tr style={{ height: padTop }} aria-hidden="true" />}
              {items.map((v) => {
                const s = rows[v.index]!;
                return <SearchRow key={s.id} s={s} now={now} zone={zone} groupName={s.group_id === null ? undefined : groupNames.get(s.group_id)} index={v.index} rowRef={measure} />;
              })}
              {padBottom > 0 && <tr style={{ height: padBottom }} aria-hidden="true" />}
            </tbody>
          </table>
        </div>
      )}
      {searches && searches.length > 0 && shown?.length === 0 && <p className="empty-state">No saved search matches “{filter}”.</p>}
      {dialog === 'new' && (
        <Dialog title="New saved search" onClose={() => setDialog(undefined)}>
          <SearchForm submitLabel="Create" onSaved={(s) => navigate(`/searches/${s.id}/edit`)} onCancel={() => setDialog(undefined)} />
        </Dialog>
      )}
      {dialog === 'starter' && <StarterDialog defaultEmail={session.user.email} onClose={() => setDialog(undefined)} onDone={() => void overview.reload()} />}
    </div>
  );
}
