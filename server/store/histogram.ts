// Counts of matching events per time bucket (the UI's velocity graph, DESIGN 4 histogram.json).
// A time-only query reads the per-minute counts kept at insert (its buckets are then whole
// minutes, aligned to the minute); any other query counts its matches hour by hour, within the
// request's time budget.
import { IDS_PER_MS, idFloorForTime } from './ids.ts';
import { dayOf, dayStartMs, type Partitions } from './partitions.ts';
import type { Filter } from './search.ts';
import { StatementCache } from './db.ts';
import { splitByIndex } from './unindexed.ts';

export interface HistogramRequest {
  filter: Filter;
  /** Restrict to these systems (system_id / group_id); undefined = all. */
  systemIds?: readonly number[];
  /** True when the query has no condition beyond systems: minute counts answer it. */
  timeOnly: boolean;
  minMs: number;
  maxMs: number;
  buckets: number;
  deadlineMs: number;
  now: () => number;
}

export interface Histogram {
  buckets: { t: number; count: number }[];
  timedOut: boolean;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const SLICE_MS = 3_600_000; // the budget is checked between one-hour slices

const statements = new StatementCache(64);

function bucketSql(filter: Filter): string {
  const from = filter.fts === undefined ? 'events e' : 'events_fts f JOIN events e ON e.id = f.rowid';
  const match = filter.fts === undefined ? '' : 'events_fts MATCH ? AND ';
  return `SELECT CAST(((e.id / ${IDS_PER_MS}) - ?) / ? AS INTEGER) AS b, count(*) AS n FROM ${from}
          WHERE ${match}e.id > ? AND e.id < ? AND (${filter.where}) GROUP BY b`;
}

export function histogram(partitions: Partitions, req: HistogramRequest): Histogram {
  let { minMs, maxMs } = req;
  let width = (maxMs - minMs) / req.buckets;
  const fromMinutes = req.timeOnly && width >= MINUTE_MS;
  if (fromMinutes) {
    minMs = Math.floor(minMs / MINUTE_MS) * MINUTE_MS;
    width = Math.ceil(width / MINUTE_MS) * MINUTE_MS;
    maxMs = minMs + width * req.buckets;
  }
  const counts = new Array<number>(req.buckets).fill(0);
  const add = (startMs: number, n: number) => {
    const b = Math.floor((startMs - minMs) / width);
    if (b >= 0 && b < req.buckets) counts[b]! += n;
  };
  let timedOut = false;
  const days = partitions.days().filter((d) => d >= dayOf(minMs) && d <= dayOf(maxMs - 1)).reverse();
  outer: for (const day of days) {
    const db = partitions.reader(day);
    if (!db) continue;
    const lo = Math.max(minMs, dayStartMs(day));
    const hi = Math.min(maxMs, dayStartMs(day) + DAY_MS);
    if (fromMinutes) {
      const systems = req.systemIds ? ` AND system_id IN (${req.systemIds.map(() => '?').join(',') || 'NULL'})` : '';
      const rows = statements
        .get(db, `SELECT minute, sum(count) AS n FROM minute_counts WHERE minute >= ? AND minute < ?${systems} GROUP BY minute`)
        .all(lo / MINUTE_MS, Math.ceil(hi / MINUTE_MS), ...(req.systemIds ?? [])) as { minute: number; n: number }[];
      for (const r of rows) add(r.minute * MINUTE_MS, r.n);
      continue;
    }
    for (let t = lo; t < hi; t += SLICE_MS) {
      if (req.now() > req.deadlineMs) {
        timedOut = true;
        break outer;
      }
      for (const part of splitByIndex(db, req.filter, idFloorForTime(t) - 1, idFloorForTime(Math.min(hi, t + SLICE_MS)))) {
        const statement = statements.get(db, bucketSql(part.filter));
        const rows = statement.all(minMs, width, ...(part.filter.fts === undefined ? [] : [part.filter.fts]), part.lo, part.hi, ...part.filter.params) as { b: number; n: number }[];
        for (const r of rows) if (r.b >= 0 && r.b < req.buckets) counts[r.b]! += r.n;
      }
    }
  }
  return { buckets: counts.map((count, i) => ({ t: Math.floor((minMs + i * width) / 1000), count })), timedOut };
}
