// Pure: what a run covers, and whether its count fires the alert.
import type { AlertCondition, AlertFrequency } from '../../shared/api.ts';
import { scheduledRunsSince } from './periods.ts';

export interface Verdict {
  fire: boolean;
  /** For the log and the history: "12 matches, at least 10 needed". */
  reason: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 *   condition        matched        fires
 *   at_least N       >= N           yes
 *   at_least N       < N            no
 *   none             0              yes (the site went quiet)
 *   none             > 0            no
 */
export function evaluate(condition: AlertCondition, matched: number): Verdict {
  const found = plural(matched, 'match', 'matches');
  if (condition.type === 'none') return matched === 0 ? { fire: true, reason: 'no new events matched' } : { fire: false, reason: `${found}: not quiet` };
  return matched >= condition.count
    ? { fire: true, reason: `${found}, at least ${condition.count} needed` }
    : { fire: false, reason: `${found}, fewer than ${condition.count}` };
}

export interface WindowPlan {
  /** Events with afterId < id <= throughId. */
  afterId: number;
  throughId: number;
  /** The previous run (or creation/enabling): the window spans sinceMs..nowMs. */
  sinceMs: number;
  /** Scheduled runs were missed (the server was down): this window covers them, once. */
  late: boolean;
}

/**
 * The window of a run starting at nowMs with cut-off `highestId` (the highest committed id):
 * it starts where the previous one ended, whenever that was, so a late run covers the gap once.
 */
export function planWindow(alert: { frequency: AlertFrequency; timezone: string; last_id: number; last_run_ms: number }, nowMs: number, highestId: number): WindowPlan {
  return {
    afterId: alert.last_id,
    throughId: Math.max(alert.last_id, highestId),
    sinceMs: alert.last_run_ms,
    late: scheduledRunsSince(alert.frequency, alert.timezone, alert.last_run_ms, nowMs) > 1,
  };
}
