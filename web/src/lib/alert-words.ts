// How alerts read in the UI: Papertrail's words for frequencies and conditions.
import type { Alert, AlertCondition, AlertFrequency } from '../../../shared/api.ts';
import { count } from './count.ts';

export const FREQUENCIES: [AlertFrequency, string][] = [
  ['1m', 'Every minute'],
  ['10m', 'Every 10 minutes'],
  ['1h', 'Every hour'],
  ['1d', 'Every day (05:00)'],
];

const PERIOD: Record<AlertFrequency, string> = { '1m': 'minute', '10m': '10 minutes', '1h': 'hour', '1d': 'day' };

const EVERY: Record<AlertFrequency, string> = { '1m': 'every minute', '10m': 'every 10 min', '1h': 'hourly', '1d': 'daily' };

/** "every minute: ≥ 3 matches", "every 10 min: no match" — one alert in a list. */
export function alertSummary(a: Pick<Alert, 'frequency' | 'condition'>): string {
  const c = a.condition;
  return `${EVERY[a.frequency]}: ${c.type === 'none' ? 'no match' : `≥ ${count(c.count)} ${c.count === 1 ? 'match' : 'matches'}`}`;
}

/** "at least 3 new matches in a minute", "no new match in 10 minutes" — one alert in a sentence. */
export function conditionWords(c: AlertCondition, f: AlertFrequency): string {
  if (c.type === 'none') return `no new match in ${f === '10m' ? '' : 'a '}${PERIOD[f]}`;
  return `at least ${count(c.count)} new ${c.count === 1 ? 'match' : 'matches'} in ${f === '10m' ? '' : 'a '}${PERIOD[f]}`;
}

/** "oncall@example.com, webhook": where an alert goes. */
export function targetWords(a: Pick<Alert, 'email_to' | 'webhook_url'>): string {
  const parts = [...a.email_to];
  if (a.webhook_url) parts.push(`webhook ${hostOf(a.webhook_url)}`);
  return parts.length ? parts.join(', ') : 'nowhere (add an email or webhook)';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
