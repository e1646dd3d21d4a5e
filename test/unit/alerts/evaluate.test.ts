import { describe, expect, test } from 'vitest';
import { evaluate, planWindow } from '../../../server/alerts/evaluate.ts';
import { isDue, scheduledBefore, scheduledRunsSince, zonedTime } from '../../../server/alerts/periods.ts';

const T = (iso: string) => Date.parse(iso);

describe('evaluate', () => {
  const f = (condition: Parameters<typeof evaluate>[0], matched: number, fire: boolean) => expect(evaluate(condition, matched).fire).toBe(fire);
  test('at least N fires at N and above, not below', () => {
    f({ type: 'at_least', count: 3 }, 2, false);
    f({ type: 'at_least', count: 3 }, 3, true);
    f({ type: 'at_least', count: 3 }, 300, true);
    f({ type: 'at_least', count: 1 }, 0, false);
    f({ type: 'at_least', count: 1 }, 1, true);
  });
  test('none fires on silence and not on traffic', () => {
    f({ type: 'none' }, 0, true);
    f({ type: 'none' }, 1, false);
  });
  test('reasons say the count', () => {
    expect(evaluate({ type: 'at_least', count: 10 }, 12).reason).toBe('12 matches, at least 10 needed');
    expect(evaluate({ type: 'at_least', count: 10 }, 1).reason).toBe('1 match, fewer than 10');
  });
});

describe('schedule', () => {
  test('1m, 10m and 1h run at UTC boundaries', () => {
    expect(scheduledBefore('1m', 'UTC', T('2026-05-30T09:25:59.999Z'))).toBe(T('2026-05-30T09:25:00Z'));
    expect(scheduledBefore('10m', 'Asia/Kolkata', T('2026-05-30T09:29:00Z'))).toBe(T('2026-05-30T09:20:00Z'));
    expect(scheduledBefore('1h', 'UTC', T('2026-05-30T09:29:00Z'))).toBe(T('2026-05-30T09:00:00Z'));
  });

  test('daily alerts run at 05:00 in their time zone', () => {
    // Berlin is UTC+2 in summer: 05:00 local = 03:00 UTC.
    expect(scheduledBefore('1d', 'Europe/Berlin', T('2026-05-30T09:00:00Z'))).toBe(T('2026-05-30T03:00:00Z'));
    expect(scheduledBefore('1d', 'Europe/Berlin', T('2026-05-30T02:59:00Z'))).toBe(T('2026-05-29T03:00:00Z'));
    // New York in winter is UTC-5: 05:00 local = 10:00 UTC.
    expect(scheduledBefore('1d', 'America/New_York', T('2026-01-15T12:00:00Z'))).toBe(T('2026-01-15T10:00:00Z'));
    expect(scheduledBefore('1d', 'UTC', T('2026-01-01T04:59:59Z'))).toBe(T('2025-12-31T05:00:00Z'));
  });

  test('daily runs stay at 05:00 local across a DST change', () => {
    // Europe/Berlin switches to summer time on 2026-03-29 at 02:00.
    expect(scheduledBefore('1d', 'Europe/Berlin', T('2026-03-28T12:00:00Z'))).toBe(T('2026-03-28T04:00:00Z'));
    expect(scheduledBefore('1d', 'Europe/Berlin', T('2026-03-29T12:00:00Z'))).toBe(T('2026-03-29T03:00:00Z'));
    expect(zonedTime('Australia/Adelaide', 2026, 5, 30, 5, 0)).toBe(T('2026-05-29T19:30:00Z'));
  });

  test('an alert is due once a scheduled time passed since its last run', () => {
    const created = T('2026-05-30T09:25:30Z');
    expect(isDue('1m', 'UTC', created, T('2026-05-30T09:25:59Z'))).toBe(false);
    expect(isDue('1m', 'UTC', created, T('2026-05-30T09:26:00Z'))).toBe(true);
    expect(isDue('1d', 'UTC', created, T('2026-05-31T04:59:00Z'))).toBe(false);
    expect(isDue('1d', 'UTC', created, T('2026-05-31T05:00:00Z'))).toBe(true);
    // Ran at 05:00:02 today: not again until tomorrow.
    expect(isDue('1d', 'UTC', T('2026-05-31T05:00:02Z'), T('2026-05-31T23:59:00Z'))).toBe(false);
  });

  test('missed runs are counted: a run after 3 hours down is late', () => {
    expect(scheduledRunsSince('1m', 'UTC', T('2026-05-30T09:25:00.010Z'), T('2026-05-30T09:26:00.020Z'))).toBe(1);
    expect(scheduledRunsSince('1m', 'UTC', T('2026-05-30T06:25:00Z'), T('2026-05-30T09:25:00Z'))).toBe(2);
    expect(scheduledRunsSince('1d', 'UTC', T('2026-05-29T05:00:00Z'), T('2026-05-30T05:00:01Z'))).toBe(1);
    expect(scheduledRunsSince('1d', 'UTC', T('2026-05-28T05:00:00Z'), T('2026-05-30T05:00:01Z'))).toBe(2);
  });
});

describe('planWindow', () => {
  const alert = { frequency: '1m' as const, timezone: 'UTC', last_id: 1000, last_run_ms: T('2026-05-30T06:25:00Z') };
  test('a window starts where the previous one ended and ends at the cut-off', () => {
    expect(planWindow(alert, T('2026-05-30T06:26:00Z'), 5000)).toEqual({ afterId: 1000, throughId: 5000, sinceMs: alert.last_run_ms, late: false });
  });
  test('a late run covers the whole gap once and says so', () => {
    expect(planWindow(alert, T('2026-05-30T09:25:00Z'), 9000)).toMatchObject({ afterId: 1000, throughId: 9000, late: true });
  });
  test('the window never runs backwards', () => {
    expect(planWindow(alert, T('2026-05-30T06:26:00Z'), 10)).toMatchObject({ afterId: 1000, throughId: 1000 });
  });
});
