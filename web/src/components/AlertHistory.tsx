// The run history of an alert: each window, what it counted, and what was delivered where — or
// why not (the server's words: the SMTP answer, the webhook's status, a bad query).
import { Link } from 'wouter';
import type { AlertDelivery, AlertRun } from '../../../shared/api.ts';
import { ago, fromNow } from '../lib/ago.ts';
import { fullTime, streamTime, useZone } from '../lib/time-format.ts';
import { viewHref } from '../lib/view-params.ts';
import { count } from '../lib/count.ts';

const STATUS_WORDS: Record<AlertDelivery['status'], string> = { sent: 'sent', failed: 'failed', pending: 'retrying', not_configured: 'not configured' };

export function DeliveryList({ deliveries }: { deliveries: AlertDelivery[] }) {
  if (!deliveries.length) return <span className="muted">nothing to deliver</span>;
  const now = Date.now();
  return (
    <ul className="deliveries">
      {deliveries.map((d) => (
        <li key={d.channel}>
          <span className={`badge st-${d.status}`}>
            {d.channel} {STATUS_WORDS[d.status]}
          </span>
          {d.attempts > 1 && <span className="muted"> after {d.attempts} attempts</span>}
          {d.status === 'pending' && d.next_attempt_at && <span className="muted"> (next {fromNow(d.next_attempt_at, now)})</span>}
          {d.detail && <span className={d.status === 'failed' || d.status === 'pending' ? 'error' : 'muted'}> — {d.detail}</span>}
        </li>
      ))}
    </ul>
  );
}

export function AlertHistory({ runs, query }: { runs: AlertRun[]; query: string }) {
  const zone = useZone();
  const now = Date.now();
  if (!runs.length) return <p className="empty-state">No runs yet. The first window started when the alert was created; its first run comes at the next tick of its frequency.</p>;
  return (
    <div className="table-wrap">
      <table className="grid" aria-label="Run history">
        <thead>
          <tr>
            <th>Ran</th>
            <th>Window</th>
            <th className="num">Matches</th>
            <th>Outcome</th>
            <th>Deliveries</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            // The window's events, exactly: ids after_id < id <= through_id (search bounds are exclusive).
            const windowHref = viewHref({ q: r.query || query, minTime: Math.floor(Date.parse(r.window.since) / 1000), maxTime: Math.ceil(Date.parse(r.window.until) / 1000) });
            return (
              <tr key={r.id} className={r.error ? 'row-failed' : r.fired ? 'row-fired' : undefined}>
                <td title={fullTime(r.ran_at, zone)} className="nowrap">
                  {ago(r.ran_at, now)}
                </td>
                <td className="nowrap">
                  <Link href={windowHref} title="Open these events in the viewer">
                    {streamTime(r.window.since, zone)} → {streamTime(r.window.until, zone).slice(7)}
                  </Link>
                  {r.late && <span className="warn" title={r.note ?? undefined}> late</span>}
                </td>
                <td className="num">{r.matched === null ? '—' : count(r.matched)}</td>
                <td>{r.error ? <span className="error">failed: {r.error}</span> : r.kind === 'test' ? <span className="badge">test</span> : r.fired ? <span className="badge st-fired">fired</span> : <span className="muted">quiet</span>}</td>
                <td>{r.fired || r.kind === 'test' ? <DeliveryList deliveries={r.deliveries} /> : <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
