// Rows are committed before they join a day's full-text index (store/indexer.ts), so a query that
// the index drives reads the ids above the index's `indexed_through` mark with the filter's
// index-free form. That part is 50 ms of ingest and an indexing transaction (store/index-thread.ts):
// a few thousand rows. Below both, the oldest ids of a day are sealed in blocks (store/blocks.ts),
// which are always indexed: a range is cut into up to three parts.
import { sealedThrough } from './blocks.ts';
import type { Db, Statement } from './db.ts';
import type { Filter } from './search.ts';

interface IndexState {
  /** Every row with an id up to this one is in the full-text index. */
  mark: number;
  /** The day file's newest id (0 when it has none). */
  newest: number;
}

// A day whose index holds every row: the tail is empty.
const WHOLE: IndexState = { mark: Number.MAX_SAFE_INTEGER, newest: 0 };
// A reader with no index to reach: every row is in the tail.
const NOTHING_INDEXED: IndexState = { mark: 0, newest: Number.MAX_SAFE_INTEGER };

const stateStatements = new WeakMap<Db, Statement | 'whole'>();

function indexState(db: Db): IndexState {
  let s = stateStatements.get(db);
  if (!s) {
    // In the day file or in the attached index file (store/partitions.ts), whichever has them.
    const tables = new Set((db.prepare("SELECT name FROM pragma_table_list WHERE name IN ('events_fts', 'fts_progress')").all() as { name: string }[]).map((t) => t.name));
    // No index reachable: a read-only reader opened before the day's index file existed. Not
    // remembered: the reader attaches the index as soon as the file exists.
    if (!tables.has('events_fts')) return NOTHING_INDEXED;
    // A file from before day/0004, opened read-only (the counting thread) before any writer
    // migrated it, has no mark: its rows were indexed in the transactions that stored them.
    // Otherwise the mark and the newest id in one statement (a seek on the primary key).
    s = tables.has('fts_progress') ? db.prepare('SELECT indexed_through AS mark, coalesce((SELECT max(id) FROM main.events), 0) AS newest FROM fts_progress') : 'whole';
    stateStatements.set(db, s);
  }
  return s === 'whole' ? WHOLE : (s.get() as IndexState);
}

/** Every row of this day file with an id up to this one is in its full-text index. */
export function indexedThrough(db: Db): number {
  return indexState(db).mark;
}

export interface IdRangePart {
  filter: Filter;
  /** Exclusive bounds. */
  lo: number;
  hi: number;
  /** The ids are in blocks, not in `events` rows (store/sources.ts). */
  sealed: boolean;
}

/** The id range (lo, hi) of one day file as the parts to query, oldest first: sealed, indexed rows, rows not yet indexed. */
export function splitParts(db: Db, filter: Filter, lo: number, hi: number): IdRangePart[] {
  const sealed = sealedThrough(db);
  if (sealed <= lo) return splitByIndex(db, filter, lo, hi, false);
  // Sealed events are indexed, unless the index file is being rebuilt (store/indexer.ts).
  const inBlocks = splitByIndex(db, filter, lo, Math.min(hi, sealed + 1), true);
  return hi <= sealed + 1 ? inBlocks : [...inBlocks, ...splitByIndex(db, filter, sealed, hi, false)];
}

function splitByIndex(db: Db, filter: Filter, lo: number, hi: number, sealed: boolean): IdRangePart[] {
  if (filter.fts === undefined) return [{ filter, lo, hi, sealed }];
  const { mark, newest } = indexState(db);
  // Nothing above the mark (a finished day; an index that keeps up): no statement for the tail.
  // A row committed after this look was committed after the search began.
  if (mark >= hi - 1 || (!sealed && newest <= mark)) return [{ filter, lo, hi, sealed }];
  if (!filter.unindexed) throw new Error('BUG: an index-driven filter without its index-free form');
  const tail = { filter: filter.unindexed, lo: Math.max(lo, mark), hi, sealed };
  return mark <= lo ? [tail] : [{ filter, lo, hi: mark + 1, sealed }, tail];
}
