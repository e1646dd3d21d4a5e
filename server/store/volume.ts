// Events per system per hour for the systems screen's volume graphs (issue 12), from the
// per-minute counts kept at insert (day/0002 minute_counts): no event is read. A minute is read
// once it can no longer change and remembered; only the last minute or two are read on every request.
import { StatementCache } from './db.ts';
import { dayOf, type Partitions } from './partitions.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/**
 * An hour is final this long after it ends: a line received before the hour ended is committed
 * (and counted in its minute) within seconds (drains give up after 4.5 s), never a minute later.
 */
const FINAL_AFTER_MS = MINUTE_MS;
const HOURS_KEPT = 48;
const statements = new StatementCache(4);

/** The start of the first of `hours` UTC hours whose last is the hour holding `nowMs`. */
export function firstOfLastHours(nowMs: number, hours: number): number {
  return Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS;
}

export class HourlyVolume {
  /** Per hour: the counts of its minutes before `toMinute`, which no later commit changes. */
  private readonly settled = new Map<number, { toMinute: number; counts: Map<number, number> }>();

  constructor(private readonly partitions: Partitions) {}

  /**
   * Events per system in each of `hours` hours from `startMs` (an hour boundary), oldest first.
   * Hours not read by `deadline` (performance.now()) are null; the next call goes on from there.
   * `quiet`: the series of a system that sent nothing in these hours.
   */
  perSystem(startMs: number, hours: number, nowMs: number, deadline: number): { bySystem: Map<number, (number | null)[]>; quiet: (number | null)[] } {
    const out = new Map<number, (number | null)[]>();
    const missing: number[] = [];
    const settledTo = Math.floor((nowMs - FINAL_AFTER_MS) / MINUTE_MS); // minutes before it are final
    for (let i = hours - 1; i >= 0; i--) {
      const hourMs = startMs + i * HOUR_MS;
      const endMinute = (hourMs + HOUR_MS) / MINUTE_MS;
      const finalTo = Math.max(hourMs / MINUTE_MS, Math.min(endMinute, settledTo));
      let s = this.settled.get(hourMs);
      const settled = s !== undefined && s.toMinute >= endMinute;
      if (!settled && performance.now() > deadline) {
        missing.push(i);
        continue;
      }
      if (!s) this.settled.set(hourMs, (s = { toMinute: hourMs / MINUTE_MS, counts: new Map() }));
      if (s.toMinute < finalTo) {
        add(s.counts, this.read(hourMs, s.toMinute, finalTo));
        s.toMinute = finalTo;
      }
      // The minutes still filling (the last one or two): read on every call, not kept.
      let counts = s.counts;
      if (s.toMinute < endMinute) add((counts = new Map(counts)), this.read(hourMs, s.toMinute, endMinute));
      for (const [system, n] of counts) {
        let series = out.get(system);
        if (!series) out.set(system, (series = new Array<number | null>(hours).fill(0)));
        series[i] = n;
      }
    }
    // The hours not read are unknown for every system.
    const quiet = new Array<number | null>(hours).fill(0);
    for (const series of [...out.values(), quiet]) for (const i of missing) series[i] = null;
    for (const hour of this.settled.keys()) if (hour < nowMs - HOURS_KEPT * HOUR_MS) this.settled.delete(hour);
    return { bySystem: out, quiet };
  }

  /** Events per system in minutes [fromMinute, toMinute) of one hour (an hour lies within one UTC day file). */
  private read(hourMs: number, fromMinute: number, toMinute: number): [number, number][] {
    const db = this.partitions.reader(dayOf(hourMs));
    if (!db) return [];
    return statements.get(db, 'SELECT system_id, sum(count) FROM minute_counts WHERE minute >= ? AND minute < ? GROUP BY system_id').raw().all(fromMinute, toMinute) as [number, number][];
  }
}

function add(counts: Map<number, number>, rows: [number, number][]): void {
  for (const [system, n] of rows) counts.set(system, (counts.get(system) ?? 0) + n);
}
