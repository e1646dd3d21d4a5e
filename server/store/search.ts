// Paged search across day files with Papertrail's min_id/max_id semantics (DESIGN 4): both bounds
// exclusive; the newest matches below max_id, or the oldest above min_id when only min_id is given.
import type { DerivedFields } from '../../shared/api.ts';
import type { Event } from '../../shared/event.ts';
import { toEvent, type EventRow } from './codec.ts';
import { inSnapshot, StatementCache, type Db, type Statement } from './db.ts';
import { IDS_PER_MS, idFloorForTime, timeOfId } from './ids.ts';
import type { FieldCountPlan } from './field-counts.ts';
import { dayOf, dayStartMs, type Partitions } from './partitions.ts';
import { partSql } from './sources.ts';
import { hasBlocks, storedRow } from './blocks.ts';
import type { Systems } from './systems.ts';
import { splitParts } from './unindexed.ts';

/**
 * A compiled query, produced only by store/compile.ts: an optional FTS5 MATCH expression that
 * drives the scan (FTS5 seeks rowid ranges and walks them in either order), and a WHERE clause
 * over `events e` with its bound values.
 */
export interface Filter {
  fts?: string;
  /** Walk the (system_id, id) index: the query is limited to these systems, which send little. */
  bySystem?: readonly number[];
  where: string;
  params: unknown[];
  /** With `fts`: the whole condition without the index, for rows not yet indexed (store/unindexed.ts). */
  unindexed?: Filter;
  /** The query as the per-minute field counts can answer it (counts and histograms; store/field-counts.ts). */
  fieldCounts?: FieldCountPlan;
  /** An FTS5 expression that alone decides the query, for counting without reading rows (a lone word: store/compile.ts). */
  countFts?: string;
}

/** A slice's statement: @lo, @hi (exclusive ids); (match,) the filter's values, limit. */
function sliceSql(db: Db, filter: Filter, sealed: boolean, order: 'ASC' | 'DESC'): string {
  // Rowids grow with ids in both layouts (store/positions.ts): rowid order is id order.
  const part = partSql(db, filter, sealed, 'below');
  return `SELECT e.* FROM ${part.from} WHERE ${part.range} AND (${filter.where}) ORDER BY ${part.order(order)} LIMIT ?`;
}

export interface PageRequest {
  filter: Filter;
  /** Exclusive id bounds, already combined with any time bounds. */
  minId?: number;
  maxId?: number;
  /** Newest first (default) or, when paging forward from min_id, oldest first. */
  direction: 'newest' | 'oldest';
  limit: number;
  deadlineMs: number;
  now: () => number;
  /** 'omit': events carry only the fields their message does not give (search.json's derived_fields). */
  derivedFields?: DerivedFields;
}

export interface Page {
  events: Event[];
  /** The search walked the whole range in its direction. */
  exhausted: boolean;
  /** Stopped because the time budget ran out: cursors say where to continue. */
  timedOut: boolean;
  /** The id the next page in the same direction should start after (exclusive). */
  cursor: number;
  /**
   * The highest id the search covered: the newest event stored below max_id when it looked (never
   * an id not yet given). A follower that found nothing goes on from here (search.json's max_id).
   */
  top: number;
}

export type RowPage = Omit<Page, 'events'> & { rows: EventRow[] };

const DAY_MS = 86_400_000;
const STATEMENTS_MAX = 256; // distinct query shapes kept prepared per day file
// The budget is checked between slices, each sized by how long the last one took: the first is
// one hour of a day, the next one is at least twice as long and as long as SLICE_TARGET_MS of work
// at the last one's pace allows (at most SLICE_GROWTH_MAX times), so a rare word's page costs two
// statements instead of five (1 h, 2 h, 4 h … each 0.08-0.12 ms at 10M lines a day), and a slow
// query still stops near its deadline.
const FIRST_SLICE_MS = 3_600_000;
const SLICE_TARGET_MS = 50;
const SLICE_GROWTH_MAX = 32;

export function timeBoundsToIds(minTimeS?: number, maxTimeS?: number): { minId?: number; maxId?: number } {
  return {
    // received_at >= min_time
    minId: minTimeS === undefined ? undefined : idFloorForTime(minTimeS * 1000) - 1,
    // received_at < max_time + 1 s: the whole max_time second is included
    maxId: maxTimeS === undefined ? undefined : idFloorForTime((maxTimeS + 1) * 1000),
  };
}

/** Where a walk over the day files stands: the cursor to go on from, and the highest id it covered. */
interface Walk {
  cursor: number;
  top: number;
}

const spanStatements = new WeakMap<Db, Statement>();

/**
 * The day file's oldest and newest ids ([1, 0] when it holds none): sealing moves the oldest rows
 * into blocks and keeps the newest as rows (store/sealer.ts), so each end is a seek.
 */
function idSpanOf(db: Db): { oldest: number; newest: number } {
  let s = spanStatements.get(db);
  if (!s) {
    const [firstSealed, lastSealed] = hasBlocks(db) ? ['(SELECT first_id FROM main.blocks ORDER BY block LIMIT 1)', '(SELECT max(last_id) FROM main.blocks)'] : ['NULL', 'NULL'];
    s = db.prepare(`SELECT coalesce(${firstSealed}, (SELECT min(id) FROM main.events), 1) AS oldest, max(coalesce((SELECT max(id) FROM main.events), 0), coalesce(${lastSealed}, 0)) AS newest`);
    spanStatements.set(db, s);
  }
  return s.get() as { oldest: number; newest: number };
}

/** How much longer than the last slice (which took `ms`) the next one may be. */
function nextSliceGrowth(ms: number): number {
  return Math.min(SLICE_GROWTH_MAX, Math.max(2, SLICE_TARGET_MS / ms));
}

export class Searcher {
  constructor(
    private readonly partitions: Partitions,
    private readonly systems: Systems,
  ) {}

  private readonly statements = new StatementCache(STATEMENTS_MAX);

  page(req: PageRequest): Page {
    const { rows, ...rest } = this.rows(req);
    return { events: rows.map((r) => toEvent(r, this.systems.nameOf(r.system_id), req.derivedFields)), ...rest };
  }

  /** As page(), the stored rows without making Events of them (facets count over thousands). */
  rows(req: PageRequest): RowPage {
    const lo = req.minId ?? -1;
    const hi = req.maxId ?? Number.MAX_SAFE_INTEGER;
    if (req.limit <= 0) return { rows: [], exhausted: false, timedOut: false, cursor: req.direction === 'newest' ? hi : lo, top: Math.max(lo, 0) };
    const loDay = lo < 0 ? '0000-00-00' : dayOf(timeOfId(lo));
    const hiDay = hi === Number.MAX_SAFE_INTEGER ? '9999-99-99' : dayOf(timeOfId(hi));
    let days = this.partitions.days().filter((d) => d >= loDay && d <= hiDay);
    if (req.direction === 'oldest') days = days.reverse();
    const found: EventRow[] = [];
    const walk: Walk = { cursor: req.direction === 'newest' ? hi : lo, top: Math.max(lo, 0) };
    for (const day of days) {
      const db = this.partitions.reader(day);
      if (!db) continue;
      const done = inSnapshot(db, () => this.rowsOfDay(db, day, req, lo, hi, found, walk));
      if (done) return done;
    }
    return this.finish(found, true, false, walk);
  }

  /** rows() in one day file, read as one snapshot: the finished page, or undefined with `walk` moved on. */
  private rowsOfDay(db: Db, day: string, req: PageRequest, lo: number, hi: number, found: EventRow[], walk: Walk): RowPage | undefined {
    const newest = req.direction === 'newest';
    // The ids the day holds in this snapshot, not its whole 24 hours: a forward page that found
    // nothing hands out its cursor as the next min_id, which must not pass ids yet to come; and
    // slices spent on the hours of a young day that hold nothing are statements saved.
    const held = idSpanOf(db);
    const dayLo = Math.max(lo, idFloorForTime(dayStartMs(day)) - 1, held.oldest - 1);
    const dayHi = Math.min(hi, idFloorForTime(dayStartMs(day) + DAY_MS), held.newest + 1);
    walk.top = Math.max(walk.top, dayHi - 1);
    const parts = splitParts(db, req.filter, dayLo, dayHi);
    if (newest) parts.reverse();
    for (const part of parts) {
      const statement = this.statements.get(db, sliceSql(db, part.filter, part.sealed, newest ? 'DESC' : 'ASC'));
      const head = part.filter.fts === undefined ? [] : [part.filter.fts];
      // The part's id range, walked in slices sized by the last one's time (SLICE_TARGET_MS): a
      // slow query stops at the deadline with a cursor, a rare one costs few statements.
      let { lo: from, hi: to } = part;
      for (let span = FIRST_SLICE_MS * IDS_PER_MS; from < to - 1; ) {
        if (req.now() > req.deadlineMs) return this.finish(found, false, true, walk);
        const sliceLo = newest ? Math.max(from, to - span) : from;
        const sliceHi = newest ? to : Math.min(to, from + span);
        const started = performance.now();
        const rows = statement.all({ lo: sliceLo, hi: sliceHi }, ...head, ...part.filter.params, req.limit - found.length) as EventRow[];
        span *= nextSliceGrowth(performance.now() - started);
        found.push(...rows);
        if (found.length >= req.limit) return this.finish(found, false, false, { cursor: Number(found[found.length - 1]!.id), top: walk.top });
        walk.cursor = newest ? sliceLo + 1 : sliceHi - 1;
        if (newest) to = sliceLo + 1;
        else from = sliceHi - 1;
      }
    }
    return undefined;
  }

  private finish(rows: EventRow[], exhausted: boolean, timedOut: boolean, walk: Walk): RowPage {
    rows.sort((a, b) => a.id - b.id);
    return { rows, exhausted, timedOut, cursor: walk.cursor, top: walk.top };
  }

  /**
   * The events around one event from the same system (DESIGN 4 context.json), across day files.
   * Undefined when the event does not exist.
   */
  context(id: number, before: number, after: number, now: () => number): { target: Event; before: Page; after: Page } | undefined {
    const target = this.byId(id);
    if (!target) return undefined;
    const filter: Filter = { where: 'e.system_id = ?', params: [target.source_id] };
    const deadlineMs = now() + 5000;
    return {
      target,
      before: this.page({ filter, maxId: id, direction: 'newest', limit: before, deadlineMs, now }),
      after: this.page({ filter, minId: id, direction: 'oldest', limit: after, deadlineMs, now }),
    };
  }

  /** A system's first and newest event received at or after `sinceMs` (a drain's, since it was made). */
  systemEnds(systemId: number, sinceMs: number, now: () => number): { first: Event; newest: Event } | undefined {
    const filter: Filter = { where: 'e.system_id = ?', params: [systemId], bySystem: [systemId] };
    const deadlineMs = now() + 5000;
    const end = (direction: 'oldest' | 'newest') => this.page({ filter, minId: idFloorForTime(sinceMs) - 1, direction, limit: 1, deadlineMs, now }).events[0];
    const first = end('oldest');
    return first && { first, newest: end('newest') ?? first };
  }

  byId(id: number): Event | undefined {
    const db = this.partitions.reader(dayOf(timeOfId(id)));
    const row = db && storedRow(db, id);
    return row ? toEvent(row, this.systems.nameOf(row.system_id)) : undefined;
  }
}
