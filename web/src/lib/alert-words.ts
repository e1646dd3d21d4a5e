// How alerts read in the UI: Papertrail's words for frequencies and conditions.
import type { Alert, AlertCondition, AlertFrequency } from '../../../shared/api.ts';

export const FREQUENCIES: [AlertFrequency, string][] = [
  ['1m', 'Every minute'],
  ['10m', 'Every 10 minutes'],
  ['1h', 'Every hour'],
  ['1d', 'Every day (05:00)'],
];

const PERIOD: Record<AlertFrequency, string> = { '1m': 'minute', '10m': '10 minutes', '1h': 'hour', '1d': 'day' };

export function frequencyWords(f: AlertFrequency): string {
  return FREQUENCIES.find(([k]) => k === f)?.[1] ?? f;
}

export function conditionWords(c: AlertCondition, f: AlertFrequency): string {
  if (c.type === 'none') return `no match in a ${PERIOD[f]}`;
  return `≥ ${c.count.toLocaleString()} ${c.count === 1 ? 'match' : 'matches'} a ${PERIOD[f]}`;
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
