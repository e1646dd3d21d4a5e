// /systems: every sender with when it was last heard from and where it came from (a quiet one
// stands out), and the groups that name sets of them. A click opens the viewer scoped to it.
// The systems table draws only the rows in view (2,000 senders stay responsive).
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { Group, System, SystemActivity, SystemSource } from '../../../shared/api.ts';
import { del } from '../api/client.ts';
import { GroupDialog } from '../components/GroupDialog.tsx';
import { Sparkline } from '../components/Sparkline.tsx';
import { useAction, useApi } from '../hooks/useApi.ts';
import { useVirtualRows } from '../hooks/useVirtualRows.ts';
import { ago } from '../lib/ago.ts';
import { fullTime, useZone } from '../lib/time-format.ts';
import { viewHref } from '../lib/view-params.ts';
import { useSession } from '../session.tsx';
import { count } from '../lib/count.ts';
import { ErrorText } from '../components/ErrorText.tsx';

/** A system that sent nothing for this long is marked quiet (but seen in the last week). */
const QUIET_AFTER_MS = 60 * 60_000;
const ROW_HEIGHT = 30;
/** One collator for every comparison (String#localeCompare builds one per call). */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

type SortKey = 'name' | 'last_seen';

export function SystemsPage() {
  const { session } = useSession();
  const admin = session.user.role === 'admin';
  const systems = useApi<SystemActivity[]>('/api/v1/systems.json?include=activity');
  const groups = useApi<Group[]>('/api/v1/groups.json');
  const [editing, setEditing] = useState<Group | 'new'>();
  const remove = useAction();

  const deleteGroup = async (g: Group) => {
    if (!confirm(`Delete the group "${g.name}"? Its systems stay; saved searches scoped to it stop matching.`)) return;
    if (await remove.run(() => del(`/api/v1/groups/${g.id}.json`).then(() => true))) void groups.reload();
  };

  return (
    <div className="page systems-page">
      <div className="page-head">
        <h1>Systems &amp; groups</h1>
      </div>
      <div className="two-col">
        <section aria-label="Systems" className="col-main">
          <ErrorText message={systems.error} prefix="Cannot load the systems: " />
          {systems.data && <SystemsTable systems={systems.data} groups={groups.data ?? []} />}
          {!systems.data && !systems.error && <p className="muted">Loading…</p>}
        </section>
        <section aria-label="Groups" className="col-side card">
          <div className="card-head">
            <h2>Groups</h2>
            {admin && (
              <button type="button" onClick={() => setEditing('new')} disabled={!systems.data}>
                New group
              </button>
            )}
          </div>
          <ErrorText message={groups.error} />
          <ErrorText message={remove.error} />
          {groups.data?.length === 0 && <p className="empty-state">No groups. A group names a set of systems — by list or by a wildcard such as <code>web-*</code> — to search them together.</p>}
          <ul className="group-list">
            {groups.data?.map((g) => (
              <li key={g.id}>
                <div className="group-line">
                  <Link href={viewHref({ q: '', groupId: String(g.id) })} title="Open the viewer on this group" className="group-name">
                    {g.name}
                  </Link>
                  <span className="muted small">{count(g.system_ids.length)} {g.system_ids.length === 1 ? 'system' : 'systems'}</span>
                  {admin && (
                    <span className="row-actions">
                      <button type="button" className="link" onClick={() => setEditing(g)} aria-label={`Edit group ${g.name}`}>
                        Edit
                      </button>
                      <button type="button" className="link danger-text" onClick={() => void deleteGroup(g)} aria-label={`Delete group ${g.name}`}>
                        Delete
                      </button>
                    </span>
                  )}
                </div>
                <div className="muted small clip">{g.system_wildcard !== null ? <code>{g.system_wildcard}</code> : memberNames(g, systems.data)}</div>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {editing && systems.data && (
        <GroupDialog
          group={editing === 'new' ? undefined : editing}
          systems={systems.data}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            void groups.reload();
          }}
        />
      )}
    </div>
  );
}

function memberNames(g: Group, systems: System[] | undefined): string {
  if (!g.system_ids.length) return 'no systems';
  const byId = new Map(systems?.map((s) => [s.id, s.name]));
  return g.system_ids.map((id) => byId.get(id) ?? `#${id}`).join(', ');
}

function sourceWords(src: SystemSource): string {
  return src.type === 'drain' ? `drain ${src.name}` : `syslog ${src.address ?? ''}`;
}

function SystemsTable({ systems, groups }: { systems: SystemActivity[]; groups: Group[] }) {
  const zone = useZone();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('last_seen');
  const deferred = useDeferredValue(filter.trim().toLowerCase());
  const now = useMemo(() => Date.now(), [systems]);
  const rows = useMemo(() => {
    const list = deferred ? systems.filter((s) => s.name.toLowerCase().includes(deferred) || sourceWords(s.source).includes(deferred)) : [...systems];
    return sort === 'name' ? list.sort((a, b) => NAME_ORDER.compare(a.name, b.name)) : list.sort((a, b) => (a.last_seen_at < b.last_seen_at ? 1 : a.last_seen_at > b.last_seen_at ? -1 : 0));
  }, [systems, deferred, sort]);
  const groupsOf = useMemo(() => {
    const m = new Map<number, string[]>();
    for (const g of groups) for (const id of g.system_ids) m.set(id, [...(m.get(id) ?? []), g.name]);
    return m;
  }, [groups]);
  const quiet = useMemo(() => systems.filter((s) => now - Date.parse(s.last_seen_at) > QUIET_AFTER_MS).length, [systems, now]);
  const scroller = useRef<HTMLDivElement>(null);
  const { items, padTop, padBottom } = useVirtualRows(rows.length, scroller, () => ROW_HEIGHT);

  if (systems.length === 0) {
    return (
      <div className="empty-state">
        <p>
          <strong>No system has sent anything yet.</strong> <Link href="/sources">Add a log source</Link>: a Heroku drain, rsyslog, syslog-ng, Docker or any program that speaks syslog.
        </p>
      </div>
    );
  }
  const th = (key: SortKey, label: string) => (
    <th aria-sort={sort === key ? (key === 'name' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="link sort" onClick={() => setSort(key)}>
        {label}
        {sort === key ? (key === 'name' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <>
      <div className="table-tools">
        <input type="search" aria-label="Filter systems" placeholder="Filter by name, drain or address" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted">
          {count(rows.length)} of {count(systems.length)} systems
          {quiet > 0 && <> · <span className="warn">{count(quiet)} quiet for over an hour</span></>}
        </span>
      </div>
      <div className="table-scroll" ref={scroller}>
        <table className="grid systems" aria-label="Systems" aria-rowcount={rows.length + 1}>
          <thead>
            <tr>
              {th('name', 'Name')}
              <th>Source</th>
              {th('last_seen', 'Last seen')}
              <th title="Events per hour, UTC hours">Last 24 h</th>
              <th>Groups</th>
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && <tr style={{ height: padTop }} aria-hidden="true" />}
            {items.map((v) => {
              const s = rows[v.index]!;
              const silentMs = now - Date.parse(s.last_seen_at);
              return (
                <tr key={s.id} className={silentMs > QUIET_AFTER_MS ? 'quiet' : undefined} style={{ height: ROW_HEIGHT }} aria-rowindex={v.index + 2}>
                  <td className="name-cell">
                    <Link href={viewHref({ q: '', systemId: String(s.id) })} title={`Open the viewer on this system (first seen ${fullTime(s.first_seen_at, zone)})`}>
                      {s.name}
                    </Link>
                  </td>
                  <td className="small" title={s.source.type === 'drain' ? 'HTTPS drain' : 'syslog sender address'}>
                    <span className="muted">{s.source.type}</span> <span className="mono">{s.source.type === 'drain' ? s.source.name : (s.source.address ?? '—')}</span>
                  </td>
                  <td title={fullTime(s.last_seen_at, zone)} className="nowrap">
                    {silentMs > QUIET_AFTER_MS && <span className="badge st-quiet">quiet</span>} {ago(s.last_seen_at, now)}
                  </td>
                  <td>
                    <Sparkline values={s.volume} label={`Events from ${s.name} in the last 24 hours`} width={110} height={18} />
                  </td>
                  <td className="muted clip">{groupsOf.get(s.id)?.join(', ') ?? ''}</td>
                </tr>
              );
            })}
            {padBottom > 0 && <tr style={{ height: padBottom }} aria-hidden="true" />}
          </tbody>
        </table>
      </div>
    </>
  );
}
