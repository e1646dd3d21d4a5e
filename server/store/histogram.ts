// Counts of matching events per time bucket (the UI's velocity graph, DESIGN 4 histogram.json).
// A time-only query reads the per-minute counts kept at insert, and a field comparison such as
// `status>=500` the per-minute field counts (store/field-counts.ts); their buckets are then whole
// minutes, aligned to the minute. Any other query, and whatever minutes those counts leave open,
// is counted from the rows hour by hour, within the request's time budget.
import { answerMinutes, rowsFilter } from './field-counts.ts';
import { IDS_PER_MS, idFloorForTime, timeOfId } from './ids.ts';
import { dayOf, dayStartMs, type Partitions } from './partitions.ts';
import type { Filter } from './search.ts';
import { inSnapshot, StatementCache, type Db } from './db.ts';
import { partSql } from './sources.ts';
import { splitParts, type IdRangePart } from './unindexed.ts';

export interface HistogramRequest {
  filter: Filter;
  /** Restrict to these systems (system_id / group_id); undefined = all. */
  systemIds?: readonly number[];
  /** True when the query has no condition beyond systems: minute counts answer it (else `filter.fieldCounts` may). */
  timeOnly: boolean;
  minMs: number;
  maxMs: number;
  /**
   * Exclusive: only events below this id are counted. The viewer counts newer ones itself as its
   * live tail brings them, so that none is counted twice or missed whatever arrives meanwhile.
   */
  maxId?: number;
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

/** Parameters: @lo, @hi (exclusive ids); min ms, bucket width, (match,) the filter's values. */
function bucketSql(db: Db, { filter, sealed }: IdRangePart): string {
  const part = partSql(db, filter, sealed, 'below');
  return `SELECT CAST(((e.id / ${IDS_PER_MS}) - ?) / ? AS INTEGER) AS b, count(*) AS n FROM ${part.from}
          WHERE ${part.range} AND (${filter.where}) GROUP BY b`;
}

export function histogram(partitions: Partitions, req: HistogramRequest): Histogram {
  let { minMs } = req;
  const { maxMs } = req;
  let width = (maxMs - minMs) / req.buckets;
  const plan = req.timeOnly ? undefined : req.filter.fieldCounts;
  const fromMinutes = (req.timeOnly || plan !== undefined) && width >= MINUTE_MS;
  // Minutes before this one come from minute_counts (or field_counts); the rest is counted row by row.
  let wholeMinutesEnd = minMs;
  if (fromMinutes) {
    // Whole-minute buckets that END with the minute holding max_time, so that the newest bucket
    // holds the minute in progress. (Starting them at min_time's minute ended them at the last
    // whole minute: a burst in the current minute was missing from a graph up to now, issue 11.)
    width = Math.ceil(width / MINUTE_MS) * MINUTE_MS;
    minMs = Math.ceil(maxMs / MINUTE_MS) * MINUTE_MS - width * req.buckets;
    wholeMinutesEnd = Math.floor(maxMs / MINUTE_MS) * MINUTE_MS;
    // A minute's kept count holds all of its events: the minute of max_id and later are read row by row.
    if (req.maxId !== undefined) wholeMinutesEnd = Math.min(wholeMinutesEnd, Math.floor(timeOfId(req.maxId) / MINUTE_MS) * MINUTE_MS);
  }
  const counts = new Array<number>(req.buckets).fill(0);
  const add = (startMs: number, n: number) => {
    const b = Math.floor((startMs - minMs) / width);
    if (b >= 0 && b < req.buckets) counts[b]! += n;
  };
  let timedOut = false;
  const days = partitions.days().filter((d) => d >= dayOf(minMs) && d <= dayOf(maxMs - 1)).reverse();
  for (const day of days) {
    const db = partitions.reader(day);
    if (!db) continue;
    const lo = Math.max(minMs, dayStartMs(day));
    const hi = Math.min(maxMs, dayStartMs(day) + DAY_MS);
    /** Counts the matching rows received in [from, to) into their buckets. */
    const countRows = (from: number, to: number) => {
      const [afterId, beforeId] = [idFloorForTime(from) - 1, Math.min(idFloorForTime(to), req.maxId ?? Infinity)];
      if (beforeId <= afterId + 1) return;
      const filter = plan ? rowsFilter(req.filter, afterId, beforeId - 1) : req.filter;
      inSnapshot(db, () => {
        for (const part of splitParts(db, filter, afterId, beforeId)) {
          const statement = statements.get(db, bucketSql(db, part));
          const rows = statement.all({ lo: part.lo, hi: part.hi }, minMs, width, ...(part.filter.fts === undefined ? [] : [part.filter.fts]), ...part.filter.params) as { b: number; n: number }[];
          for (const r of rows) if (r.b >= 0 && r.b < req.buckets) counts[r.b]! += r.n;
        }
      });
    };
    /** [from, to) ranges of ms left to count from the rows, oldest first. */
    const rowRanges: [number, number][] = [];
    let from = lo;
    if (fromMinutes) {
      const to = Math.min(hi, wholeMinutesEnd);
      if (plan) {
        // Minutes the field counts cannot decide (or an older file without them) are read row by row.
        const answer = to > lo ? answerMinutes(db, plan, lo / MINUTE_MS, to / MINUTE_MS) : undefined;
        if (answer) {
          for (const [minute, n] of answer.counts) add(minute * MINUTE_MS, n);
          rowRanges.push(...answer.scan.map(([a, b]): [number, number] => [a * MINUTE_MS, b * MINUTE_MS]));
        } else if (to > lo) rowRanges.push([lo, to]);
      } else {
        const systems = req.systemIds ? ` AND system_id IN (${req.systemIds.map(() => '?').join(',') || 'NULL'})` : '';
        const rows = statements
          .get(db, `SELECT minute, sum(count) AS n FROM minute_counts WHERE minute >= ? AND minute < ?${systems} GROUP BY minute`)
          .all(lo / MINUTE_MS, to / MINUTE_MS, ...(req.systemIds ?? [])) as { minute: number; n: number }[];
        for (const r of rows) add(r.minute * MINUTE_MS, r.n);
      }
      from = Math.max(lo, to); // what is left: the part of max_time's minute before it, at most a minute of rows
    }
    rowRanges.push([from, hi]);
    for (const [a, b] of rowRanges) {
      for (let t = a; t < b && !timedOut; t += SLICE_MS) {
        if (req.now() > req.deadlineMs) timedOut = true;
        else countRows(t, Math.min(b, t + SLICE_MS));
      }
    }
    if (timedOut) break;
  }
  return { buckets: counts.map((count, i) => ({ t: Math.floor((minMs + i * width) / 1000), count })), timedOut };
}
