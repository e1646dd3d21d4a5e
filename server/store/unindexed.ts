// Rows are committed before they join a day's full-text index (store/indexer.ts), so a query that
// the index drives reads the ids above the index's `indexed_through` mark with the filter's
// index-free form. That part is a quarter second of ingest at most: a few thousand rows.
import type { Db, Statement } from './db.ts';
import type { Filter } from './search.ts';

const markStatements = new WeakMap<Db, Statement | 'whole'>();

/** Every row of this day file with an id up to this one is in its full-text index. */
export function indexedThrough(db: Db): number {
  let s = markStatements.get(db);
  if (!s) {
    // In the day file or in the attached index file (store/partitions.ts), whichever has them.
    const tables = new Set((db.prepare("SELECT name FROM pragma_table_list WHERE name IN ('events_fts', 'fts_progress')").all() as { name: string }[]).map((t) => t.name));
    // No index reachable: a read-only reader opened before the day's index file existed. Not
    // remembered: the reader attaches the index as soon as the file exists.
    if (!tables.has('events_fts')) return 0;
    // A file from before day/0004, opened read-only (the counting thread) before any writer
    // migrated it, has no mark: its rows were indexed in the transactions that stored them.
    s = tables.has('fts_progress') ? db.prepare('SELECT indexed_through AS id FROM fts_progress') : 'whole';
    markStatements.set(db, s);
  }
  return s === 'whole' ? Number.MAX_SAFE_INTEGER : (s.get() as { id: number }).id;
}

export interface IdRangePart {
  filter: Filter;
  /** Exclusive bounds. */
  lo: number;
  hi: number;
}

/** The id range (lo, hi) of one day file as the parts to query, oldest first. */
export function splitByIndex(db: Db, filter: Filter, lo: number, hi: number): IdRangePart[] {
  if (filter.fts === undefined) return [{ filter, lo, hi }];
  const mark = indexedThrough(db);
  if (mark >= hi - 1) return [{ filter, lo, hi }];
  if (!filter.unindexed) throw new Error('BUG: an index-driven filter without its index-free form');
  const tail = { filter: filter.unindexed, lo: Math.max(lo, mark), hi };
  return mark <= lo ? [tail] : [{ filter, lo, hi: mark + 1 }, tail];
}
