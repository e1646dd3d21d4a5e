// The starter pack: saved searches and 1-minute email alerts for what the OWASP Logging Cheat
// Sheet asks to watch (authentication and access-control failures, suspicious password resets)
// and for Heroku's own failure signs. Installing it twice changes nothing: searches are found by
// their starter key, alerts by their search, frequency and condition.
// Bare terms match where a word starts (shared/query/match.ts), so `error` finds "Error:" and
// "ERROR" but not "TypeError"; test/integration/alerts-starter.test.ts runs every query on real lines.
import type { AlertCondition, AlertFrequency, StarterResponse } from '../../shared/api.ts';
import { parse } from '../../shared/query/parse.ts';
import type { Store } from '../store/index.ts';

export interface StarterItem {
  key: string;
  name: string;
  query: string;
  frequency: AlertFrequency;
  condition: AlertCondition;
  /** Created disabled unless the store already holds a line matching this (see site-quiet). */
  enableWhenSeen?: boolean;
}

const FAILED_LOGIN = [
  '"login unsuccessful"', '"login failed"', '"failed login"', '"failed password"', '"authentication failure"', '"authentication failed"',
  '"invalid password"', '"incorrect password"', '"wrong password"', '"invalid credentials"', '"bad credentials"',
  '"action=login outcome=failure"', // Driftwood's own sign-in failures (security/audit.ts)
].join(' OR ');

export const STARTER_PACK: readonly StarterItem[] = [
  { key: 'failed-logins', name: 'Failed logins', query: FAILED_LOGIN, frequency: '1m', condition: { type: 'at_least', count: 1 } },
  // Many failures in a minute: password guessing or credential stuffing.
  { key: 'failed-login-burst', name: 'Burst of failed logins', query: FAILED_LOGIN, frequency: '1m', condition: { type: 'at_least', count: 10 } },
  {
    key: 'access-denied',
    name: 'Access-control failures',
    query: '"invalid access" OR "access denied" OR "permission denied" OR "not authorized" OR forbidden OR status=403 OR "action=access_denied"',
    frequency: '1m',
    condition: { type: 'at_least', count: 1 },
  },
  {
    key: 'password-reset-unknown',
    name: 'Password reset for unknown address',
    query: '("password reset" OR "reset password" OR "forgot password" OR "password recovery") (unknown OR "not found" OR "no such" OR "no user" OR "no account" OR "does not exist" OR "doesn\'t exist" OR nonexistent OR "non-existent" OR unregistered)',
    frequency: '1m',
    condition: { type: 'at_least', count: 1 },
  },
  { key: 'errors', name: 'Error', query: 'error', frequency: '1m', condition: { type: 'at_least', count: 1 } },
  { key: 'warnings', name: 'WARNING', query: 'warn', frequency: '1m', condition: { type: 'at_least', count: 1 } },
  {
    key: 'heroku-errors',
    name: 'Heroku error codes (H, R, L)',
    query: 'program:heroku/* ("code=H" OR "Error H" OR "Error R" OR "Error L")',
    frequency: '1m',
    condition: { type: 'at_least', count: 1 },
  },
  { key: 'heroku-5xx', name: 'Heroku router 5xx', query: 'program:heroku/router status>=500', frequency: '1m', condition: { type: 'at_least', count: 1 } },
  // A quiet router means a site nobody reaches. Ten minutes, not one: quiet minutes are normal at night.
  { key: 'site-quiet', name: 'Site quiet: no router lines for 10 minutes', query: 'program:heroku/router', frequency: '10m', condition: { type: 'none' }, enableWhenSeen: true },
];

const SEEN_SEARCH_BUDGET_MS = 1000;

/** Creates what is missing of the starter pack, mailing `email`. The email must be checked by the caller. */
export function installStarter(store: Store, email: string, nowMs: number, createdBy?: number): StarterResponse {
  const items: StarterResponse['items'] = [];
  for (const item of STARTER_PACK) {
    // better-sqlite3 is synchronous: the whole item is one transaction, so two installs cannot both create it.
    items.push(
      store.alerts.atomically(() => {
        let search = store.searches.findByStarterKey(item.key);
        const searchCreated = !search;
        search ??= store.searches.create({ name: item.name, query: item.query, group_id: null, starter_key: item.key, created_by: createdBy }, nowMs);
        const same = store.alerts.list(search.id).find((a) => a.frequency === item.frequency && JSON.stringify(a.condition) === JSON.stringify(item.condition));
        if (same) {
          const base = { key: item.key, name: search.name, search_id: search.id, alert_id: same.id, search_created: searchCreated, enabled: same.enabled };
          if (same.email_to.some((e) => e.toLowerCase() === email.toLowerCase())) return { ...base, alert: 'unchanged' as const };
          store.alerts.update(same.id, { email_to: [...same.email_to, email] }, { lastId: store.windows.highestId(), nowMs });
          return { ...base, alert: 'recipient_added' as const };
        }
        const enabled = !item.enableWhenSeen || seen(store, item.query);
        const alert = store.alerts.create(
          { search_id: search.id, frequency: item.frequency, condition: item.condition, email_to: [email], webhook_url: null, webhook_counts_only: false, timezone: 'UTC', enabled },
          { lastId: store.windows.highestId(), nowMs },
        );
        return { key: item.key, name: search.name, search_id: search.id, alert_id: alert.id, search_created: searchCreated, alert: 'created' as const, enabled };
      }),
    );
  }
  return { items };
}

/** Whether any stored event matches: an inactivity alert on lines that never came would fire forever. */
function seen(store: Store, query: string): boolean {
  const parsed = parse(query);
  if (!parsed.ok) throw new Error(`BUG: starter query does not parse: ${query}`);
  const deadline = performance.now() + SEEN_SEARCH_BUDGET_MS;
  return store.searcher.page({ filter: store.compile(parsed.ast), direction: 'newest', limit: 1, deadlineMs: deadline, now: () => performance.now() }).events.length > 0;
}
