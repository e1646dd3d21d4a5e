// Checking saved-search and alert input (API bodies, the CLI, the starter pack). Bad input throws
// appError('BAD_REQUEST' | 'QUERY_SYNTAX', what is wrong and where); the one error handler renders it.
import type { AlertCondition, AlertFrequency } from '../../shared/api.ts';
import { parse } from '../../shared/query/parse.ts';
import { appError } from '../errors.ts';
import type { AlertInput } from '../store/alerts.ts';
import type { Store } from '../store/index.ts';
import type { SavedSearchInput } from '../store/searches.ts';
import { isTimeZone } from './periods.ts';

const FREQUENCIES: readonly AlertFrequency[] = ['1m', '10m', '1h', '1d'];
const NAME_MAX = 200;
const QUERY_MAX = 10_000;
const RECIPIENTS_MAX = 50;
const URL_MAX = 2000;
const COUNT_MAX = 1_000_000_000;
// Deliberately loose (RFC 5322 allows much more); it only rules out what cannot be an address.
const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

const SEARCH_FIELDS = ['name', 'query', 'group_id'];
const ALERT_FIELDS = ['search_id', 'frequency', 'condition', 'email_to', 'webhook_url', 'webhook_counts_only', 'timezone', 'enabled'];

const bad = (m: string) => appError('BAD_REQUEST', m);

/** A POST/PUT body: flat, or nested under `key` as Papertrail's API sends it. */
export function unwrap(body: unknown, key: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object');
  const nested = (body as Record<string, unknown>)[key];
  return nested !== null && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Record<string, unknown>) : (body as Record<string, unknown>);
}

function onlyKnown(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length) throw bad(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected ${known.join(', ')})`);
}

export function checkName(v: unknown): string {
  if (typeof v !== 'string' || !v.trim()) throw bad('name: a non-empty string is required');
  const name = v.trim();
  if (name.length > NAME_MAX || CONTROL.test(name)) throw bad(`name: at most ${NAME_MAX} characters, no control characters`);
  return name;
}

/** The query as typed, checked with the same parser as search. */
export function checkQuery(v: unknown): string {
  if (typeof v !== 'string') throw bad('query: a string is required');
  if (v.length > QUERY_MAX) throw bad(`query: at most ${QUERY_MAX} characters`);
  const parsed = parse(v);
  if (!parsed.ok) throw appError('QUERY_SYNTAX', `${parsed.error.message} (at offset ${parsed.error.offset})`);
  return v;
}

function checkGroup(store: Store, v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'number' && typeof v !== 'string') throw bad('group_id: a group id or name, or null');
  const group = store.groups.find(String(v));
  if (!group) throw bad(`group_id: no group "${String(v)}"`);
  return group.id;
}

/** A complete search (POST), or the fields present (PUT). */
export function checkSearchInput(store: Store, raw: unknown, partial: boolean): Partial<SavedSearchInput> {
  const body = unwrap(raw, 'search');
  onlyKnown(body, SEARCH_FIELDS);
  const out: Partial<SavedSearchInput> = {};
  if (!partial || 'name' in body) out.name = checkName(body.name);
  if (!partial || 'query' in body) out.query = checkQuery(body.query);
  if (!partial || 'group_id' in body) out.group_id = checkGroup(store, body.group_id);
  return out;
}

export function checkEmails(v: unknown): string[] {
  const list = typeof v === 'string' ? v.split(',') : v;
  if (!Array.isArray(list) || list.some((e) => typeof e !== 'string')) throw bad('email_to: a list of email addresses');
  const emails = [...new Set((list as string[]).map((e) => e.trim()).filter(Boolean))];
  if (emails.length > RECIPIENTS_MAX) throw bad(`email_to: at most ${RECIPIENTS_MAX} addresses`);
  const wrong = emails.find((e) => e.length > 254 || !EMAIL.test(e));
  if (wrong !== undefined) throw bad(`email_to: "${wrong}" is not an email address`);
  return emails;
}

function checkCondition(v: unknown): AlertCondition {
  const c = v as { type?: unknown; count?: unknown } | null;
  if (c === null || typeof c !== 'object') throw bad('condition: { "type": "at_least", "count": N } or { "type": "none" }');
  if (c.type === 'none') return { type: 'none' };
  if (c.type === 'at_least') {
    const count = c.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > COUNT_MAX) throw bad('condition.count: a whole number of at least 1');
    return { type: 'at_least', count };
  }
  throw bad(`condition.type: "at_least" or "none", not ${JSON.stringify(c.type)}`);
}

function checkWebhookUrl(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v !== 'string' || v.length > URL_MAX) throw bad('webhook_url: an http(s) URL');
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw bad('webhook_url: an http(s) URL');
  }
  return v;
}

function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw bad(`${name}: true or false`);
  return v;
}

/** A complete alert (POST: defaults filled in), or the fields present (PUT). */
export function checkAlertInput(store: Store, raw: unknown, partial: boolean): Partial<AlertInput> {
  const body = unwrap(raw, 'alert');
  onlyKnown(body, ALERT_FIELDS);
  const out: Partial<AlertInput> = {};
  const has = (k: string) => !partial || k in body;
  if (has('search_id')) {
    const id = body.search_id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw bad('search_id: the id of a saved search');
    if (!store.searches.find(id)) throw bad(`search_id: no saved search ${id}`);
    out.search_id = id;
  }
  if (has('frequency')) {
    if (!FREQUENCIES.includes(body.frequency as AlertFrequency)) throw bad(`frequency: one of ${FREQUENCIES.join(', ')}`);
    out.frequency = body.frequency as AlertFrequency;
  }
  if (has('condition')) out.condition = checkCondition(body.condition ?? { type: 'at_least', count: 1 });
  if (has('email_to')) out.email_to = checkEmails(body.email_to ?? []);
  if (has('webhook_url')) out.webhook_url = checkWebhookUrl(body.webhook_url);
  if (has('webhook_counts_only')) out.webhook_counts_only = checkBool('webhook_counts_only', body.webhook_counts_only ?? false);
  if (has('timezone')) {
    const tz = body.timezone ?? 'UTC';
    if (typeof tz !== 'string' || !isTimeZone(tz)) throw bad(`timezone: "${String(tz)}" is not an IANA time zone (like Europe/Berlin)`);
    out.timezone = tz;
  }
  if (has('enabled')) out.enabled = checkBool('enabled', body.enabled ?? true);
  return out;
}
