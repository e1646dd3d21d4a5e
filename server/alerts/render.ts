// Pure: the email (subject, text, HTML) and the webhook payload of a fired run (DESIGN 6), with the
// UI links of DESIGN 7. Everything from a log line or a user is escaped in HTML.
import type { AlertCondition, AlertFrequency } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import type { SenderCounts } from '../store/count.ts';
import { timeOfId } from '../store/ids.ts';
import { formatMinute, localTime } from './periods.ts';

export const EMAIL_EVENTS_MAX = 25; // lines listed in an email; the rest are a link away
const EVENT_TEXT_MAX = 1000; // characters of one event line in an email

export interface NoticeInput {
  publicUrl: string;
  search: { id: number; name: string; query: string; group_id: number | null };
  alert: { id: number; frequency: AlertFrequency; timezone: string; condition: AlertCondition };
  run: {
    ranMs: number;
    /** The window: afterId < id <= throughId, arrived between sinceMs and ranMs. */
    afterId: number;
    throughId: number;
    sinceMs: number;
    late: boolean;
    matched: number;
    /** "Send test": the latest matches, not a window. */
    test: boolean;
  };
  /** The window's first matches, oldest first. */
  events: readonly Event[];
}

export interface Email {
  subject: string;
  text: string;
  html: string;
}

const PAST: Record<AlertFrequency, string> = { '1m': 'minute', '10m': '10 minutes', '1h': 'hour', '1d': 'day' };
/** Papertrail's words for the webhook's `frequency`. */
export const FREQUENCY_WORDS: Record<AlertFrequency, string> = { '1m': '1 minute', '10m': '10 minutes', '1h': '1 hour', '1d': '1 day' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pad = (n: number) => String(n).padStart(2, '0');

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Header values: no line breaks (header injection), bounded. */
function headerSafe(s: string, max = 120): string {
  const one = s.replace(/[\r\n\t\u0000-\u001f\u007f]+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** "3 hours 4 minutes", "45 seconds", "2 days 1 hour". */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const units: [number, string][] = [[86_400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  const parts: string[] = [];
  let rest = s;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n && parts.length < 2) parts.push(plural(n, name));
    else if (parts.length) break;
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}

export const links = {
  event: (publicUrl: string, id: string) => `${publicUrl}/events?centered_on_id=${encodeURIComponent(id)}`,
  search: (publicUrl: string, searchId: number) => `${publicUrl}/searches/${searchId}`,
  edit: (publicUrl: string, searchId: number) => `${publicUrl}/searches/${searchId}/edit`,
  alert: (publicUrl: string, alertId: number) => `${publicUrl}/alerts/${alertId}`,
  /**
   * The search over exactly the window: min_time/max_time (Unix seconds, DESIGN 7) for people and
   * min_id/max_id (exclusive, as search.json's) for the exact edges.
   */
  window(n: Pick<NoticeInput, 'publicUrl' | 'search' | 'run'>): string {
    const { afterId, throughId, sinceMs, ranMs } = n.run;
    const empty = throughId <= afterId;
    const params = new URLSearchParams({
      q: n.search.query,
      min_time: String(Math.floor((empty ? sinceMs : timeOfId(afterId + 1)) / 1000)),
      max_time: String(Math.floor((empty ? ranMs : timeOfId(throughId)) / 1000)),
      min_id: String(afterId),
      max_id: String(throughId + 1),
    });
    if (n.search.group_id !== null) params.set('group_id', String(n.search.group_id));
    return `${n.publicUrl}/events?${params}`;
  },
};

/** `May 30 09:24:01 web-1 app/web.1: message` (Papertrail's line), the time in `timeZone`. */
export function eventLine(e: Event, timeZone: string): string {
  const t = localTime(Date.parse(e.received_at), timeZone);
  const message = e.message.length > EVENT_TEXT_MAX ? `${e.message.slice(0, EVENT_TEXT_MAX)}…` : e.message;
  return `${MONTHS[t.month - 1]} ${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${e.source_name} ${e.program}: ${message}`;
}

export function subject(n: NoticeInput): string {
  const matches = plural(n.run.matched, 'match', 'matches');
  return `[Driftwood] ${n.run.test ? 'Test: ' : ''}"${headerSafe(n.search.name)}" alert: ${matches} (at ${formatMinute(n.run.ranMs, n.alert.timezone)})`;
}

function intro(n: NoticeInput): string {
  const name = `"${n.search.name}"`;
  if (n.run.test) {
    return n.run.matched
      ? `This is a test of the alert on your ${name} search: the latest ${plural(n.run.matched, 'matching event')}.`
      : `This is a test of the alert on your ${name} search. No stored event matches it yet; this is a sample.`;
  }
  const span = n.run.late ? humanDuration(n.run.ranMs - n.run.sinceMs) : PAST[n.alert.frequency];
  if (n.run.matched === 0) return `No events matched your ${name} search in the past ${span}.`;
  return `${plural(n.run.matched, 'event')} matched your ${name} search in the past ${span}.`;
}

/** Said when runs were missed: the window covers the whole gap, each event once. */
export function lateNote(run: { late: boolean; sinceMs: number; ranMs: number }, timeZone: string): string | null {
  if (!run.late) return null;
  return `This run covers ${humanDuration(run.ranMs - run.sinceMs)} since the previous run at ${formatMinute(run.sinceMs, timeZone)} (the server was down or busy); each event in that time is counted once.`;
}

export function renderEmail(n: NoticeInput): Email {
  const tz = n.alert.timezone;
  const shown = n.events.slice(0, EMAIL_EVENTS_MAX);
  const more = n.run.test ? 0 : Math.max(0, n.run.matched - shown.length);
  const late = lateNote(n.run, tz);
  const windowUrl = links.window(n);
  const editUrl = links.edit(n.publicUrl, n.search.id);
  const alertUrl = links.alert(n.publicUrl, n.alert.id);
  const group = n.search.group_id === null ? '' : ` (group ${n.search.group_id})`;

  const text = [
    intro(n),
    ...(late ? ['', late] : []),
    ...(shown.length ? ['', ...shown.flatMap((e) => [eventLine(e, tz), `  ${links.event(n.publicUrl, e.id)}`])] : []),
    ...(more ? ['', `…and ${plural(more, 'more event')}: ${windowUrl}`] : []),
    '',
    `Query: ${n.search.query}${group}`,
    `Run this search over this window: ${windowUrl}`,
    `Times are in ${tz}.`,
    `Edit the search: ${editUrl}`,
    `Alert settings: ${alertUrl}`,
    '',
  ].join('\n');

  const a = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const lines = shown.map(
    (e) => `<div><a href="${escapeHtml(links.event(n.publicUrl, e.id))}" style="color:inherit;text-decoration:none">${escapeHtml(eventLine(e, tz))}</a></div>`,
  );
  const html = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222">',
    `<p>${escapeHtml(intro(n))}</p>`,
    late ? `<p><strong>${escapeHtml(late)}</strong></p>` : '',
    lines.length ? `<div style="font-family:Menlo,Consolas,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all">${lines.join('')}</div>` : '',
    more ? `<p>…and ${a(windowUrl, plural(more, 'more event'))}.</p>` : '',
    `<p>Query: <code>${escapeHtml(n.search.query)}</code>${escapeHtml(group)}<br>`,
    `${a(windowUrl, 'Run this search over this window')}<br>`,
    `Times are in ${escapeHtml(tz)}.<br>`,
    `${a(editUrl, 'Edit the search')} · ${a(alertUrl, 'Alert settings')}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: subject(n), text, html };
}

/**
 * Papertrail's webhook payload: `events` (or `counts` in counts-only mode), `saved_search`,
 * `min_id`/`max_id` (the first event's id, or the window's first possible id, and the window's
 * last id), `reached_record_limit`, `frequency`; plus our `driftwood` object.
 * Event ids are JSON numbers here, as Papertrail sends them (ours stay below 2^53, exact).
 */
export function webhookPayload(n: NoticeInput, extra: { counts?: SenderCounts[]; reachedRecordLimit: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (extra.counts) body.counts = extra.counts;
  else body.events = n.events.map((e) => ({ ...e, id: Number(e.id) }));
  body.saved_search = {
    id: n.search.id,
    name: n.search.name,
    query: n.search.query,
    html_edit_url: links.edit(n.publicUrl, n.search.id),
    html_search_url: links.search(n.publicUrl, n.search.id),
  };
  body.min_id = n.events[0] && !extra.counts ? n.events[0].id : String(n.run.afterId + 1);
  body.max_id = String(n.run.throughId);
  body.reached_record_limit = extra.reachedRecordLimit;
  body.frequency = FREQUENCY_WORDS[n.alert.frequency];
  body.driftwood = {
    alert_id: n.alert.id,
    matched: n.run.matched,
    test: n.run.test,
    late: n.run.late,
    window: { after_id: String(n.run.afterId), through_id: String(n.run.throughId), since: new Date(n.run.sinceMs).toISOString(), until: new Date(n.run.ranMs).toISOString() },
    html_window_url: links.window(n),
    html_alert_url: links.alert(n.publicUrl, n.alert.id),
  };
  return body;
}
