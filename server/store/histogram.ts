// Counts of matching events per time bucket (the UI's velocity graph, DESIGN 4 histogram.json).
// A time-only query reads the per-minute counts kept at insert; any other query counts its
// matches with one grouped query per day file, within the request's time budget.
import { IDS_PER_MS, idFloorForTime } from './ids.ts';
import { dayOf, dayStartMs, type Partitions } from './partitions.ts';
import type { Filter } from './search.ts';

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

export function histogram(partitions: Partitions, req: HistogramRequest): Histogram {
  const width = (req.maxMs - req.minMs) / req.buckets;
  const counts = new Array<number>(req.buckets).fill(0);
  const systems = req.systemIds ? ` AND system_id IN (${req.systemIds.map(() => '?').join(',') || 'NULL'})` : '';
  const minuteAligned = width >= 60_000 && req.minMs % 60_000 === 0;
  let timedOut = false;
  for (const day of partitions.days()) {
    if (day < dayOf(req.minMs) || day > dayOf(req.maxMs - 1)) continue;
    if (req.now() > req.deadlineMs) {
      timedOut = true;
      break;
    }
    const db = partitions.reader(day);
    if (!db) continue;
    const lo = Math.max(req.minMs, dayStartMs(day));
    const hi = Math.min(req.maxMs, dayStartMs(day) + DAY_MS);
    if (req.timeOnly && minuteAligned) {
      const rows = db
        .prepare(`SELECT minute, sum(count) AS n FROM minute_counts WHERE minute >= ? AND minute < ?${systems} GROUP BY minute`)
        .all(Math.floor(lo / 60_000), Math.ceil(hi / 60_000), ...(req.systemIds ?? [])) as { minute: number; n: number }[];
      for (const r of rows) {
        const b = Math.floor((r.minute * 60_000 - req.minMs) / width);
        if (b >= 0 && b < req.buckets) counts[b]! += r.n;
      }
      continue;
    }
    const from = req.filter.fts === undefined ? 'events e' : 'events_fts f JOIN events e ON e.id = f.rowid';
    const match = req.filter.fts === undefined ? '' : 'events_fts MATCH ? AND ';
    const rows = db
      .prepare(
        `SELECT CAST(((e.id / ${IDS_PER_MS}) - ?) / ? AS INTEGER) AS b, count(*) AS n FROM ${from}
         WHERE ${match}e.id >= ? AND e.id < ? AND (${req.filter.where}) GROUP BY b`,
      )
      .all(req.minMs, width, ...(req.filter.fts === undefined ? [] : [req.filter.fts]), idFloorForTime(lo), idFloorForTime(hi), ...req.filter.params) as { b: number; n: number }[];
    for (const r of rows) if (r.b >= 0 && r.b < req.buckets) counts[r.b]! += r.n;
  }
  return { buckets: counts.map((count, i) => ({ t: Math.floor((req.minMs + i * width) / 1000), count })), timedOut };
}
