// Events per system per hour for the systems screen's volume graphs (issue 12), from the
// per-minute counts kept at insert (day/0002 minute_counts): no event is read. A finished hour
// is read once and remembered; only the hour in progress is read on every request.
import type { Partitions } from './partitions.ts';
import { dayOf } from './partitions.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/**
 * An hour is final this long after it ends: a line received before the hour ended is committed
 * (and counted in its minute) within seconds (drains give up after 4.5 s), never a minute later.
 */
const FINAL_AFTER_MS = MINUTE_MS;
const HOURS_KEPT = 48;

/** The start of the first of `hours` UTC hours whose last is the hour holding `nowMs`. */
export function firstOfLastHours(nowMs: number, hours: number): number {
  return Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
}

export class HourlyVolume {
  private readonly finished = new Map<number, Map<number, number>>(); // hour start → system → events

  constructor(private readonly partitions: Partitions) {}

  /**
   * Events per system in each of `hours` hours from `startMs` (an hour boundary), oldest first.
   * Hours not read by `deadline` (performance.now()) are null; the next call goes on from there.
   * `quiet`: the series of a system that sent nothing in these hours.
   */
  perSystem(startMs: number, hours: number, nowMs: number, deadline: number): { bySystem: Map<number, (number | null)[]>; quiet: (number | null)[] } {
    const out = new Map<number, (number | null)[]>();
    const missing = new Set<number>();
    for (let i = hours - 1; i >= 0; i--) {
      const hourMs = startMs + i * HOUR_MS;
      let counts = this.finished.get(hourMs);
      if (!counts && performance.now() < deadline) {
        counts = this.read(hourMs);
        if (nowMs >= hourMs + HOUR_MS + FINAL_AFTER_MS) this.finished.set(hourMs, counts);
      }
      if (!counts) {
        missing.add(i);
        continue;
      }
      for (const [system, n] of counts) {
        let series = out.get(system);
        if (!series) out.set(system, (series = new Array<number | null>(hours).fill(0)));
        series[i] = n;
      }
    }
    // The hours not read are unknown for every system.
    const quiet = new Array<number | null>(hours).fill(0);
    for (const series of [...out.values(), quiet]) for (const i of missing) series[i] = null;
    for (const hour of this.finished.keys()) if (hour < nowMs - HOURS_KEPT * HOUR_MS) this.finished.delete(hour);
    return { bySystem: out, quiet };
  }

  /** The hour's per-minute counts summed per system (an hour lies within one UTC day file). */
  private read(hourMs: number): Map<number, number> {
    const counts = new Map<number, number>();
    const db = this.partitions.reader(dayOf(hourMs));
    if (!db) return counts;
    const rows = db
      .prepare('SELECT system_id, sum(count) FROM minute_counts WHERE minute >= ? AND minute < ? GROUP BY system_id')
      .raw()
      .all(hourMs / MINUTE_MS, (hourMs + HOUR_MS) / MINUTE_MS) as [number, number][];
    for (const [system, n] of rows) counts.set(system, n);
    return counts;
  }
}
