// When alerts run (pure; the clock and the time zone are parameters). 1m, 10m and 1h alerts run
// at the start of each UTC-aligned minute, ten minutes or hour; daily alerts at 05:00 in their
// own time zone, as Papertrail's do. An alert is due once a scheduled time has passed since its
// previous run, so a run missed while the server was down happens at the next tick, once.
import type { AlertFrequency } from '../../shared/api.ts';

export const PERIOD_MS: Record<AlertFrequency, number> = { '1m': 60_000, '10m': 600_000, '1h': 3_600_000, '1d': 86_400_000 };
export const DAILY_RUN_HOUR = 5; // Papertrail's daily alerts go out at 05:00 local time

export interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** The instant at which the wall clock in `timeZone` shows the given time (DST gaps move it forward). */
export function zonedTime(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (ms: number) => {
    const t = localTime(ms, timeZone);
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(ms / 1000) * 1000;
  };
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}

/** The latest scheduled run time at or before nowMs. */
export function scheduledBefore(frequency: AlertFrequency, timeZone: string, nowMs: number): number {
  if (frequency !== '1d') return Math.floor(nowMs / PERIOD_MS[frequency]) * PERIOD_MS[frequency];
  const t = localTime(nowMs, timeZone);
  const today = zonedTime(timeZone, t.year, t.month, t.day, DAILY_RUN_HOUR, 0);
  if (today <= nowMs) return today;
  const y = new Date(Date.UTC(t.year, t.month - 1, t.day - 1));
  return zonedTime(timeZone, y.getUTCFullYear(), y.getUTCMonth() + 1, y.getUTCDate(), DAILY_RUN_HOUR, 0);
}

/** A run is due when a scheduled time passed since the previous run. */
export function isDue(frequency: AlertFrequency, timeZone: string, lastRunMs: number, nowMs: number): boolean {
  return scheduledBefore(frequency, timeZone, nowMs) > lastRunMs;
}

/** Scheduled run times in (lastRunMs, nowMs], counted up to `max`: more than one means runs were missed. */
export function scheduledRunsSince(frequency: AlertFrequency, timeZone: string, lastRunMs: number, nowMs: number, max = 2): number {
  let n = 0;
  for (let t = scheduledBefore(frequency, timeZone, nowMs); t > lastRunMs && n < max; t = scheduledBefore(frequency, timeZone, t - 1)) n++;
  return n;
}

/** "2026-05-30 09:25" in the time zone. */
export function formatMinute(ms: number, timeZone: string): string {
  const t = localTime(ms, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.year}-${p(t.month)}-${p(t.day)} ${p(t.hour)}:${p(t.minute)}`;
}
