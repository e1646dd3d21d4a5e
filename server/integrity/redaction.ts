// The rules of redaction, shared by `driftwood redact` and POST /api/v1/redactions.json: a reason
// is required; events are named by id, or found by a query within a time range (listed first, and
// redacted only once confirmed); every redaction is a security event naming who, what and why.
import type { Event } from '../../shared/event.ts';
import { parse } from '../../shared/query/parse.ts';
import type { SecurityEvent } from '../security/audit.ts';
import type { Store } from '../store/index.ts';
import { redactEvents, type RedactionResult } from '../store/redact.ts';
import { timeBoundsToIds } from '../store/search.ts';

export const REDACT_MATCHES_MAX = 10_000; // more is not a leaked secret but a retention question
const REASON_MAX_CHARS = 500;
const SEARCH_BUDGET_MS = 60_000;
const IDS_SHOWN_MAX = 20; // in the security event; the count is always there

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export function checkReason(reason: string | undefined): Checked<string> {
  const r = reason?.trim() ?? '';
  if (!r) return { ok: false, problem: 'a reason is required (it is recorded with the redaction)' };
  if (r.length > REASON_MAX_CHARS) return { ok: false, problem: `the reason is longer than ${REASON_MAX_CHARS} characters` };
  return { ok: true, value: r };
}

/** The events a query matches in [minTime, maxTime] (Unix seconds, inclusive), oldest first; at most REDACT_MATCHES_MAX. */
export function redactionMatches(store: Store, q: string, minTimeS: number | undefined, maxTimeS: number | undefined, now: () => number): Checked<Event[]> {
  if (minTimeS === undefined) return { ok: false, problem: 'a query needs a start time (--min-time, min_time): redaction never searches all of history by accident' };
  const parsed = parse(q);
  if (!parsed.ok) return { ok: false, problem: `bad query: ${parsed.error.message} (at offset ${parsed.error.offset})` };
  const { minId, maxId } = timeBoundsToIds(minTimeS, maxTimeS);
  const page = store.searcher.page({ filter: store.compile(parsed.ast), minId, maxId, direction: 'oldest', limit: REDACT_MATCHES_MAX + 1, deadlineMs: now() + SEARCH_BUDGET_MS, now });
  if (page.timedOut) return { ok: false, problem: 'the search did not finish within a minute: narrow the query or the time range' };
  if (page.events.length > REDACT_MATCHES_MAX) return { ok: false, problem: `more than ${REDACT_MATCHES_MAX} events match: narrow the query or the time range` };
  return { ok: true, value: page.events };
}

/** Redacts and records it: `audit` gets one security event per call (none when nothing changed). */
export function redact(store: Store, ids: readonly number[], reason: string, who: { user: string; ip?: string }, audit: (e: SecurityEvent) => void, nowMs: number): RedactionResult {
  const result = redactEvents(store.partitions, ids, { reason, by: who.user, nowMs });
  if (result.redacted.length) {
    const shown = result.redacted.slice(0, IDS_SHOWN_MAX).join(',');
    audit({ action: 'redact', outcome: 'success', user: who.user, ip: who.ip, details: { count: result.redacted.length, ids: result.redacted.length > IDS_SHOWN_MAX ? `${shown},…` : shown, reason } });
  }
  return result;
}
